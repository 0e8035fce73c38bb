using System;
using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Analysis;
using SymbolicDiff.Generator.Model;
using static SymbolicDiff.Generator.Differentiation.Simplifier;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>Statements <paramref name="Start"/> to <paramref name="End"/> (inclusive) of a block, each a no-op where <paramref name="Branch"/> is false.</summary>
internal sealed record GuardedRun(string Branch, int Start, int End, EquatableArray<Statement> Statements);

/// <summary>
/// Which runs of a flattened block can be put back under their <c>if</c>: the one analysis the reverse transform
/// (<c>LoopDifferentiator.Branches.cs</c>, which argues why that is exact) and forward mode share. A run is a sequence
/// of statements that all change nothing where a recorded branch is false, one of them a loop; inside
/// <c>if (branch) { … }</c> every test of the branch is true, and <see cref="AssumingTaken(IEnumerable{Statement}, string)"/>
/// folds it away.
/// </summary>
internal sealed class BranchRuns
{
    private readonly ProgramIndex _index;
    private Dictionary<string, Expr>? _conditions;

    public BranchRuns(ProgramIndex index) => _index = index;

    /// <summary>
    /// The runs of <paramref name="statements"/> that hold a loop, each under the innermost branch declared in this block
    /// that guards it and that <paramref name="usable"/> accepts (the backward sweep must have its recorded value there).
    /// </summary>
    public List<GuardedRun> Find(EquatableArray<Statement> statements, Func<string, bool> usable)
    {
        var runs = new List<GuardedRun>();
        var declared = new List<string>();
        string? branch = null;
        int start = -1;

        void Close(int end)
        {
            if (branch is not null && Enumerable.Range(start, end - start + 1).Any(i => statements[i] is ForLoop))
            {
                runs.Add(new GuardedRun(branch, start, end, statements.Skip(start).Take(end - start + 1).ToEquatableArray()));
            }

            branch = null;
        }

        for (int i = 0; i < statements.Count; i++)
        {
            var statement = statements[i];
            if (branch is not null && GuardedBy(statement, branch))
            {
                continue;
            }

            Close(i - 1);
            if (statement is DeclareBool declaration)
            {
                declared.Add(declaration.Name);
                continue;
            }

            // The innermost recorded branch declared in this block that the statement is guarded by: the last declared.
            for (int d = declared.Count - 1; d >= 0; d--)
            {
                if (usable(declared[d]) && GuardedBy(statement, declared[d]))
                {
                    branch = declared[d];
                    start = i;
                    break;
                }
            }
        }

        Close(statements.Count - 1);
        return runs;
    }

    /// <summary>Whether running <paramref name="statement"/> changes nothing outside it where <paramref name="branch"/> is false.</summary>
    private bool GuardedBy(Statement statement, string branch)
    {
        switch (statement)
        {
            case AssignReal assign:
                return assign.Value is Conditional { Condition: var guard, WhenFalse: var unchanged } && unchanged.Equals(assign.Target) && Implies(guard, branch, 0);
            case StepInteger step:
                return step.Guard is { } stepGuard && Implies(stepGuard, branch, 0);
            case ForLoop loop:
                // Its own locals (counters, declarations, their assignments) vanish with it; every other change is guarded.
                var inside = new HashSet<string>(StatementFacts.DeclaredNames(loop.Body)) { loop.Counter };
                return StatementFacts.Flatten(loop.Body).All(inner => inner switch
                {
                    DeclareReal or DeclareInteger or DeclareBool => true,
                    AssignReal assign => inside.Contains(StatementFacts.TargetName(assign.Target)) && assign.Target is Variable || GuardedBy(assign, branch),
                    StepInteger step => inside.Contains(step.Name) || GuardedBy(step, branch),
                    ForLoop => true,
                    _ => false,
                });
            default:
                return false;
        }
    }

    /// <summary>Whether <paramref name="guard"/> being true means the recorded <paramref name="branch"/> is.</summary>
    private bool Implies(Expr guard, string branch, int depth)
    {
        _conditions ??= _index.Statements.OfType<DeclareBool>().GroupBy(d => d.Name).ToDictionary(g => g.Key, g => g.First().Condition);
        return depth < 32 && guard switch
        {
            Variable { Name: var name } when name == branch => true,
            Variable { Name: var name } => _conditions.TryGetValue(name, out var condition) && Implies(condition, branch, depth + 1),
            Logical { Operator: LogicalOperator.And } both => Implies(both.Left, branch, depth + 1) || Implies(both.Right, branch, depth + 1),
            _ => false,
        };
    }

    /// <summary>
    /// Statements inside <c>if (branch)</c>: every test of the branch is true there, and folded away; with
    /// <paramref name="value"/> false, inside <c>if (!branch)</c>, where every test of it is false.
    /// </summary>
    public static List<Statement> AssumingTaken(IEnumerable<Statement> statements, string branch, bool value = true) =>
        statements.Select(statement => AssumingTaken(statement, branch, value)).ToList();

    private static Statement AssumingTaken(Statement statement, string branch, bool value)
    {
        var folded = FoldedStatement(statement, branch, value);

        // A backward step's comment quotes the user's statement: inside the branch, as the user wrote it there.
        return folded.Comment is { } comment && comment.Parts.Any(part => part is QuotedStatement)
            ? folded with
            {
                Comment = new Comment(comment.Parts.Select(part => part is QuotedStatement quoted ? new QuotedStatement(FoldedStatement(quoted.Statement, branch, value)) : part).ToEquatableArray()),
            }
            : folded;
    }

    private static Statement FoldedStatement(Statement statement, string branch, bool value)
    {
        Expr Fold(Expr expression) => ExpressionFacts.Variables(expression).Contains(branch)
            ? Simplify(ExpressionFacts.Rewrite(expression, node => node is Variable { Name: var name } && name == branch ? new BoolConstant(value) : null))
            : expression;

        switch (statement)
        {
            case ForLoop loop:
                return loop with { From = Fold(loop.From), To = Fold(loop.To), While = loop.While is null ? null : Fold(loop.While), Body = AssumingTaken(loop.Body, branch, value).ToEquatableArray() };
            case IfStatement guarded:
                var condition = Fold(guarded.Condition);
                var then = AssumingTaken(guarded.Then, branch, value).ToEquatableArray();
                return guarded with { Condition = condition, Then = then };
            case StepInteger step:
                var stepGuard = step.Guard is null ? null : Fold(step.Guard);
                return step with { Delta = Fold(step.Delta), Guard = stepGuard is BoolConstant { Value: true } ? null : stepGuard };
            case DeclareInteger integer:
                return integer with { Value = Fold(integer.Value) };
            default:
                var folded = StatementFacts.RewriteExpressions(statement, Fold);

                // adj *= (branch ? 0 : 1), the partial of an overwrite, is adj = 0 where the branch is taken (or !branch where it is not).
                return folded is UpdateReal { Operator: UpdateOperator.Multiply, Value: Constant { IsZero: true } } cleared
                    ? cleared with { Operator = UpdateOperator.Set }
                    : folded;
        }
    }
}
