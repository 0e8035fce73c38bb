using System.Collections.Generic;
using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Differentiation;
using SymbolicDiff.Generator.Model;
using SymbolicDiff.Generator.Parsing;

namespace SymbolicDiff.Generator;

/// <summary>
/// The checks that belong at a declaration rather than in generated code, reported by an analyzer so
/// that they carry real source locations (and so honour <c>#pragma warning disable</c> and .editorconfig):
/// <list type="bullet">
/// <item>SD0017, a warning: a differentiated parameter the result does not depend on (its gradient is
/// always exactly 0, which is usually a mistake);</item>
/// <item>SD0011 at the <c>[Derivative]</c> attribute itself: the declared derivative method is missing or its
/// signature does not match the function's (the generator also reports it where the function is called).</item>
/// </list>
/// It runs the generator's own parser and differentiator, so both always agree.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DifferentiableAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.ResultIgnoresParameter, DiagnosticDescriptors.InvalidDerivativeDeclaration);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSyntaxNodeAction(AnalyzeMethod, SyntaxKind.MethodDeclaration);
    }

    private static void AnalyzeMethod(SyntaxNodeAnalysisContext context)
    {
        if (context.SemanticModel.GetDeclaredSymbol(context.Node, context.CancellationToken) is not IMethodSymbol method)
        {
            return;
        }

        try
        {
            CheckDerivativeDeclaration(context, method);
            CheckDifferentiatedParameters(context, method, (MethodDeclarationSyntax)context.Node);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The generator reports its own failures (SD9999); an analyzer that throws would only add AD0001 noise.
        }
    }

    private static void CheckDifferentiatedParameters(SyntaxNodeAnalysisContext context, IMethodSymbol method, MethodDeclarationSyntax declaration)
    {
        var attribute = method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == MethodParser.DifferentiableAttributeName);
        if (attribute is null)
        {
            return;
        }

        var parsed = MethodParser.Parse(declaration, method, context.SemanticModel, attribute, context.CancellationToken);
        if (parsed.Model is null)
        {
            return;
        }

        var model = DifferentiationPipeline.BeforeTransforms(parsed.Model);
        var program = model.ReturnsVoid ? null : ReverseMode.Differentiate(model, context.CancellationToken).Program;
        // A vector-valued method's results are its outputs too: a parameter is ignored only if no output depends on it either.
        var products = model.HasOutputs ? VectorJacobian.Differentiate(model, context.CancellationToken).Program?.Product.Gradient : null;
        IEnumerable<GradientEntry>? entries = program is not null ? program.Gradient : products;
        if (entries is null || (model.HasOutputs && products is null))
        {
            return;
        }

        foreach (var entry in entries.Where(e => e.Value is Constant { IsZero: true } &&
                                                 (products is null || products.Value.Any(p => p.ParameterName == e.ParameterName && p.Value is Constant { IsZero: true }))))
        {
            var parameter = declaration.ParameterList.Parameters.FirstOrDefault(p => p.Identifier.ValueText == entry.ParameterName);
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.ResultIgnoresParameter,
                parameter?.Identifier.GetLocation() ?? declaration.Identifier.GetLocation(),
                method.Name,
                entry.ParameterName));
        }
    }

    private static void CheckDerivativeDeclaration(SyntaxNodeAnalysisContext context, IMethodSymbol method)
    {
        var derivativeAttributes = method.GetAttributes()
            .Where(a => a.AttributeClass?.ToDisplayString() == DerivativeDeclarationReader.DerivativeAttributeName)
            .ToList();
        if (derivativeAttributes.Count == 0)
        {
            return;
        }

        string? error = DerivativeDeclarationReader.Validate(method);
        if (error is null)
        {
            return;
        }

        var location = derivativeAttributes[0].ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation()
                       ?? method.Locations.FirstOrDefault();
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.InvalidDerivativeDeclaration,
            location,
            method.ContainingType.Name + "." + method.Name,
            error));
    }
}
