using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// In an iteration differentiated in place (<see cref="RunFused"/>), a function over vectors whose [Derivative] names a
/// <c>WithValue</c> method (<c>Losses.SoftmaxCrossEntropyWithGradient</c>) is called once for its value and its
/// vector-Jacobian product, instead of once for the value in the forward sweep and once for the product in the backward
/// sweep: the two share their work (the softmax's exponentials).
/// <para>
/// Why that is exact. The product call reads the function's arguments, its seed (the adjoint of the call's value) and
/// adds into the adjoint of its vector argument. Moved up to the forward call, it computes the same numbers when (a) the
/// statements between the two calls write nothing the arguments read, so the arguments have the same values at both
/// places; (b) those statements do not mention the adjoint span, so what is added to it, and when, changes nothing
/// they read or write; and (c) the seed is known at the forward call: it reads nothing the iteration writes or declares
/// (the adjoint of a fused loop's sum, <c>∂L/∂total</c>, known before the loop), either directly or through one
/// declaration of the backward sweep (<c>double dL_dloss = dL_dtotal;</c>), which then moves up with it.
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>
    /// The fused iteration's statements (<paramref name="forwardCount"/> of the forward sweep, then its backward sweep) with
    /// each product that can be, computed by its function's <c>WithValue</c> method at the forward call.
    /// </summary>
    private static List<Statement> CombineValueAndProducts(List<Statement> body, int forwardCount)
    {
        for (int at = 0; at < forwardCount && at < body.Count; at++)
        {
            if (body[at] is not DeclareReal { Value: VectorCall { Function.ValueAndProducts.Count: > 0 } call } declaration ||
                Combine(body, at, forwardCount, declaration, call) is not { } combined)
            {
                continue;
            }

            int moved = combined.Count - body.Count; // the seed's declaration (and its note) now stand before the call
            body = combined;
            at += moved;
            forwardCount += moved;
        }

        return body;
    }

    private static List<Statement>? Combine(List<Statement> body, int at, int forwardCount, DeclareReal declaration, VectorCall call)
    {
        // The one product of this call in the iteration's backward sweep: the same function's product, at the same arguments.
        int productAt = -1;
        int index = -1;
        for (int i = forwardCount; i < body.Count; i++)
        {
            if (body[i] is CallStatement { Call: VectorCall product } &&
                product.Arguments.Count == call.Arguments.Count + 2 &&
                product.Arguments.Take(call.Arguments.Count).SequenceEqual(call.Arguments) &&
                ProductIndex(call.Function, product.Function.QualifiedName) is int parameter and >= 0)
            {
                if (productAt >= 0)
                {
                    return null; // two products (two active vector arguments): one call cannot add both
                }

                (productAt, index) = (i, parameter);
            }
        }

        if (productAt < 0 || index >= call.Function.ValueAndProducts.Count || call.Function.ValueAndProducts[index] is not { } withValue)
        {
            return null;
        }

        var productCall = (VectorCall)((CallStatement)body[productAt]).Call;
        var seed = productCall.Arguments[call.Arguments.Count];
        var adjoint = productCall.Arguments[call.Arguments.Count + 1];
        var between = body.Skip(at + 1).Take(productAt - at - 1).ToList();

        // (c) The seed: read before the loop, or declared once in the backward sweep from what was.
        var iterationNames = new HashSet<string>(StatementFacts.DeclaredNames(body));
        iterationNames.UnionWith(StatementFacts.WrittenNamesIn(body));
        int seedAt = -1;
        if (seed is Variable { Name: var seedName } && iterationNames.Contains(seedName))
        {
            seedAt = between.FindIndex(s => s is DeclareReal real && real.Name == seedName) is int found and >= 0 ? at + 1 + found : -1;
            if (seedAt < forwardCount ||
                StatementFacts.Flatten(body).Count(s => StatementFacts.DeclaredName(s) == seedName) != 1 ||
                StatementFacts.WrittenNamesIn(body.Where((_, i) => i != seedAt)).Contains(seedName) ||
                ExpressionFacts.Variables(((DeclareReal)body[seedAt]).Value).Any(iterationNames.Contains))
            {
                return null;
            }
        }
        else if (ExpressionFacts.Variables(seed).Any(iterationNames.Contains))
        {
            return null;
        }

        // (a) and (b): nothing between the two calls writes what the arguments read or mentions the adjoint span. A
        // statement can write a span without naming it in an expression (a clear of an output holds no expression, so
        // Names gives nothing for it): what the statements write counts as a mention too.
        var argumentNames = new HashSet<string>(call.Arguments.SelectMany(ExpressionFacts.Variables).Concat(call.Arguments.SelectMany(VectorNames)));
        var adjointNames = new HashSet<string>(VectorNames(adjoint).Concat(ExpressionFacts.Variables(adjoint)));
        var others = between.Where((_, i) => at + 1 + i != seedAt).ToList();
        var written = StatementFacts.WrittenNamesIn(others).ToList();
        if (written.Any(argumentNames.Contains) || others.SelectMany(StatementFacts.Names).Concat(written).Any(adjointNames.Contains))
        {
            return null;
        }

        var combinedCall = new VectorCall(call.Function with { QualifiedName = withValue }, call.Arguments.Concat(new[] { seed, adjoint }).ToEquatableArray());
        var comment = Comment.Of(new Variable(declaration.Name), ", and ");
        comment = ((CallStatement)body[productAt]).Comment is { } productComment
            ? comment.Append(productComment.Parts.ToArray<object>()).Append(", in the same call")
            : comment.Append("its vector-Jacobian product in the same call");
        var result = new List<Statement>(body.Count);
        for (int i = 0; i < body.Count; i++)
        {
            if (i == at)
            {
                if (seedAt >= 0)
                {
                    result.Add(Note($"The seed of {call.Function.DisplayName} reads nothing this iteration computes, so it is known before the call, and the call's value and its vector-Jacobian product come from one call:"));
                    result.Add(body[seedAt]);
                }

                result.Add(declaration with { Value = combinedCall, Comment = comment });
            }
            else if (i != seedAt && i != productAt && !(IsQuote(body[i]) && (i == productAt - 1 || i == seedAt - 1 && SeedIsAllOfItsStatement(body, seedAt, productAt))))
            {
                result.Add(body[i]);
            }
        }

        return result;
    }

    /// <summary>A comment line quoting a forward statement, above that statement's backward lines.</summary>
    private static bool IsQuote(Statement statement) =>
        statement is CommentLine { Comment: { Parts: { Count: 1 } parts } } && parts[0] is QuotedStatement;

    /// <summary>Whether the seed's declaration is the only backward line of its statement (<c>total += loss</c>), so that its quote moves with it.</summary>
    private static bool SeedIsAllOfItsStatement(List<Statement> body, int seedAt, int productAt) =>
        seedAt > 0 && IsQuote(body[seedAt - 1]) && (seedAt + 1 == productAt || body[seedAt + 1] is CommentLine);

    /// <summary>The parameter whose declared product <paramref name="name"/> is, or −1.</summary>
    private static int ProductIndex(VectorFunction function, string name)
    {
        for (int i = 0; i < function.Products.Count; i++)
        {
            if (function.Products[i] == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static IEnumerable<string> VectorNames(Expr expression) =>
        ExpressionFacts.Nodes(expression).OfType<VectorArgument>().Select(vector => vector.Vector);
}
