using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// In the backward sweep of a checkpointed iteration (<see cref="BackwardCheckpointed"/>), the adjoint of a buffer the
/// loop rewrites in full is stored rather than accumulated by its first contribution, and no longer cleared, when that
/// first contribution is a loop over every element adding into the element of its counter: the ODE's
/// <c>∂/∂k1[i] = ∂/∂y[i] · h/6</c>, where the usual order adds into an adjoint the previous iteration's backward sweep set
/// to zero at <c>k1</c>'s writes.
/// <para>
/// Why that is exact. The clearing at a write (<c>∂/∂k1[i] = 0</c>: the value before the write does not reach the result
/// through it) only keeps the adjoint at zero for whatever touches it next, and for a rewritten buffer that is the next
/// iteration's first contribution, or nothing: the buffer is written once per iteration before any read
/// (<see cref="BufferRewrite.OncePerIteration"/>, <see cref="WrittenInFullFirst"/>), so in the backward sweep its writes'
/// clearings come after every other touch of its adjoint in the iteration, and it is mentioned nowhere outside the loop,
/// so nothing after the backward loop reads its adjoint. When the iteration's first touch sets every element (a loop over
/// 0 to the buffer's length, either way, whose one mention of the adjoint is <c>adjoint[counter] += c</c> with c not reading
/// it), what it finds there does not matter: storing gives the same values as adding to zero, and the clearings are dead.
/// A first contribution that leaves an element out (<c>∂/∂yStage3[i − 1]</c> for i from 1) keeps the clearings.
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary><paramref name="backward"/> with the adjoints of <paramref name="checkpoint"/>'s rewritten buffers stored by their first contribution and not cleared, where that is exact.</summary>
    private List<Statement> WithStoredFirstAdjoints(List<Statement> backward, Checkpoint checkpoint)
    {
        foreach (string buffer in checkpoint.Rewritten)
        {
            string adjoint = AdjointName(buffer);
            int first = backward.FindIndex(statement => StatementFacts.Names(statement).Contains(adjoint));
            if (first < 0 || backward[first] is not ForLoop cover || UpperBoundFromZero(cover) is not { } upper ||
                _method.Statements.OfType<DeclareBuffer>().FirstOrDefault(d => d.Name == buffer) is not { } declaration ||
                !SameInteger(upper, declaration.Length, buffer))
            {
                continue;
            }

            if (OwnElementUpdates(cover, adjoint) is not { Count: 1 } updates || updates[0] is not { Operator: UpdateOperator.Add } contribution)
            {
                continue;
            }

            var stored = contribution with { Operator = UpdateOperator.Set, Comment = contribution.Comment is { } chain ? Assigning(chain) : null };
            backward[first] = cover with { Body = cover.Body.Select(s => ReferenceEquals(s, contribution) ? stored : s).ToEquatableArray() };
            backward = WithoutClearings(backward, adjoint);
        }

        return backward;
    }

    /// <summary>The statements without the clearings of <paramref name="adjoint"/>'s elements, loop bodies included.</summary>
    private static List<Statement> WithoutClearings(IEnumerable<Statement> statements, string adjoint) =>
        statements
            .Where(statement => statement is not UpdateReal { Operator: UpdateOperator.Set, Target: Element element, Value: Constant { IsZero: true } } || element.Vector != adjoint)
            .Select(statement => statement is ForLoop loop ? loop with { Body = WithoutClearings(loop.Body, adjoint).ToEquatableArray() } : statement)
            .ToList();
}
