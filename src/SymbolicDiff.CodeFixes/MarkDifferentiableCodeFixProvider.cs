using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
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
/// SD0006, the other way: marks the called function <c>[Differentiable]</c> too, so that its gradient is generated
/// and the caller's gradient calls it, with nothing to write by hand; its containing types become <c>partial</c>
/// where they are not. If the function's body is beyond what the generator differentiates, the generator says so
/// at the function, and the <c>[Derivative]</c> method (a central difference to replace) is the way instead.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MarkDifferentiableCodeFixProvider)), Shared]
public sealed class MarkDifferentiableCodeFixProvider : BatchCodeFixProvider<MarkDifferentiableCodeFixProvider.Fix>
{
    /// <summary>The equivalence key of this fix.</summary>
    public const string Key = "SymbolicDiff.SD0006.MarkDifferentiable";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(SymbolicDiffNames.UnknownFunction);

    /// <summary>One function to mark.</summary>
    public sealed class Fix
    {
        internal Fix(DocumentId document, TextSpan function, string functionName)
        {
            Document = document;
            Function = function;
            FunctionName = functionName;
        }

        /// <summary>The document that declares the function (not necessarily the one with the call).</summary>
        internal DocumentId Document { get; }

        internal TextSpan Function { get; }

        internal string FunctionName { get; }
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

        // What a [Differentiable] callee must be for the caller to call its gradient: static, not generic, taking and
        // returning the caller's real type, with a body (a block or an expression).
        var function = called.OriginalDefinition;
        var real = function.ReturnType.SpecialType;
        bool callable = function.IsStatic && !function.IsGenericMethod && function.Parameters.Length > 0 &&
                        real is SpecialType.System_Double or SpecialType.System_Single &&
                        function.Parameters.All(p => p.Type.SpecialType == real && p.RefKind == RefKind.None);
        if (!callable || SyntaxHelpers.HasAttribute(function, SymbolicDiffNames.DifferentiableAttribute) ||
            SyntaxHelpers.HasAttribute(function, SymbolicDiffNames.DerivativeAttribute) ||
            SyntaxHelpers.SourceDeclaration(function, document.Project.Solution, cancellationToken) is not { } declared ||
            (declared.Declaration.Body is null && declared.Declaration.ExpressionBody is null) ||
            declared.Declaration.Ancestors().OfType<TypeDeclarationSyntax>().Any(type => type.Modifiers.Any(SyntaxKind.FileKeyword)))
        {
            return null;
        }

        if (invocation.FirstAncestorOrSelf<MethodDeclarationSyntax>() is { } caller &&
            semanticModel.GetDeclaredSymbol(caller, cancellationToken) is { } callerSymbol &&
            SyntaxHelpers.HasAttribute(callerSymbol, SymbolicDiffNames.DifferentiableAttribute) &&
            SyntaxHelpers.RealType(callerSymbol) != real)
        {
            return null;
        }

        return new Fix(declared.Document.Id, declared.Declaration.Span, function.Name);
    }

    private protected override string Title(Fix fix) => $"Mark '{fix.FunctionName}' [Differentiable] so that its derivative is generated";

    private protected override string EquivalenceKey(string diagnosticId) => Key;

    private protected override string FixAllTitle(string equivalenceKey) => "Mark the called functions [Differentiable]";

    private protected override Task<Solution> ApplyAsync(Solution solution, IReadOnlyList<Fix> fixes, CancellationToken cancellationToken) =>
        EditEachDocumentAsync(solution, fixes, fix => fix.Document, Edit, cancellationToken);

    /// <summary>Makes in <paramref name="editor"/> the edits of <paramref name="fixes"/>, the fixes of its document.</summary>
    private static void Edit(DocumentEditor editor, SourceText text, IEnumerable<Fix> fixes, CancellationToken cancellationToken)
    {
        var semanticModel = editor.SemanticModel;
        string endOfLine = SyntaxHelpers.EndOfLine(text);
        var types = new HashSet<TypeDeclarationSyntax>();
        foreach (var span in fixes.Select(fix => fix.Function).Distinct())
        {
            var declaration = editor.OriginalRoot.FindNode(span, getInnermostNodeForTie: true).FirstAncestorOrSelf<MethodDeclarationSyntax>()!;
            string indentation = SyntaxHelpers.Indentation(declaration, text);
            string name = SyntaxHelpers.AttributeName(semanticModel, declaration.SpanStart, "Differentiable", SymbolicDiffNames.DifferentiableAttribute);
            var attribute = SyntaxHelpers.AttributeList(name, indentation, endOfLine);
            editor.ReplaceNode(declaration, (current, _) => SyntaxHelpers.WithAttributeLists((MethodDeclarationSyntax)current, new[] { attribute }, indentation));
            types.UnionWith(declaration.Ancestors().OfType<TypeDeclarationSyntax>().Where(type => !type.Modifiers.Any(SyntaxKind.PartialKeyword)));
        }

        foreach (var type in types)
        {
            editor.ReplaceNode(type, (current, _) => SyntaxHelpers.WithPartial((TypeDeclarationSyntax)current));
        }
    }
}
