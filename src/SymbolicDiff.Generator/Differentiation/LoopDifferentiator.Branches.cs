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
    /// <summary>
    /// The loop whose iterations are differentiated in place (<see cref="RunFused"/>): its locals, branches included, are
    /// still in scope in its backward sweep; null where there is none.
    /// </summary>
    private ForLoop? _fusedLoop;

    private BranchRuns? _branchRuns;

    /// <summary>The runs of <paramref name="statements"/> to put back under their branch (<see cref="BranchRuns"/>), whose branch the backward sweep has where it meets them.</summary>
    private List<GuardedRun> GuardedRuns(EquatableArray<Statement> statements) =>
        (_branchRuns ??= new BranchRuns(_index)).Find(statements, KnownInBackwardSweep);

    /// <summary>The branches the backward loop computes again instead of restoring (<see cref="RecomputeIntegerBranches"/>).</summary>
    private readonly HashSet<string> _recomputedBranches = new();

    /// <summary>
    /// A branch recorded in a loop's body from integer code only (<c>set / powersOfTwo[column] % 2 == 1</c>: counters,
    /// integer parameters and locals that no step changes, index tables, and branches the backward sweep has), or reading
    /// besides those a buffer nothing writes from the loop on (<c>columnCount[set] == ell - row</c>), is computed
    /// again at the start of the backward iteration, as the body's integer locals are, instead of saved at the end of
    /// each forward iteration: the same values give the same bool.
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
                if (fromIntegers && !ExpressionFacts.Nodes(declaration.Condition).Any(node => node is Element { Vector: var vector } && !integerNames.Contains(vector) && !UnchangedFrom(vector, loop)))
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

    /// <summary>The forward sweep of a run: its statements under <c>if (branch)</c>, the branch true inside.</summary>
    private IfStatement ForwardRun(GuardedRun run) =>
        new(new Variable(run.Branch), BranchRuns.AssumingTaken(Forward(run.Statements), run.Branch).ToEquatableArray());

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
        var statements = BranchRuns.AssumingTaken(DeclareAdjointStatements(inner, new List<string>()), run.Branch);
        var line = new BackwardLine(new IfStatement(new Variable(run.Branch), statements.ToEquatableArray()));
        line.Mentions.UnionWith(inner.SelectMany(l => l.Mentions));
        line.Mentions.Add(run.Branch);
        return line;
    }
}
