using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// The outputs of a vector-valued method: its <c>Span&lt;T&gt;</c> and <c>T[]</c> parameters (T the method's real
/// type) that the body writes element by element (<c>r[i] = e;</c>, <c>r[i] += e;</c>, <c>r[i]++</c>). Found on the
/// syntax with the semantic model, before the body is parsed (a parameter named in [Differentiable] is an input, never
/// an output), because they decide the declaration's checks (a
/// <c>void</c> method needs one) and which parameters are differentiated (an output never is).
/// </summary>
internal static class VectorOutputs
{
    public static IReadOnlyCollection<string> Find(
        IMethodSymbol method,
        AttributeData? attribute,
        MethodDeclarationSyntax declaration,
        SemanticModel semanticModel,
        CancellationToken cancellationToken) =>
        Find(method, attribute, declaration, semanticModel, cancellationToken, depth: 0);

    // How deep a chain of helpers writing each other's outputs is followed (a cycle is recursion, SD0018 at the call).
    private const int MaxCalleeDepth = 4;

    private static IReadOnlyCollection<string> Find(
        IMethodSymbol method,
        AttributeData? attribute,
        MethodDeclarationSyntax declaration,
        SemanticModel semanticModel,
        CancellationToken cancellationToken,
        int depth)
    {
        // A parameter named in [Differentiable] is an input, whatever the body does with it (writing it stays SD0004).
        var named = new HashSet<string?>(attribute?.ConstructorArguments
            .SelectMany(argument => argument.Kind == TypedConstantKind.Array ? (argument.IsNull ? Enumerable.Empty<TypedConstant>() : argument.Values) : new[] { argument })
            .Select(value => value.Value as string) ?? Enumerable.Empty<string?>());
        var candidates = method.Parameters
            .Where(p => p.RefKind == RefKind.None && IsWritableVector(p.Type, RealTypes.Of(method)) && !named.Contains(p.Name))
            .ToList();
        var outputs = new HashSet<string>();
        if (candidates.Count == 0)
        {
            return outputs;
        }

        var body = (SyntaxNode?)declaration.Body ?? declaration.ExpressionBody;
        if (body is null)
        {
            return outputs;
        }

        foreach (var node in body.DescendantNodes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var target = node switch
            {
                AssignmentExpressionSyntax assignment => assignment.Left,
                PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression or (int)SyntaxKind.PostDecrementExpression } postfix => postfix.Operand,
                PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression } prefix => prefix.Operand,
                // ref double e = ref r[i];: written through the alias (BodyParser.RefLocals.cs); a ref readonly alias only reads.
                RefExpressionSyntax { Parent: EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Type: RefTypeSyntax { ReadOnlyKeyword.RawKind: (int)SyntaxKind.None } } } } } alias => alias.Expression,
                _ => null,
            };
            // Step(state, r): a vector-valued helper writing its results into r.
            if (node is InvocationExpressionSyntax invocation && depth < MaxCalleeDepth)
            {
                outputs.UnionWith(WrittenByCall(invocation, candidates, semanticModel, cancellationToken, depth));
                continue;
            }

            if (target is ElementAccessExpressionSyntax access &&
                semanticModel.GetSymbolInfo(access.Expression, cancellationToken).Symbol is IParameterSymbol parameter &&
                candidates.Any(c => SymbolEqualityComparer.Default.Equals(c, parameter)))
            {
                outputs.Add(parameter.Name);
            }
        }

        return outputs;
    }

    /// <summary>The candidates passed to a [Differentiable] helper as arguments for its outputs.</summary>
    private static IEnumerable<string> WrittenByCall(
        InvocationExpressionSyntax invocation,
        List<IParameterSymbol> candidates,
        SemanticModel semanticModel,
        CancellationToken cancellationToken,
        int depth)
    {
        if (semanticModel.GetOperation(invocation, cancellationToken) is not Microsoft.CodeAnalysis.Operations.IInvocationOperation operation)
        {
            yield break;
        }

        var target = operation.TargetMethod;
        IReadOnlyCollection<string> calleeOutputs;
        if (MethodParser.IsDifferentiable(target))
        {
            calleeOutputs = OfCallee(target, semanticModel.Compilation, cancellationToken, depth + 1);
        }
        else if (DerivativeDeclarationReader.HasDeclaredDerivative(target) && DerivativeDeclarationReader.IsOutputHelper(target))
        {
            // A helper declaring its products writes its Span<T> parameters.
            calleeOutputs = target.Parameters.Where(p => p.Type is INamedTypeSymbol { Name: "Span" }).Select(p => p.Name).ToList();
        }
        else
        {
            yield break;
        }

        foreach (var argument in operation.Arguments)
        {
            var value = argument.Value;
            while (value is Microsoft.CodeAnalysis.Operations.IConversionOperation conversion)
            {
                value = conversion.Operand;
            }

            if (argument.Parameter is { } parameter && calleeOutputs.Contains(parameter.Name) &&
                value is Microsoft.CodeAnalysis.Operations.IParameterReferenceOperation reference &&
                candidates.Any(c => SymbolEqualityComparer.Default.Equals(c, reference.Parameter)))
            {
                yield return reference.Parameter.Name;
            }
        }
    }

    /// <summary>
    /// The outputs of a called [Differentiable] method: from its body when it is in source, else (from metadata) one
    /// placeholder when its type has the generated vector-Jacobian product that only vector-valued methods get.
    /// </summary>
    public static IReadOnlyCollection<string> OfCallee(IMethodSymbol callee, Compilation compilation, CancellationToken cancellationToken) =>
        OfCallee(callee, compilation, cancellationToken, depth: 0);

    private static IReadOnlyCollection<string> OfCallee(IMethodSymbol callee, Compilation compilation, CancellationToken cancellationToken, int depth)
    {
        if (!callee.Parameters.Any(p => IsWritableVector(p.Type, RealTypes.Of(callee))))
        {
            return new string[0];
        }

        var definition = callee.PartialImplementationPart ?? callee;
        if (definition.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is MethodDeclarationSyntax declaration)
        {
            var attribute = callee.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == MethodParser.DifferentiableAttributeName);
            return Find(definition, attribute, declaration, compilation.GetSemanticModel(declaration.SyntaxTree), cancellationToken, depth);
        }

        return callee.ContainingType.GetMembers(Model.GeneratedNames.VectorJacobianProductMethod(callee.Name)).Length > 0
            ? new[] { "its outputs" }
            : new string[0];
    }

    /// <summary><c>Span&lt;T&gt;</c> or <c>T[]</c>: a vector the method may write (a <c>ReadOnlySpan</c> it cannot).</summary>
    private static bool IsWritableVector(ITypeSymbol type, SpecialType real) => type switch
    {
        IArrayTypeSymbol { Rank: 1 } array => array.ElementType.SpecialType == real,
        INamedTypeSymbol { Name: "Span", TypeArguments.Length: 1 } span when span.ContainingNamespace?.ToDisplayString() == "System" =>
            span.TypeArguments[0].SpecialType == real,
        _ => false,
    };
}
