using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Emit;
using SymbolicDiff.Generator.Parsing;

namespace SymbolicDiff.Generator;

/// <summary>
/// The incremental generator: finds [Differentiable] methods and emits their gradients. This file holds
/// only the pipeline wiring; each stage lives in its own folder (Parsing, Differentiation, Emit).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class DifferentiableGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var methods = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                MethodParser.DifferentiableAttributeName,
                // Every kind of node [Differentiable] can be written on, so that the ones it cannot apply to
                // (accessors, operators, lambdas, local functions) get a diagnostic rather than silence.
                predicate: static (node, _) => node is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or
                    AccessorDeclarationSyntax or AnonymousFunctionExpressionSyntax,
                transform: static (context, cancellationToken) => DifferentiationPipeline.Parse(context, cancellationToken))
            .WithTrackingName(TrackingNames.ParsedMethods)
            // Runs only for a method whose parsed model changed: an unrelated edit re-parses, but is cached here.
            .Select(static (parsed, cancellationToken) => DifferentiationPipeline.Differentiate(parsed, cancellationToken))
            .WithTrackingName(TrackingNames.DifferentiatedMethods);

        // A method whose gradient calls the generated code of a method that gets none (an SD error there) gets no
        // code either, and an SD0024 at the call: never generated code that calls what does not exist. The set
        // changes only when some method's outcome does, so after an unrelated edit this step stays cached.
        var withoutCode = methods
            .Collect()
            .Select(static (results, _) => DifferentiationPipeline.MethodsWithoutCode(results))
            .WithTrackingName(TrackingNames.MethodsWithoutCode);
        methods = methods
            .Combine(withoutCode)
            .Select(static (pair, _) => DifferentiationPipeline.WithoutCallsToMissingCode(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.CheckedMethods);

        // Code and diagnostics flow separately, so that a change that only moves a diagnostic does not
        // re-emit code, and code is cached while only a diagnostic's location changes.
        var programs = methods
            .Where(static result => result.Program is not null)
            .Select(static (result, _) => result.Program!)
            .WithTrackingName(TrackingNames.GradientPrograms);

        var diagnostics = methods
            .SelectMany(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);

        // Every file name, so that names differing only in case (Model.F, model.F) can be told apart, with those
        // that collide found once rather than once per method; it changes only when a method is added, removed or renamed.
        var hintNames = programs
            .Select(static (program, _) => GradientSourceEmitter.HintName(program))
            .Collect()
            .Select(static (names, _) => new HintNameSet(names))
            .WithTrackingName(TrackingNames.HintNames);

        // MDerivation is emitted unless the project sets <SymbolicDiffEmitDerivation>false</SymbolicDiffEmitDerivation>
        // (about half the generated text, which the compiler parses and binds too); a bool, so only a change of it re-emits.
        var emitDerivation = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => GeneratorOptions.EmitDerivation(options.GlobalOptions))
            .WithTrackingName(TrackingNames.EmitDerivation);

        context.RegisterSourceOutput(programs.Combine(hintNames).Combine(emitDerivation), static (output, pair) =>
            GradientSourceEmitter.AddSource(output, pair.Left.Left, pair.Left.Right, pair.Right));

        context.RegisterSourceOutput(diagnostics, static (output, diagnostic) =>
            output.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.Get(diagnostic.Id),
                diagnostic.Location?.ToLocation() ?? Location.None,
                System.Linq.Enumerable.ToArray(diagnostic.MessageArguments))));
    }
}
