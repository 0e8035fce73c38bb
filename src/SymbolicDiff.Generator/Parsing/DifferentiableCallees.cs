using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicDiff.Generator.Model;
using static SymbolicDiff.Generator.Parsing.OperationFacts;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>Calls of other [Differentiable] methods: how the generator sees the callee, and whether a call makes a cycle.</summary>
internal static class DifferentiableCallees
{
    private const int MaxMethodsSearchedForRecursion = 256;

    /// <summary>
    /// Another [Differentiable] method, in this compilation or a referenced one: its generated
    /// <c>MWithGradient</c> is called (not inlined), and its gradient properties are the partials.
    /// </summary>
    public static Function Describe(IMethodSymbol method)
    {
        var names = SelectedNames(method);
        bool all = names.Count == 0;
        var real = RealTypes.Of(method);
        string type = DerivativeDeclarationReader.QualifiedName(method.ContainingType);
        var properties = method.Parameters
            .Select(p => p.Type.SpecialType == real && (all || names.Contains(p.Name)) ? NameAllocator.ToPascalCase(p.Name) : null)
            .ToEquatableArray();
        var attribute = method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == MethodParser.DifferentiableAttributeName);
        return new Function(type + "." + method.Name, method.Name, BuiltinFunction.None, new DeclaredPartial?[method.Parameters.Length].ToEquatableArray())
        {
            ParameterNames = method.Parameters.Select(p => p.Name).ToEquatableArray(),
            GradientMethod = type + "." + GeneratedNames.GradientMethod(method.Name),
            GradientProperties = properties,
            Hessian = MethodParser.IsSecondOrder(attribute)
                ? new CalleeHessian(type + "." + GeneratedNames.HessianMethod(method.Name), method.Name, properties.Count(p => p is not null))
                {
                    Key = method.OriginalDefinition.Locations.Any(location => location.IsInSource) ? method.OriginalDefinition.GetDocumentationCommentId() : null,
                    TangentMethod = MethodParser.IsThirdOrder(attribute) ? type + "." + GeneratedNames.HessianTangentMethod(method.Name) : null,
                    Differentiated = properties.Select(p => p is not null).ToEquatableArray(),
                }
                : null,
        };
    }

    /// <summary>
    /// Another [Differentiable] method over spans that returns a real: a function over vectors whose products are
    /// the ones its generated code provides, one per differentiated parameter (<see cref="GeneratedNames.VectorJacobianProduct"/>):
    /// a vector's adds seed · ∂M/∂v into a span, a real's returns seed · ∂M/∂s.
    /// </summary>
    public static VectorFunction DescribeOverVectors(IMethodSymbol method, SpecialType real)
    {
        var names = SelectedNames(method);
        string type = DerivativeDeclarationReader.QualifiedName(method.ContainingType);

        // Products are generated with the span API, that is when the callee differentiates a vector.
        bool differentiatesAVector = method.Parameters.Any(p => BodyParser.IsRealVector(p.Type, real) && (names.Count == 0 || names.Contains(p.Name)));
        var products = method.Parameters
            .Select(p => (BodyParser.IsRealVector(p.Type, real) || (differentiatesAVector && p.Type.SpecialType == real)) && (names.Count == 0 || names.Contains(p.Name))
                ? GeneratedNames.VectorJacobianProduct(method.Name, p.Name)
                : null)
            .ToList();

        // With SecondOrder = true, each product's derivative is generated beside its Hessian-vector product, which it calls.
        var attribute = method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == MethodParser.DifferentiableAttributeName);
        bool secondOrder = differentiatesAVector && MethodParser.IsSecondOrder(attribute);
        return new VectorFunction(
            type + "." + method.Name,
            method.Name,
            method.Parameters.Select(p => p.Name).ToEquatableArray(),
            products.Select(product => product is null ? null : type + "." + product).ToEquatableArray())
        {
            IsDifferentiableCallee = true,
            ProductTangents = secondOrder
                ? method.Parameters.Select((p, i) => products[i] is null ? null : type + "." + GeneratedNames.ProductTangent(method.Name, p.Name)).ToEquatableArray()
                : EquatableArray<string?>.Empty,
            HessianKey = secondOrder && method.OriginalDefinition.Locations.Any(location => location.IsInSource)
                ? method.OriginalDefinition.GetDocumentationCommentId()
                : null,
        };
    }

    /// <summary>
    /// Another [Differentiable] method that writes its results into <paramref name="outputs"/> (a vector-valued method):
    /// a function over vectors whose derivatives are its generated <c>MVectorJacobianProduct</c> and <c>MWithDerivative</c>,
    /// with a gradient output and a tangent for each parameter it differentiates (its outputs never are).
    /// </summary>
    public static VectorFunction DescribeVectorValued(IMethodSymbol method, IReadOnlyCollection<string> outputs, SpecialType real)
    {
        var names = SelectedNames(method);
        string type = DerivativeDeclarationReader.QualifiedName(method.ContainingType);
        var attribute = method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == MethodParser.DifferentiableAttributeName);
        bool secondOrder = MethodParser.IsSecondOrder(attribute);
        return new VectorFunction(
            type + "." + method.Name,
            method.Name,
            method.Parameters.Select(p => p.Name).ToEquatableArray(),
            new string?[method.Parameters.Length].ToEquatableArray())
        {
            HessianVectorProductMethod = secondOrder ? type + "." + GeneratedNames.HessianVectorProductMethod(method.Name) : null,
            HessianKey = secondOrder && method.OriginalDefinition.Locations.Any(location => location.IsInSource) ? method.OriginalDefinition.GetDocumentationCommentId() : null,
            Outputs = method.Parameters.Select(p => outputs.Contains(p.Name)).ToEquatableArray(),
            Differentiated = method.Parameters
                .Select(p => !outputs.Contains(p.Name) && p.RefKind == RefKind.None && (BodyParser.IsRealVector(p.Type, real) || p.Type.SpecialType == real) && (names.Count == 0 || names.Contains(p.Name)))
                .ToEquatableArray(),
            ProductMethod = type + "." + GeneratedNames.VectorJacobianProductMethod(method.Name),
            DerivativeMethod = type + "." + GeneratedNames.DerivativeMethod(method.Name),
            ValueGradientMethod = method.ReturnsVoid ? null : type + "." + GeneratedNames.GradientMethod(method.Name),
        };
    }

    /// <summary>
    /// The generated <c>UWithGradient(v, b, dV, out dB)</c> of a [Differentiable(SecondOrder = true)] method U over spans,
    /// called in another [Differentiable] method: a vector-valued function of U's arguments whose outputs (one per
    /// differentiated parameter, after U's parameters: a span for a vector, <c>out double</c> for a scalar) are U's
    /// gradient, so that its derivative is U's Hessian-vector product. The same for double and float: the caller's real
    /// type <paramref name="real"/> is U's, and the product is U's own (float in a float U). Null where U has no such
    /// product: not a static method returning <paramref name="real"/>, a parameter that is not a vector of
    /// <paramref name="real"/> (<c>ReadOnlySpan&lt;double&gt;</c>, <c>Span&lt;double&gt;</c>, <c>double[]</c>, or float's),
    /// a <paramref name="real"/> or an integer (held: never differentiated) passed by value, no differentiated vector,
    /// or no SecondOrder = true. A vector U writes makes it vector-valued: see
    /// <see cref="NestedGradientStubs.Unsupported"/>, which has the compilation to tell.
    /// </summary>
    public static VectorFunction? DescribeGradientOverSpans(IMethodSymbol method, SpecialType real)
    {
        var attribute = method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == MethodParser.DifferentiableAttributeName);
        if (real is not (SpecialType.System_Double or SpecialType.System_Single) || !method.IsStatic || method.IsGenericMethod || method.ReturnType.SpecialType != real || !MethodParser.IsSecondOrder(attribute) ||
            method.Parameters.Any(p => p.RefKind != RefKind.None || (p.Type.SpecialType != real && !BodyParser.IsRealVector(p.Type, real) && !OperationFacts.IsInteger(p.Type))))
        {
            return null;
        }

        var names = SelectedNames(method);
        var differentiated = method.Parameters.Select(p => !OperationFacts.IsInteger(p.Type) && (names.Count == 0 || names.Contains(p.Name))).ToList();
        if (!method.Parameters.Where((p, i) => differentiated[i]).Any(p => BodyParser.IsRealVector(p.Type, real)))
        {
            return null;
        }

        string type = DerivativeDeclarationReader.QualifiedName(method.ContainingType);
        var outputs = method.Parameters.Where((p, i) => differentiated[i]).Select(p => GeneratedNames.Output(p.Name)).ToList();
        return new VectorFunction(
            type + "." + GeneratedNames.GradientMethod(method.Name),
            GeneratedNames.GradientMethod(method.Name),
            method.Parameters.Select(p => p.Name).Concat(outputs).ToEquatableArray(),
            new string?[method.Parameters.Length + outputs.Count].ToEquatableArray())
        {
            Outputs = method.Parameters.Select(_ => false).Concat(outputs.Select(_ => true)).ToEquatableArray(),
            Differentiated = differentiated.Concat(outputs.Select(_ => false)).ToEquatableArray(),
            ProductMethod = type + "." + GeneratedNames.HessianVectorProductMethod(method.Name),
            DerivativeMethod = type + "." + GeneratedNames.HessianVectorProductMethod(method.Name),
            ProductIsHessianVector = true,
            HessianVectorProductTangentMethod = MethodParser.IsThirdOrder(attribute) ? type + "." + GeneratedNames.HessianVectorProductTangentMethod(method.Name) : null,
            // A caller's second derivatives call that product's forward mode, which comes with U's own third order (SD0033 without).
            HessianKey = MethodParser.IsThirdOrder(attribute) && method.OriginalDefinition.Locations.Any(location => location.IsInSource) ? method.OriginalDefinition.GetDocumentationCommentId() : null,
        };
    }

    /// <summary>The parameters named in the method's [Differentiable(...)]: empty for all of them.</summary>
    private static List<string?> SelectedNames(IMethodSymbol method) => method.GetAttributes()
        .First(a => a.AttributeClass?.ToDisplayString() == MethodParser.DifferentiableAttributeName)
        .ConstructorArguments
        .SelectMany(argument => argument.Kind == TypedConstantKind.Array
            ? (argument.IsNull ? Enumerable.Empty<string?>() : argument.Values.Select(v => v.Value as string))
            : new[] { argument.Value as string })
        .ToList();

    /// <summary>
    /// Null when calling <paramref name="callee"/> does not lead back to this method; otherwise how it does
    /// (empty for a direct call, ", through 'G'" for a cycle through others).
    /// </summary>
    public static string? RecursionPath(IMethodSymbol caller, IMethodSymbol callee, SemanticModel semanticModel, CancellationToken cancellationToken)
    {
        if (SymbolEqualityComparer.Default.Equals(callee.OriginalDefinition, caller.OriginalDefinition))
        {
            return string.Empty;
        }

        var visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { callee.OriginalDefinition };
        var pending = new Queue<(IMethodSymbol Method, string Path)>();
        pending.Enqueue((callee.OriginalDefinition, "'" + DisplayName(callee) + "'"));
        while (pending.Count > 0 && visited.Count < MaxMethodsSearchedForRecursion)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (current, path) = pending.Dequeue();
            foreach (var next in DifferentiableCallsIn(current, semanticModel, cancellationToken))
            {
                if (SymbolEqualityComparer.Default.Equals(next, caller.OriginalDefinition))
                {
                    return ", through " + path;
                }

                if (visited.Add(next))
                {
                    pending.Enqueue((next, path + " and '" + DisplayName(next) + "'"));
                }
            }
        }

        return null;
    }

    /// <summary>The [Differentiable] methods that <paramref name="method"/>'s source calls (none for metadata).</summary>
    private static IEnumerable<IMethodSymbol> DifferentiableCallsIn(IMethodSymbol method, SemanticModel semanticModel, CancellationToken cancellationToken)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax(cancellationToken);
            var model = syntax.SyntaxTree == semanticModel.SyntaxTree
                ? semanticModel
                : semanticModel.Compilation.GetSemanticModel(syntax.SyntaxTree);
            foreach (var invocation in syntax.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol target && MethodParser.IsDifferentiable(target))
                {
                    yield return target.OriginalDefinition;
                }
            }
        }
    }
}
