using System.Linq;
using Microsoft.CodeAnalysis;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// A [Differentiable] method computes in double, or in float when it returns float: that is its real type,
/// the type of everything differentiated in it.
/// </summary>
internal static class RealTypes
{
    /// <summary>
    /// The return type; for a <c>void</c> (vector-valued) method, float when it writes a <c>Span&lt;float&gt;</c> or
    /// <c>float[]</c> and no double vector.
    /// </summary>
    public static SpecialType Of(IMethodSymbol method)
    {
        if (method.ReturnsVoid)
        {
            var elements = method.Parameters.Select(p => BodyParser.ElementType(p.Type)?.SpecialType).Where(t => t is not null).ToList();
            return elements.Contains(SpecialType.System_Single) && !elements.Contains(SpecialType.System_Double)
                ? SpecialType.System_Single
                : SpecialType.System_Double;
        }

        return method.ReturnType.SpecialType == SpecialType.System_Single ? SpecialType.System_Single : SpecialType.System_Double;
    }

    public static bool IsReal(ITypeSymbol? type) => type?.SpecialType is SpecialType.System_Double or SpecialType.System_Single;

    /// <summary>Whether the method takes and returns only <paramref name="real"/>, by value.</summary>
    public static bool HasSignature(IMethodSymbol method, SpecialType real) =>
        method.ReturnType.SpecialType == real &&
        method.Parameters.All(p => p.Type.SpecialType == real && p.RefKind == RefKind.None);

    /// <summary>
    /// Whether <paramref name="method"/> is one of the <c>Math</c> functions for <paramref name="real"/>: System.Math
    /// for either type, and MathF for float (a float method calls <c>Math.Clamp(float, float, float)</c>, since MathF has no Clamp).
    /// </summary>
    public static bool IsMathFor(IMethodSymbol method, SpecialType real) => method.ContainingType?.ToDisplayString() switch
    {
        "System.Math" => true,
        "System.MathF" => real == SpecialType.System_Single,

        // double.Abs, double.Max, float.Sqrt ...: the generic-math twins of Math's functions, the same functions.
        "double" or "System.Double" => true,
        "float" or "System.Single" => real == SpecialType.System_Single,
        _ => false,
    };

    public static string Keyword(SpecialType real) => real == SpecialType.System_Single ? "float" : "double";
}
