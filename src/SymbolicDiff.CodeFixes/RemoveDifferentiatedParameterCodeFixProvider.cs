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
/// SD0017: leaves the parameter the result does not depend on out of the differentiated ones, by removing it
/// from the <c>[Differentiable(...)]</c> list, or, where the attribute names none (every real parameter), by
/// naming the others. Not offered where no parameter would be left (an empty list means all of them).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveDifferentiatedParameterCodeFixProvider)), Shared]
public sealed class RemoveDifferentiatedParameterCodeFixProvider : BatchCodeFixProvider<RemoveDifferentiatedParameterCodeFixProvider.Fix>
{
    /// <summary>The equivalence key of this fix.</summary>
    public const string Key = "SymbolicDiff.SD0017.RemoveFromDifferentiable";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(SymbolicDiffNames.ResultIgnoresParameter);

    /// <summary>One parameter to leave out of one method's differentiated parameters.</summary>
    public sealed class Fix
    {
        internal Fix(DocumentId document, TextSpan attribute, string parameter)
        {
            Document = document;
            Attribute = attribute;
            Parameter = parameter;
        }

        internal DocumentId Document { get; }

        /// <summary>The method's [Differentiable] attribute.</summary>
        internal TextSpan Attribute { get; }

        internal string Parameter { get; }
    }

    private protected override async Task<Fix?> ReadAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || semanticModel is null ||
            SyntaxHelpers.NodeAt(root, diagnostic.Location.SourceSpan).AncestorsAndSelf().OfType<ParameterSyntax>().FirstOrDefault() is not { } parameterSyntax ||
            parameterSyntax.Parent?.Parent is not MethodDeclarationSyntax declaration ||
            semanticModel.GetDeclaredSymbol(declaration, cancellationToken) is not { } method ||
            SyntaxHelpers.Attribute(method, SymbolicDiffNames.DifferentiableAttribute)?.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax attribute)
        {
            return null;
        }

        string parameter = parameterSyntax.Identifier.ValueText;
        var remaining = Remaining(method, attribute, semanticModel, new HashSet<string> { parameter }, cancellationToken);
        return remaining is { Count: > 0 } ? new Fix(document.Id, attribute.Span, parameter) : null;
    }

    private protected override string Title(Fix fix) => $"Remove '{fix.Parameter}' from the differentiated parameters";

    private protected override string EquivalenceKey(string diagnosticId) => Key;

    private protected override string FixAllTitle(string equivalenceKey) => "Remove the parameters the result does not depend on from the differentiated parameters";

    private protected override Task<Solution> ApplyAsync(Solution solution, IReadOnlyList<Fix> fixes, CancellationToken cancellationToken) =>
        EditEachDocumentAsync(solution, fixes, fix => fix.Document, Edit, cancellationToken);

    /// <summary>Makes in <paramref name="editor"/> the edits of <paramref name="fixes"/>, the fixes of its document.</summary>
    private static void Edit(DocumentEditor editor, SourceText text, IEnumerable<Fix> fixes, CancellationToken cancellationToken)
    {
        var semanticModel = editor.SemanticModel;
        foreach (var perAttribute in fixes.GroupBy(fix => fix.Attribute))
        {
            var attribute = editor.OriginalRoot.FindNode(perAttribute.Key, getInnermostNodeForTie: true).AncestorsAndSelf().OfType<AttributeSyntax>().First();
            var declaration = attribute.FirstAncestorOrSelf<MethodDeclarationSyntax>()!;
            var method = semanticModel.GetDeclaredSymbol(declaration, cancellationToken)!;
            var removed = new HashSet<string>(perAttribute.Select(fix => fix.Parameter));
            var remaining = Remaining(method, attribute, semanticModel, removed, cancellationToken);
            if (remaining is not { Count: > 0 })
            {
                // Removing all of them together would leave an empty list, which means every parameter.
                continue;
            }

            editor.ReplaceNode(attribute, attribute.WithArgumentList(SyntaxHelpers.ArgumentList(remaining)));
        }
    }

    /// <summary>
    /// The attribute's arguments once <paramref name="removed"/> are out: the listed ones that stay, or, for an
    /// attribute that lists none, <c>nameof</c> each other parameter it differentiates. Null when the list cannot be read.
    /// </summary>
    private static List<AttributeArgumentSyntax>? Remaining(IMethodSymbol method, AttributeSyntax attribute, SemanticModel semanticModel, HashSet<string> removed, CancellationToken cancellationToken)
    {
        var names = SyntaxHelpers.ListedNames(attribute, semanticModel, cancellationToken);
        if (names is null)
        {
            return null;
        }

        if (names.Count > 0)
        {
            return attribute.ArgumentList!.Arguments.Where((_, i) => !removed.Contains(names[i])).ToList();
        }

        var declaration = (MethodDeclarationSyntax)attribute.Parent!.Parent!;
        return SyntaxHelpers.DefaultDifferentiated(method)
            .Where(p => !removed.Contains(p.Name))
            .Select(p => SyntaxHelpers.NameOfArgument(SyntaxHelpers.SourceName(p, declaration)))
            .ToList();
    }
}
