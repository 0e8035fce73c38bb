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
using Microsoft.CodeAnalysis.Text;

namespace SymbolicDiff.CodeFixes;

/// <summary>
/// SD0017 where a zero gradient is meant: <c>#pragma warning disable SD0017</c> before the method (and its
/// documentation comment) and <c>#pragma warning restore SD0017</c> after it, once per method however many of its
/// parameters are reported.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SuppressResultIgnoresParameterCodeFixProvider)), Shared]
public sealed class SuppressResultIgnoresParameterCodeFixProvider : BatchCodeFixProvider<SuppressResultIgnoresParameterCodeFixProvider.Fix>
{
    /// <summary>The equivalence key of this fix.</summary>
    public const string Key = "SymbolicDiff.SD0017.SuppressWithPragma";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(SymbolicDiffNames.ResultIgnoresParameter);

    /// <summary>One method to wrap in the pragma pair.</summary>
    public sealed class Fix
    {
        internal Fix(DocumentId document, TextSpan method, string title)
        {
            Document = document;
            Method = method;
            Title = title;
        }

        internal DocumentId Document { get; }

        internal TextSpan Method { get; }

        /// <summary>The diagnostic's title, written after the pragma as Roslyn's own suppressions do.</summary>
        internal string Title { get; }
    }

    private protected override async Task<Fix?> ReadAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || SyntaxHelpers.NodeAt(root, diagnostic.Location.SourceSpan).FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } method)
        {
            return null;
        }

        return new Fix(document.Id, method.Span, diagnostic.Descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private protected override string Title(Fix fix) => $"Suppress {SymbolicDiffNames.ResultIgnoresParameter} with #pragma warning disable";

    private protected override string EquivalenceKey(string diagnosticId) => Key;

    private protected override string FixAllTitle(string equivalenceKey) => $"Suppress {SymbolicDiffNames.ResultIgnoresParameter} with #pragma warning disable";

    private protected override async Task<Solution> ApplyAsync(Solution solution, IReadOnlyList<Fix> fixes, CancellationToken cancellationToken)
    {
        foreach (var group in fixes.GroupBy(fix => fix.Document))
        {
            var document = solution.GetDocument(group.Key)!;
            var root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
            var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            string endOfLine = SyntaxHelpers.EndOfLine(text);
            var changes = new List<TextChange>();
            foreach (var fix in group.GroupBy(fix => fix.Method).Select(methodFixes => methodFixes.First()))
            {
                var method = root.FindNode(fix.Method, getInnermostNodeForTie: true).FirstAncestorOrSelf<MethodDeclarationSyntax>()!;
                string indentation = SyntaxHelpers.Indentation(method, text);
                string Pragma(string verb) => $"{indentation}#pragma warning {verb} {SymbolicDiffNames.ResultIgnoresParameter} // {fix.Title}";

                // Before the documentation comment, if there is one, so that it stays attached to the method.
                var documentation = method.GetLeadingTrivia().FirstOrDefault(trivia => trivia.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineDocumentationCommentTrivia));
                int firstLine = text.Lines.GetLineFromPosition(documentation == default ? method.SpanStart : documentation.SpanStart).Start;
                changes.Add(new TextChange(new TextSpan(firstLine, 0), Pragma("disable") + endOfLine));

                var lastLine = text.Lines.GetLineFromPosition(method.Span.End);
                string restore = Pragma("restore");
                changes.Add(lastLine.EndIncludingLineBreak > lastLine.End
                    ? new TextChange(new TextSpan(lastLine.EndIncludingLineBreak, 0), restore + endOfLine)
                    : new TextChange(new TextSpan(lastLine.End, 0), endOfLine + restore + endOfLine));
            }

            solution = solution.WithDocumentText(group.Key, text.WithChanges(changes.OrderBy(change => change.Span.Start)));
        }

        return solution;
    }
}
