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
/// SD0020 where a [Differentiable] method reads the generated gradient of a callee without second derivatives, and
/// SD0032 where a method with <c>SecondOrder = true</c> calls such a callee: adds <c>SecondOrder = true</c> to the
/// callee's <c>[Differentiable]</c>, so that its Hessian is generated and the caller is differentiated through its
/// gradient. (SD0020 for a callee that is not supported yet has no fix.)
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddSecondOrderCodeFixProvider)), Shared]
public sealed class AddSecondOrderCodeFixProvider : BatchCodeFixProvider<AddSecondOrderCodeFixProvider.Fix>
{
    /// <summary>The equivalence key of this fix.</summary>
    public const string Key = "SymbolicDiff.SD0020.AddSecondOrder";

    // The start of SD0020's last argument when the callee lacks second derivatives (the generator's wording).
    private const string NeedsSecondOrder = "needs the second derivatives of ";

    private static readonly string[] GeneratedSuffixes = { "WithGradient", "WithDerivative" };

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(SymbolicDiffNames.NestedDifferentiation, SymbolicDiffNames.CalleeWithoutSecondOrder);

    /// <summary>One callee's [Differentiable] attribute that gets <c>SecondOrder = true</c>.</summary>
    public sealed class Fix
    {
        internal Fix(DocumentId document, TextSpan attribute, string callee)
        {
            Document = document;
            Attribute = attribute;
            Callee = callee;
        }

        /// <summary>The document that declares the callee (not necessarily the one with the call).</summary>
        internal DocumentId Document { get; }

        internal TextSpan Attribute { get; }

        internal string Callee { get; }
    }

    private protected override async Task<Fix?> ReadAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || semanticModel is null ||
            SyntaxHelpers.NodeAt(root, diagnostic.Location.SourceSpan).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } invocation ||
            (diagnostic.Id == SymbolicDiffNames.CalleeWithoutSecondOrder
                ? CalledDirectly(invocation, semanticModel, cancellationToken)
                : CalledThroughGradient(diagnostic, invocation, semanticModel, cancellationToken)) is not { } callee ||
            SyntaxHelpers.SourceDeclaration(callee, document.Project.Solution, cancellationToken) is not { } declared ||
            SyntaxHelpers.Attribute(callee, SymbolicDiffNames.DifferentiableAttribute)?.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax attribute ||
            attribute.SyntaxTree != declared.Declaration.SyntaxTree ||
            attribute.ArgumentList?.Arguments.Any(a => a.NameEquals?.Name.Identifier.ValueText == "SecondOrder") == true)
        {
            return null;
        }

        return new Fix(declared.Document.Id, attribute.Span, callee.ContainingType.Name + "." + callee.Name);
    }

    /// <summary>SD0020: the callee whose generated gradient is called, where the message says it lacks second derivatives.</summary>
    private static IMethodSymbol? CalledThroughGradient(Diagnostic diagnostic, InvocationExpressionSyntax invocation, SemanticModel semanticModel, CancellationToken cancellationToken) =>
        MessageArguments.Read(diagnostic) is { Count: 4 } arguments &&
        arguments[3].StartsWith(NeedsSecondOrder, System.StringComparison.Ordinal) &&
        Called(invocation, semanticModel, cancellationToken) is var (name, type)
            ? Callee(name, type)
            : null;

    /// <summary>SD0032: the [Differentiable] method the invocation calls.</summary>
    private static IMethodSymbol? CalledDirectly(InvocationExpressionSyntax invocation, SemanticModel semanticModel, CancellationToken cancellationToken) =>
        semanticModel.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol method &&
        SyntaxHelpers.HasAttribute(method, SymbolicDiffNames.DifferentiableAttribute)
            ? method
            : null;

    /// <summary>
    /// The name called and the type it is looked up in: the generated method where the document's compilation holds
    /// the generated code (as in the IDE), else from the syntax (the call binds to nothing before generation).
    /// </summary>
    internal static (string Name, INamedTypeSymbol Type)? Called(InvocationExpressionSyntax invocation, SemanticModel semanticModel, CancellationToken cancellationToken)
    {
        if (semanticModel.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol generated)
        {
            return (generated.Name, generated.ContainingType);
        }

        return invocation.Expression switch
        {
            SimpleNameSyntax simple when semanticModel.GetEnclosingSymbol(invocation.SpanStart, cancellationToken)?.ContainingType is { } enclosing =>
                (simple.Identifier.ValueText, enclosing),
            MemberAccessExpressionSyntax access when (semanticModel.GetSymbolInfo(access.Expression, cancellationToken).Symbol as INamedTypeSymbol ??
                                                      semanticModel.GetTypeInfo(access.Expression, cancellationToken).Type as INamedTypeSymbol) is { } receiver =>
                (access.Name.Identifier.ValueText, receiver),
            _ => null,
        };
    }

    /// <summary>The one [Differentiable] method that <paramref name="name"/> (<c>UWithGradient</c>) is generated for, in the type or one containing it; else null.</summary>
    internal static IMethodSymbol? Callee(string name, INamedTypeSymbol type)
    {
        foreach (string suffix in GeneratedSuffixes)
        {
            if (name.Length <= suffix.Length || !name.EndsWith(suffix, System.StringComparison.Ordinal))
            {
                continue;
            }

            for (var current = type; current is not null; current = current.ContainingType)
            {
                var callees = current.GetMembers(name.Substring(0, name.Length - suffix.Length))
                    .OfType<IMethodSymbol>()
                    .Where(m => SyntaxHelpers.HasAttribute(m, SymbolicDiffNames.DifferentiableAttribute))
                    .ToList();
                if (callees.Count > 0)
                {
                    return callees.Count == 1 ? callees[0] : null;
                }
            }
        }

        return null;
    }

    private protected override string Title(Fix fix) => $"Generate the second derivatives of '{fix.Callee}' (SecondOrder = true)";

    private protected override string EquivalenceKey(string diagnosticId) => Key;

    private protected override string FixAllTitle(string equivalenceKey) => "Generate the second derivatives of the callees whose gradients are read";

    private protected override Task<Solution> ApplyAsync(Solution solution, IReadOnlyList<Fix> fixes, CancellationToken cancellationToken) =>
        EditEachDocumentAsync(solution, fixes, fix => fix.Document, Edit, cancellationToken);

    /// <summary>Makes in <paramref name="editor"/> the edits of <paramref name="fixes"/>, the fixes of its document.</summary>
    private static void Edit(DocumentEditor editor, SourceText text, IEnumerable<Fix> fixes, CancellationToken cancellationToken)
    {
        foreach (var span in fixes.Select(fix => fix.Attribute).Distinct())
        {
            var attribute = editor.OriginalRoot.FindNode(span, getInnermostNodeForTie: true).AncestorsAndSelf().OfType<AttributeSyntax>().First();
            var secondOrder = SyntaxFactory.AttributeArgument(
                SyntaxFactory.NameEquals(SyntaxFactory.IdentifierName("SecondOrder")),
                nameColon: null,
                SyntaxFactory.LiteralExpression(SyntaxKind.TrueLiteralExpression));
            var existing = attribute.ArgumentList?.Arguments.ToList() ?? new List<AttributeArgumentSyntax>();
            editor.ReplaceNode(attribute, attribute.WithArgumentList(SyntaxHelpers.ArgumentList(existing.Append(secondOrder).ToList())));
        }
    }
}
