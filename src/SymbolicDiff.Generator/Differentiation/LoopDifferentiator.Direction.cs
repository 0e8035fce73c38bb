using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// Which way a backward loop runs. The backward sweep runs a loop's iterations in reverse because, in general, an
/// iteration's backward step needs what a later iteration's backward step left behind: the adjoint of a recurrence
/// (<c>dh[i] += dh[i + 1] · w</c>), or a value restored from the stack of saved values, which pops in the reverse of
/// the order the forward sweep pushed. Where neither can happen the order of the iterations is free, and a loop counting
/// up (<c>for (int c = 0; c &lt; d; c++)</c>, as a hand-written adjoint is written) is the better one: the JIT proves
/// its indices in range and drops their bounds checks, which it keeps for the same loop counting down.
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>
    /// The backward loop of the ascending <paramref name="loop"/> whose backward body is <paramref name="body"/>: the same
    /// header (counting up) where its iterations' backward steps are independent, else <see cref="Reversed"/>. A descending
    /// user loop's reverse already counts up.
    /// </summary>
    private ForLoop BackwardLoopHeader(ForLoop loop, IReadOnlyList<Statement> body)
    {
        if (ForwardOrderHeader(loop, body) is { } forward)
        {
            return forward;
        }

        if (loop.Descending || !IterationsIndependent(loop.Counter, body))
        {
            return Reversed(loop);
        }

        return CountingUp(loop);
    }

    /// <summary>The header of <paramref name="loop"/> (ascending) for a backward loop whose iterations are independent.</summary>
    private static ForLoop CountingUp(ForLoop loop) =>
        new(loop.Counter, loop.CounterType, loop.From, loop.To, EquatableArray<Statement>.Empty)
        {
            Comment = Comment.Of("each iteration only adds into adjoints, so the iterations run in their own order"),
        };

    /// <summary>
    /// <paramref name="statements"/> with each backward loop inside them that runs an ascending loop in reverse
    /// (<see cref="ForLoop.ReversedFrom"/>) counting up instead where its iterations are now independent, at any depth.
    /// For a step that rewrites a backward sweep after its loops' directions were chosen and removes what had made the
    /// order matter: GMM's loops over i and j reversed because they popped the elements of <c>centered</c> and
    /// <c>qTimesCentered</c> they had overwritten, and <see cref="KeepRows"/> then reads those from a kept row instead.
    /// The test is <see cref="IterationsIndependent"/> on the loop's body as it now stands, so its argument holds as it
    /// does for a loop that never popped: every statement left writes only its own locals, adds into adjoints no
    /// iteration reads, or stores into its own element v[counter]; nothing pops or undoes a step; so each iteration's
    /// contributions do not depend on which iterations ran before it, and the order changes the sums by rounding alone.
    /// A loop the test refuses (iterations that read what another adds, that still pop) keeps running in reverse.
    /// </summary>
    private List<Statement> CountUpWhereIndependent(IEnumerable<Statement> statements) =>
        statements.Select(statement => statement switch
        {
            ForLoop loop => CountUpWhereIndependent(loop),
            IfStatement guarded => guarded with { Then = CountUpWhereIndependent(guarded.Then).ToEquatableArray() },
            _ => statement,
        }).ToList();

    private ForLoop CountUpWhereIndependent(ForLoop loop)
    {
        var body = CountUpWhereIndependent(loop.Body);
        if (loop is { Descending: true, ReversedFrom: { } ascending } && IterationsIndependent(loop.Counter, body))
        {
            return CountingUp(ascending) with { Body = body.ToEquatableArray() };
        }

        return loop with { Body = body.ToEquatableArray() };
    }

    /// <summary>
    /// Whether the backward steps of a loop's iterations (each being <paramref name="body"/> for one value of
    /// <paramref name="counter"/>) give the same adjoints in any order. True only where
    /// <list type="bullet">
    /// <item>nothing is restored from the stack of saved values and no integer step is undone (both depend on the order: the
    /// stack pops the last value pushed, an undone step the last step taken);</item>
    /// <item>every write to a name declared outside the body is an adjoint's <c>+=</c> or <c>−=</c> (an element, or a scalar),
    /// or a store into <c>v[counter]</c> of an adjoint <c>v</c> that the body touches nowhere else than at
    /// <c>v[counter]</c>, so that only this iteration sees that element;</item>
    /// <item>no name so written is read, except such an iteration's own element: so no iteration reads what another
    /// adds, and each reads only primal values (which the backward sweep does not write here), adjoints the loop leaves
    /// alone, and its own locals;</item>
    /// <item>the statements are declarations, updates, nested loops and guarded blocks; anything else (a call writing
    /// into spans, a gradient struct) is taken as order-dependent.</item>
    /// </list>
    /// Then each iteration computes the same contributions whatever ran before it, and running them in another order only
    /// adds the same terms into each adjoint in another order: the result differs by rounding alone, as a hand-written
    /// adjoint's sums do from the reversed loop's. Any doubt answers false, and the loop runs in reverse as before.
    /// </summary>
    private bool IterationsIndependent(string counter, IReadOnlyList<Statement> body)
    {
        var statements = StatementFacts.Flatten(body).ToList();
        var adjoints = new HashSet<string>(_adjoints.Values);
        var local = new HashSet<string>(StatementFacts.DeclaredNames(body)) { counter };

        // What the loop writes outside its own locals, and the elements it stores into.
        var written = new HashSet<string>();
        var stored = new HashSet<string>();
        var accumulated = new List<Expr>();
        foreach (var statement in statements)
        {
            switch (statement)
            {
                case CommentLine or DeclareReal or DeclareInteger or DeclareBool or ForLoop or IfStatement:
                    break;

                case var replayed when ReplayedName(replayed) is not null:
                    break; // computed again in the forward order (LoopDifferentiator.Replays.cs), which needs this loop to run forwards

                case UpdateReal update when local.Contains(StatementFacts.TargetName(update.Target)):
                    break;

                case UpdateReal { Operator: UpdateOperator.Add or UpdateOperator.Subtract } update when adjoints.Contains(StatementFacts.TargetName(update.Target)):
                    accumulated.Add(update.Target);
                    written.Add(StatementFacts.TargetName(update.Target));
                    break;

                case UpdateReal { Operator: UpdateOperator.Set, Target: Element { Vector: var vector, Index: Variable { Name: var index } } } when adjoints.Contains(vector) && index == counter:
                    written.Add(vector);
                    stored.Add(vector);
                    break;

                default:
                    return false;
            }

            if (StatementFacts.Expressions(statement).Any(expression => ExpressionFacts.Mentions(expression, node => node is SavedPop)))
            {
                return false;
            }
        }

        // An element stored into is the iteration's own only if every mention of its vector is v[counter].
        bool OwnElement(Expr node) => node is Element { Vector: var vector, Index: Variable { Name: var index } } && stored.Contains(vector) && index == counter;

        if (accumulated.Any(target => target is Element element && stored.Contains(element.Vector) && !OwnElement(element)))
        {
            return false;
        }

        foreach (var statement in statements)
        {
            foreach (var expression in StatementFacts.Expressions(statement))
            {
                // An update's target is a write, checked above; the index expressions inside it are reads like any other.
                var target = statement is UpdateReal update && ReferenceEquals(expression, update.Target) ? expression : null;
                if (ExpressionFacts.Nodes(expression).Any(node => !ReferenceEquals(node, target) && ReadsAnotherIterationsWrite(node)))
                {
                    return false;
                }
            }
        }

        bool ReadsAnotherIterationsWrite(Expr node) => node switch
        {
            Element element => written.Contains(element.Vector) && !OwnElement(element),
            Variable variable => written.Contains(variable.Name),
            VectorArgument vector => written.Contains(vector.Vector),
            _ => false,
        };

        return true;
    }
}
