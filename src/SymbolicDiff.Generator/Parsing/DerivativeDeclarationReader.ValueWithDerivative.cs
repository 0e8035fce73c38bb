using System.Linq;
using Microsoft.CodeAnalysis;

namespace SymbolicDiff.Generator.Parsing;

internal static partial class DerivativeDeclarationReader
{
    /// <summary>The name an attribute's <c>WithValue</c> gives, or null where it gives none; false, with <paramref name="error"/> set, where it is not a name.</summary>
    private static bool TryReadWithValueName(AttributeData attribute, out string? name, out string? error)
    {
        (name, error) = (null, null);
        var named = attribute.NamedArguments.FirstOrDefault(argument => argument.Key == "WithValue");
        if (named.Key is null || named.Value.Value is null)
        {
            return true;
        }

        if (named.Value.Value is not string text)
        {
            error = "WithValue must name a method, best written with nameof";
            return false;
        }

        name = text;
        return true;
    }

    /// <summary>
    /// The <c>WithValue</c> of a function of reals' [Derivative]: a method in the same type that returns the function's
    /// value and, through a last <c>out</c> parameter of its type, the partial the attribute declares
    /// (<c>double SigmoidWithDerivative(double z, out double derivative)</c>), qualified; null where none is named. False,
    /// with <paramref name="error"/> set, where the named method has not that shape.
    /// </summary>
    private static bool TryReadValueWithDerivative(AttributeData attribute, IMethodSymbol function, string parameterName, out string? method, out string? error)
    {
        method = null;
        if (!TryReadWithValueName(attribute, out string? name, out error) || name is null)
        {
            return error is null;
        }

        int n = function.Parameters.Length;
        bool valid = function.ContainingType.GetMembers(name).OfType<IMethodSymbol>().Any(candidate =>
            candidate.IsStatic && !candidate.IsGenericMethod &&
            SymbolEqualityComparer.Default.Equals(candidate.ReturnType, function.ReturnType) &&
            candidate.DeclaredAccessibility is not (Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal) &&
            candidate.Parameters.Length == n + 1 &&
            candidate.Parameters.Take(n).All(p => p.RefKind == RefKind.None) &&
            candidate.Parameters.Take(n).Select(p => p.Type).SequenceEqual(function.Parameters.Select(p => p.Type), SymbolEqualityComparer.Default) &&
            candidate.Parameters[n].RefKind == RefKind.Out &&
            SymbolEqualityComparer.Default.Equals(candidate.Parameters[n].Type, function.ReturnType));
        if (!valid)
        {
            string parameterList = string.Join(", ", function.Parameters.Select(p => p.Type.ToDisplayString()));
            string real = function.ReturnType.ToDisplayString();
            error = $"'{name}' (WithValue) must be a static, non-private method taking ({parameterList}, out {real} derivative) that returns {function.Name}'s value and writes ∂{function.Name}/∂{parameterName} into derivative";
            return false;
        }

        method = QualifiedName(function.ContainingType) + "." + name;
        return true;
    }
}
