using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// The recomputation of a checkpointed iteration (<see cref="BackwardCheckpointed"/>) writes again only what something
/// reads: a statement of the iteration whose every write goes to a buffer the loop rewrites in full
/// (<see cref="Checkpoint.Rewritten"/>) is left out of the recomputation when neither the iteration's backward sweep nor
/// a later statement of the recomputation reads that buffer. The ODE's fourth stage is the case: <c>k4</c> is read only by
/// the step's last update of <c>y</c>, which is itself not computed again (its backward sweep reads none of its values),
/// and the backward sweep of <c>k4[i] = x[i] · yStage3[i − 1]</c> reads <c>x</c> and <c>yStage3</c>, never <c>k4</c>.
/// <para>
/// Why that is exact. The recomputation exists only to give the backward sweep the values it reads. A rewritten buffer is
/// mentioned nowhere outside the loop (<see cref="BufferRewrite.OncePerIteration"/>, <see cref="WrittenInFullFirst"/>), so
/// after the backward loop nothing reads what the recomputation left in it; within an iteration, liveness is worked out
/// from the end: the names the backward sweep mentions (reads, or writes, which only makes it keep more), then those of
/// each statement kept, walking the recomputation backwards. A statement is left out only when the forward sweep would
/// write it as it stands (no value saved or kept for the backward sweep: a statement that saves keeps its push and pop
/// balanced by staying), and only if it holds nothing but assignments and loops of them (no declaration whose name a
/// later statement could read).
/// </para>
/// <para>
/// What it saves. The ODE's backward sweep computes the three stages and the three stage points it reads again (six
/// loops of n), not the fourth stage (a seventh): a step of the gradient runs eight loops forward, six again and eight
/// backwards, instead of eight, seven and eight.
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>
    /// <paramref name="recomputed"/> without the statements that write only rewritten buffers no later statement and no
    /// line of <paramref name="backward"/> reads; <paramref name="unread"/> receives the buffers those statements wrote.
    /// </summary>
    private EquatableArray<Statement> WithoutUnreadRewrites(EquatableArray<Statement> recomputed, Checkpoint checkpoint, IEnumerable<BackwardLine> backward, SortedSet<string> unread)
    {
        var live = new HashSet<string>(backward.SelectMany(BackwardNames));
        var kept = new List<Statement>();
        var dropped = new HashSet<string>();
        for (int at = recomputed.Count - 1; at >= 0; at--)
        {
            var statement = recomputed[at];
            var flat = StatementFacts.Flatten(new[] { statement }).ToList();
            var writes = new HashSet<string>(flat.OfType<AssignReal>().Select(assign => TargetName(assign.Target)));
            if (writes.Count > 0 && !writes.Overlaps(live) && writes.All(checkpoint.Rewritten.Contains) &&
                flat.All(s => s is AssignReal or ForLoop or CommentLine) && WrittenAsItStands(statement))
            {
                dropped.UnionWith(writes);
                continue;
            }

            live.UnionWith(StatementFacts.Names(statement));
            kept.Add(statement);
        }

        // A buffer some kept statement writes is still computed again (only its unread writes are left out).
        unread.UnionWith(dropped.Where(name => !kept.Any(statement => StatementFacts.Writes(new[] { statement }).Any(write => write.Target == name))));
        kept.Reverse();
        return kept.ToEquatableArray();
    }

    /// <summary>Whether the forward sweep writes <paramref name="statement"/> as the method does, adding no save or kept value.</summary>
    private bool WrittenAsItStands(Statement statement)
    {
        var forward = Forward(new[] { statement }.ToEquatableArray());
        return forward.Count == 1 && forward[0].Equals(statement);
    }

    /// <summary>Every name a backward line mentions: its statement's, or those of the contribution it adds and of its target.</summary>
    private static IEnumerable<string> BackwardNames(BackwardLine line)
    {
        var names = new List<string>(line.Mentions);
        if (line.Statement is { } statement)
        {
            names.AddRange(StatementFacts.Names(statement));
        }

        foreach (var expression in new[] { line.ContributesTo, line.Contribution })
        {
            if (expression is not null)
            {
                names.AddRange(ExpressionFacts.Nodes(expression).Select(node => node switch
                {
                    Variable variable => variable.Name,
                    Element element => element.Vector,
                    VectorArgument vector => vector.Vector,
                    _ => null,
                }).OfType<string>());
            }
        }

        return names;
    }
}
