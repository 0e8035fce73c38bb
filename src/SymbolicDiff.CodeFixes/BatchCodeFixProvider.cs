using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Text;

namespace SymbolicDiff.CodeFixes;

/// <summary>
/// A code fix that reads each diagnostic into a small description of the edit (<typeparamref name="TFix"/>), then
/// applies any number of them to the solution at once. One diagnostic is a batch of one; Fix All is every
/// diagnostic of the scope in one batch, so edits that meet (two methods of one type that is not partial, two
/// calls of one function without a derivative, two unused parameters of one method) are merged by the fix itself
/// rather than by a text merger that would drop or duplicate them.
/// </summary>
/// <typeparam name="TFix">What one diagnostic asks for, read against the original solution.</typeparam>
public abstract class BatchCodeFixProvider<TFix> : CodeFixProvider
    where TFix : class
{
    /// <summary>The fix for <paramref name="diagnostic"/>, or null when this provider has none for it.</summary>
    private protected abstract Task<TFix?> ReadAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken);

    /// <summary>The code action's title for one fix.</summary>
    private protected abstract string Title(TFix fix);

    /// <summary>The equivalence key of the fix of a diagnostic with this ID: one per kind of fix, unique across SymbolicDiff.</summary>
    private protected abstract string EquivalenceKey(string diagnosticId);

    /// <summary>The title of Fix All for one equivalence key.</summary>
    private protected abstract string FixAllTitle(string equivalenceKey);

    /// <summary>Applies <paramref name="fixes"/>, all read against <paramref name="solution"/>, together.</summary>
    private protected abstract Task<Solution> ApplyAsync(Solution solution, IReadOnlyList<TFix> fixes, CancellationToken cancellationToken);

    /// <summary>
    /// The way most fixes are applied: <paramref name="fixes"/> grouped by the document they edit
    /// (<paramref name="documentOf"/>), each document edited once, by <paramref name="edit"/> in a
    /// <see cref="DocumentEditor"/> over the original document (its semantic model at
    /// <see cref="DocumentEditor.SemanticModel"/>) given the document's text and fixes, and the edited roots put back.
    /// </summary>
    private protected static async Task<Solution> EditEachDocumentAsync(
        Solution solution,
        IReadOnlyList<TFix> fixes,
        Func<TFix, DocumentId> documentOf,
        Action<DocumentEditor, SourceText, IEnumerable<TFix>, CancellationToken> edit,
        CancellationToken cancellationToken)
    {
        foreach (var group in fixes.GroupBy(documentOf))
        {
            var document = solution.GetDocument(group.Key)!;
            var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            edit(editor, text, group, cancellationToken);
            solution = solution.WithDocumentSyntaxRoot(group.Key, editor.GetChangedRoot());
        }

        return solution;
    }

    /// <inheritdoc />
    public sealed override FixAllProvider GetFixAllProvider() => new BatchFixAllProvider(this);

    /// <inheritdoc />
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            var fix = await ReadAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false);
            if (fix is null)
            {
                continue;
            }

            var solution = context.Document.Project.Solution;
            context.RegisterCodeFix(
                CodeAction.Create(Title(fix), cancellationToken => ApplyAsync(solution, new[] { fix }, cancellationToken), EquivalenceKey(diagnostic.Id)),
                diagnostic);
        }
    }

    private sealed class BatchFixAllProvider : FixAllProvider
    {
        private readonly BatchCodeFixProvider<TFix> _provider;

        public BatchFixAllProvider(BatchCodeFixProvider<TFix> provider) => _provider = provider;

        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() =>
            ImmutableArray.Create(FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution);

        public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            string? key = fixAllContext.CodeActionEquivalenceKey;
            if (key is null)
            {
                return null;
            }

            IEnumerable<Document> documents = fixAllContext.Scope switch
            {
                FixAllScope.Document when fixAllContext.Document is not null => new[] { fixAllContext.Document },
                FixAllScope.Project => fixAllContext.Project.Documents,
                FixAllScope.Solution => fixAllContext.Solution.Projects.SelectMany(project => project.Documents),
                _ => Enumerable.Empty<Document>(),
            };

            var fixes = new List<TFix>();
            foreach (var document in documents)
            {
                var diagnostics = await fixAllContext.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false);
                foreach (var diagnostic in diagnostics.Where(d => _provider.EquivalenceKey(d.Id) == key).OrderBy(d => d.Location.SourceSpan.Start))
                {
                    var fix = await _provider.ReadAsync(document, diagnostic, fixAllContext.CancellationToken).ConfigureAwait(false);
                    if (fix is not null)
                    {
                        fixes.Add(fix);
                    }
                }
            }

            if (fixes.Count == 0)
            {
                return null;
            }

            var solution = fixAllContext.Solution;
            return CodeAction.Create(_provider.FixAllTitle(key), cancellationToken => _provider.ApplyAsync(solution, fixes, cancellationToken), key);
        }
    }
}
