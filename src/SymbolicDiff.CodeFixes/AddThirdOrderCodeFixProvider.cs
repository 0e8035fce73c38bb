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
/// SD0034 where a method with <c>SecondOrder = true</c> reads the gradient of a callee without third derivatives: the
/// callee's <c>SecondOrder = true</c> becomes <c>ThirdOrder = true</c> (which implies it), so that its
/// <c>MHessianWithDerivative</c> is generated and the caller's second derivatives read it.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddThirdOrderCodeFixProvider)), Shared]
public sealed class AddThirdOrderCodeFixProvider : BatchCodeFixProvider<AddThirdOrderCodeFixProvider.Fix>
{
    /// <summary>The equivalence key of this fix.</summary>
    public const string Key = "SymbolicDiff.SD0034.AddThirdOrder";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(SymbolicDiffNames.CalleeWithoutThirdOrder);

    /// <summary>One callee's <c>SecondOrder = true</c> that becomes <c>ThirdOrder = true</c>.</summary>
    public sealed class Fix
    {
        internal Fix(DocumentId document, TextSpan argument, string callee)
        {
            Document = document;
            Argument = argument;
            Callee = callee;
        }

        /// <summary>The document that declares the callee (not necessarily the one with the read of its gradient).</summary>
        internal DocumentId Document { get; }

        internal TextSpan Argument { get; }

        internal string Callee { get; }
    }

    private protected override async Task<Fix?> ReadAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || semanticModel is null ||
            SyntaxHelpers.NodeAt(root, diagnostic.Location.SourceSpan).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } invocation ||
            AddSecondOrderCodeFixProvider.Called(invocation, semanticModel, cancellationToken) is not var (name, type) ||
            AddSecondOrderCodeFixProvider.Callee(name, type) is not { } callee ||
            SyntaxHelpers.SourceDeclaration(callee, document.Project.Solution, cancellationToken) is not { } declared ||
            SyntaxHelpers.Attribute(callee, SymbolicDiffNames.DifferentiableAttribute)?.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax attribute ||
            attribute.SyntaxTree != declared.Declaration.SyntaxTree ||
            attribute.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "SecondOrder") is not { } secondOrder)
        {
            return null;
        }

        return new Fix(declared.Document.Id, secondOrder.Span, callee.ContainingType.Name + "." + callee.Name);
    }

    private protected override string Title(Fix fix) => $"Generate the third derivatives of '{fix.Callee}' (ThirdOrder = true)";

    private protected override string EquivalenceKey(string diagnosticId) => Key;

    private protected override string FixAllTitle(string equivalenceKey) => "Generate the third derivatives of the callees whose gradients are read";

    private protected override Task<Solution> ApplyAsync(Solution solution, IReadOnlyList<Fix> fixes, CancellationToken cancellationToken) =>
        EditEachDocumentAsync(solution, fixes, fix => fix.Document, Edit, cancellationToken);

    /// <summary>Makes in <paramref name="editor"/> the edits of <paramref name="fixes"/>, the fixes of its document.</summary>
    private static void Edit(DocumentEditor editor, SourceText text, IEnumerable<Fix> fixes, CancellationToken cancellationToken)
    {
        foreach (var span in fixes.Select(fix => fix.Argument).Distinct())
        {
            var argument = editor.OriginalRoot.FindNode(span, getInnermostNodeForTie: true).AncestorsAndSelf().OfType<AttributeArgumentSyntax>().First();
            editor.ReplaceNode(argument, argument.WithNameEquals(argument.NameEquals!.WithName(SyntaxFactory.IdentifierName("ThirdOrder").WithTriviaFrom(argument.NameEquals.Name))));
        }
    }
}
