using System.Linq;
using Microsoft.CodeAnalysis;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

// Span-writing helpers that declare their derivatives: `void Step(ReadOnlySpan<double> state, double k, Span<double> next)`,
// whose outputs are its Span<T> parameters, with per input one [Derivative(nameof(input), nameof(product))]. A
// product takes the helper's inputs (its parameters without the outputs), then one ReadOnlySpan<T> cotangent per
// output, and gives cᵀ·∂outputs/∂input: a vector input's adds it into a last Span<T> gradient (void), a real input's
// returns it, as the products of functions over vectors add seed · ∂f/∂v and return seed · ∂f/∂s.
internal static partial class DerivativeDeclarationReader
{
    /// <summary>Whether <paramref name="method"/> is a span-writing helper: it returns void and has a <c>Span&lt;T&gt;</c> parameter, T double or float (and is not a vector-Jacobian product declaring its tangent).</summary>
    public static bool IsOutputHelper(IMethodSymbol method) =>
        method.ReturnsVoid && method.Parameters.Any(p => OutputElement(p.Type) is not null) && !DeclaresProductTangent(method);

    /// <summary>
    /// Reads a span-writing helper's declared products (see above); null and the reason where the declaration is
    /// not valid.
    /// </summary>
    public static VectorFunction? ReadOutputHelper(IMethodSymbol method, out string? error)
    {
        error = null;
        var real = method.Parameters.Select(p => OutputElement(p.Type)).First(t => t is not null)!;
        if (!method.IsStatic || method.IsGenericMethod || method.Parameters.Any(p => p.RefKind != RefKind.None) ||
            method.Parameters.Any(p => OutputElement(p.Type) is { } element && !SymbolEqualityComparer.Default.Equals(element, real)))
        {
            error = $"a helper that writes its results into spans must be static, not generic, take its parameters by value and write spans of one type ({real.ToDisplayString()})";
            return null;
        }

        var outputs = method.Parameters.Select(p => OutputElement(p.Type) is not null).ToArray();
        var inputs = method.Parameters.Where((_, i) => !outputs[i]).ToList();
        var products = new string?[method.Parameters.Length];
        string realName = real.ToDisplayString();
        foreach (var attribute in method.GetAttributes().Where(IsDerivativeAttribute))
        {
            if (!TryReadProductPair(attribute, method, "a helper that writes its results into spans declares each derivative with [Derivative(nameof(input), nameof(productMethod))]",
                    out int index, out string parameterName, out string productName, out error))
            {
                return null;
            }

            if (outputs[index])
            {
                error = $"'{parameterName}' is one of its outputs (a Span<{realName}> it writes), which have no derivative of their own";
                return null;
            }

            if (products[index] is not null)
            {
                error = $"the derivative with respect to '{parameterName}' is declared twice";
                return null;
            }

            var type = method.Parameters[index].Type;
            bool isVector = BodyParser.ElementType(type) is { } element && SymbolEqualityComparer.Default.Equals(element, real);
            if (!isVector && !SymbolEqualityComparer.Default.Equals(type, real))
            {
                error = $"'{parameterName}' must be a {realName} or a read-only span of {realName} to have a derivative";
                return null;
            }

            int cotangents = outputs.Count(o => o);
            bool valid = method.ContainingType.GetMembers(productName).OfType<IMethodSymbol>().Any(candidate =>
                candidate.IsStatic && !candidate.IsGenericMethod &&
                candidate.DeclaredAccessibility is not (Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal) &&
                candidate.Parameters.All(p => p.RefKind == RefKind.None) &&
                candidate.Parameters.Length == inputs.Count + cotangents + (isVector ? 1 : 0) &&
                candidate.Parameters.Take(inputs.Count).Select(p => p.Type).SequenceEqual(inputs.Select(p => p.Type), SymbolEqualityComparer.Default) &&
                candidate.Parameters.Skip(inputs.Count).Take(cotangents).All(p => IsSpanOf(p.Type, "ReadOnlySpan", real)) &&
                (isVector
                    ? candidate.ReturnsVoid && IsSpanOf(candidate.Parameters[candidate.Parameters.Length - 1].Type, "Span", real)
                    : SymbolEqualityComparer.Default.Equals(candidate.ReturnType, real)));
            if (!valid)
            {
                string inputList = string.Join(", ", inputs.Select(p => p.Type.ToDisplayString()));
                string cotangentList = string.Join(", ", method.Parameters.Where((_, i) => outputs[i]).Select(p => $"ReadOnlySpan<{realName}> {p.Name}Cotangent"));
                error = isVector
                    ? $"'{productName}' must be a static, non-private void method taking ({inputList}, {cotangentList}, Span<{realName}> gradient) that adds the cotangents' product with ∂{method.Name}/∂{parameterName} into gradient"
                    : $"'{productName}' must be a static, non-private method returning {realName} that takes ({inputList}, {cotangentList}) and returns the cotangents' product with ∂{method.Name}/∂{parameterName}";
                return null;
            }

            products[index] = QualifiedName(method.ContainingType) + "." + productName;
        }

        return new VectorFunction(
            QualifiedName(method.ContainingType) + "." + method.Name,
            method.Name,
            method.Parameters.Select(p => p.Name).ToEquatableArray(),
            products.ToEquatableArray())
        {
            Outputs = outputs.ToEquatableArray(),
            Differentiated = products.Select(p => p is not null).ToEquatableArray(),
        };
    }

    /// <summary>The element type of a <c>Span&lt;double&gt;</c> or <c>Span&lt;float&gt;</c>: what a helper writes; else null.</summary>
    private static ITypeSymbol? OutputElement(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "Span", TypeArguments.Length: 1 } span && span.ContainingNamespace?.ToDisplayString() == "System" &&
        span.TypeArguments[0].SpecialType is SpecialType.System_Double or SpecialType.System_Single
            ? span.TypeArguments[0]
            : null;

    private static bool IsSpanOf(ITypeSymbol type, string name, ITypeSymbol element) =>
        type is INamedTypeSymbol { TypeArguments.Length: 1 } span && span.Name == name && span.ContainingNamespace?.ToDisplayString() == "System" &&
        SymbolEqualityComparer.Default.Equals(span.TypeArguments[0], element);
}
