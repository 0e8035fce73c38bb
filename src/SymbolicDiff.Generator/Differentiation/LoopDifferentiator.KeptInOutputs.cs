using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// Values a loop keeps for its backward sweep (<c>keptExp[i] = exp</c>, see <c>LoopDifferentiator.KeptCalls</c>) kept in
/// the gradient output itself where the backward loop reading them is the one that stores that output's elements
/// (<see cref="StoreOnce"/>), as a hand-written log-sum-exp keeps each exp(xᵢ − max) in <c>dX[i]</c> and then scales it:
/// no scratch buffer to rent, fill and read, and one array less in the cache.
/// <para>
/// Why that is exact. The output is checked to have its parameter's length and not to overlap an input, and nothing
/// between the kept buffer's declaration and the storing loop mentions it but the clear of its tail (which starts at the
/// bound and so leaves the kept elements alone): so <c>dX[i]</c> holds exactly what <c>keptExp[i]</c> would when the
/// storing loop starts. The forward loop writes every element below the bound (a top-level loop from 0 to the bound,
/// the write at its counter, outside any branch); the storing loop reads only <c>keptExp[i]</c> of its own counter, and
/// only in statements up to its store of <c>dX[i]</c>, so each kept value is read before the gradient overwrites it. A
/// buffer read anywhere else, at another index or after the store keeps its scratch storage.
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary><paramref name="body"/> with each kept buffer that can live in a stored gradient output renamed to that output and no longer declared.</summary>
    private static List<Statement> KeptInStoredOutputs(MethodModel method, List<Statement> body)
    {
        for (int c = 0; c < body.Count; c++)
        {
            if (body[c] is not ClearOutput { From: { } bound, View: null } clear ||
                method.Parameters.FirstOrDefault(p => p.IsDifferentiated && p.IsVector && OutputName(p) == clear.Output) is not { } parameter ||
                !bound.Equals(new Member(new Variable(parameter.Name), "Length")))
            {
                continue;
            }

            string output = clear.Output;
            int storing = body.FindIndex(c + 1, statement => StatementFacts.Names(statement).Contains(output));
            if (storing < 0 || body[storing] is not ForLoop { While: null } loop || UpperBoundFromZero(loop) is not { } loopBound || !loopBound.Equals(bound))
            {
                continue;
            }

            int store = loop.Body.ToList().FindIndex(statement => statement is UpdateReal { Operator: UpdateOperator.Set, Target: Element { Vector: var vector, Index: Variable { Name: var index } } } &&
                vector == output && index == loop.Counter);
            if (store < 0)
            {
                continue;
            }

            foreach (var kept in body.Take(c).OfType<DeclareKeptValues>().Where(k => k.Length.Equals(bound)).ToList())
            {
                if (KeptBufferFits(body, kept, output, c, storing, store))
                {
                    body = InOutput(body, kept, output, loop.Counter);
                    break; // one buffer per output: a second would share its elements
                }
            }
        }

        return body;
    }

    /// <summary>Whether <paramref name="kept"/> can live in <paramref name="output"/>: see the type's remarks.</summary>
    private static bool KeptBufferFits(List<Statement> body, DeclareKeptValues kept, string output, int clear, int storing, int store)
    {
        int declared = body.IndexOf(kept);
        var mentions = Enumerable.Range(0, body.Count)
            .Where(i => i != declared && !(body[i] is Release release && release.Name == kept.Storage) && StatementFacts.Names(body[i]).Contains(kept.Name))
            .ToList();
        if (mentions.Count != 2 || mentions[0] <= declared || mentions[0] >= clear || mentions[1] != storing)
        {
            return false;
        }

        // Nothing from the declaration to the storing loop touches the output but the clear of its tail.
        if (Enumerable.Range(declared, storing - declared).Any(i => i != clear && StatementFacts.Names(body[i]).Contains(output)))
        {
            return false;
        }

        // The forward loop writes every element below the bound, at its counter, unconditionally.
        if (body[mentions[0]] is not ForLoop { While: null } writer || UpperBoundFromZero(writer) is not { } writerBound || !writerBound.Equals(kept.Length) ||
            SteppedCounter(writer))
        {
            return false;
        }

        if (OwnElementUpdates(writer, kept.Name) is not { Count: 1 } writes || writes[0].Operator != UpdateOperator.Set)
        {
            return false;
        }

        // The storing loop reads only its own counter's element, and only before or in its store.
        var loop = (ForLoop)body[storing];
        if (SteppedCounter(loop))
        {
            return false;
        }

        for (int s = 0; s < loop.Body.Count; s++)
        {
            if (StatementFacts.Names(loop.Body[s]).Contains(kept.Name) && (s > store || !OnlyAtCounter(loop.Body[s], kept.Name, loop.Counter)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether a statement of the loop (or one nested in it) steps or assigns its counter.</summary>
    private static bool SteppedCounter(ForLoop loop) =>
        StatementFacts.Flatten(loop.Body).Any(s => s is StepInteger { Name: var stepped } && stepped == loop.Counter || s is AssignInteger { Name: var assigned } && assigned == loop.Counter);

    /// <summary>Whether <paramref name="statement"/> mentions <paramref name="vector"/> only as its element at <paramref name="counter"/>.</summary>
    private static bool OnlyAtCounter(Statement statement, string vector, string counter)
    {
        var own = new Element(vector, new Variable(counter));
        const string marker = "\u0001own";
        return !StatementFacts.Names(Replace(statement)).Contains(vector);

        Statement Replace(Statement s) => s switch
        {
            ForLoop inner => inner with { Body = inner.Body.Select(Replace).ToEquatableArray() },
            IfStatement guarded => guarded with { Condition = Rewrite(guarded.Condition), Then = guarded.Then.Select(Replace).ToEquatableArray() },
            _ => StatementFacts.RewriteExpressions(s, Rewrite),
        };

        Expr Rewrite(Expr expression) => ExpressionFacts.Rewrite(expression, node => node.Equals(own) ? new Variable(marker) : null);
    }

    /// <summary><paramref name="body"/> with <paramref name="kept"/> renamed to <paramref name="output"/>, its declaration and release gone.</summary>
    private static List<Statement> InOutput(List<Statement> body, DeclareKeptValues kept, string output, string storingCounter)
    {
        var result = new List<Statement>(body.Count);
        bool writer = true;
        foreach (var statement in body)
        {
            if (ReferenceEquals(statement, kept) || statement is Release release && release.Name == kept.Storage)
            {
                continue;
            }

            if (statement is ForLoop loop && StatementFacts.Names(loop).Contains(kept.Name))
            {
                var renamed = (ForLoop)RenameBuffer(loop, kept.Name, output);
                if (writer)
                {
                    // The forward loop's one write into the output: its comment says why the gradient's element holds it.
                    renamed = renamed with
                    {
                        Body = renamed.Body.Select(s => s is UpdateReal { Target: Element { Vector: var vector } } write && vector == output
                            ? write with { Comment = Comment.Of($"kept in the gradient's own element: the backward loop over {storingCounter} reads it there before storing the gradient over it") }
                            : s).ToEquatableArray(),
                    };
                    writer = false;
                }

                result.Add(renamed);
                continue;
            }

            result.Add(statement);
        }

        return result;
    }
}
