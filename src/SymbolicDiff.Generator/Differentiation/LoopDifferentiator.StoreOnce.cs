using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// A gradient output whose elements the backward sweep's first loop over them forms alone is stored by that loop, not
/// cleared and then added to: <c>dW[i] = e</c> where the chain rule gives one contribution, and
/// <c>dWeights[i] = -(a) + b + c</c>, one store of their sum, where it gives several in the same iteration (bundle
/// adjustment's weight, whose residuals' three terms each contribute), as a hand-written adjoint writes it.
/// <para>
/// Why that is exact. The loop is a top-level loop visiting each i from 0 below its bound once, and nothing before it
/// reads or writes the output, so each element holds the clear's 0 when its iteration starts. In that iteration every
/// statement that mentions the output is a contribution <c>output[i] += eₖ</c> (or <c>-=</c>) directly in the loop's
/// body, at the counter, and no eₖ reads the output: so the element ends the iteration holding
/// ((0 ± e₁) ± e₂) ± …, and no other iteration touches it. With several contributions, their sum is formed at the
/// last one, which reads each eₖ there rather than where it stood; that is the same value when nothing between the
/// first and the last contribution writes a name an eₖ reads (a local, an adjoint, a vector, an integer index, a stack
/// it pops, a span a call is passed), which is checked. The sum is evaluated in the order of the
/// additions, (±e₁ ± e₂) ± …, so it rounds as they did: the only difference is 0 − 0 = +0 where −(0) is −0. What comes
/// after the loop (log-sum-exp's <c>dX[maxAt] += …</c>, a second pass) finds every element set, below the bound by the
/// loop, past it by the clear, which now starts at the bound. The bound may read only parameters and integer locals
/// assigned once (the clear runs before the loop, where a stepped index would not have its value yet).
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary><paramref name="body"/> with each gradient output the first loop over its elements forms alone stored there once per element, and cleared only past that loop's bound.</summary>
    private static List<Statement> StoreOnce(MethodModel method, List<Statement> body)
    {
        var stepped = new HashSet<string>(StatementFacts.Flatten(body).OfType<StepInteger>().Select(step => step.Name)
            .Concat(StatementFacts.Flatten(body).OfType<AssignInteger>().Select(assign => assign.Name)));
        var parameters = new HashSet<string>(method.Parameters.Select(p => p.Name));
        var integers = new HashSet<string>(body.OfType<DeclareInteger>().Select(d => d.Name));
        for (int c = 0; c < body.Count; c++)
        {
            if (body[c] is not ClearOutput { From: null } clear)
            {
                continue;
            }

            string output = clear.Output;
            // The argument checks name the output but read none of its elements.
            var mentioning = Enumerable.Range(0, body.Count)
                .Where(i => i != c && body[i] is not (CheckOutputLength or CheckNoOverlap or CheckScalarOutputDistinct) && StatementFacts.Names(body[i]).Contains(output))
                .ToList();
            if (mentioning.Count == 0 || mentioning[0] < c ||
                body[mentioning[0]] is not ForLoop loop || UpperBoundFromZero(loop) is not { } bound ||
                ExpressionFacts.Variables(bound).Any(v => stepped.Contains(v) || !(parameters.Contains(v) || integers.Contains(v))))
            {
                continue;
            }

            if (OwnElementUpdates(loop, output) is not { Count: > 0 } writes || !writes.All(write => write.Operator is UpdateOperator.Add or UpdateOperator.Subtract) ||
                StoredOnce(loop.Body, writes) is not { } storedBody)
            {
                continue;
            }

            body[mentioning[0]] = loop with { Body = storedBody.ToEquatableArray() };
            body[c] = clear with
            {
                From = bound,
                Comment = Comment.Of($"the gradient is written, not accumulated: the loop over {loop.Counter} below stores each element before its bound once, so only the rest is zeroed"),
            };
        }

        return KeptInStoredOutputs(method, body);
    }

    /// <summary>
    /// The statements of <paramref name="loop"/>'s body that mention <paramref name="vector"/> (at any depth), where each is
    /// an update of the element at the loop's counter (<c>v[i] = e</c>, <c>+= e</c>, <c>-= e</c>) whose e does not read
    /// <paramref name="vector"/>; else null. So each iteration touches its own element only, and only to write it: the fact
    /// that a store in place of an accumulation (<see cref="StoreOnce"/>, <see cref="WithStoredFirstAdjoints"/>) and a kept
    /// buffer's writer (<see cref="KeptBufferFits"/>) rest on, asked here once.
    /// </summary>
    private static List<UpdateReal>? OwnElementUpdates(ForLoop loop, string vector)
    {
        var own = new Element(vector, new Variable(loop.Counter));
        var updates = new List<UpdateReal>();
        foreach (var statement in loop.Body.Where(statement => StatementFacts.Names(statement).Contains(vector)))
        {
            if (statement is not UpdateReal update || !update.Target.Equals(own) || StatementFacts.NamesIn(update.Value).Contains(vector))
            {
                return null;
            }

            updates.Add(update);
        }

        return updates;
    }

    /// <summary>
    /// <paramref name="loopBody"/> with its <paramref name="contributions"/> to one element written as one store of
    /// their sum at the last of them, or null where something between them writes what an earlier one reads.
    /// </summary>
    private static List<Statement>? StoredOnce(EquatableArray<Statement> loopBody, List<UpdateReal> contributions)
    {
        var first = contributions[0];
        var last = contributions[contributions.Count - 1];
        Expr sum = first.Operator == UpdateOperator.Add ? first.Value : new Negate(first.Value);
        foreach (var next in contributions.Skip(1))
        {
            sum = new Binary(next.Operator == UpdateOperator.Add ? BinaryOperator.Add : BinaryOperator.Subtract, sum, next.Value);
        }

        if (contributions.Count > 1)
        {
            var moved = new HashSet<string>(contributions.Take(contributions.Count - 1).SelectMany(update => StatementFacts.NamesIn(update.Value)));
            if (contributions.Any(update => ExpressionFacts.Nodes(update.Value).Any(node => node is SavedPop)))
            {
                return null;
            }

            int from = IndexOf(loopBody, first), to = IndexOf(loopBody, last);
            for (int s = from + 1; s < to; s++)
            {
                if (contributions.Any(update => ReferenceEquals(update, loopBody[s])))
                {
                    continue;
                }

                if (StatementFacts.WrittenNamesIn(new[] { loopBody[s] }).Any(moved.Contains))
                {
                    return null;
                }
            }
        }

        var stored = last with { Operator = UpdateOperator.Set, Value = sum, Comment = SummedChain(contributions) };
        return loopBody
            .Where(statement => ReferenceEquals(statement, last) || !contributions.Any(update => ReferenceEquals(update, statement)))
            .Select(statement => ReferenceEquals(statement, last) ? stored : statement)
            .ToList();
    }

    /// <summary>
    /// The chain rule of a stored sum: "∂y/∂w[i] = ∂y/∂a · ∂a/∂w[i] + ∂y/∂b · ∂b/∂w[i]" from the contributions' own
    /// "∂y/∂w[i] += …" (a subtracted one's comment already names its negative partial); one contribution's comment, "+="
    /// made "=".
    /// </summary>
    private static Comment? SummedChain(List<UpdateReal> contributions)
    {
        if (contributions.Count == 1)
        {
            return contributions[0].Comment is { } chain ? Assigning(chain) : null;
        }

        var parts = new List<CommentPart>();
        foreach (var update in contributions)
        {
            int plus = update.Comment is { } chain ? chain.Parts.ToList().FindIndex(part => part is CommentText { Text: " += " }) : -1;
            if (plus < 0)
            {
                return Comment.Of($"the {contributions.Count} contributions of this iteration, stored once");
            }

            bool firstTerm = parts.Count == 0;
            parts.AddRange(firstTerm ? update.Comment!.Parts.Take(plus).Append(new CommentText(" = ")) : new[] { new CommentText(" + ") });
            parts.AddRange(update.Comment!.Parts.Skip(plus + 1));
        }

        return new Comment(parts.ToEquatableArray());
    }
}
