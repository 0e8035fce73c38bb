using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// What the checks of one [Differentiable] method need to know about its type's other members (overloads,
/// names the generator would emit twice, file names that differ only in case), computed once per type and
/// compilation rather than once per method: a type with n [Differentiable] methods would otherwise cost n².
/// </summary>
internal sealed class TypeMemberFacts
{
    // Keyed by the type symbol, which belongs to one compilation: the facts die with it.
    private static readonly ConditionalWeakTable<INamedTypeSymbol, TypeMemberFacts> Cache = new();

    private readonly HashSet<string> _declaredNames;
    private readonly Dictionary<string, HashSet<string>> _producersOfGeneratedName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _differentiableCountByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _differentiableNamesIgnoringCase = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, bool> _secondOrder = new(StringComparer.Ordinal);

    private TypeMemberFacts(INamedTypeSymbol type)
    {
        var members = type.GetMembers();
        // What SymbolicDiff itself generated (in a compilation that already holds its output, as an analyzer
        // sees it) does not take a name: the method is seen as the user wrote it.
        _declaredNames = new HashSet<string>(
            members.Where(m => !m.IsImplicitlyDeclared && !MethodBody.IsGenerated(m)).Select(m => m.Name),
            StringComparer.Ordinal);
        foreach (var method in members.OfType<IMethodSymbol>().Where(MethodParser.IsDifferentiable))
        {
            _differentiableCountByName[method.Name] = _differentiableCountByName.TryGetValue(method.Name, out int count) ? count + 1 : 1;
            Add(_differentiableNamesIgnoringCase, method.Name, method.Name);
            bool secondOrder = MethodParser.IsSecondOrder(method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == MethodParser.DifferentiableAttributeName));
            _secondOrder[method.Name] = secondOrder || (_secondOrder.TryGetValue(method.Name, out bool other) && other);
            foreach (string generated in GeneratedNames(method.Name, secondOrder))
            {
                Add(_producersOfGeneratedName, generated, method.Name);
            }
        }
    }

    public static TypeMemberFacts For(INamedTypeSymbol type) => Cache.GetValue(type, static t => new TypeMemberFacts(t));

    /// <summary>
    /// The names the generator emits for a method <c>M</c>: <c>MGradient</c>, <c>MWithGradient</c>, <c>MWithDerivative</c>,
    /// <c>MDerivation</c>, <c>MVectorJacobianProduct</c> and <c>MJacobian</c> (for a vector-valued method; reserved for
    /// every method); with <paramref name="secondOrder"/> also <c>MHessian</c>, <c>MWithHessian</c> and
    /// <c>MHessianVectorProduct</c>
    /// (and <c>MHessianWithDerivative</c>, which ThirdOrder = true adds).
    /// </summary>
    public static IEnumerable<string> GeneratedNames(string methodName, bool secondOrder = false)
    {
        var names = new List<string>
        {
            Model.GeneratedNames.GradientStruct(methodName),
            Model.GeneratedNames.GradientMethod(methodName),
            Model.GeneratedNames.DerivativeMethod(methodName),
            Model.GeneratedNames.DerivationMethod(methodName),
            Model.GeneratedNames.VectorJacobianProductMethod(methodName),
            Model.GeneratedNames.JacobianMethod(methodName),
        };
        if (secondOrder)
        {
            names.Add(Model.GeneratedNames.HessianStruct(methodName));
            names.Add(Model.GeneratedNames.HessianMethod(methodName));
            names.Add(Model.GeneratedNames.HessianVectorProductMethod(methodName));
            names.Add(Model.GeneratedNames.HessianTangentMethod(methodName));
            names.Add(Model.GeneratedNames.HessianVectorProductTangentMethod(methodName));
        }

        return names;
    }

    /// <summary>How many [Differentiable] methods of the type have this name (more than one: overloads).</summary>
    public int DifferentiableCount(string name) => _differentiableCountByName.TryGetValue(name, out int count) ? count : 0;

    /// <summary>
    /// A name <paramref name="methodName"/> generates that the type already has, by hand or generated for
    /// another [Differentiable] method (F's FWithGradient is FWith's struct), or null.
    /// </summary>
    public string? GeneratedNameTaken(string methodName) =>
        GeneratedNames(methodName, _secondOrder.TryGetValue(methodName, out bool secondOrder) && secondOrder).FirstOrDefault(generated =>
            _declaredNames.Contains(generated) ||
            (_producersOfGeneratedName.TryGetValue(generated, out var producers) && producers.Any(p => p != methodName)));

    /// <summary>Whether another [Differentiable] method's name differs from this one only in case.</summary>
    public bool HasCaseVariant(string methodName) =>
        _differentiableNamesIgnoringCase.TryGetValue(methodName, out var names) && names.Any(n => n != methodName);

    private static void Add(Dictionary<string, HashSet<string>> map, string key, string value)
    {
        if (!map.TryGetValue(key, out var set))
        {
            map[key] = set = new HashSet<string>(StringComparer.Ordinal);
        }

        set.Add(value);
    }
}
