using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// In an iteration differentiated in place (<see cref="RunFused"/>), a local that an inner loop's backward sweep reads as
/// each of its iterations left it (<c>a</c>, the pre-activation of hidden unit j, which tanh's rule reads) is kept in a
/// buffer indexed by the counter (<c>aValues[j] = a;</c>, then <c>double a = aValues[j];</c>) instead of being pushed on the
/// stack of saved values and popped: a store and a load, as a hand-written backpropagation keeps its pre-activations, and
/// the backward loop, which no longer pops, may count up.
/// <para>
/// Why that is exact. The stack gives back, in the backward loop's iteration j, the value the forward loop pushed in its
/// iteration j, provided nothing else pushes or pops in between: which is required here, as nothing else in the iteration
/// uses the stack. The buffer gives the same value at the same j, whatever order the backward loop runs in. The forward
/// loop counts from 0 to a bound the iteration does not change and that is a length (never negative), so the buffer's
/// length is that bound, known before the loop over rows starts; each row writes every element it reads, in the same
/// iteration, before reading it.
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>
    /// The fused iteration's statements with each inner loop's saved values kept per iteration, if they can be; the
    /// buffers to declare before the loop over rows go to <paramref name="kept"/>.
    /// </summary>
    private List<Statement> KeepPerIteration(List<Statement> body, ForLoop fusedLoop, List<DeclareKeptValues> kept)
    {
        var flat = StatementFacts.Flatten(body).ToList();
        var pushes = flat.OfType<SavePush>().ToList();
        int pops = flat.Sum(s => StatementFacts.Expressions(s).Sum(e => ExpressionFacts.Nodes(e).Count(node => node is SavedPop)));
        if (pushes.Count == 0 || pops != pushes.Count)
        {
            return body;
        }

        // One forward loop pushes at the end of its body, one backward loop over the same counter pops at the start of its.
        int forwardAt = body.FindIndex(s => s is ForLoop loop && pushes.All(push => loop.Body.Contains(push)));
        if (forwardAt < 0 || body[forwardAt] is not ForLoop { Descending: false, From: Constant { IsZero: true } } forward ||
            !forward.Body.Skip(forward.Body.Count - pushes.Count).SequenceEqual(pushes) ||
            pushes.Any(push => push.Value is not Variable))
        {
            return body;
        }

        var names = pushes.Select(push => ((Variable)push.Value).Name).ToList();
        int backwardAt = body.FindIndex(forwardAt + 1, s => s is ForLoop { Descending: true } loop && loop.Counter == forward.Counter &&
            loop.Body.Count >= names.Count &&
            Enumerable.Range(0, names.Count).All(i => loop.Body[i] is DeclareReal { Value: SavedPop } restore && restore.Name == names[names.Count - 1 - i]));
        if (backwardAt < 0)
        {
            return body;
        }

        // The bound must be the same in every row: it reads nothing the row declares or writes.
        var varying = new HashSet<string>(StatementFacts.DeclaredNames(body)) { fusedLoop.Counter };
        varying.UnionWith(StatementFacts.WrittenNamesIn(body));
        // And it is a length (b1.Length, or hiddenCount set to it once), so the buffer's length is never negative.
        if (ExpressionFacts.Variables(forward.To).Any(varying.Contains) ||
            ResolveInteger(forward.To) is not (Member { Name: "Length" } or Constant { Value: >= 0 }))
        {
            return body;
        }

        var backward = (ForLoop)body[backwardAt];
        var buffers = names.ToDictionary(name => name, name => _names.Fresh(SafeName(name) + "Values"));
        var index = new Variable(forward.Counter);
        var forwardBody = forward.Body.Take(forward.Body.Count - pushes.Count).Concat(names.Select(name =>
            (Statement)new UpdateReal(new Element(buffers[name], index), UpdateOperator.Set, new Variable(name))
            {
                Comment = Comment.Of($"kept: the backward loop over {forward.Counter} reads {name} as this iteration leaves it"),
            }));
        var backwardBody = backward.Body.Select((statement, i) => i < names.Count
            ? new DeclareReal(names[names.Count - 1 - i], new Element(buffers[names[names.Count - 1 - i]], index)) { Comment = Comment.Of($"{names[names.Count - 1 - i]} as iteration {forward.Counter} left it") }
            : statement).ToList();
        var header = BackwardLoopHeader(forward, backwardBody);

        foreach (string name in names)
        {
            kept.Add(new DeclareKeptValues(buffers[name], _names.Fresh(GeneratedNames.AdjointStorage(buffers[name])), forward.To)
            {
                Comment = Comment.Of($"{name} for each {forward.Counter} of a row, which the backward loop over {forward.Counter} reads: on the stack up to {StackBound}, pooled above"),
            });
        }

        var result = new List<Statement>(body);
        result[forwardAt] = forward with { Body = forwardBody.ToEquatableArray() };
        result[backwardAt] = header with { Body = backwardBody.ToEquatableArray() };
        return result;
    }

    /// <summary>Where nothing is pushed or popped any more, the stack of saved values, its note and its release go.</summary>
    private static List<Statement> WithoutUnusedSavedStack(List<Statement> result)
    {
        bool used = StatementFacts.Flatten(result).Any(s => s is SavePush ||
            StatementFacts.Expressions(s).Any(e => ExpressionFacts.Mentions(e, node => node is SavedPop)));
        int declaredAt = result.FindIndex(s => s is DeclareSavedValues);
        if (used || declaredAt < 0)
        {
            return result;
        }

        string stack = ((DeclareSavedValues)result[declaredAt]).Name;
        return result.Where((s, i) =>
            !(i == declaredAt || i == declaredAt - 1 && s is CommentLine || s is Release { IsAdjointBuffer: false } release && release.Name == stack)).ToList();
    }
}
