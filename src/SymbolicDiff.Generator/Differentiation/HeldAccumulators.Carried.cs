using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// A held accumulator carried past its loop, up to the statement that overwrites it. Once GMM's backward loops over i and
/// over j are one loop (<see cref="LoopFusion"/>), the body adds into ∂/∂centered[i] in the loop over rows j &gt; i, then adds
/// the diagonal's term, reads it for ∂/∂μ and clears it:
/// <code>
/// for (int j = i + 1; j &lt; d; j++) { …; dCentered[i] += dV[j] * l[c + j]; }
/// dCentered[i] += dV[i] * qDiagonal[ik * d + i];
/// dMu[ik * d + i] -= dCentered[i];
/// dCentered[i] = 0.0;
/// </code>
/// Held for the loop alone, the element is stored after it and loaded again by the next statement, through memory; carried,
/// one local holds it from before the loop to the overwrite, as a hand-written adjoint keeps <c>muBar</c>:
/// <code>
/// double dCenteredElement = dCentered[i];
/// for (…) { …; dCenteredElement += dV[j] * l[c + j]; }
/// dCenteredElement += dV[i] * qDiagonal[ik * d + i];
/// dMu[ik * d + i] -= dCenteredElement;
/// dCentered[i] = 0.0;
/// </code>
/// <para>
/// Where. An element <c>v[e]</c> the loop's held-accumulator rule holds (an owned buffer's, <see cref="HeldAccumulators"/>),
/// and a statement after the loop in the same block that overwrites it, <c>v[e] = x</c> with x not mentioning <c>v</c>,
/// such that every statement between is straight-line (a declaration or an assignment), mentions <c>v</c> only as
/// <c>v[e]</c> (the same index), writes <c>v</c> only as <c>v[e] += y</c> or <c>v[e] -= y</c> with y not mentioning
/// <c>v</c>, and writes nothing e reads.
/// </para>
/// <para>
/// Why that is exact. As for the loop alone, no other name reaches <c>v</c>'s memory and e keeps its value, so from the
/// load on the local holds, statement by statement, the value <c>v[e]</c> held: the loop's and the later statements'
/// additions in the same order, and each read between sees that value. The overwrite then gives <c>v[e]</c> the value it
/// had after it before, and nothing read the local's last value from memory, so the store back is not needed. The load
/// stands before the loop unguarded: the overwrite, a direct statement of the same block, indexes <c>v[e]</c> whether the
/// loop runs or not, so the load throws only where that statement (or, where the loop runs, its first iteration) threw.
/// </para>
/// </summary>
internal static partial class HeldAccumulators
{
    /// <summary>
    /// Of <paramref name="held"/>, the elements carried past the loop: for each, the position in <paramref name="after"/> of
    /// the statement that overwrites it.
    /// </summary>
    private static Dictionary<Element, int> Carried(IEnumerable<Element> held, IReadOnlyList<Statement> after)
    {
        var ends = new Dictionary<Element, int>();
        foreach (var element in held)
        {
            var reads = new HashSet<string>(StatementFacts.NamesIn(element.Index));
            for (int at = 0; at < after.Count; at++)
            {
                var statement = after[at];
                if (Overwrites(statement, element))
                {
                    ends[element] = at;
                    break;
                }

                if (statement is not (DeclareReal or AssignReal or UpdateReal or DeclareInteger or CommentLine) ||
                    StatementFacts.WrittenNames(statement).Any(reads.Contains) ||
                    !MentionsOnly(statement, element))
                {
                    break;
                }
            }
        }

        return ends;
    }

    /// <summary>Whether <paramref name="statement"/> is <c>v[e] = x</c> for <paramref name="element"/>, x not mentioning <c>v</c>.</summary>
    private static bool Overwrites(Statement statement, Element element) => statement switch
    {
        AssignReal { Target: Element target } assign => target.Equals(element) && !StatementFacts.NamesIn(assign.Value).Contains(element.Vector),
        UpdateReal { Operator: UpdateOperator.Set, Target: Element target } update => target.Equals(element) && !StatementFacts.NamesIn(update.Value).Contains(element.Vector),
        _ => false,
    };

    /// <summary>
    /// Whether the straight-line <paramref name="statement"/> mentions <paramref name="element"/>'s buffer only as the
    /// element, and writes it only by adding into it (what it adds not mentioning the buffer).
    /// </summary>
    private static bool MentionsOnly(Statement statement, Element element)
    {
        if (AddedInto(statement) is { } target && target.Equals(element))
        {
            return !StatementFacts.NamesIn(Added(statement)).Contains(element.Vector);
        }

        if (StatementFacts.WrittenNames(statement).Contains(element.Vector))
        {
            return false;
        }

        // With the element's own occurrences set aside, the buffer's name must not appear.
        return StatementFacts.Expressions(statement)
            .Select(expression => ExpressionFacts.Rewrite(expression, node => node.Equals(element) ? new Constant(0) : null))
            .All(expression => !StatementFacts.NamesIn(expression).Contains(element.Vector));
    }

    /// <summary>
    /// The statement at <paramref name="at"/> after the loop, adding into and reading the locals of the carried elements
    /// whose overwrite comes later; an overwrite itself as it is.
    /// </summary>
    private static Statement Through(Statement statement, int at, Dictionary<Element, int> ends, Dictionary<Element, string> locals)
    {
        foreach (var pair in ends.Where(pair => at < pair.Value))
        {
            string local = locals[pair.Key];
            if (AddedInto(statement) is { } target && target.Equals(pair.Key))
            {
                statement = Into(statement, local);
                continue;
            }

            statement = StatementFacts.RewriteExpressions(statement, expression =>
                ExpressionFacts.Rewrite(expression, node => node.Equals(pair.Key) ? new Variable(local) : null));
        }

        return statement;
    }
}
