using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;
using static SymbolicDiff.Generator.Differentiation.Simplifier;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// A branch around a loop stays a branch. The parser flattens an <c>if</c> into guarded statements
/// (<c>v = branch ? e : v</c>), which costs nothing for a few assignments but, around a loop, runs that loop (and saves
/// its values) even where the branch is not taken: the determinant by minors ran its column loop for every subset at
/// every row. Here a run of statements that all change nothing where a recorded <c>branch</c> is false, one of them a
/// loop, is put back under <c>if (branch) { … }</c>, in the forward sweep and in the backward sweep alike, with the
/// branch taken as true inside.
/// <para>
/// Why that is exact. Skipped where the branch is false, the run changes nothing, so the forward sweep computes the same
/// values. Its saves and restores are paired statement by statement (a value saved before an assignment is restored at
/// that assignment's backward step; one saved at the end of an iteration, at the start of that iteration's backward
/// step), and the run's statements sit in the same branch in both sweeps, so the saved-value stack stays balanced. The
/// backward sweep tests the same recorded value: the branch is declared in the same block before the run, and is in
/// scope there (the method's top level, an iteration differentiated in place) or restored at the start of the
/// backward iteration (it is saved at the end of each forward one because the guarded partials read it). Declarations
/// stay outside the branch, where the flattened code has them (0 where the branch is not taken), so every later read
/// still sees them.
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>Statements <paramref name="Start"/> to <paramref name="End"/> (inclusive) of a block, each a no-op where <paramref name="Branch"/> is false.</summary>
    private sealed record GuardedRun(string Branch, int Start, int End, EquatableArray<Statement> Statements);

    private Dictionary<string, Expr>? _branchConditions;

    /// <summary>
    /// The loop whose iterations are differentiated in place (<see cref="RunFused"/>): its locals, branches included, are
    /// still in scope in its backward sweep; null where there is none.
    /// </summary>
    private ForLoop? _fusedLoop;

    /// <summary>The runs of <paramref name="statements"/> to put back under their branch: those that hold a loop.</summary>
    private List<GuardedRun> GuardedRuns(EquatableArray<Statement> statements)
    {
        var runs = new List<GuardedRun>();
        var declared = new HashSet<string>();
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

            // The innermost recorded branch declared in this block that the statement is guarded by.
            foreach (string candidate in declared.Where(KnownInBackwardSweep).OrderByDescending(name => _index.Position(DeclarationOf(name))))
            {
                if (GuardedBy(statement, candidate))
                {
                    branch = candidate;
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
                    AssignReal assign => inside.Contains(TargetName(assign.Target)) && assign.Target is Variable || GuardedBy(assign, branch),
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
        _branchConditions ??= _index.Statements.OfType<DeclareBool>().GroupBy(d => d.Name).ToDictionary(g => g.Key, g => g.First().Condition);
        return depth < 32 && guard switch
        {
            Variable { Name: var name } when name == branch => true,
            Variable { Name: var name } => _branchConditions.TryGetValue(name, out var condition) && Implies(condition, branch, depth + 1),
            Logical { Operator: LogicalOperator.And } both => Implies(both.Left, branch, depth + 1) || Implies(both.Right, branch, depth + 1),
            _ => false,
        };
    }

    /// <summary>The branches the backward loop computes again instead of restoring (<see cref="RecomputeIntegerBranches"/>).</summary>
    private readonly HashSet<string> _recomputedBranches = new();

    /// <summary>
    /// A branch recorded in a loop's body from integer code only (<c>set / powersOfTwo[column] % 2 == 1</c>: counters,
    /// integer parameters and locals that no step changes, index tables, and branches the backward sweep has) is computed
    /// again at the start of the backward iteration, as the body's integer locals are, instead of saved at the end of
    /// each forward iteration: the same integers give the same bool.
    /// </summary>
    private void RecomputeIntegerBranches()
    {
        var stepped = new HashSet<string>(_index.Statements.OfType<StepInteger>().Select(step => step.Name));
        var integerNames = new HashSet<string>(_index.Statements.OfType<DeclareInteger>().Select(d => d.Name).Where(name => !stepped.Contains(name)));
        integerNames.UnionWith(_index.Statements.OfType<DeclareIndexTable>().Select(table => table.Name));
        integerNames.UnionWith(_method.Parameters.Where(p => !p.IsVector && p.TypeName != _real && !p.IsDifferentiated).Select(p => p.Name));
        var restored = new HashSet<string>(SavedAtEnd.Values.SelectMany(names => names).Where(_index.Bools.Contains));
        foreach (var pair in SavedAtEnd.ToList())
        {
            var loop = pair.Key;
            var counters = new HashSet<string>(_index.Enclosing(loop).Select(outer => outer.Counter)) { loop.Counter };
            foreach (var declaration in loop.Body.OfType<DeclareBool>().Where(d => pair.Value.Contains(d.Name)))
            {
                bool fromIntegers = ExpressionFacts.Variables(declaration.Condition).All(name =>
                    counters.Contains(name) || integerNames.Contains(name) ||
                    name != declaration.Name && _index.Bools.Contains(name) && (restored.Contains(name) || _index.TryGetScope(name, out var scope) && scope is null));
                if (fromIntegers && !ExpressionFacts.Nodes(declaration.Condition).Any(node => node is Element { Vector: var vector } && !integerNames.Contains(vector)))
                {
                    pair.Value.Remove(declaration.Name);
                    _recomputedBranches.Add(declaration.Name);
                }
            }

            if (pair.Value.Count == 0)
            {
                SavedAtEnd.Remove(loop);
            }
        }
    }

    /// <summary>Whether the backward sweep has the branch's recorded value where it meets the run.</summary>
    private bool KnownInBackwardSweep(string branch)
    {
        if (_recomputedBranches.Contains(branch))
        {
            return true;
        }

        if (!_index.TryGetScope(branch, out var scope) || scope is null || ReferenceEquals(scope, _fusedLoop))
        {
            return _index.Bools.Contains(branch);
        }

        return SavedAtEnd.TryGetValue(scope, out var saved) && saved.Contains(branch);
    }

    private Statement DeclarationOf(string branch) => _index.Statements.First(s => s is DeclareBool declaration && declaration.Name == branch);

    /// <summary>The forward sweep of a run: its statements under <c>if (branch)</c>, the branch true inside.</summary>
    private IfStatement ForwardRun(GuardedRun run) =>
        new(new Variable(run.Branch), AssumingTaken(Forward(run.Statements), run.Branch).ToEquatableArray());

    /// <summary>The backward sweep of a run, as one line: its statements' backward steps under the same branch.</summary>
    private BackwardLine? BackwardRun(GuardedRun run)
    {
        var inner = BackwardBlock(run.Statements);
        if (inner.Count == 0)
        {
            return null;
        }

        // The adjoints of the block's locals are declared outside (0 at the top of the block), so inside every
        // contribution adds.
        var statements = AssumingTaken(DeclareAdjointStatements(inner, new List<string>()), run.Branch);
        var line = new BackwardLine(new IfStatement(new Variable(run.Branch), statements.ToEquatableArray()));
        line.Mentions.UnionWith(inner.SelectMany(l => l.Mentions));
        line.Mentions.Add(run.Branch);
        return line;
    }

    /// <summary>Statements inside <c>if (branch)</c>: every test of the branch is true there, and folded away.</summary>
    private static List<Statement> AssumingTaken(IEnumerable<Statement> statements, string branch) =>
        statements.Select(statement => AssumingTaken(statement, branch)).ToList();

    private static Statement AssumingTaken(Statement statement, string branch)
    {
        var folded = FoldedStatement(statement, branch);

        // A backward step's comment quotes the user's statement: inside the branch, as the user wrote it there.
        return folded.Comment is { } comment && comment.Parts.Any(part => part is QuotedStatement)
            ? folded with
            {
                Comment = new Comment(comment.Parts.Select(part => part is QuotedStatement quoted ? new QuotedStatement(FoldedStatement(quoted.Statement, branch)) : part).ToEquatableArray()),
            }
            : folded;
    }

    private static Statement FoldedStatement(Statement statement, string branch)
    {
        Expr Fold(Expr expression) => ExpressionFacts.Variables(expression).Contains(branch)
            ? Simplify(ExpressionFacts.Rewrite(expression, node => node is Variable { Name: var name } && name == branch ? new BoolConstant(true) : null))
            : expression;

        switch (statement)
        {
            case ForLoop loop:
                return loop with { From = Fold(loop.From), To = Fold(loop.To), While = loop.While is null ? null : Fold(loop.While), Body = AssumingTaken(loop.Body, branch).ToEquatableArray() };
            case IfStatement guarded:
                var condition = Fold(guarded.Condition);
                var then = AssumingTaken(guarded.Then, branch).ToEquatableArray();
                return guarded with { Condition = condition, Then = then };
            case StepInteger step:
                var stepGuard = step.Guard is null ? null : Fold(step.Guard);
                return step with { Delta = Fold(step.Delta), Guard = stepGuard is BoolConstant { Value: true } ? null : stepGuard };
            case DeclareInteger integer:
                return integer with { Value = Fold(integer.Value) };
            default:
                var folded = StatementFacts.RewriteExpressions(statement, Fold);

                // adj *= (branch ? 0 : 1), the partial of an overwrite, is adj = 0 where the branch is taken.
                return folded is UpdateReal { Operator: UpdateOperator.Multiply, Value: Constant { IsZero: true } } cleared
                    ? cleared with { Operator = UpdateOperator.Set }
                    : folded;
        }
    }
}
