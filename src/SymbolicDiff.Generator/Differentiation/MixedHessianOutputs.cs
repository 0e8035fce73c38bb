using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// The Hessian-vector product of a method over vectors that is differentiated with respect to scalars too
/// (<c>Loss(ReadOnlySpan&lt;double&gt; w, double b, ...)</c>): as in its gradient, <c>MWithGradient(w, b, ..., dW, out dB)</c>,
/// a scalar's part of the gradient is an <c>out</c> parameter, and so is its part of H·v. The forward sweep over the
/// gradient declared the scalar outputs as locals and computed their tangents beside them; here the declarations go
/// (the <c>out</c> parameters take their place), each tangent is written into its product output at the end, and the
/// outputs are checked to be distinct variables, as the gradient checks its own.
/// </summary>
internal static class MixedHessianOutputs
{
    /// <summary>
    /// The product's body with the scalar outputs as <c>out</c> parameters, and per differentiated parameter the output
    /// that receives its part of H·v (the vectors' spans as they were, a fresh name for each scalar).
    /// </summary>
    /// <param name="differentiated">The differentiated parameters, in declaration order.</param>
    /// <param name="body">The forward sweep over the gradient.</param>
    /// <param name="tangents">Per differentiated parameter, the tangent of its partial: a vector's product span, a scalar's local (or 0).</param>
    /// <param name="allocator">The names the body uses, so that each scalar's product output takes a free one.</param>
    public static (List<Statement> Body, List<Expr> Products) AsOutParameters(
        IReadOnlyList<ParameterModel> differentiated,
        IEnumerable<Statement> body,
        IReadOnlyList<Expr> tangents,
        NameAllocator allocator,
        string result)
    {
        var scalars = differentiated.Where(p => !p.IsVector).ToList();
        var products = differentiated
            .Select((p, i) => p.IsVector ? tangents[i] : new Variable(allocator.Fresh(GeneratedNames.HessianVectorProductOutput(p.Name))))
            .ToList();
        var outputs = new HashSet<string>(scalars.Select(p => p.Output));
        var tangentOf = new Dictionary<string, (ParameterModel Parameter, string Product)>();
        for (int i = 0; i < differentiated.Count; i++)
        {
            if (!differentiated[i].IsVector && tangents[i] is Variable tangent)
            {
                tangentOf[tangent.Name] = (differentiated[i], ((Variable)products[i]).Name);
            }
        }

        var output = new List<Statement>();
        foreach (var statement in body)
        {
            if (statement is DeclareReal declared && outputs.Contains(declared.Name))
            {
                continue; // an out parameter now
            }

            output.Add(statement is DeclareReal tangent && tangentOf.TryGetValue(tangent.Name, out var of)
                ? tangent with { Comment = Comment.Of($"the tangent of ∂{result}/∂{of.Parameter.Name}, (H·v) for {of.Parameter.Name}: written into {of.Product} at the end") }
                : statement);
        }

        // The products are written before the scratch storage is returned (the trailing releases and the blank line before them).
        int end = output.Count;
        while (end > 0 && output[end - 1] is Release or CommentLine { Comment: null })
        {
            end--;
        }

        var releases = output.GetRange(end, output.Count - end);
        output.RemoveRange(end, output.Count - end);
        var gradientSpans = differentiated.Where(p => p.IsVector).Select(p => p.Output).ToList();
        var productSpans = differentiated.Select((p, i) => (p, i)).Where(x => x.p.IsVector).Select(x => ((Variable)products[x.i]).Name).ToList();
        var earlierProducts = new List<string>();
        for (int i = 0; i < differentiated.Count; i++)
        {
            var parameter = differentiated[i];
            if (parameter.IsVector)
            {
                continue;
            }

            string product = ((Variable)products[i]).Name;
            output.Add(new UpdateReal(new Variable(product), UpdateOperator.Set, tangents[i]) { Comment = Comment.Of($"(H·v) for {parameter.Name}: the tangent of ∂{result}/∂{parameter.Name}") });

            // The gradient checked dB against dW and the earlier scalars; the products were written after that check.
            if (productSpans.Count > 0)
            {
                output.Add(new CheckScalarOutputDistinct(parameter.Output, EquatableArray<string>.Empty, productSpans.ToEquatableArray()));
            }

            output.Add(new CheckScalarOutputDistinct(
                product,
                scalars.Select(p => p.Output).Concat(earlierProducts).ToEquatableArray(),
                gradientSpans.Concat(productSpans).ToEquatableArray()));
            earlierProducts.Add(product);
        }

        output.AddRange(releases);
        return (output, products);
    }
}
