using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// Statements under one branch, put back under one <c>if</c>: the one pass that does it, over every program Emit prints
/// (gradient sweeps, straight-line, forward mode, Jacobian product, Hessian; <see cref="Apply(GradientProgram)"/>). The
/// parser flattens an <c>if</c> into guarded statements, and each partial of a guarded statement is guarded the same
/// way: bundle adjustment's Rodrigues branch gave some forty lines of <c>dTotal_dpx += branch ? dTotal_dxCam * cosTheta :
/// 0.0;</c>, each testing the branch again, and <c>dTotal_dxCam *= branch ? 0.0 : 1.0;</c> for each overwrite, on every
/// observation, where the hand-written adjoint has one <c>if</c>/<c>else</c>. Here a run of consecutive statements guarded
/// by the same bool local, or by its negation, becomes one <c>if (branch) { … }</c> (or <c>if (!branch)</c>) with the
/// branch folded to its value inside. Guarded means: <c>branch ? e : 0.0</c> added, subtracted or declared,
/// <c>branch ? 0.0 : 1.0</c> multiplied, <c>x = branch ? e : x</c>, an integer step or assignment under the branch, or
/// <c>if (branch) …</c>. Inside, <c>dTotal_dpx += dTotal_dxCam * cosTheta;</c>, <c>dTotal_dxCam = 0.0;</c>, <c>x = e;</c>.
/// A real declared in the run is declared 0 just before the <c>if</c> and set inside it; a run needs at least two steps,
/// one of them not such a declaration.
/// <para>
/// Why that is exact. The run's steps do not write the branch's local (a bool is declared once and never assigned; a
/// statement that writes it ends the run), so the branch has the same value at each of them and at the <c>if</c>. Where
/// it holds, each step does inside the <c>if</c> what it did before (<c>true ? e : 0.0</c> is e); where it does not, each
/// did nothing (added 0, multiplied by 1, kept its value, declared 0, skipped its <c>if</c>) and is skipped, the declared
/// ones left at the 0 they were declared with. An overwrite's <c>adj *= 0.0</c> becomes <c>adj = 0.0</c>, as an
/// unguarded overwrite writes it, so an infinite adjoint no longer turns into NaN there. Comment lines quoting the
/// user's statement go inside with the steps they head, quoting it as written inside the branch. The pass needs nothing
/// of the transform that made the program: which locals are bools it reads off the conditions themselves.
/// </para>
/// </summary>
internal static class BranchBlocks
{
    /// <summary>Every body of <paramref name="program"/> that Emit prints, with its runs under one branch put under one <c>if</c>.</summary>
    public static GradientProgram Apply(GradientProgram program) => ProgramBodies.Map(program, body => Apply(body).ToEquatableArray());

    /// <summary><paramref name="statements"/> with each run guarded by one branch put under an <c>if</c>; nested blocks too.</summary>
    public static List<Statement> Apply(IEnumerable<Statement> statements)
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
                        // The if's own comment goes with its statement, where that has none.
                        inside.AddRange(taken.Then.Select((inner, k) => k == 0 && inner.Comment is null && taken.Comment is not null ? inner with { Comment = taken.Comment } : inner));
                        break;
                    case UpdateReal { Operator: UpdateOperator.Add or UpdateOperator.Subtract, Value: Negate negated } update:
                        // e += -(a) reads as e -= a once no conditional stands between.
                        inside.Add(update with { Operator = update.Operator == UpdateOperator.Add ? UpdateOperator.Subtract : UpdateOperator.Add, Value = negated.Operand });
                        break;
                    case AssignInteger { Guard: not null } assign:
                        inside.Add(assign with { Guard = null }); // its guard is the literal itself (GuardOf)
                        break;
                    default:
                        inside.Add(folded);
                        break;
                }
            }

            var condition = value ? (Expr)new Variable(name) : new Not(new Variable(name));
            result.Add(new IfStatement(condition, Apply(inside).ToEquatableArray()));
            i = end;
        }

        return result;
    }

    /// <summary>A loop's body and an <c>if</c>'s statements, grouped in turn.</summary>
    private static Statement Nested(Statement statement) => statement switch
    {
        ForLoop loop => loop with { Body = Apply(loop.Body).ToEquatableArray() },
        IfStatement guarded => guarded with { Then = Apply(guarded.Then).ToEquatableArray() },
        _ => statement,
    };

    /// <summary>
    /// The index of the last step of the run that starts at <paramref name="start"/> under <paramref name="literal"/>
    /// (comment lines may stand between its steps), or null where the run has fewer than two steps, or only declarations.
    /// </summary>
    private static int? RunEnd(List<Statement> statements, int start, (string Name, bool Value) literal)
    {
        int end = start, steps = 0;
        bool acts = false;
        for (int j = start; j < statements.Count; j++)
        {
            if (statements[j] is CommentLine)
            {
                continue;
            }

            if (GuardOf(statements[j]) is not { } guard || !Literals(guard).Contains(literal) || Writes(statements[j], literal.Name))
            {
                break;
            }

            end = j;
            steps++;
            acts |= statements[j] is not DeclareReal;
        }

        return steps >= 2 && acts ? end : null;
    }

    /// <summary>The bool local, or its negation, that a guarded statement's guard tests first; null for any other statement.</summary>
    private static (string Name, bool Value)? RunLiteral(Statement statement) =>
        GuardOf(statement) is { } guard ? Literals(guard).Cast<(string, bool)?>().FirstOrDefault() : null;

    /// <summary>
    /// The condition under which a statement does something: <c>c ? e : 0.0</c> added, subtracted or declared,
    /// <c>c ? 0.0 : 1.0</c> multiplied, <c>x = c ? e : x</c>, an integer step under c, an integer assignment under a bool
    /// local (or its negation) alone, <c>if (c)</c>; null for any other statement.
    /// </summary>
    private static Expr? GuardOf(Statement statement) => statement switch
    {
        UpdateReal { Operator: UpdateOperator.Add or UpdateOperator.Subtract, Value: Conditional { WhenFalse: Constant { IsZero: true } } added } => added.Condition,
        UpdateReal { Operator: UpdateOperator.Multiply, Value: Conditional { WhenTrue: Constant { IsZero: true }, WhenFalse: Constant { Value: 1 } } scaled } => scaled.Condition,
        DeclareReal { Value: Conditional { WhenFalse: Constant { IsZero: true } } declared } => declared.Condition,
        AssignReal { Value: Conditional { WhenFalse: var unchanged } kept } assign when unchanged.Equals(assign.Target) => kept.Condition,
        StepInteger { Guard: { } guard } => guard,
        AssignInteger { Guard: Variable or Not { Operand: Variable } } assign => assign.Guard,
        IfStatement guarded => guarded.Condition,
        _ => null,
    };

    /// <summary>The bool locals a condition requires, each with the value it requires: the conjuncts <c>branch</c> and <c>!branch</c>.</summary>
    private static IEnumerable<(string Name, bool Value)> Literals(Expr condition) => condition switch
    {
        Variable { Name: var name } => new[] { (name, true) },
        Not { Operand: Variable { Name: var name } } => new[] { (name, false) },
        Logical { Operator: LogicalOperator.And } both => Literals(both.Left).Concat(Literals(both.Right)),
        _ => Enumerable.Empty<(string, bool)>(),
    };

    /// <summary>Whether <paramref name="statement"/> (or one nested in it) writes or declares the local <paramref name="name"/>.</summary>
    private static bool Writes(Statement statement, string name) => StatementFacts.Flatten(new[] { statement }).Any(inner => inner switch
    {
        AssignReal { Target: Variable target } => target.Name == name,
        UpdateReal { Target: Variable target } => target.Name == name,
        StepInteger step => step.Name == name,
        AssignInteger assign => assign.Name == name,
        DeclareBool declared => declared.Name == name,
        _ => false,
    });
}
