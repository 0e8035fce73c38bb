using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Analysis;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// An assignment to a saved buffer whose earlier value the backward sweep never reads is not saved: the forward sweep
/// pushes nothing before it, and its backward step pops nothing. The to-be-recorded analysis decides by name (a buffer
/// read after some overwrite is saved before every write to it); this rule looks at each write once the plan is
/// complete. Two shapes in ADBench's LSTM: the first copy of the state into a fresh buffer (<c>s[i] = state[i]</c>, whose
/// earlier value, the buffer's zeros, nothing reads), and the prediction (<c>prediction[i] = layerInput[i] * w[i] + c[i]</c>,
/// read backwards only by <c>Math.Exp(prediction[i])</c>'s partial, which reads the kept exponential instead,
/// <see cref="PlanCallsKeptOnTheStack(ForLoop)"/>).
/// <para>
/// The rule. A write <c>W</c> to buffer or local <c>N</c> (an <see cref="AssignReal"/> directly in the method's body or in
/// counted loops' bodies, not under a branch, not in a running selection or a checkpointed loop) is not saved when no
/// read of <c>N</c> by the backward sweep (<see cref="RecordedReads"/>, with the partials of a statement whose calls are
/// kept reading the kept values, <see cref="PreReadsOf"/>) is one <c>W</c> can overwrite
/// (<see cref="ToBeRecordedAnalysis.Overwrites"/>: the read is earlier in the program than <c>W</c>, is <c>W</c> itself
/// reading the earlier value, or shares a loop with it), and nothing the backward sweep computes again (a recomputed local,
/// a replayed local, a recomputed branch) reads <c>N</c>.
/// </para>
/// <para>
/// Why that is exact. The backward sweep undoes <c>W</c> after every backward step of a statement later in the program, and
/// before every backward step of a statement earlier in the program or in an earlier iteration of a loop around <c>W</c>.
/// Restoring <c>N</c> at <c>W</c>'s undo can only change what the second kind read, and none of them reads <c>N</c>; the
/// first kind ran before the undo and read what they read either way. Saves before other writes are unchanged, so every
/// pop still meets its own push.
/// </para>
/// <para>
/// Such a write that passes nothing on (its value reads no active input: <c>s[i] = state[i]</c>) and whose buffer no
/// statement before it in the program mentions, nor one in a loop around it, has no backward step at all: its only work
/// would be the clearing of its adjoint (<c>∂/∂s[i] = 0</c>), and nothing after it in the backward sweep reads that
/// adjoint. So the LSTM's backward sweep ends with the steps, not with a loop that zeroes ∂/∂s.
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>The writes to saved names whose earlier value nothing reads backwards: no push before them, no pop at their undo.</summary>
    private readonly HashSet<Statement> _unsavedWrites = new(ReferenceComparer<Statement>.Instance);

    /// <summary>Whether the forward sweep saves the value <paramref name="write"/> overwrites, and its backward step restores it.</summary>
    private bool SavesBefore(Statement write, string target) => Taped.Contains(target) && !_unsavedWrites.Contains(write);

    /// <summary>
    /// Whether the backward step of <paramref name="write"/> would only clear an adjoint that nothing after it in the
    /// backward sweep reads (the second paragraph of the rule above).
    /// </summary>
    private bool OnlyClearsADeadAdjoint(Statement write, StatementPartials? partials)
    {
        if (!_unsavedWrites.Contains(write) || partials is null || partials.Inputs.Count > 0 || partials.VectorProducts.Count > 0 || partials.ReadsSelf)
        {
            return false;
        }

        string name = TargetName(partials.Target);
        int at = _index.Position(write);
        var around = _index.Enclosing(write);
        return _index.Statements.All(statement =>
            ReferenceEquals(statement, write) || statement is ForLoop or IfStatement or DeclareBuffer ||
            !StatementFacts.Names(statement).Contains(name) ||
            _index.Position(statement) > at && !_index.Enclosing(statement).Intersect(around, ReferenceComparer<ForLoop>.Instance).Any());
    }

    /// <summary>
    /// What a statement's partials read in the backward sweep: <see cref="StatementPartials.PreReads"/>, less what reads
    /// only a call kept for the backward sweep (<c>Math.Exp(prediction[i])</c> becomes the kept <c>exp</c>).
    /// </summary>
    private IEnumerable<string> PreReadsOf(StatementPartials partials)
    {
        if (!_keptReads.TryGetValue(partials, out var kept) || partials.Value is VectorCall)
        {
            return partials.PreReads;
        }

        Expr Read(Expr expression) => ExpressionFacts.Rewrite(expression, node => kept.TryGetValue(node, out var slot) ? slot : null);
        var partialExpressions = partials.Inputs.Select(input => input.Partial);
        if (partials.SelfPartial is { } self)
        {
            partialExpressions = partialExpressions.Append(self);
        }

        return partialExpressions.SelectMany(partial => Reads(Read(partial))).Where(name => name != ValuePlaceholder).Distinct().ToList();
    }

    /// <summary>Finds the writes to saved names that need no save (the rule above); called once the plan is complete.</summary>
    private void FindUnsavedWrites()
    {
        if (Taped.Count == 0)
        {
            return;
        }

        var reads = RecordedReads();
        var computedAgain = new HashSet<string>();
        foreach (var statement in _index.Statements)
        {
            bool again = statement switch
            {
                DeclareReal real => _recomputedLocals.Contains(real.Name) || _replays.ContainsKey(real.Name),
                DeclareBool branch => _recomputedBranches.Contains(branch.Name),
                AssignReal { Target: Variable { Name: var name } } => _replays.ContainsKey(name),
                _ => false,
            };
            if (again)
            {
                computedAgain.UnionWith(StatementFacts.Expressions(statement).SelectMany(Reads));
            }
        }

        foreach (var write in PlainWrites(_method.Statements))
        {
            string name = TargetName(write.Target);
            if (!Taped.Contains(name) || computedAgain.Contains(name) || !_index.TryGetScope(name, out var scope))
            {
                continue;
            }

            if (!reads.Any(read => read.Name == name && ToBeRecordedAnalysis.Overwrites(_index, write, read, scope)))
            {
                _unsavedWrites.Add(write);
            }
        }
    }

    /// <summary>The assignments directly in <paramref name="statements"/> and in the bodies of its counted loops, outside branches, selections and checkpointed loops.</summary>
    private IEnumerable<AssignReal> PlainWrites(EquatableArray<Statement> statements)
    {
        var runs = GuardedRuns(statements);
        for (int at = 0; at < statements.Count; at++)
        {
            if (runs.Any(run => at >= run.Start && at <= run.End))
            {
                continue;
            }

            switch (statements[at])
            {
                case AssignReal assign:
                    yield return assign;
                    break;
                case ForLoop loop when loop.While is null && !_selections.ContainsKey(loop) && !_checkpoints.ContainsKey(loop):
                    foreach (var inner in PlainWrites(loop.Body))
                    {
                        yield return inner;
                    }

                    break;
            }
        }
    }
}
