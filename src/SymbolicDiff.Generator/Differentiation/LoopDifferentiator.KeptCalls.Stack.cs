using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// A call kept by a loop nested in another loop run backwards: the LSTM's <c>s[hidden + i] = outgate * Math.Tanh(s[cell + i])</c>
/// in the loop over cells, inside the loops over layers and steps. A buffer of the inner loop's length (as
/// <see cref="KeepCalls"/> uses at the top level) would be overwritten by the next outer iteration before the backward
/// sweep reads it; the stack of saved values is not: the forward iteration computes the call into a local
/// (<c>double tanh = Math.Tanh(s[cell + i]);</c>), pushes it at the end of the iteration with the loop's other locals, and
/// the backward iteration pops it first and reads it where the partials would call again (tanh(cell) and, inside tanh's
/// derivative, once more), as the hand-written gradient keeps tanh of the new cell per step, layer and cell.
/// <para>
/// Why the value popped is the one the backward step would compute: as for a kept buffer (<see cref="KeepCalls"/>), the
/// partials are evaluated in the state just before the statement, where the forward iteration evaluated the call; the
/// local is assigned once per iteration, directly in the loop's body (never under a branch), so its value at the end of
/// the iteration, which the stack gives back to the same iteration of the backward loop, is that call's.
/// </para>
/// <para>
/// Where: loops nested in another loop, counted (not a while loop), not a running selection or a checkpointed loop
/// (whose bodies the backward sweep computes again) nor inside one, not in a run of statements under a branch; only
/// where no loop is differentiated iteration by iteration (there, the loops in its body keep their calls in buffers).
/// Not in a method asking for second derivatives (<see cref="PlanKeptCalls(Fusion?)"/>).
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>Plans the calls kept on the stack by the loops nested in the loops among <paramref name="statements"/>.</summary>
    private void PlanCallsKeptOnTheStack(EquatableArray<Statement> statements, bool nested)
    {
        var runs = GuardedRuns(statements);
        for (int at = 0; at < statements.Count; at++)
        {
            if (statements[at] is not ForLoop loop || runs.Any(run => at >= run.Start && at <= run.End) ||
                _selections.ContainsKey(loop) || _checkpoints.ContainsKey(loop))
            {
                continue;
            }

            if (nested && loop.While is null && !_keptLoops.ContainsKey(loop))
            {
                PlanCallsKeptOnTheStack(loop);
            }

            PlanCallsKeptOnTheStack(loop.Body, nested: true);
        }
    }

    private void PlanCallsKeptOnTheStack(ForLoop loop)
    {
        var runs = GuardedRuns(loop.Body);
        var kept = new KeptLoop(new List<DeclareKeptValues>(), new Dictionary<Statement, List<KeptCall>>(ReferenceComparer<Statement>.Instance), DeclaredBeforeOuter: false);
        for (int at = 0; at < loop.Body.Count; at++)
        {
            var statement = loop.Body[at];
            if (runs.Any(run => at >= run.Start && at <= run.End) || CallsToKeep(statement) is not { } found)
            {
                continue;
            }

            var calls = found.Calls.Select(call => new KeptCall(call, _names.Fresh(NameAllocator.ToCamelCase(call.Function.DisplayName)), Buffer: null, Slot: null)).ToList();
            kept.ByStatement[statement] = calls;
            _keptReads[found.Partials] = calls.ToDictionary(call => (Expr)call.Call, call => (Expr)new Variable(call.Local));
            if (!SavedAtEnd.TryGetValue(loop, out var saved))
            {
                SavedAtEnd[loop] = saved = new List<string>();
            }

            saved.AddRange(calls.Select(call => call.Local));
        }

        if (kept.ByStatement.Count > 0)
        {
            _keptLoops[loop] = kept;
        }
    }
}
