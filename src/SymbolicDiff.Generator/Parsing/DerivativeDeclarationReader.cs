using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// Reads the public custom-derivative mechanism, <c>[SymbolicDiff.Derivative]</c>, from a called method.
/// This is how the runtime's primitives and users' own functions get their derivatives: the generator
/// holds no list of them.
/// </summary>
internal static partial class DerivativeDeclarationReader
{
    public const string DerivativeAttributeName = "SymbolicDiff.DerivativeAttribute";

    // What was read from a callee, kept with its symbol: every call of Sigmoid in every method of a compilation reads
    // the same attributes and resolves the same derivative methods, so each callee is read once, not once per call.
    // Keyed by the symbol, which belongs to one compilation (or to a metadata reference, which does not change).
    private static readonly ConditionalWeakTable<IMethodSymbol, CalleeReading> Readings = new();

    /// <summary>Whether <paramref name="method"/> carries at least one [Derivative] attribute.</summary>
    public static bool HasDeclaredDerivative(IMethodSymbol method) => ReadingOf(method).HasDeclaredDerivative;

    private static CalleeReading ReadingOf(IMethodSymbol method) =>
        Readings.GetValue(method, static m => new CalleeReading(m.GetAttributes().Any(IsDerivativeAttribute)));

    /// <summary>The reason the method's [Derivative] declaration cannot be used, or null when it is valid.</summary>
    public static string? Validate(IMethodSymbol method)
    {
        if (DeclaresProductTangent(method))
        {
            ReadProductTangent(method, out string? tangentError);
            return tangentError;
        }

        if (IsOutputHelper(method))
        {
            ReadOutputHelper(method, out string? helperError);
            return helperError;
        }

        if (method.Parameters.Any(p => Parsing.BodyParser.ElementType(p.Type) is not null))
        {
            ReadVectorCallable(method, out string? vectorError);
            return vectorError;
        }

        ReadCallable(method, RealTypes.Of(method), out string? error);
        return error;
    }

    /// <summary>
    /// Reads a function over vectors (<c>ReadOnlySpan&lt;double&gt;</c> parameters): each [Derivative] names, for
    /// one parameter, a static void method taking the function's parameters, then the seed (the function's
    /// type), then a <c>Span</c> of the element type, that adds seed · ∂f/∂parameter into the span.
    /// </summary>
    public static VectorFunction? ReadVectorCallable(IMethodSymbol method, out string? error)
    {
        error = null;
        if (!method.IsStatic || method.IsGenericMethod || !RealTypes.IsReal(method.ReturnType) ||
            method.Parameters.Any(p => p.RefKind != RefKind.None))
        {
            error = "a function over vectors must be static, not generic, take its parameters by value and return double or float";
            return null;
        }

        var products = new string?[method.Parameters.Length];
        var tangents = new string?[method.Parameters.Length];
        var withValues = new string?[method.Parameters.Length];
        foreach (var attribute in method.GetAttributes().Where(IsDerivativeAttribute))
        {
            if (!TryReadProductPair(attribute, method, "a function over vectors declares each derivative with [Derivative(nameof(parameter), nameof(gradientMethod))]",
                    out int index, out string parameterName, out string productName, out error))
            {
                return null;
            }

            if (products[index] is not null)
            {
                error = $"the derivative with respect to '{parameterName}' is declared twice";
                return null;
            }

            var parameterType = method.Parameters[index].Type;
            var element = Parsing.BodyParser.ElementType(parameterType);
            if (element is null || !SymbolEqualityComparer.Default.Equals(element, method.ReturnType))
            {
                error = $"'{parameterName}' must be a span of {method.ReturnType.ToDisplayString()} to have a vector-Jacobian derivative";
                return null;
            }

            bool valid = method.ContainingType.GetMembers(productName).OfType<IMethodSymbol>().Any(candidate =>
                candidate.IsStatic && candidate.ReturnsVoid && !candidate.IsGenericMethod &&
                candidate.DeclaredAccessibility is not (Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal) &&
                candidate.Parameters.Length == method.Parameters.Length + 2 &&
                candidate.Parameters.Take(method.Parameters.Length).Select(p => p.Type).SequenceEqual(method.Parameters.Select(p => p.Type), SymbolEqualityComparer.Default) &&
                SymbolEqualityComparer.Default.Equals(candidate.Parameters[method.Parameters.Length].Type, method.ReturnType) &&
                candidate.Parameters[method.Parameters.Length + 1].Type is INamedTypeSymbol { Name: "Span", TypeArguments.Length: 1 } span &&
                SymbolEqualityComparer.Default.Equals(span.TypeArguments[0], element));
            if (!valid)
            {
                string parameterList = string.Join(", ", method.Parameters.Select(p => p.Type.ToDisplayString()));
                string real = method.ReturnType.ToDisplayString();
                error = $"'{productName}' must be a static, non-private void method taking ({parameterList}, {real} seed, Span<{real}> gradient) that adds seed · ∂{method.Name}/∂{parameterName} into gradient";
                return null;
            }

            products[index] = QualifiedName(method.ContainingType) + "." + productName;
            tangents[index] = ProductTangentOf(method, productName);
            if (!TryReadWithValue(attribute, method, element, parameterName, out withValues[index], out error))
            {
                return null;
            }
        }

        return new VectorFunction(
            QualifiedName(method.ContainingType) + "." + method.Name,
            method.Name,
            method.Parameters.Select(p => p.Name).ToEquatableArray(),
            products.ToEquatableArray())
        {
            ProductTangents = tangents.ToEquatableArray(),
            ValueAndProducts = withValues.Any(name => name is not null) ? withValues.ToEquatableArray() : EquatableArray<string?>.Empty,
        };
    }

    /// <summary>
    /// The <c>WithValue</c> of a function over vectors' [Derivative]: a method that returns the function's value and adds the
    /// same product, taking (the function's parameters, seed, <c>Span</c> gradient), qualified; null where none is named.
    /// False, with <paramref name="error"/> set, where the named method has not that shape.
    /// </summary>
    private static bool TryReadWithValue(
        AttributeData attribute, IMethodSymbol method, ITypeSymbol element, string parameterName, out string? withValue, out string? error)
    {
        withValue = null;
        if (!TryReadWithValueName(attribute, out string? name, out error) || name is null)
        {
            return error is null;
        }

        bool valid = method.ContainingType.GetMembers(name).OfType<IMethodSymbol>().Any(candidate =>
            candidate.IsStatic && !candidate.IsGenericMethod &&
            SymbolEqualityComparer.Default.Equals(candidate.ReturnType, method.ReturnType) &&
            candidate.DeclaredAccessibility is not (Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal) &&
            candidate.Parameters.Length == method.Parameters.Length + 2 &&
            candidate.Parameters.All(p => p.RefKind == RefKind.None) &&
            candidate.Parameters.Take(method.Parameters.Length).Select(p => p.Type).SequenceEqual(method.Parameters.Select(p => p.Type), SymbolEqualityComparer.Default) &&
            SymbolEqualityComparer.Default.Equals(candidate.Parameters[method.Parameters.Length].Type, method.ReturnType) &&
            candidate.Parameters[method.Parameters.Length + 1].Type is INamedTypeSymbol { Name: "Span", TypeArguments.Length: 1 } span &&
            SymbolEqualityComparer.Default.Equals(span.TypeArguments[0], element));
        if (!valid)
        {
            string parameterList = string.Join(", ", method.Parameters.Select(p => p.Type.ToDisplayString()));
            string real = method.ReturnType.ToDisplayString();
            error = $"'{name}' (WithValue) must be a static, non-private method taking ({parameterList}, {real} seed, Span<{real}> gradient) that returns {method.Name}'s value and adds seed · ∂{method.Name}/∂{parameterName} into gradient";
            return false;
        }

        withValue = QualifiedName(method.ContainingType) + "." + name;
        return true;
    }

    /// <summary>
    /// Builds the function record for a method with [Derivative] attributes that a [Differentiable] method
    /// can call: static, taking and returning double. Otherwise returns null and the reason.
    /// </summary>
    public static Function? ReadCallable(IMethodSymbol method, SpecialType real, out string? error)
    {
        var reading = ReadingOf(method);
        var read = real == SpecialType.System_Single ? reading.AsSingle : reading.AsDouble;
        if (read is null)
        {
            var function = ReadCallableUncached(method, real, out string? problem);
            read = new CallableReading(function, problem);
            if (real == SpecialType.System_Single)
            {
                reading.AsSingle = read;
            }
            else
            {
                reading.AsDouble = read;
            }
        }

        error = read.Error;
        return read.Function;
    }

    private static Function? ReadCallableUncached(IMethodSymbol method, SpecialType real, out string? error)
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

        return Read(method, out error, DeclaredPartialDepth);
    }

    // How many levels of a derivative method's own [Derivative]s are read below a function's: two. The function's
    // partial (Sigmoid's SigmoidDerivative) is called by its gradient; that partial's partials (SigmoidDerivativeZPartial)
    // are called by its Hessian, which second order differentiates through; their partials
    // (SigmoidDerivativeZPartialZPartial) are called by the third derivative (ThirdOrder = true), the highest order the
    // generator makes. A fixed depth, not "until none is declared", so that a method declared as its own derivative
    // (or two declared as each other's) cannot make the reading recurse.
    private const int DeclaredPartialDepth = 2;

    /// <summary>
    /// One <c>[Derivative(nameof(parameter), nameof(productMethod))]</c> of a function over spans or of a helper that
    /// writes spans: the parameter's index and the product method's name; false, with <paramref name="error"/> set,
    /// where the attribute is not two names (<paramref name="form"/> says how to write it) or the first names no parameter.
    /// </summary>
    private static bool TryReadProductPair(
        AttributeData attribute, IMethodSymbol method, string form, out int index, out string parameterName, out string productName, out string? error)
    {
        (index, parameterName, productName, error) = (-1, string.Empty, string.Empty, null);
        var arguments = attribute.ConstructorArguments;
        if (arguments.Length != 2 || arguments.Any(a => a.Kind == TypedConstantKind.Array || a.Value is not string))
        {
            error = form;
            return false;
        }

        parameterName = (string)arguments[0].Value!;
        productName = (string)arguments[1].Value!;
        index = IndexOfParameter(method, parameterName);
        if (index < 0)
        {
            error = $"'{parameterName}' is not one of its parameters";
            return false;
        }

        return true;
    }

    /// <summary>
    /// The function record of <paramref name="method"/>'s [Derivative]s, each derivative method's own read
    /// <paramref name="depth"/> levels further down (0: the derivative methods are named, their own [Derivative]s not read).
    /// </summary>
    private static Function? Read(IMethodSymbol method, out string? error, int depth)
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

            var partial = ResolveDerivativeMethod(method, derivativeName, out error, out var partialSymbol);
            if (partial is null)
            {
                return null;
            }

            // The derivative method's own [Derivative] (SigmoidDerivative's), for second and third derivatives, to the
            // depth left (DeclaredPartialDepth says why it is bounded). Invalid ones are left out here (the analyzer
            // reports them at their declaration) and the order that needs them then reports the missing partial.
            if (depth > 0 && partialSymbol is not null && HasDeclaredDerivative(partialSymbol) &&
                Read(partialSymbol, out _, depth - 1) is { } callable)
            {
                partial = partial with { Callable = callable };
            }

            if (!TryReadValueWithDerivative(attribute, method, method.Parameters[index].Name, out string? withValue, out error))
            {
                return null;
            }

            partials[index] = withValue is null ? partial : partial with { WithValue = withValue };
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
    private static DeclaredPartial? ResolveDerivativeMethod(IMethodSymbol function, string derivativeName, out string? error, out IMethodSymbol? symbol)
    {
        symbol = null;
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
                symbol = candidate;
                return new DeclaredPartial(QualifiedName(function.ContainingType) + "." + candidate.Name, TakesValue: false);
            }

            if (candidate.Parameters.Length == n + 1 &&
                SymbolEqualityComparer.Default.Equals(candidate.Parameters[n].Type, function.ReturnType))
            {
                error = null;
                symbol = candidate;
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

    /// <summary>A callee's [Derivative] declarations as read, and its function record for each real type once asked for.</summary>
    private sealed class CalleeReading
    {
        public CalleeReading(bool hasDeclaredDerivative) => HasDeclaredDerivative = hasDeclaredDerivative;

        public bool HasDeclaredDerivative { get; }

        // Filled on first use; two threads may both read a callee, and either's (equal) reading is kept.
        public CallableReading? AsDouble { get; set; }

        public CallableReading? AsSingle { get; set; }
    }

    /// <summary>The outcome of <see cref="ReadCallable"/>: the function (immutable, so shared by every call) or why there is none.</summary>
    private sealed record CallableReading(Function? Function, string? Error);
}
