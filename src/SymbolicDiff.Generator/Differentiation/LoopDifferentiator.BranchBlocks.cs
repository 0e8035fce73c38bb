using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// The backward steps of a flattened <c>if</c>, put back under it. The parser flattens an <c>if</c> into guarded
/// statements, and each partial of a guarded statement is guarded the same way: bundle adjustment's Rodrigues branch
/// gave some forty lines of <c>dTotal_dpx += branch ? dTotal_dxCam * cosTheta : 0.0;</c>, each testing the branch
/// again, and <c>dTotal_dxCam *= branch ? 0.0 : 1.0;</c> for each overwrite, on every observation (about 6 % of the
/// gradient's time where the hand-written adjoint has one <c>if</c>/<c>else</c>). Here a run of consecutive backward
/// steps guarded by the same recorded branch, or by its negation (<c>branch ? e : 0.0</c> added or declared,
/// <c>branch ? 0.0 : 1.0</c> multiplied, <c>if (branch) …</c>), at least one of them an update, becomes one
/// <c>if (branch) { … }</c> (or <c>if (!branch)</c>) with the branch folded to its value inside: <c>dTotal_dpx +=
/// dTotal_dxCam * cosTheta;</c>, <c>dTotal_dxCam = 0.0;</c>. A step declared in the run is declared 0 just before the
/// <c>if</c> and set inside it.
/// <para>
/// Why that is exact. A recorded branch (<c>bool branch = …</c>) is never assigned again, and the run's steps write only
/// real adjoints, so the branch has the same value at each of them and at the <c>if</c>. Where it holds, each step does
/// inside the <c>if</c> what it did before (<c>true ? e : 0.0</c> is e); where it does not, each did nothing (added 0,
/// multiplied by 1, declared 0, skipped its <c>if</c>) and is skipped, the declared ones left at the 0 they were declared
/// with. An overwrite's <c>adj *= 0.0</c> becomes <c>adj = 0.0</c>, as an unguarded overwrite writes it, so an infinite
/// adjoint no longer turns into NaN there. Comment lines quoting the user's statement go inside with the steps they head,
/// quoting it as written inside the branch. Forward statements are left as they are: declarations alone are not a run
/// (they need an update), and a guarded assignment (<c>if (branch) xCam = …</c>) is not a backward step.
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary><paramref name="statements"/> with each run of backward steps guarded by one recorded branch put under an <c>if</c>; nested blocks too.</summary>
    private List<Statement> BranchBlocks(IEnumerable<Statement> statements)
    {
        var input = statements.Select(Nested).ToList();
        var result = new List<Statement>();
        for (int i = 0; i < input.Count; i++)
        {
            if (RunLiteral(input[i]) is not { } literal || RunEnd(input, i, literal) is not { } end)
            {
                result.Add(input[i]);
                continue;
            }

            // The comment lines just before the run quote its first statement: they go inside with it.
            int headed = result.Count;
            while (headed > 0 && result[headed - 1] is CommentLine { Comment: { } comment } && comment.Parts.Any(part => part is QuotedStatement))
            {
                headed--;
            }

            var run = result.Skip(headed).Concat(input.Skip(i).Take(end - i + 1)).ToList();
            result.RemoveRange(headed, result.Count - headed);
            var (name, value) = literal;
            var inside = new List<Statement>();
            foreach (var folded in BranchRuns.AssumingTaken(run, name, value))
            {
                switch (folded)
                {
                    case DeclareReal declaration:
                        result.Add(new DeclareReal(declaration.Name, Constant.Zero));
                        inside.Add(new UpdateReal(new Variable(declaration.Name), UpdateOperator.Set, declaration.Value) { Comment = declaration.Comment });
                        break;
                    case IfStatement { Condition: BoolConstant { Value: true } } taken:
                        inside.AddRange(taken.Then);
                        break;
                    case UpdateReal { Operator: UpdateOperator.Add or UpdateOperator.Subtract, Value: Negate negated } update:
                        // e += -(a) reads as e -= a once no conditional stands between.
                        inside.Add(update with { Operator = update.Operator == UpdateOperator.Add ? UpdateOperator.Subtract : UpdateOperator.Add, Value = negated.Operand });
                        break;
                    default:
                        inside.Add(folded);
                        break;
                }
            }

            var condition = value ? (Expr)new Variable(name) : new Not(new Variable(name));
            result.Add(new IfStatement(condition, BranchBlocks(inside).ToEquatableArray()));
            i = end;
        }

        return result;
    }

    /// <summary>A loop's body and an <c>if</c>'s statements, grouped in turn.</summary>
    private Statement Nested(Statement statement) => statement switch
    {
        ForLoop loop => loop with { Body = BranchBlocks(loop.Body).ToEquatableArray() },
        IfStatement guarded => guarded with { Then = BranchBlocks(guarded.Then).ToEquatableArray() },
        _ => statement,
    };

    /// <summary>
    /// The index of the last step of the run that starts at <paramref name="start"/> under <paramref name="literal"/>
    /// (comment lines may stand between its steps), or null where the run has fewer than two steps or no update.
    /// </summary>
    private int? RunEnd(List<Statement> statements, int start, (string Name, bool Value) literal)
    {
        int end = start, steps = 0;
        bool updates = false;
        for (int j = start; j < statements.Count; j++)
        {
            if (statements[j] is CommentLine)
            {
                continue;
            }

            if (GuardOf(statements[j]) is not { } guard || !Implies(guard, literal))
            {
                break;
            }

            end = j;
            steps++;
            updates |= statements[j] is UpdateReal || statements[j] is IfStatement { Then: var then } && then.All(inner => inner is UpdateReal);
        }

        return steps >= 2 && updates ? end : null;
    }

    /// <summary>The recorded branch, or its negation, that a backward step's guard tests first; null for any other statement.</summary>
    private (string Name, bool Value)? RunLiteral(Statement statement) =>
        GuardOf(statement) is { } guard ? Literals(guard).Cast<(string, bool)?>().FirstOrDefault() : null;

    /// <summary>
    /// The condition under which a backward step does something: <c>c ? e : 0.0</c> added, subtracted or declared,
    /// <c>c ? 0.0 : 1.0</c> multiplied, <c>if (c)</c>; null for any other statement.
    /// </summary>
    private static Expr? GuardOf(Statement statement) => statement switch
    {
        UpdateReal { Operator: UpdateOperator.Add or UpdateOperator.Subtract, Value: Conditional { WhenFalse: Constant { IsZero: true } } added } => added.Condition,
        UpdateReal { Operator: UpdateOperator.Multiply, Value: Conditional { WhenTrue: Constant { IsZero: true }, WhenFalse: Constant { Value: 1 } } scaled } => scaled.Condition,
        DeclareReal { Value: Conditional { WhenFalse: Constant { IsZero: true } } declared } => declared.Condition,
        IfStatement guarded => guarded.Condition,
        _ => null,
    };

    /// <summary>The recorded branches a condition requires, each with the value it requires: the conjuncts <c>branch</c> and <c>!branch</c>.</summary>
    private IEnumerable<(string Name, bool Value)> Literals(Expr condition) => condition switch
    {
        Variable { Name: var name } when _index.Bools.Contains(name) => new[] { (name, true) },
        Not { Operand: Variable { Name: var name } } when _index.Bools.Contains(name) => new[] { (name, false) },
        Logical { Operator: LogicalOperator.And } both => Literals(both.Left).Concat(Literals(both.Right)),
        _ => Enumerable.Empty<(string, bool)>(),
    };

    private bool Implies(Expr condition, (string Name, bool Value) literal) => Literals(condition).Contains(literal);
}
