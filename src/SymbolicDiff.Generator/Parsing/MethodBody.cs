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
    /// The body's operation tree; null when there is nothing to parse yet: code with syntax or semantic errors
    /// is the compiler's to report (and binding half-typed code can fail inside Roslyn itself), and a method
    /// with no body at all gets SD0013.
    /// </summary>
    public static IOperation? Bind(SemanticModel semanticModel, IMethodSymbol method, MethodDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
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

        return block.Descendants().Any(IsErroneous) ? null : block;
    }

    private static bool IsErroneous(IOperation operation) =>
        operation is IInvalidOperation || operation.Type is { TypeKind: TypeKind.Error };
}
