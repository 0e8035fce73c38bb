using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>Binds a [Differentiable] method's body, for both body parsers, or says why there is none to parse.</summary>
internal static class MethodBody
{
    /// <summary>
    /// The body's operation tree, with the semantic model and method symbol it was bound with; null when there is
    /// nothing to parse yet: code with syntax or semantic errors is the compiler's to report (and binding half-typed
    /// code can fail inside Roslyn itself), and a method with no body at all gets SD0013. A body that calls another
    /// method's generated gradient is bound in a compilation that declares it (<see cref="NestedGradientStubs"/>).
    /// What the parser needs from the tree comes with it, found in the same walk as the checks here (<see cref="BodyOperations"/>).
    /// </summary>
    public static (IOperation Block, SemanticModel Model, IMethodSymbol Method, BodyOperations Operations)? Bind(SemanticModel semanticModel, IMethodSymbol method, MethodDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        if (declaration.ContainsDiagnostics)
        {
            return null;
        }

        var bodyOperation = semanticModel.GetOperation(declaration, cancellationToken) as IMethodBodyOperation;
        var block = bodyOperation?.BlockBody ?? bodyOperation?.ExpressionBody;
        if (block is null)
        {
            if (declaration.Body is null && declaration.ExpressionBody is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.UnsupportedMethodShape,
                    LocationInfo.From(declaration.Identifier),
                    method.Name,
                    "it has no body to differentiate"));
            }

            return null;
        }

        // A call of a generated gradient (nested differentiation) binds to nothing while the generator runs (the
        // gradient is not generated yet): its signatures are declared for binding, or SD0020 says why it cannot be
        // differentiated through, rather than silence and only CS0103 at the call.
        var operations = BodyOperations.Of(block);
        var (unsupported, toDeclare) = GradientCalls(semanticModel, method, operations, diagnostics, cancellationToken);
        if (unsupported)
        {
            return null;
        }

        if (toDeclare.Count > 0)
        {
            var compilation = NestedGradientStubs.AddTo(semanticModel.Compilation, declaration.SyntaxTree, toDeclare, cancellationToken);
            if (compilation is null)
            {
                return null;
            }

            semanticModel = compilation.GetSemanticModel(declaration.SyntaxTree);
            if (semanticModel.GetDeclaredSymbol(declaration, cancellationToken) is not IMethodSymbol rebound ||
                semanticModel.GetOperation(declaration, cancellationToken) is not IMethodBodyOperation reboundBody ||
                (reboundBody.BlockBody ?? reboundBody.ExpressionBody) is not { } reboundBlock)
            {
                return null;
            }

            (method, block) = (rebound, reboundBlock);
            operations = BodyOperations.Of(block);

            // A call of a declared gradient that still binds to nothing (UWithGradient(v) of a method over spans, whose
            // declared form is UWithGradient(v, dV)) would leave the method without code and without a word.
            if (ReportUnboundGradientCalls(semanticModel, method, block, diagnostics, cancellationToken))
            {
                return null;
            }
        }

        return operations.HasErrors ? null : (block, semanticModel, method, operations);
    }

    // The generated names, longest suffix first: FWithGradient is F's gradient method, not FWith's struct.
    private static readonly string[] GeneratedSuffixes = { "WithGradient", "WithDerivative", "Gradient" };

    /// <summary>
    /// Finds every call of a method generated for a [Differentiable] method (<c>FWithGradient</c>): unresolved while
    /// the generator runs, resolved in a compilation that already holds generated code or when the callee is in a
    /// referenced assembly. Reports SD0020 at each one that cannot be differentiated through, and returns whether it
    /// reported one, and the callees whose generated code must be declared for the body to bind.
    /// </summary>
    private static (bool Reported, List<IMethodSymbol> ToDeclare) GradientCalls(SemanticModel semanticModel, IMethodSymbol method, BodyOperations operations, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        bool reported = false;
        var toDeclare = new List<IMethodSymbol>();
        foreach (var operation in operations.Invocations)
        {
            var invocation = (InvocationExpressionSyntax)operation.Syntax;

            string? name;
            INamedTypeSymbol? type;
            switch (operation)
            {
                // The name first: only a generated name can be reported, and reading attributes costs more.
                case IInvocationOperation call when HasGeneratedSuffix(call.TargetMethod.Name) && IsGenerated(call.TargetMethod):
                    name = call.TargetMethod.Name;
                    type = call.TargetMethod.ContainingType;
                    break;
                case IInvalidOperation:
                    (name, type) = UnresolvedTarget(semanticModel, method, invocation.Expression, cancellationToken);
                    break;
                default:
                    continue;
            }

            if (name is null || type is null || GradientOf(name, type) is not { } differentiable)
            {
                continue;
            }

            var callees = differentiable.Type.GetMembers(differentiable.Method).OfType<IMethodSymbol>().Where(MethodParser.IsDifferentiable).ToList();
            string? why = !differentiable.Suffix.StartsWith("With", System.StringComparison.Ordinal)
                ? $"is not supported (a [Differentiable] method may call '{differentiable.Method}WithGradient' and '{differentiable.Method}WithDerivative' and read their properties)"
                : callees.Count != 1
                    ? $"is not supported for an overloaded method"
                    : NestedGradientStubs.Unsupported(callees[0], RealTypes.Of(method), semanticModel.Compilation, cancellationToken) is { } shape
                        ? $"is not supported for {shape} yet; compute the gradient before calling '{method.Name}' and pass it in as a parameter that is not differentiated"
                        : null;
            if (why is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.NestedDifferentiation,
                    LocationInfo.From(invocation),
                    method.Name,
                    type.Name + "." + name,
                    differentiable.Type.Name + "." + differentiable.Method,
                    why));
                reported = true;
            }
            else if (operation is IInvalidOperation && !toDeclare.Contains(callees[0], SymbolEqualityComparer.Default))
            {
                toDeclare.Add(callees[0]);
            }
        }

        return (reported, toDeclare);
    }

    private static bool HasGeneratedSuffix(string name) =>
        GeneratedSuffixes.Any(suffix => name.Length > suffix.Length && name.EndsWith(suffix, System.StringComparison.Ordinal));

    /// <summary>Whether SymbolicDiff generated <paramref name="member"/> (its [GeneratedCode] names the generator).</summary>
    internal static bool IsGenerated(ISymbol member) =>
        member.GetAttributes().Any(a =>
            a.AttributeClass?.ToDisplayString() == "System.CodeDom.Compiler.GeneratedCodeAttribute" &&
            a.ConstructorArguments.Length > 0 &&
            a.ConstructorArguments[0].Value as string == GeneratorName);

    /// <summary>The tool name the generated code's [GeneratedCode] attribute carries.</summary>
    internal const string GeneratorName = "SymbolicDiff.Generator";

    /// <summary>The name called and the type it was looked up in, for a call that binds to nothing.</summary>
    private static bool ReportUnboundGradientCalls(SemanticModel semanticModel, IMethodSymbol method, IOperation block, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        bool reported = false;
        foreach (var invalid in block.Descendants().OfType<IInvalidOperation>())
        {
            if (invalid.Syntax is not InvocationExpressionSyntax invocation ||
                UnresolvedTarget(semanticModel, method, invocation.Expression, cancellationToken) is not ({ } name, { } type) ||
                GradientOf(name, type) is not { } differentiable)
            {
                continue;
            }

            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.NestedDifferentiation,
                LocationInfo.From(invocation),
                method.Name,
                type.Name + "." + name,
                differentiable.Type.Name + "." + differentiable.Method,
                $"is supported only in the forms '{differentiable.Method}WithGradient(...).X' (a method over scalars) and '{differentiable.Method}WithGradient(v, dV);' as a statement (a method over spans), not with these arguments"));
            reported = true;
        }

        return reported;
    }

    private static (string? Name, INamedTypeSymbol? Type) UnresolvedTarget(SemanticModel semanticModel, IMethodSymbol method, ExpressionSyntax callee, CancellationToken cancellationToken)
    {
        switch (callee)
        {
            case SimpleNameSyntax simple:
                return (simple.Identifier.ValueText, method.ContainingType);
            case MemberAccessExpressionSyntax access:
            {
                var receiver = semanticModel.GetSymbolInfo(access.Expression, cancellationToken).Symbol as INamedTypeSymbol
                               ?? semanticModel.GetTypeInfo(access.Expression, cancellationToken).Type as INamedTypeSymbol;
                return (access.Name.Identifier.ValueText, receiver);
            }

            default:
                return (null, null);
        }
    }

    /// <summary>
    /// The [Differentiable] method that generates <paramref name="name"/> in <paramref name="type"/> or a type
    /// containing it (a simple name finds members of outer types too), or null.
    /// </summary>
    private static (INamedTypeSymbol Type, string Method, string Suffix)? GradientOf(string name, INamedTypeSymbol type)
    {
        foreach (string suffix in GeneratedSuffixes)
        {
            if (name.Length <= suffix.Length || !name.EndsWith(suffix, System.StringComparison.Ordinal))
            {
                continue;
            }

            string prefix = name.Substring(0, name.Length - suffix.Length);
            for (var current = type; current is not null; current = current.ContainingType)
            {
                if (TypeMemberFacts.For(current).DifferentiableCount(prefix) > 0)
                {
                    return (current, prefix, suffix);
                }
            }
        }

        return null;
    }
}
