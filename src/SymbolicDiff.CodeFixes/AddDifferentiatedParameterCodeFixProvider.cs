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
/// SD0021 (the form SD0012 takes for a <c>[Differentiable(...)]</c> callee), and SD0012 itself where its callee is a
/// <c>[Differentiable(...)]</c> method: adds the parameter to the callee's <c>[Differentiable(...)]</c> list, so that its
/// gradient reports that partial too and the caller's gradient reads it. The names are kept in the callee's declaration
/// order. (SD0012 about a callee with <c>[Derivative]</c> gets the stub of <see cref="DerivativeStubCodeFixProvider"/>.)
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddDifferentiatedParameterCodeFixProvider)), Shared]
public sealed class AddDifferentiatedParameterCodeFixProvider : BatchCodeFixProvider<AddDifferentiatedParameterCodeFixProvider.Fix>
{
    /// <summary>The equivalence key of this fix of SD0021.</summary>
    public const string Key = "SymbolicDiff.SD0021.AddToDifferentiable";

    /// <summary>The equivalence key of this fix of SD0012 about a [Differentiable(...)] callee.</summary>
    public const string MissingPartialKey = "SymbolicDiff.SD0012.AddToDifferentiable";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(SymbolicDiffNames.SelectedCalleeParameter, SymbolicDiffNames.MissingPartialDerivative);

    /// <summary>One parameter to add to one callee's [Differentiable(...)] list.</summary>
    public sealed class Fix
    {
        internal Fix(DocumentId document, TextSpan attribute, string callee, string parameter)
        {
            Document = document;
            Attribute = attribute;
            Callee = callee;
            Parameter = parameter;
        }

        /// <summary>The document that declares the callee (not necessarily the one with the call).</summary>
        internal DocumentId Document { get; }

        internal TextSpan Attribute { get; }

        internal string Callee { get; }

        internal string Parameter { get; }
    }

    private protected override async Task<Fix?> ReadAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || semanticModel is null ||
            MessageArguments.Read(diagnostic) is not { Count: >= 2 } arguments ||
            SyntaxHelpers.NodeAt(root, diagnostic.Location.SourceSpan).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } invocation ||
            semanticModel.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol { MethodKind: MethodKind.Ordinary } called)
        {
            return null;
        }

        var callee = called.OriginalDefinition;
        var parameter = callee.Parameters.FirstOrDefault(p => p.Name == arguments[1]);
        if (parameter is null || !SyntaxHelpers.DefaultDifferentiated(callee).Contains(parameter, SymbolEqualityComparer.Default) ||
            SyntaxHelpers.SourceDeclaration(callee, document.Project.Solution, cancellationToken) is not { } declared ||
            SyntaxHelpers.Attribute(callee, SymbolicDiffNames.DifferentiableAttribute)?.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax attribute ||
            attribute.SyntaxTree != declared.Declaration.SyntaxTree)
        {
            return null;
        }

        var calleeModel = await declared.Document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var names = SyntaxHelpers.ListedNames(attribute, calleeModel!, cancellationToken);
        if (names is not { Count: > 0 } || names.Contains(parameter.Name))
        {
            return null;
        }

        return new Fix(declared.Document.Id, attribute.Span, callee.ContainingType.Name + "." + callee.Name, parameter.Name);
    }

    private protected override string Title(Fix fix) => $"Add '{fix.Parameter}' to the parameters '{fix.Callee}' differentiates";

    private protected override string EquivalenceKey(string diagnosticId) =>
        diagnosticId == SymbolicDiffNames.MissingPartialDerivative ? MissingPartialKey : Key;

    private protected override string FixAllTitle(string equivalenceKey) => "Add the parameters to the [Differentiable] lists of the callees";

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
            var names = SyntaxHelpers.ListedNames(attribute, semanticModel, cancellationToken)!;
            var added = new HashSet<string>(perAttribute.Select(fix => fix.Parameter));

            // The listed names as they are written, and nameof for each added one, in declaration order;
            // a listed name that is no parameter (SD0008) keeps its place at the end.
            var existing = attribute.ArgumentList!.Arguments;
            var arguments = new List<AttributeArgumentSyntax>();
            foreach (var parameter in method.Parameters)
            {
                int listed = IndexOf(names, parameter.Name);
                if (listed >= 0)
                {
                    arguments.Add(existing[listed]);
                }
                else if (added.Contains(parameter.Name))
                {
                    arguments.Add(SyntaxHelpers.NameOfArgument(SyntaxHelpers.SourceName(parameter, declaration)));
                }
            }

            arguments.AddRange(existing.Where((_, i) => !method.Parameters.Any(p => p.Name == names[i])));
            editor.ReplaceNode(attribute, attribute.WithArgumentList(SyntaxHelpers.ArgumentList(arguments)));
        }
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
