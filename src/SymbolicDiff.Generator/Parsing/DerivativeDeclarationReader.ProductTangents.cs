using System.Linq;
using Microsoft.CodeAnalysis;

namespace SymbolicDiff.Generator.Parsing;

// The derivative of a vector-Jacobian product, for second derivatives through a function over vectors. A product
// `void G(<f's parameters>, T seed, Span<T> gradient)` adds seed·∂f/∂v into gradient; its own derivative is declared
// on it with the one-argument [Derivative(nameof(GTangent))], naming a tangent method that takes G's parameters
// without the gradient, then one tangent per real or span input of G in order (the seed's included, an int gets none),
// then a Span<T> gradientTangent, into which it adds the directional derivative of G's contribution. A tangent span
// may be empty: the input does not vary (a zero tangent the caller need not fill).
internal static partial class DerivativeDeclarationReader
{
    /// <summary>
    /// Whether <paramref name="method"/> is a vector-Jacobian product declaring its tangent: a void method whose last
    /// parameter is a <c>Span</c> of double or float, carrying only one-argument [Derivative] attributes.
    /// </summary>
    public static bool DeclaresProductTangent(IMethodSymbol method)
    {
        if (!method.ReturnsVoid || method.Parameters.Length == 0 || OutputElement(method.Parameters[method.Parameters.Length - 1].Type) is null)
        {
            return false;
        }

        var attributes = method.GetAttributes().Where(IsDerivativeAttribute).ToList();
        return attributes.Count > 0 && attributes.All(attribute => attribute.ConstructorArguments.Length == 1);
    }

    /// <summary>
    /// The tangent method <paramref name="product"/>'s [Derivative] names, fully qualified; null and the reason where
    /// the declaration does not fit the shape above.
    /// </summary>
    public static string? ReadProductTangent(IMethodSymbol product, out string? error)
    {
        error = null;
        var attributes = product.GetAttributes().Where(IsDerivativeAttribute).ToList();
        var real = OutputElement(product.Parameters[product.Parameters.Length - 1].Type)!;
        string realName = real.ToDisplayString();
        var inputs = product.Parameters.Take(product.Parameters.Length - 1).ToList();
        var tangents = inputs.Where(p => SymbolEqualityComparer.Default.Equals(p.Type, real) || IsSpanOf(p.Type, "ReadOnlySpan", real)).ToList();
        string expected = string.Join(", ", inputs.Select(p => $"{p.Type.ToDisplayString()} {p.Name}")
            .Concat(tangents.Select(p => $"{p.Type.ToDisplayString()} {p.Name}Tangent"))
            .Append($"Span<{realName}> {product.Parameters[product.Parameters.Length - 1].Name}Tangent"));
        if (!product.IsStatic || product.IsGenericMethod || product.Parameters.Any(p => p.RefKind != RefKind.None) || attributes.Count != 1 ||
            attributes[0].ConstructorArguments[0].Kind == TypedConstantKind.Array || attributes[0].ConstructorArguments[0].Value is not string tangentName)
        {
            error = $"a vector-Jacobian product declares its derivative once, with [Derivative(nameof(tangentMethod))], and is static, not generic, and takes its parameters by value; the tangent method takes ({expected})";
            return null;
        }

        var candidates = product.ContainingType.GetMembers(tangentName).OfType<IMethodSymbol>().ToList();
        if (candidates.Count == 0)
        {
            error = $"'{product.ContainingType.Name}' has no method named '{tangentName}'";
            return null;
        }

        var types = inputs.Select(p => p.Type).Concat(tangents.Select(p => p.Type)).ToList();
        bool valid = candidates.Any(candidate =>
            candidate.IsStatic && candidate.ReturnsVoid && !candidate.IsGenericMethod &&
            candidate.DeclaredAccessibility is not (Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal) &&
            candidate.Parameters.All(p => p.RefKind == RefKind.None) &&
            candidate.Parameters.Length == types.Count + 1 &&
            candidate.Parameters.Take(types.Count).Select(p => p.Type).SequenceEqual(types, SymbolEqualityComparer.Default) &&
            IsSpanOf(candidate.Parameters[types.Count].Type, "Span", real));
        if (!valid)
        {
            error = $"'{tangentName}' must be a static, non-private void method taking ({expected}) that adds the derivative of {product.Name}'s contribution along the tangents into the last span";
            return null;
        }

        return QualifiedName(product.ContainingType) + "." + tangentName;
    }

    /// <summary>For each vector-Jacobian product of a function over vectors, the tangent its own [Derivative] names, or null (none, or not valid: the analyzer reports that at the product).</summary>
    private static string? ProductTangentOf(IMethodSymbol function, string productName)
    {
        foreach (var candidate in function.ContainingType.GetMembers(productName).OfType<IMethodSymbol>())
        {
            if (candidate.Parameters.Length == function.Parameters.Length + 2 &&
                candidate.Parameters.Take(function.Parameters.Length).Select(p => p.Type).SequenceEqual(function.Parameters.Select(p => p.Type), SymbolEqualityComparer.Default) &&
                DeclaresProductTangent(candidate))
            {
                return ReadProductTangent(candidate, out _);
            }
        }

        return null;
    }
}
