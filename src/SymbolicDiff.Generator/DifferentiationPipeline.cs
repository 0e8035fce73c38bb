using System;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Differentiation;
using SymbolicDiff.Generator.Model;
using SymbolicDiff.Generator.Parsing;

namespace SymbolicDiff.Generator;

/// <summary>What the pipeline's transform step produces for one method: code to emit, or diagnostics, or both empty.</summary>
internal sealed record MethodResult(GradientProgram? Program, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// The work done per [Differentiable] method, outside the pipeline wiring: parse, then differentiate and
/// simplify. A failure of the generator itself becomes diagnostic SD9999, never an exception, because a
/// generator that throws only produces warning CS8785 and silently emits nothing.
/// </summary>
internal static class DifferentiationPipeline
{
    public static MethodResult Run(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        try
        {
            var parsed = MethodParser.Parse(context, cancellationToken);
            if (parsed.Model is null)
            {
                return new MethodResult(null, parsed.Diagnostics.ToEquatableArray());
            }

            var (program, diagnostics) = parsed.Model.HasLoops
                ? LoopDifferentiator.Differentiate(parsed.Model, cancellationToken)
                : ReverseModeDifferentiator.Differentiate(parsed.Model, cancellationToken);
            return new MethodResult(program, parsed.Diagnostics.Concat(diagnostics).ToEquatableArray());
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            var location = context.TargetNode is MethodDeclarationSyntax method
                ? LocationInfo.From(method.Identifier)
                : LocationInfo.From(context.TargetNode);
            var diagnostic = DiagnosticInfo.Create(
                DiagnosticDescriptors.InternalError,
                location,
                context.TargetSymbol.Name,
                exception.GetType().Name + ": " + exception.Message);
            return new MethodResult(null, new[] { diagnostic }.ToEquatableArray());
        }
    }
}
