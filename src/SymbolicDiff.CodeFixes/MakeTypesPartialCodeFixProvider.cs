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
/// SD0002: declares <c>partial</c> the reported type, the types it is nested in, and the types nested in it on the way
/// to each <c>[Differentiable]</c> method it holds, so one fix makes the whole chain partial.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeTypesPartialCodeFixProvider)), Shared]
public sealed class MakeTypesPartialCodeFixProvider : BatchCodeFixProvider<MakeTypesPartialCodeFixProvider.Fix>
{
    /// <summary>The equivalence key of this fix.</summary>
    public const string Key = "SymbolicDiff.SD0002.MakeTypesPartial";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(SymbolicDiffNames.TypeMustBePartial);

    /// <summary>The type declarations (outermost first) of one document to declare partial.</summary>
    public sealed class Fix
    {
        internal Fix(DocumentId document, ImmutableArray<TextSpan> types, ImmutableArray<string> names)
        {
            Document = document;
            Types = types;
            Names = names;
        }

        internal DocumentId Document { get; }

        internal ImmutableArray<TextSpan> Types { get; }

        internal ImmutableArray<string> Names { get; }
    }

    private protected override async Task<Fix?> ReadAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || semanticModel is null ||
            SyntaxHelpers.NodeAt(root, diagnostic.Location.SourceSpan).AncestorsAndSelf().OfType<TypeDeclarationSyntax>().FirstOrDefault() is not { } reported)
        {
            return null;
        }

        // The reported type and its containing types, then the types between it and each [Differentiable] method inside it.
        var types = new HashSet<TypeDeclarationSyntax>(reported.AncestorsAndSelf().OfType<TypeDeclarationSyntax>());
        foreach (var method in reported.DescendantNodes().OfType<MethodDeclarationSyntax>())
        {
            if (method.AttributeLists.Count > 0 &&
                semanticModel.GetDeclaredSymbol(method, cancellationToken) is { } symbol &&
                SyntaxHelpers.HasAttribute(symbol, SymbolicDiffNames.DifferentiableAttribute))
            {
                types.UnionWith(method.Ancestors().OfType<TypeDeclarationSyntax>().TakeWhile(type => type != reported));
            }
        }

        var notPartial = types.Where(type => !type.Modifiers.Any(SyntaxKind.PartialKeyword)).OrderBy(type => type.SpanStart).ToList();
        return notPartial.Count == 0
            ? null
            : new Fix(document.Id, notPartial.Select(type => type.Span).ToImmutableArray(), notPartial.Select(type => type.Identifier.ValueText).ToImmutableArray());
    }

    private protected override string Title(Fix fix) =>
        "Make " + string.Join(", ", fix.Names.Select(name => "'" + name + "'")) + " partial";

    private protected override string EquivalenceKey(string diagnosticId) => Key;

    private protected override string FixAllTitle(string equivalenceKey) => "Make the types of [Differentiable] methods partial";

    private protected override Task<Solution> ApplyAsync(Solution solution, IReadOnlyList<Fix> fixes, CancellationToken cancellationToken) =>
        EditEachDocumentAsync(solution, fixes, fix => fix.Document, Edit, cancellationToken);

    /// <summary>Makes in <paramref name="editor"/> the edits of <paramref name="fixes"/>, the fixes of its document.</summary>
    private static void Edit(DocumentEditor editor, SourceText text, IEnumerable<Fix> fixes, CancellationToken cancellationToken)
    {
        foreach (var span in fixes.SelectMany(fix => fix.Types).Distinct())
        {
            var type = editor.OriginalRoot.FindNode(span, getInnermostNodeForTie: true).AncestorsAndSelf().OfType<TypeDeclarationSyntax>().First();
            editor.ReplaceNode(type, (current, _) => SyntaxHelpers.WithPartial((TypeDeclarationSyntax)current));
        }
    }
}
