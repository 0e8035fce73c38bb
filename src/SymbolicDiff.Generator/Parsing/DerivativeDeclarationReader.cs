using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// Reads the public custom-derivative mechanism, <c>[SymbolicDiff.Derivative]</c>, from a called method.
/// This is how the runtime's primitives and users' own functions get their derivatives: the generator
/// holds no list of them.
/// </summary>
internal static class DerivativeDeclarationReader
{
    public const string DerivativeAttributeName = "SymbolicDiff.DerivativeAttribute";

    /// <summary>Whether <paramref name="method"/> carries at least one [Derivative] attribute.</summary>
    public static bool HasDeclaredDerivative(IMethodSymbol method) =>
        method.GetAttributes().Any(IsDerivativeAttribute);

    /// <summary>The reason the method's [Derivative] declaration cannot be used, or null when it is valid.</summary>
    public static string? Validate(IMethodSymbol method)
    {
        ReadCallable(method, RealTypes.Of(method), out string? error);
        return error;
    }

    /// <summary>
    /// Builds the function record for a method with [Derivative] attributes that a [Differentiable] method
    /// can call: static, taking and returning double. Otherwise returns null and the reason.
    /// </summary>
    public static Function? ReadCallable(IMethodSymbol method, SpecialType real, out string? error)
    {
        if (!method.IsStatic)
        {
            error = "only static methods can be differentiated through";
            return null;
        }

        if (method.IsGenericMethod || !RealTypes.HasSignature(method, real))
        {
            error = $"only methods that take and return {RealTypes.Keyword(real)} can be differentiated through here";
            return null;
        }

        return Read(method, out error);
    }

    private static Function? Read(IMethodSymbol method, out string? error)
    {
        error = null;
        var partials = new DeclaredPartial?[method.Parameters.Length];
        foreach (var attribute in method.GetAttributes().Where(IsDerivativeAttribute))
        {
            var arguments = attribute.ConstructorArguments;
            if (arguments.Length is not (1 or 2))
            {
                error = "[Derivative] takes the derivative method's name, or a parameter's name and the derivative method's name";
                return null;
            }

            if (arguments.Any(argument => argument.Kind == TypedConstantKind.Array || argument.Value is not string))
            {
                error = "the attribute's arguments must be names (use nameof)";
                return null;
            }

            string? parameterName = arguments.Length == 2 ? (string)arguments[0].Value! : null;
            string derivativeName = (string)arguments[arguments.Length - 1].Value!;

            int index;
            if (parameterName is null)
            {
                if (method.Parameters.Length != 1)
                {
                    error = $"it has {method.Parameters.Length} parameters, so each partial derivative must name its parameter: [Derivative(nameof(parameter), nameof(derivativeMethod))]";
                    return null;
                }

                index = 0;
            }
            else
            {
                index = IndexOfParameter(method, parameterName);
                if (index < 0)
                {
                    error = $"'{parameterName}' is not one of its parameters";
                    return null;
                }
            }

            if (partials[index] is not null)
            {
                error = $"the derivative with respect to '{method.Parameters[index].Name}' is declared twice";
                return null;
            }

            var partial = ResolveDerivativeMethod(method, derivativeName, out error);
            if (partial is null)
            {
                return null;
            }

            partials[index] = partial;
        }

        return new Function(
            QualifiedName(method.ContainingType) + "." + method.Name,
            method.Name,
            BuiltinFunction.None,
            partials.ToEquatableArray())
        {
            ParameterNames = method.Parameters.Select(p => p.Name).ToEquatableArray(),
        };
    }

    /// <summary>
    /// Finds the derivative method: in the same type, static, returning double, taking the function's
    /// parameters and optionally the function's value.
    /// </summary>
    private static DeclaredPartial? ResolveDerivativeMethod(IMethodSymbol function, string derivativeName, out string? error)
    {
        var candidates = function.ContainingType.GetMembers(derivativeName).OfType<IMethodSymbol>().ToList();
        if (candidates.Count == 0)
        {
            error = $"'{function.ContainingType.Name}' has no method named '{derivativeName}'";
            return null;
        }

        foreach (var candidate in candidates)
        {
            if (!candidate.IsStatic || !SymbolEqualityComparer.Default.Equals(candidate.ReturnType, function.ReturnType) || candidate.IsGenericMethod)
            {
                continue;
            }

            if (candidate.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            {
                continue;
            }

            int n = function.Parameters.Length;
            bool sameParameters = candidate.Parameters.Length >= n &&
                candidate.Parameters.Take(n).Select(p => p.Type)
                    .SequenceEqual(function.Parameters.Select(p => p.Type), SymbolEqualityComparer.Default) &&
                candidate.Parameters.All(p => p.RefKind == RefKind.None);
            if (!sameParameters)
            {
                continue;
            }

            if (candidate.Parameters.Length == n)
            {
                error = null;
                return new DeclaredPartial(QualifiedName(function.ContainingType) + "." + candidate.Name, TakesValue: false);
            }

            if (candidate.Parameters.Length == n + 1 &&
                SymbolEqualityComparer.Default.Equals(candidate.Parameters[n].Type, function.ReturnType))
            {
                error = null;
                return new DeclaredPartial(QualifiedName(function.ContainingType) + "." + candidate.Name, TakesValue: true);
            }
        }

        string parameterList = string.Join(", ", function.Parameters.Select(p => p.Type.ToDisplayString()));
        error = $"'{derivativeName}' must be a static, non-private method returning {function.ReturnType.ToDisplayString()} that takes ({parameterList}), optionally followed by a {function.ReturnType.ToDisplayString()} receiving the function's value";
        return null;
    }

    private static int IndexOfParameter(IMethodSymbol method, string name)
    {
        for (int i = 0; i < method.Parameters.Length; i++)
        {
            if (method.Parameters[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsDerivativeAttribute(AttributeData attribute) =>
        attribute.AttributeClass?.ToDisplayString() == DerivativeAttributeName;

    internal static string QualifiedName(ITypeSymbol type) =>
        type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
}
