using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Differentiation;
using SymbolicDiff.Generator.Model;
using SymbolicDiff.Generator.Parsing;

namespace SymbolicDiff.Generator;

/// <summary>
/// What the parse step produces for one method: its Roslyn-free model (or none), the problems found, and the
/// places the next step may report at: the method (a failure, SD9999) and every call (SD0012). Those locations
/// are part of equality, so that the cached differentiation step never reports at an old line (ARCHITECTURE.md:
/// a location goes into a cached model only where it is part of equality).
/// </summary>
internal sealed record ParsedMethod(
    string MethodName,
    MethodModel? Model,
    EquatableArray<DiagnosticInfo> Diagnostics,
    LocationInfo? Location,
    EquatableArray<LocationInfo> CallLocations)
{
    /// <summary>The [Differentiable] callees that selected some parameters and are called as they are.</summary>
    public EquatableArray<string> SelectingCallees { get; init; } = EquatableArray<string>.Empty;

    /// <summary>The method's documentation ID, by which its callers name it in <see cref="DifferentiableCalls"/>.</summary>
    public string? Key { get; init; }

    /// <summary>The calls whose callee's generated code the gradient calls.</summary>
    public EquatableArray<DifferentiableCall> DifferentiableCalls { get; init; } = EquatableArray<DifferentiableCall>.Empty;
    /// <summary>Where <c>SecondOrder = true</c> is written in the attribute (what SD0030 and SD0031 point at), or null.</summary>
    public LocationInfo? SecondOrderLocation { get; init; }
}

/// <summary>What the differentiation step produces for one method: code to emit, or diagnostics, or both empty.</summary>
internal sealed record MethodResult(GradientProgram? Program, EquatableArray<DiagnosticInfo> Diagnostics)
{
    /// <summary>The method's documentation ID (<see cref="ParsedMethod.Key"/>).</summary>
    public string? Key { get; init; }

    /// <summary>The calls whose callee's generated code the gradient calls.</summary>
    public EquatableArray<DifferentiableCall> DifferentiableCalls { get; init; } = EquatableArray<DifferentiableCall>.Empty;

    /// <summary>The callees (keys) whose Hessian the gradient or directional derivative reads: nested differentiation.</summary>
    public EquatableArray<string> HessiansRead { get; init; } = EquatableArray<string>.Empty;

    /// <summary>The callees (keys) whose Hessian only the method's own second derivatives read.</summary>
    public EquatableArray<string> HessiansReadBySecondOrder { get; init; } = EquatableArray<string>.Empty;

    /// <summary>The method asks for second derivatives (SecondOrder = true) and gets none, or no code at all.</summary>
    public bool LacksHessian { get; init; }
}

/// <summary>
/// The methods whose generated code others must not call (<see cref="DifferentiationPipeline.MethodsWithoutCode"/>):
/// those with no code at all, and those asking for second derivatives that have no <c>MWithHessian</c>.
/// </summary>
internal sealed record MissingCode(EquatableArray<string> WithoutCode, EquatableArray<string> WithoutHessian);

/// <summary>
/// The work done per [Differentiable] method, outside the pipeline wiring, in two steps. Parsing needs the
/// semantic model, so the compiler runs it again whenever the compilation changes; differentiation needs only
/// the parsed model, so after an unrelated edit (an equal model) its result is taken from the cache.
/// A failure of the generator itself becomes diagnostic SD9999, never an exception, because a generator that
/// throws only produces warning CS8785 and silently emits nothing.
/// </summary>
internal static class DifferentiationPipeline
{
    public static ParsedMethod Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var location = context.TargetNode is MethodDeclarationSyntax method
            ? LocationInfo.From(method.Identifier)
            : LocationInfo.From(context.TargetNode);
        try
        {
            var parsed = MethodParser.Parse(context, cancellationToken);
            return new ParsedMethod(context.TargetSymbol.Name, parsed.Model, parsed.Diagnostics.ToEquatableArray(), location, parsed.CallLocations)
            {
                SelectingCallees = parsed.SelectingCallees,
                Key = KeyOf(context.TargetSymbol),
                DifferentiableCalls = parsed.DifferentiableCalls,
                SecondOrderLocation = parsed.Model is { SecondOrder: true } ? SecondOrderLocation(context, cancellationToken) : null,
            };
        }
        catch (InsufficientExecutionStackException)
        {
            return new ParsedMethod(context.TargetSymbol.Name, null, new[] { TooDeep(location, context.TargetSymbol.Name) }.ToEquatableArray(), location, EquatableArray<LocationInfo>.Empty)
            {
                Key = KeyOf(context.TargetSymbol),
            };
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Roslyn itself can throw while binding a method with errors (an assignment to a switch expression,
            // CS0131): the user sees those errors, and a generator error on top of them would only be noise.
            var diagnostics = HasErrors(context, cancellationToken)
                ? EquatableArray<DiagnosticInfo>.Empty
                : new[] { InternalError(location, context.TargetSymbol.Name, exception) }.ToEquatableArray();
            return new ParsedMethod(context.TargetSymbol.Name, null, diagnostics, location, EquatableArray<LocationInfo>.Empty)
            {
                Key = KeyOf(context.TargetSymbol),
            };
        }
    }

    private static LocationInfo? SecondOrderLocation(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var attribute = context.Attributes.FirstOrDefault()?.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        var argument = attribute?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText is "SecondOrder" or "ThirdOrder");
        return argument is not null ? LocationInfo.From(argument) : attribute is not null ? LocationInfo.From(attribute) : null;
    }

    private static bool HasErrors(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        try
        {
            return context.SemanticModel.GetDiagnostics(context.TargetNode.Span, cancellationToken).Any(d => d.Severity == DiagnosticSeverity.Error);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return true; // binding it throws again: it has errors
        }
    }

    public static MethodResult Differentiate(ParsedMethod parsed, CancellationToken cancellationToken) =>
        DifferentiateModel(parsed, cancellationToken) with { Key = parsed.Key, DifferentiableCalls = parsed.DifferentiableCalls };

    private static MethodResult DifferentiateModel(ParsedMethod parsed, CancellationToken cancellationToken)
    {
        if (parsed.Model is null)
        {
            return new MethodResult(null, parsed.Diagnostics);
        }

        try
        {
            var model = BeforeTransforms(parsed.Model);
            var hessiansRead = EquatableArray<string>.Empty;
            var hessiansReadBySecondOrder = EquatableArray<string>.Empty;
            var (program, diagnostics) = model.ReturnsVoid
                ? (new GradientProgram(model, EquatableArray<Statement>.Empty, EquatableArray<GradientEntry>.Empty, string.Empty), new List<DiagnosticInfo>())
                : ReverseMode.Differentiate(model, cancellationToken);

            // A vector-valued method also gets its vector-Jacobian product (and from it, in Emit, its Jacobian).
            if (program is not null && model.HasOutputs)
            {
                var (jacobian, productDiagnostics) = VectorJacobian.Differentiate(model, cancellationToken);
                program = jacobian is null ? null : program with { Jacobian = VectorJacobian.WithValueWeighted(model, jacobian, cancellationToken) };
                diagnostics = diagnostics.Concat(productDiagnostics).Distinct().ToList();
            }

            // Forward mode (MWithDerivative) is a second transform of the same structured body.
            if (program is not null)
            {
                program = program with { Derivative = ForwardModeDifferentiator.Differentiate(model, cancellationToken) };

                // Second derivatives, opted into: forward mode again, over the gradient program just made.
                if (model.SecondOrder)
                {
                    var (hessian, problem) = model.HasOutputs && program.Jacobian is { } vectorJacobian
                        ? SecondOrder.DifferentiateVectorValued(model, vectorJacobian, parsed.SecondOrderLocation ?? parsed.Location, cancellationToken)
                        : SecondOrder.Differentiate(model, program, parsed.SecondOrderLocation ?? parsed.Location, cancellationToken);
                    // A vector-valued method that returns a real: its product over the value too (a caller reading both needs it),
                    // and second derivatives only where both are generated.
                    if (hessian is not null && program.Jacobian?.ValueWeighted is { } weighted)
                    {
                        var (weightedHessian, weightedProblem) = SecondOrder.DifferentiateVectorValued(model, weighted, parsed.SecondOrderLocation ?? parsed.Location, cancellationToken);
                        (hessian, problem) = weightedHessian is null ? (null, weightedProblem) : (hessian, problem);
                        program = program with { ValueWeightedHessian = weightedHessian };
                    }

                    program = program with { Hessian = hessian };
                    if (problem is not null)
                    {
                        diagnostics = diagnostics.Concat(new[] { problem }).ToList();
                    }

                    // Third derivatives, opted into: forward mode once more, over the Hessian program just made.
                    if (model.ThirdOrder && hessian is not null)
                    {
                        var (tangent, thirdProblem) = SecondOrder.DifferentiateHessian(model, hessian, parsed.SecondOrderLocation ?? parsed.Location, cancellationToken);
                        program = program with { HessianTangent = tangent };
                        if (thirdProblem is not null)
                        {
                            diagnostics = diagnostics.Concat(new[] { thirdProblem }).ToList();
                        }
                    }
                }

                // Differentiating through another method's gradient read its Hessian: the calls that fill it, last.
                // A method that calls no other [Differentiable] method (most) has nothing here to find or lower.
                if (CalleeHessians.MayBeRead(model.Statements))
                {
                    hessiansRead = CalleeHessians.KeysRead(program.Body
                        .Concat(program.Derivative is { } derivative ? derivative.Body.Append(new DeclareReal(derivative.Returned, derivative.Derivative)) : Enumerable.Empty<Statement>())
                        .Concat(program.Jacobian?.Product.Body ?? EquatableArray<Statement>.Empty));
                    hessiansReadBySecondOrder = program.Hessian is { } second
                        ? CalleeHessians.KeysRead(second.Body).Concat(HelperHessianKeys(second.Body)).Distinct().Where(key => !hessiansRead.Contains(key)).ToEquatableArray()
                        : EquatableArray<string>.Empty;
                    program = CalleeHessians.Lower(program);
                }
            }

            // The passes over every program Emit prints, after the transforms (which read the flat form): adjacent loops whose
            // second never reaches ahead of the first fused; an element a loop's iteration writes and only it reads held in a
            // local; an element a loop only adds into held in a local across the loop;
            // a buffer saved whole saved with one call; statements under one branch under one if; then each slice's elements
            // read through a view of it, as the user wrote them (the transforms read them by index); last, the runs of single
            // saves and restores in a loop written as one call each.
            program = program is null ? null : SavedRuns.Apply(SliceViews.Apply(BranchBlocks.Apply(SavedSpans.Apply(HeldAccumulators.Apply(IterationElements.Apply(LoopFusion.Apply(program)))))));
            return new MethodResult(program, parsed.Diagnostics.Concat(diagnostics.Select(d => ForSelectingCallee(d, parsed))).ToEquatableArray())
            {
                HessiansRead = hessiansRead,
                HessiansReadBySecondOrder = hessiansReadBySecondOrder,
                // A method asking for third derivatives that gets none counts as one without a Hessian: a caller that
                // reads them would call a method that does not exist, and is told to fix this one first (SD0033).
                LacksHessian = model.SecondOrder && program?.Hessian is null || model.ThirdOrder && program?.HessianTangent is null,
            };
        }
        catch (InsufficientExecutionStackException)
        {
            return new MethodResult(null, new[] { TooDeep(parsed.Location, parsed.MethodName) }.ToEquatableArray());
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return new MethodResult(null, new[] { InternalError(parsed.Location, parsed.MethodName, exception) }.ToEquatableArray());
        }
    }

    /// <summary>
    /// The passes over the parsed method that every transform takes it through: the writes nothing reads go
    /// (<see cref="DeadLocals"/>), and a long expression of a loop-free method is cut into named terms
    /// (<see cref="LongExpressions"/>).
    /// </summary>
    public static MethodModel BeforeTransforms(MethodModel model) => LongExpressions.Split(DeadLocals.Remove(model));

    /// <summary>
    /// SD0012 about a [Differentiable] callee that selected some parameters is SD0021: the advice to declare a
    /// [Derivative] does not apply to it.
    /// </summary>
    private static DiagnosticInfo ForSelectingCallee(DiagnosticInfo diagnostic, ParsedMethod parsed) =>
        diagnostic.Id == DiagnosticDescriptors.MissingPartialDerivative.Id && diagnostic.MessageArguments.Count == 2 &&
        parsed.SelectingCallees.Contains(diagnostic.MessageArguments[0])
            ? diagnostic with { Id = DiagnosticDescriptors.SelectedCalleeParameter.Id }
            : diagnostic;

    /// <summary>
    /// The methods that get no generated code: those with an SD error of their own, and, transitively, those whose
    /// gradient would call the generated code of one of them, or read the Hessian of a method that has none; and the
    /// methods that ask for second derivatives and get none: those with an error there, and, transitively, those whose
    /// second derivatives would read the Hessian of one of them. Sorted, so that it is equal across runs while no
    /// method's outcome changes, and the step that reads it stays cached.
    /// </summary>
    public static MissingCode MethodsWithoutCode(ImmutableArray<MethodResult> results)
    {
        var without = new HashSet<string>(results.Where(r => r.Program is null && r.Key is not null).Select(r => r.Key!), StringComparer.Ordinal);
        var withoutHessian = new HashSet<string>(results.Where(r => r.LacksHessian && r.Key is not null).Select(r => r.Key!), StringComparer.Ordinal);
        bool NoHessian(string key) => without.Contains(key) || withoutHessian.Contains(key);
        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach (var result in results.Where(r => r.Key is not null && !without.Contains(r.Key)))
            {
                if (result.DifferentiableCalls.Any(call => without.Contains(call.Callee)) || result.HessiansRead.Any(NoHessian))
                {
                    without.Add(result.Key!);
                    grew = true;
                }
                else if (!withoutHessian.Contains(result.Key!) && result.HessiansReadBySecondOrder.Any(NoHessian))
                {
                    withoutHessian.Add(result.Key!);
                    grew = true;
                }
            }
        }

        withoutHessian.UnionWith(without);
        return new MissingCode(
            without.OrderBy(key => key, StringComparer.Ordinal).ToEquatableArray(),
            withoutHessian.OrderBy(key => key, StringComparer.Ordinal).ToEquatableArray());
    }

    /// <summary>
    /// <paramref name="result"/> without its code when it calls a method in <paramref name="missing"/>'s
    /// <see cref="MissingCode.WithoutCode"/> or its gradient reads the Hessian of one without it, and without its
    /// second derivatives when only they read such a Hessian: the code would call generated members that do not exist
    /// (CS0117 in generated code). SD0024 or SD0033 at each such call says which callee to fix instead.
    /// </summary>
    public static MethodResult WithoutCallsToMissingCode(MethodResult result, MissingCode missing)
    {
        if (result.Program is null || missing.WithoutHessian.Count == 0)
        {
            return result;
        }

        string name = result.Program.Method.MethodName;
        var withoutGradient = result.DifferentiableCalls.Where(call => missing.WithoutCode.Contains(call.Callee)).ToList();
        if (withoutGradient.Count > 0)
        {
            var reports = withoutGradient.Select(call => DiagnosticInfo.Create(DiagnosticDescriptors.CalleeWithoutGradient, call.Location, name, call.DisplayName));
            return result with { Program = null, Diagnostics = result.Diagnostics.Concat(reports).ToEquatableArray() };
        }

        var readByGradient = HessianCalls(result, result.HessiansRead, missing);
        if (readByGradient.Count > 0)
        {
            var reports = readByGradient.Select(call => DiagnosticInfo.Create(DiagnosticDescriptors.CalleeWithoutHessian, call.Location, name, call.DisplayName,
                $"the gradient of '{name}' reads them (it differentiates through a gradient of '{call.DisplayName}'), so it is not generated either"));
            return result with { Program = null, Diagnostics = result.Diagnostics.Concat(reports).ToEquatableArray() };
        }

        var readBySecondOrder = HessianCalls(result, result.HessiansReadBySecondOrder, missing);
        if (readBySecondOrder.Count > 0 && result.Program.Hessian is not null)
        {
            var reports = readBySecondOrder.Select(call => DiagnosticInfo.Create(DiagnosticDescriptors.CalleeWithoutHessian, call.Location, name, call.DisplayName,
                $"the second derivatives of '{name}' read them, so they are not generated either (its gradient is)"));
            return result with { Program = result.Program with { Hessian = null }, Diagnostics = result.Diagnostics.Concat(reports).ToEquatableArray() };
        }

        return result;
    }

    /// <summary>The first call of each callee in <paramref name="keys"/> that has no Hessian.</summary>
    private static List<DifferentiableCall> HessianCalls(MethodResult result, EquatableArray<string> keys, MissingCode missing) =>
        result.DifferentiableCalls
            .Where(call => keys.Contains(call.Callee) && missing.WithoutHessian.Contains(call.Callee))
            .GroupBy(call => call.Callee)
            .Select(group => group.First())
            .ToList();

    /// <summary>The vector-valued helpers whose weighted Hessian-vector product the second derivatives call, and the methods over spans whose Hessian-vector product's forward mode they call (their keys).</summary>
    private static IEnumerable<string> HelperHessianKeys(IEnumerable<Statement> statements) =>
        StatementFacts.Flatten(statements).SelectMany(StatementFacts.Expressions).SelectMany(ExpressionFacts.Nodes)
            .OfType<VectorCall>()
            .Where(call => call.Function.HessianKey is not null && (call.Function.QualifiedName == call.Function.HessianVectorProductMethod || call.Function.QualifiedName == call.Function.HessianVectorProductTangentMethod))
            .Select(call => call.Function.HessianKey!)
            .OrderBy(key => key, StringComparer.Ordinal);

    private static string? KeyOf(ISymbol symbol) => symbol.OriginalDefinition.GetDocumentationCommentId();

    /// <summary>Both steps at once, for the analyzer and tests.</summary>
    public static MethodResult Run(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
        Differentiate(Parse(context, cancellationToken), cancellationToken);

    /// <summary>
    /// SD0022 at the method, when a stage ran short of stack although every expression is within the bound that
    /// <see cref="SizeLimits"/> checks (callees inlined into a deep position add their own depth): never a crash.
    /// </summary>
    private static DiagnosticInfo TooDeep(LocationInfo? location, string methodName) =>
        DiagnosticInfo.Create(DiagnosticDescriptors.ExpressionTooDeep, location, methodName, SizeLimits.MaxExpressionDepth.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static DiagnosticInfo InternalError(LocationInfo? location, string methodName, Exception exception) =>
        DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, location, methodName, exception.GetType().Name + ": " + exception.Message);
}
