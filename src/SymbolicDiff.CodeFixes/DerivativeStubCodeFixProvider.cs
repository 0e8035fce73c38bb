using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Text;

namespace SymbolicDiff.CodeFixes;

/// <summary>
/// SD0006 and SD0012: declares the missing derivative of a function of the user's own with <c>[Derivative]</c>
/// and writes the derivative method it names, with the signature the generator requires (static, in the same
/// type, taking the function's parameters, returning its type, as visible as the function or internal), next to
/// the function. Its body is a working derivative from the start: a central difference of the function itself, good
/// to about 7 significant digits where the function is smooth, which the documentation comment says to replace with
/// the exact derivative for full precision and speed.
/// SD0006 declares a partial for every parameter; SD0012 the one reported.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DerivativeStubCodeFixProvider)), Shared]
public sealed class DerivativeStubCodeFixProvider : BatchCodeFixProvider<DerivativeStubCodeFixProvider.Fix>
{
    /// <summary>The equivalence key of the fix of SD0006 (a function with no derivative).</summary>
    public const string UnknownFunctionKey = "SymbolicDiff.SD0006.DeclareDerivativeStub";

    /// <summary>The equivalence key of the fix of SD0012 (a partial missing from a function's [Derivative] list).</summary>
    public const string MissingPartialKey = "SymbolicDiff.SD0012.DeclarePartialDerivativeStub";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(SymbolicDiffNames.UnknownFunction, SymbolicDiffNames.MissingPartialDerivative);

    /// <summary>Partials of one function to declare.</summary>
    public sealed class Fix
    {
        internal Fix(DocumentId document, TextSpan function, string functionName, ImmutableArray<string> parameters)
        {
            Document = document;
            Function = function;
            FunctionName = functionName;
            Parameters = parameters;
        }

        /// <summary>The document that declares the function (not necessarily the one with the call).</summary>
        internal DocumentId Document { get; }

        internal TextSpan Function { get; }

        internal string FunctionName { get; }

        /// <summary>The parameters whose partials to declare.</summary>
        internal ImmutableArray<string> Parameters { get; }
    }

    private protected override async Task<Fix?> ReadAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || semanticModel is null ||
            SyntaxHelpers.NodeAt(root, diagnostic.Location.SourceSpan).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } invocation ||
            semanticModel.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol { MethodKind: MethodKind.Ordinary } called)
        {
            return null;
        }

        var function = called.OriginalDefinition;
        var real = function.ReturnType.SpecialType;
        bool declarable = function.IsStatic && !function.IsGenericMethod && function.Parameters.Length > 0 &&
                          real is SpecialType.System_Double or SpecialType.System_Single &&
                          function.Parameters.All(p => p.Type.SpecialType == real && p.RefKind == RefKind.None);
        if (!declarable || SyntaxHelpers.SourceDeclaration(function, document.Project.Solution, cancellationToken) is not { } declared)
        {
            return null;
        }

        // A float method calls float functions, a double method double ones: a stub of the other type would be SD0011.
        if (invocation.FirstAncestorOrSelf<MethodDeclarationSyntax>() is { } caller &&
            semanticModel.GetDeclaredSymbol(caller, cancellationToken) is { } callerSymbol &&
            SyntaxHelpers.HasAttribute(callerSymbol, SymbolicDiffNames.DifferentiableAttribute) &&
            SyntaxHelpers.RealType(callerSymbol) != real)
        {
            return null;
        }

        var declaredPartials = DeclaredPartials(function);
        ImmutableArray<string> parameters;
        if (diagnostic.Id == SymbolicDiffNames.UnknownFunction)
        {
            if (HasDerivative(function) || SyntaxHelpers.HasAttribute(function, SymbolicDiffNames.DifferentiableAttribute))
            {
                return null;
            }

            parameters = function.Parameters.Select(p => p.Name).ToImmutableArray();
        }
        else
        {
            // SD0012 is about a function with [Derivative]; a [Differentiable(...)] callee gets its list extended instead.
            if (!HasDerivative(function) ||
                MessageArguments.Read(diagnostic) is not { Count: >= 2 } arguments ||
                function.Parameters.FirstOrDefault(p => p.Name == arguments[1]) is not { } parameter ||
                declaredPartials.ContainsKey(parameter.Name) || function.Parameters.Length < 2)
            {
                return null;
            }

            parameters = ImmutableArray.Create(parameter.Name);
        }

        return new Fix(declared.Document.Id, declared.Declaration.Span, function.ContainingType.Name + "." + function.Name, parameters);
    }

    private protected override string Title(Fix fix) => fix.Parameters.Length == 1
        ? $"Declare ∂{Short(fix.FunctionName)}/∂{fix.Parameters[0]} with [Derivative] (a central difference to replace)"
        : $"Declare the partial derivatives of '{fix.FunctionName}' with [Derivative] (central differences to replace)";

    private protected override string EquivalenceKey(string diagnosticId) =>
        diagnosticId == SymbolicDiffNames.UnknownFunction ? UnknownFunctionKey : MissingPartialKey;

    private protected override string FixAllTitle(string equivalenceKey) => "Declare the missing derivatives with [Derivative] (central differences to replace)";

    private protected override Task<Solution> ApplyAsync(Solution solution, IReadOnlyList<Fix> fixes, CancellationToken cancellationToken) =>
        EditEachDocumentAsync(solution, fixes, fix => fix.Document, Edit, cancellationToken);

    /// <summary>Makes in <paramref name="editor"/> the edits of <paramref name="fixes"/>, the fixes of its document.</summary>
    private static void Edit(DocumentEditor editor, SourceText text, IEnumerable<Fix> fixes, CancellationToken cancellationToken)
    {
        var semanticModel = editor.SemanticModel;
        string endOfLine = SyntaxHelpers.EndOfLine(text);
        foreach (var perFunction in fixes.GroupBy(fix => fix.Function))
        {
            var declaration = editor.OriginalRoot.FindNode(perFunction.Key, getInnermostNodeForTie: true).FirstAncestorOrSelf<MethodDeclarationSyntax>()!;
            var function = semanticModel.GetDeclaredSymbol(declaration, cancellationToken)!;
            var wanted = new HashSet<string>(perFunction.SelectMany(fix => fix.Parameters));
            var declaredPartials = DeclaredPartials(function);
            var parameters = function.Parameters.Where(p => wanted.Contains(p.Name) && !declaredPartials.ContainsKey(p.Name)).ToList();
            if (parameters.Count == 0)
            {
                continue;
            }

            string indentation = SyntaxHelpers.Indentation(declaration, text);
            string attributeName = SyntaxHelpers.AttributeName(semanticModel, declaration.SpanStart, "Derivative", SymbolicDiffNames.DerivativeAttribute);
            var taken = new HashSet<string>(function.ContainingType.MemberNames);
            var attributes = new List<AttributeListSyntax>();
            var stubs = new List<MemberDeclarationSyntax>();
            foreach (var parameter in parameters)
            {
                string name = Unique(function.Parameters.Length == 1 ? function.Name + "Derivative" : function.Name + "By" + Pascal(parameter.Name), taken);
                string parameterName = SyntaxHelpers.SourceName(parameter, declaration);
                string arguments = function.Parameters.Length == 1 ? $"nameof({name})" : $"nameof({parameterName}), nameof({name})";
                attributes.Add(SyntaxHelpers.AttributeList($"{attributeName}({arguments})", indentation, endOfLine));
                stubs.Add(Stub(function, declaration, parameter, name, indentation, endOfLine));
            }

            editor.ReplaceNode(declaration, (current, _) => SyntaxHelpers.WithAttributeLists((MethodDeclarationSyntax)current, attributes, indentation));
            editor.InsertAfter(StubAnchor(declaration, function), stubs);
        }
    }

    /// <summary>
    /// The derivative method ∂f/∂p, documented: a central difference of f in p, with a step of ∛ε·max(1, |p|) (the
    /// step that balances truncation and rounding error) and the difference of the rounded points as the divisor.
    /// Its signature is the function's, so the generator accepts it (SD0011 otherwise).
    /// </summary>
    private static MemberDeclarationSyntax Stub(IMethodSymbol function, MethodDeclarationSyntax declaration, IParameterSymbol parameter, string name, string indentation, string endOfLine)
    {
        bool single = function.ReturnType.SpecialType == SpecialType.System_Single;
        string real = single ? "float" : "double";
        string math = single ? "global::System.MathF" : "global::System.Math";
        string cubeRootOfEpsilon = single ? "4.921566E-03f" : "6.0554544523933395E-06";
        string one = single ? "1f" : "1.0";
        string accessibility = function.DeclaredAccessibility == Accessibility.Public ? "public" : "internal";
        var names = function.Parameters.Select(p => SyntaxHelpers.SourceName(p, declaration)).ToList();
        string Fresh(string wanted)
        {
            string candidate = wanted;
            while (names.Contains(candidate))
            {
                candidate += "_";
            }

            names.Add(candidate);
            return candidate;
        }

        string target = SyntaxHelpers.SourceName(parameter, declaration);
        string step = Fresh("step"), above = Fresh("above"), below = Fresh("below");
        string parameters = string.Join(", ", function.Parameters.Select(p => real + " " + SyntaxHelpers.SourceName(p, declaration)));
        string At(string point) => function.Name + "(" + string.Join(", ", function.Parameters.Select(p => p.Name == parameter.Name ? point : SyntaxHelpers.SourceName(p, declaration))) + ")";
        string partial = $"∂{function.Name}/∂{parameter.Name}";
        var stub = new StringBuilder()
            .Append(endOfLine)
            .Append(indentation).Append($"/// <summary>{partial}, the derivative of <c>{function.Name}</c> with respect to <c>{parameter.Name}</c>, which SymbolicDiff calls through [Derivative]. Written by a code fix as a central difference of <c>{function.Name}</c>, good to about 7 significant digits where it is smooth: the exact derivative in its place is exact and faster.</summary>").Append(endOfLine)
            .Append(indentation).Append($"{accessibility} static {real} {name}({parameters})").Append(endOfLine)
            .Append(indentation).Append('{').Append(endOfLine)
            .Append(indentation).Append("    ").Append($"{real} {step} = {cubeRootOfEpsilon} * {math}.Max({one}, {math}.Abs({target}));").Append(endOfLine)
            .Append(indentation).Append("    ").Append($"{real} {above} = {target} + {step}, {below} = {target} - {step};").Append(endOfLine)
            .Append(indentation).Append("    ").Append($"return ({At(above)} - {At(below)}) / ({above} - {below});").Append(endOfLine)
            .Append(indentation).Append('}').Append(endOfLine)
            .ToString();
        return SyntaxFactory.ParseMemberDeclaration(stub)!;
    }

    /// <summary>
    /// Where the stubs go: after the last derivative method the function already names, if it is declared in the
    /// same type declaration, else right after the function.
    /// </summary>
    private static SyntaxNode StubAnchor(MethodDeclarationSyntax declaration, IMethodSymbol function)
    {
        var names = new HashSet<string>(DeclaredPartials(function).Values);
        var siblings = declaration.Parent?.ChildNodes().OfType<MethodDeclarationSyntax>().Where(m => names.Contains(m.Identifier.ValueText)).ToList();
        var last = siblings?.Where(m => m.SpanStart > declaration.SpanStart).LastOrDefault();
        return last ?? (SyntaxNode)declaration;
    }

    /// <summary>The derivative method each parameter already has through [Derivative], by parameter name.</summary>
    private static Dictionary<string, string> DeclaredPartials(IMethodSymbol function)
    {
        var partials = new Dictionary<string, string>();
        foreach (var attribute in function.GetAttributes().Where(a => a.AttributeClass?.ToDisplayString() == SymbolicDiffNames.DerivativeAttribute))
        {
            var arguments = attribute.ConstructorArguments;
            if (arguments.Length == 1 && function.Parameters.Length == 1 && arguments[0].Value is string only)
            {
                partials[function.Parameters[0].Name] = only;
            }
            else if (arguments.Length == 2 && arguments[0].Value is string parameter && arguments[1].Value is string method)
            {
                partials[parameter] = method;
            }
        }

        return partials;
    }

    private static bool HasDerivative(IMethodSymbol function) => SyntaxHelpers.HasAttribute(function, SymbolicDiffNames.DerivativeAttribute);

    private static string Unique(string name, HashSet<string> taken)
    {
        string candidate = name;
        for (int i = 2; taken.Contains(candidate); i++)
        {
            candidate = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        taken.Add(candidate);
        return candidate;
    }

    private static string Pascal(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);

    private static string Short(string qualified) => qualified.Substring(qualified.LastIndexOf('.') + 1);
}
