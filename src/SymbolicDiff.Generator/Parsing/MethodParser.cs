using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>The parser's verdict: a model when the method can be differentiated, and every problem found.</summary>
internal sealed record ParseResult(MethodModel? Model, IReadOnlyList<DiagnosticInfo> Diagnostics)
{
    /// <summary>
    /// Where every call in the body is written: the places the differentiation step may report at (SD0012).
    /// The model's calls keep their locations out of equality, so that shared subexpressions stay equal;
    /// these locations are compared instead, so that moving a call re-runs the step and its report moves too.
    /// </summary>
    public EquatableArray<LocationInfo> CallLocations { get; init; } = EquatableArray<LocationInfo>.Empty;

    /// <summary>The [Differentiable] callees that selected some parameters and are called as they are (sorted names).</summary>
    public EquatableArray<string> SelectingCallees { get; init; } = EquatableArray<string>.Empty;

    /// <summary>The calls whose callee's generated code the gradient calls (<see cref="CallSites.DifferentiableCalled"/>).</summary>
    public EquatableArray<DifferentiableCall> DifferentiableCalls { get; init; } = EquatableArray<DifferentiableCall>.Empty;
}

/// <summary>
/// Stage 1 of the pipeline: reads a <c>[Differentiable]</c> method's symbol and <see cref="IOperation"/>
/// tree and produces a Roslyn-free <see cref="MethodModel"/>. It checks the declaration first, then walks
/// the body; it keeps going after a problem so that the user sees every problem in one build.
/// </summary>
internal static class MethodParser
{
    public const string DifferentiableAttributeName = "SymbolicDiff.DifferentiableAttribute";

    // Members every record struct has or inherits: a gradient property of the same name would not compile
    // or would hide them.
    private static readonly string[] RecordStructMembers =
    {
        "Equals", "GetHashCode", "ToString", "Deconstruct", "PrintMembers", "EqualityContract", "GetType",
        "MemberwiseClone", "Finalize", "ReferenceEquals",
    };

    // Parameter types are repeated on the generated method: fully qualified, with their nullable annotations.
    private static readonly SymbolDisplayFormat ParameterTypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
        context.TargetSymbol is IMethodSymbol method
            ? Parse(context.TargetNode, method, context.SemanticModel, context.Attributes.FirstOrDefault(), cancellationToken)
            : new ParseResult(null, new List<DiagnosticInfo>());

    /// <summary>
    /// Parses a method marked [Differentiable] whose declaration is <paramref name="targetNode"/>; shared by
    /// the generator and the analyzer, so that both see the same method the same way.
    /// </summary>
    public static ParseResult Parse(
        SyntaxNode targetNode,
        IMethodSymbol method,
        SemanticModel semanticModel,
        AttributeData? attribute,
        CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        if (targetNode is not MethodDeclarationSyntax declaration)
        {
            var (location, what) = targetNode switch
            {
                LocalFunctionStatementSyntax localFunction => (LocationInfo.From(localFunction.Identifier), "local functions"),
                AccessorDeclarationSyntax accessor => (LocationInfo.From(accessor.Keyword), "property and event accessors"),
                OperatorDeclarationSyntax op => (LocationInfo.From(op.OperatorToken), "operators"),
                ConversionOperatorDeclarationSyntax conversion => (LocationInfo.From(conversion.Type), "conversion operators"),
                AnonymousFunctionExpressionSyntax => (LocationInfo.From(targetNode), "lambdas"),
                _ => (LocationInfo.From(targetNode), "members other than methods"),
            };
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedMethodShape,
                location,
                method.Name,
                what + " cannot be [Differentiable]; make it a static method of a partial type"));
            return new ParseResult(null, diagnostics);
        }

        // [Differentiable] on the defining part of a partial method: the body is in the implementing part.
        var (bodyMethod, bodyDeclaration, bodyModel) = (method, declaration, semanticModel);
        if (declaration.Body is null && declaration.ExpressionBody is null &&
            method.PartialImplementationPart is { } implementation &&
            implementation.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is MethodDeclarationSyntax implementationSyntax)
        {
            bodyMethod = implementation;
            bodyDeclaration = implementationSyntax;
            bodyModel = implementationSyntax.SyntaxTree == declaration.SyntaxTree
                ? semanticModel
                : semanticModel.Compilation.GetSemanticModel(implementationSyntax.SyntaxTree);
        }

        // The type's other members, read once per type: overloads, generated-name clashes and file names need them.
        var siblings = TypeMemberFacts.For(method.ContainingType);
        var outputs = VectorOutputs.Find(bodyMethod, attribute, bodyDeclaration, bodyModel, cancellationToken);
        var parameters = CheckDeclaration(attribute, method, declaration, siblings, outputs, diagnostics, cancellationToken);
        var type = ReadTypeHierarchy(declaration);

        var differentiated = parameters?.Where(p => p.IsDifferentiated).Select(p => p.Name).ToList() ?? new List<string>();
        var calls = new CallSites();

        // Size first, on the syntax, before binding or any recursive walk: a too-deep expression must never reach them.
        var bodyCallLocations = new List<LocationInfo>();
        if (SizeLimits.Check(bodyDeclaration, method.Name, diagnostics, bodyCallLocations, cancellationToken))
        {
            return new ParseResult(null, diagnostics);
        }

        bool returnsVoid = method.ReturnsVoid && outputs.Count > 0;
        if (!RealTypes.IsReal(method.ReturnType) && !returnsVoid)
        {
            // Reported above (SD0009): a body computing in another type would only repeat it in other words.
            return new ParseResult(null, diagnostics);
        }

        var structured = BodyParser.Parse(bodyModel, bodyMethod, bodyDeclaration, diagnostics, differentiated, calls, cancellationToken, outputs);
        if (parameters is null || structured is null || diagnostics.Count > 0)
        {
            return new ParseResult(null, diagnostics);
        }

        var model = new MethodModel(type, method.Name, parameters.ToEquatableArray(), structured.Value.Statements, structured.Value.Result)
        {
            HintNameTag = HintNameTag(method, siblings),
            IsStatic = method.IsStatic,
            RealType = RealTypes.Keyword(RealTypes.Of(method)),
            ReturnsVoid = returnsVoid,
            SecondOrder = IsSecondOrder(attribute),
            ThirdOrder = IsThirdOrder(attribute),
        };
        return Result(model, diagnostics, bodyDeclaration, bodyCallLocations, calls);
    }

    /// <summary>A model with what the next step needs to report at current lines and to give the right advice.</summary>
    private static ParseResult Result(MethodModel model, List<DiagnosticInfo> diagnostics, MethodDeclarationSyntax declaration, List<LocationInfo> bodyCallLocations, CallSites calls) =>
        new(model, diagnostics)
        {
            // An inlined callee's calls are reported at in its own source: their locations count too.
            CallLocations = CallLocations(declaration, bodyCallLocations, calls.Inlined),
            SelectingCallees = calls.SelectingCalled.ToEquatableArray(),
            DifferentiableCalls = calls.DifferentiableCalled.ToEquatableArray(),
        };

    /// <summary>
    /// Every call written in the declaration, in source order: those outside its body (<c>nameof</c> in the attribute),
    /// then those in the body, which the size check's walk found (<paramref name="bodyCallLocations"/>), then those of
    /// the inlined callees.
    /// </summary>
    private static EquatableArray<LocationInfo> CallLocations(MethodDeclarationSyntax declaration, List<LocationInfo> bodyCallLocations, IEnumerable<SyntaxNode> inlined)
    {
        var locations = new List<LocationInfo>(bodyCallLocations.Count + 2);
        SyntaxNode? body = (SyntaxNode?)declaration.Body ?? declaration.ExpressionBody;
        foreach (var child in declaration.ChildNodes())
        {
            if (child != body)
            {
                AddCallLocations(child, locations, includeSelf: true);
            }
        }

        locations.AddRange(bodyCallLocations);
        foreach (var callee in inlined)
        {
            AddCallLocations(callee, locations, includeSelf: false);
        }

        return locations.ToEquatableArray();
    }

    private static void AddCallLocations(SyntaxNode node, List<LocationInfo> locations, bool includeSelf)
    {
        foreach (var descendant in includeSelf ? node.DescendantNodesAndSelf() : node.DescendantNodes())
        {
            if (descendant is InvocationExpressionSyntax && LocationInfo.From(descendant) is { } location)
            {
                locations.Add(location);
            }
        }
    }

    /// <summary>Checks everything about the method but its body; returns the parameters, or null after a problem.</summary>
    private static List<ParameterModel>? CheckDeclaration(
        AttributeData? attribute,
        IMethodSymbol method,
        MethodDeclarationSyntax declaration,
        TypeMemberFacts siblings,
        IReadOnlyCollection<string> vectorOutputs,
        List<DiagnosticInfo> diagnostics,
        CancellationToken cancellationToken)
    {
        int problemsBefore = diagnostics.Count;
        var methodLocation = LocationInfo.From(declaration.Identifier);

        if (method.IsVirtual || method.IsAbstract || method.IsOverride)
        {
            string what = method.IsAbstract ? "abstract" : method.IsOverride ? "an override" : "virtual";
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MethodMustBeStatic, methodLocation, method.Name, what));
        }

        foreach (var typeDeclaration in declaration.Ancestors().OfType<TypeDeclarationSyntax>())
        {
            if (typeDeclaration.Modifiers.Any(SyntaxKind.FileKeyword))
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.UnsupportedMethodShape,
                    LocationInfo.From(typeDeclaration.Identifier),
                    method.Name,
                    $"its type '{typeDeclaration.Identifier.ValueText}' is file-local, and the gradient is generated into another file; remove 'file'"));
            }

            if (!typeDeclaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.TypeMustBePartial,
                    LocationInfo.From(typeDeclaration.Identifier),
                    typeDeclaration.Identifier.Text,
                    method.Name));
            }
        }

        if (method.IsGenericMethod)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedMethodShape,
                LocationInfo.From(declaration.TypeParameterList) ?? methodLocation,
                method.Name,
                "generic methods are not supported; give it double parameters"));
        }

        if (!RealTypes.IsReal(method.ReturnType) && !(method.ReturnsVoid && vectorOutputs.Count > 0))
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.ReturnTypeNotDouble,
                LocationInfo.From(declaration.ReturnType),
                method.Name,
                method.ReturnType.ToDisplayString()));
        }

        string? takenName = siblings.GeneratedNameTaken(method.Name);
        if (takenName is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedMethodShape,
                methodLocation,
                method.Name,
                $"the name '{takenName}' it would generate is already used in '{method.ContainingType.Name}'; rename the method"));
        }

        if (siblings.DifferentiableCount(method.Name) > 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedMethodShape,
                methodLocation,
                method.Name,
                $"it has [Differentiable] overloads, which would all generate '{method.Name}Gradient'; give them different names"));
        }

        for (int i = 0; i < method.Parameters.Length; i++)
        {
            var parameter = method.Parameters[i];
            if (parameter.RefKind != RefKind.None)
            {
                var parameterSyntax = i < declaration.ParameterList.Parameters.Count ? declaration.ParameterList.Parameters[i] : null;
                var modifier = parameterSyntax?.Modifiers.FirstOrDefault(token =>
                    token.IsKind(SyntaxKind.RefKeyword) || token.IsKind(SyntaxKind.OutKeyword) || token.IsKind(SyntaxKind.InKeyword));
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.ParameterByReference,
                    modifier is { } token && token != default ? LocationInfo.From(token) : LocationInfo.From(parameterSyntax),
                    parameter.Name,
                    RefKindText(parameter.RefKind)));
            }

            if (parameter.Type.TypeKind == TypeKind.Dynamic)
            {
                // The generated overloads pass their parameters on to each other: through dynamic, they would bind
                // at run time (CS1978 and CS8197 in generated code).
                var parameterSyntax = i < declaration.ParameterList.Parameters.Count ? declaration.ParameterList.Parameters[i] : null;
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.UnsupportedMethodShape,
                    parameterSyntax?.Type is { } type ? LocationInfo.From(type) : methodLocation,
                    method.Name,
                    $"its parameter '{parameter.Name}' is dynamic; give it a static type"));
            }
        }

        var differentiated = ReadDifferentiatedNames(attribute, method, methodLocation, vectorOutputs, diagnostics, cancellationToken);
        if (differentiated is null)
        {
            return null;
        }

        var outputs = GeneratedNames.Outputs(method.Parameters.Select(p => p.Name).ToList());
        var parameters = method.Parameters
            .Select((p, index) => new ParameterModel(
                p.Name,
                p.Type.ToDisplayString(ParameterTypeFormat),
                differentiated.Contains(p.Name) && !vectorOutputs.Contains(p.Name),
                DefaultValueText(p))
            {
                ElementType = BodyParser.ElementType(p.Type)?.ToDisplayString(),
                IsOutput = vectorOutputs.Contains(p.Name),
                Output = outputs[index],
            })
            .ToList();

        CheckGradientPropertyNames(method, parameters, declaration, methodLocation, diagnostics);
        return diagnostics.Count > problemsBefore ? null : parameters;
    }

    /// <summary>
    /// Reads the names given to [Differentiable]; with none, every double parameter is differentiated.
    /// </summary>
    private static HashSet<string>? ReadDifferentiatedNames(
        AttributeData? attribute,
        IMethodSymbol method,
        LocationInfo? methodLocation,
        IReadOnlyCollection<string> vectorOutputs,
        List<DiagnosticInfo> diagnostics,
        CancellationToken cancellationToken)
    {
        var names = new List<string?>();
        if (attribute is not null)
        {
            foreach (var argument in attribute.ConstructorArguments)
            {
                if (argument.Kind == TypedConstantKind.Array)
                {
                    // [Differentiable(null)] passes a null array: no names, as the attribute itself reads it.
                    if (!argument.IsNull)
                    {
                        names.AddRange(argument.Values.Select(value => value.Value as string));
                    }
                }
                else
                {
                    names.Add(argument.Value as string);
                }
            }
        }

        var attributeSyntax = attribute?.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        var argumentSyntaxes = attributeSyntax?.ArgumentList?.Arguments;

        if (names.Count == 0)
        {
            var all = new HashSet<string>(method.Parameters
                .Where(p => (p.Type.SpecialType == RealTypes.Of(method) || BodyParser.IsRealVector(p.Type, RealTypes.Of(method))) && p.RefKind == RefKind.None &&
                            !vectorOutputs.Contains(p.Name))
                .Select(p => p.Name));
            if (all.Count == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NothingToDifferentiate, methodLocation, method.Name));
                return null;
            }

            return all;
        }

        var result = new HashSet<string>();
        for (int i = 0; i < names.Count; i++)
        {
            string? name = names[i];
            var location = argumentSyntaxes is { } arguments && arguments.Count == names.Count
                ? LocationInfo.From(arguments[i])
                : LocationInfo.From(attributeSyntax) ?? methodLocation;
            var parameter = method.Parameters.FirstOrDefault(p => p.Name == name);
            if (parameter is null)
            {
                string parameterList = method.Parameters.Length == 0
                    ? "(none)"
                    : string.Join(", ", method.Parameters.Select(p => p.Name));
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.UnknownParameterName,
                    location,
                    name ?? "null",
                    method.Name,
                    parameterList));
            }
            else if (parameter.Type.SpecialType != RealTypes.Of(method) && !BodyParser.IsRealVector(parameter.Type, RealTypes.Of(method)))
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.ParameterNotDouble,
                    location,
                    parameter.Name,
                    parameter.Type.ToDisplayString()));
            }
            else
            {
                result.Add(parameter.Name);
            }
        }

        return result;
    }

    /// <summary>The gradient struct has a property <c>Value</c> and one per differentiated parameter: they must differ.</summary>
    private static void CheckGradientPropertyNames(
        IMethodSymbol method,
        List<ParameterModel> parameters,
        MethodDeclarationSyntax declaration,
        LocationInfo? methodLocation,
        List<DiagnosticInfo> diagnostics)
    {
        var taken = new Dictionary<string, string>
        {
            ["Value"] = "the value itself",
            [GeneratedNames.GradientStruct(method.Name)] = "the gradient type's own name",
        };
        foreach (string member in RecordStructMembers)
        {
            taken[member] = $"the record struct member '{member}'";
        }

        foreach (var parameter in parameters.Where(p => p.IsDifferentiated))
        {
            string property = NameAllocator.ToPascalCase(parameter.Name);
            if (taken.TryGetValue(property, out string? owner))
            {
                var parameterSyntax = declaration.ParameterList.Parameters.FirstOrDefault(p => p.Identifier.ValueText == parameter.Name);
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.GradientNameClash,
                    LocationInfo.From(parameterSyntax?.Identifier ?? default) ?? methodLocation,
                    parameter.Name,
                    property,
                    owner));
            }
            else
            {
                taken[property] = $"the gradient of '{parameter.Name}'";
            }
        }
    }

    /// <summary>The parameter's default value as C# text, so the generated method can be called the same way.</summary>
    private static string? DefaultValueText(IParameterSymbol parameter)
    {
        if (!parameter.HasExplicitDefaultValue)
        {
            return null;
        }

        return parameter.ExplicitDefaultValue switch
        {
            null => "default",
            double d => CSharpLexical.Number(d),
            float f => CSharpLexical.Number(f) + "f",
            bool b => b ? "true" : "false",
            string text => SymbolDisplay.FormatLiteral(text, quote: true),
            System.IFormattable number => "(" + parameter.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + ")" +
                                   number.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => "default",
        };
    }

    private static string HintNameTag(IMethodSymbol method, TypeMemberFacts siblings) =>
        siblings.HasCaseVariant(method.Name) ? "." + string.Concat(method.Name.Select(c => char.IsUpper(c) ? 'U' : 'l')) : string.Empty;

    /// <summary>Whether the attribute says <c>SecondOrder = true</c>, or <c>ThirdOrder = true</c>, which implies it.</summary>
    internal static bool IsSecondOrder(AttributeData? attribute) =>
        attribute is not null && attribute.NamedArguments.Any(a => a.Key is "SecondOrder" or "ThirdOrder" && a.Value.Value is true);

    /// <summary>Whether the attribute says <c>ThirdOrder = true</c>: the Hessian's directional derivative is generated too.</summary>
    internal static bool IsThirdOrder(AttributeData? attribute) =>
        attribute is not null && attribute.NamedArguments.Any(a => a.Key == "ThirdOrder" && a.Value.Value is true);

    /// <summary>Whether <paramref name="method"/> carries [Differentiable] (in source or in metadata).</summary>
    internal static bool IsDifferentiable(IMethodSymbol method) =>
        method.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == DifferentiableAttributeName);

    private static string RefKindText(RefKind refKind) => refKind switch
    {
        RefKind.Ref => "ref",
        RefKind.Out => "out",
        RefKind.In => "in",
        _ when refKind.ToString().IndexOf("ReadOnly", System.StringComparison.Ordinal) >= 0 => "ref readonly",
        _ => refKind.ToString().ToLowerInvariant(),
    };

    /// <summary>Captures namespace and containing types as strings so the emitter can reopen them.</summary>
    private static TypeHierarchy ReadTypeHierarchy(MethodDeclarationSyntax declaration)
    {
        var types = declaration.Ancestors()
            .OfType<TypeDeclarationSyntax>()
            .Reverse()
            .Select(type => new ContainingType(DeclarationKeyword(type), type.Identifier.Text + TypeParameters(type)))
            .ToEquatableArray();

        var namespaces = declaration.Ancestors()
            .OfType<BaseNamespaceDeclarationSyntax>()
            .Reverse()
            .Select(ns => ns.Name.ToString());
        string namespaceName = string.Join(".", namespaces);
        return new TypeHierarchy(namespaceName.Length == 0 ? null : namespaceName, types);
    }

    private static string DeclarationKeyword(TypeDeclarationSyntax type) => type switch
    {
        RecordDeclarationSyntax record when record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) => "record struct",
        RecordDeclarationSyntax => "record",
        StructDeclarationSyntax => "struct",
        InterfaceDeclarationSyntax => "interface",
        _ => "class",
    };

    private static string TypeParameters(TypeDeclarationSyntax type) =>
        type.TypeParameterList is null
            ? string.Empty
            : "<" + string.Join(", ", type.TypeParameterList.Parameters.Select(p => p.Identifier.Text)) + ">";
}
