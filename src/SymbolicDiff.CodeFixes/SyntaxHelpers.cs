using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace SymbolicDiff.CodeFixes;

/// <summary>The small syntax and symbol questions the fixes share.</summary>
internal static class SyntaxHelpers
{
    /// <summary>The innermost node at <paramref name="span"/>, where a diagnostic points.</summary>
    public static SyntaxNode NodeAt(SyntaxNode root, TextSpan span) => root.FindNode(span, getInnermostNodeForTie: true);

    /// <summary>The first attribute of <paramref name="symbol"/> of the class named <paramref name="attributeName"/>.</summary>
    public static AttributeData? Attribute(ISymbol symbol, string attributeName) =>
        symbol.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == attributeName);

    public static bool HasAttribute(ISymbol symbol, string attributeName) => Attribute(symbol, attributeName) is not null;

    /// <summary>
    /// The method's declaration, when it is written in a document of <paramref name="solution"/> (not in metadata,
    /// not in generated code): the fixes that edit a callee edit it there.
    /// </summary>
    public static (Document Document, MethodDeclarationSyntax Declaration)? SourceDeclaration(IMethodSymbol method, Solution solution, CancellationToken cancellationToken)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is MethodDeclarationSyntax declaration &&
                solution.GetDocument(reference.SyntaxTree) is { } document)
            {
                return (document, declaration);
            }
        }

        return null;
    }

    /// <summary>The whitespace before the first token of <paramref name="node"/> on its line.</summary>
    public static string Indentation(SyntaxNode node, SourceText text)
    {
        string line = text.ToString(text.Lines.GetLineFromPosition(node.SpanStart).Span);
        int width = 0;
        while (width < line.Length && (line[width] == ' ' || line[width] == '\t'))
        {
            width++;
        }

        return line.Substring(0, width);
    }

    /// <summary>The line ending the document already uses.</summary>
    public static string EndOfLine(SourceText text) => text.ToString().Contains("\r\n") ? "\r\n" : "\n";

    /// <summary>
    /// The parameters a <c>[Differentiable]</c> method without names differentiates: those of its real type
    /// (double, or float for a float method) or a span or array of it, passed by value (as the generator reads them).
    /// </summary>
    public static IEnumerable<IParameterSymbol> DefaultDifferentiated(IMethodSymbol method)
    {
        var real = RealType(method);
        return method.Parameters.Where(p => p.RefKind == RefKind.None && (p.Type.SpecialType == real || ElementType(p.Type)?.SpecialType == real));
    }

    /// <summary>A method's real type: float when it returns float, else double.</summary>
    public static SpecialType RealType(IMethodSymbol method) =>
        method.ReturnType.SpecialType == SpecialType.System_Single ? SpecialType.System_Single : SpecialType.System_Double;

    private static ITypeSymbol? ElementType(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol { Rank: 1 } array => array.ElementType,
        INamedTypeSymbol { Name: "Span" or "ReadOnlySpan", TypeArguments.Length: 1 } span
            when span.ContainingNamespace?.ToDisplayString() == "System" => span.TypeArguments[0],
        _ => null,
    };

    /// <summary>
    /// The parameter names a <c>[Differentiable(...)]</c> attribute lists, one per argument, or null when an
    /// argument is not a constant name (an array, a named argument): then the fixes leave the attribute alone.
    /// </summary>
    public static IReadOnlyList<string>? ListedNames(AttributeSyntax attribute, SemanticModel semanticModel, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        foreach (var argument in attribute.ArgumentList?.Arguments ?? default)
        {
            if (argument.NameEquals is not null || argument.NameColon is not null ||
                semanticModel.GetConstantValue(argument.Expression, cancellationToken) is not { HasValue: true, Value: string name })
            {
                return null;
            }

            names.Add(name);
        }

        return names;
    }

    /// <summary><c>nameof(name)</c> as an attribute argument.</summary>
    public static AttributeArgumentSyntax NameOfArgument(string identifier) =>
        SyntaxFactory.AttributeArgument(SyntaxFactory.ParseExpression($"nameof({identifier})"));

    /// <summary>Arguments separated by ", ".</summary>
    public static AttributeArgumentListSyntax ArgumentList(IReadOnlyList<AttributeArgumentSyntax> arguments) =>
        SyntaxFactory.AttributeArgumentList(SyntaxFactory.SeparatedList(
            arguments.Select(a => a.WithoutTrivia()),
            Enumerable.Repeat(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space), System.Math.Max(0, arguments.Count - 1))));

    /// <summary>The identifier of a parameter as written in source (with its @ if it has one).</summary>
    public static string SourceName(IParameterSymbol parameter, MethodDeclarationSyntax declaration) =>
        declaration.ParameterList.Parameters.FirstOrDefault(p => p.Identifier.ValueText == parameter.Name)?.Identifier.Text ?? parameter.Name;

    /// <summary>The declaration with <c>partial</c> last among its modifiers, just before the keyword, where C# requires it.</summary>
    public static TypeDeclarationSyntax WithPartial(TypeDeclarationSyntax type)
    {
        if (type.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            return type;
        }

        var partial = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        if (type.Modifiers.Count > 0)
        {
            return type.WithModifiers(type.Modifiers.Add(partial));
        }

        // No modifiers: the keyword's indentation (or comment) moves in front of 'partial'.
        var keyword = type.Keyword;
        partial = partial.WithLeadingTrivia(keyword.LeadingTrivia);
        return type.ReplaceToken(keyword, keyword.WithLeadingTrivia()).WithModifiers(SyntaxFactory.TokenList(partial));
    }

    /// <summary>The method with <paramref name="attributes"/> after its own attribute lists (so its documentation comment stays first).</summary>
    public static MethodDeclarationSyntax WithAttributeLists(MethodDeclarationSyntax method, IReadOnlyList<AttributeListSyntax> attributes, string indentation)
    {
        if (method.AttributeLists.Count > 0)
        {
            return method.WithAttributeLists(method.AttributeLists.AddRange(attributes));
        }

        // No attribute yet: the method's leading trivia (documentation, indentation) moves to the first attribute.
        var lists = attributes.ToList();
        lists[0] = lists[0].WithLeadingTrivia(method.GetLeadingTrivia());
        return method.WithLeadingTrivia(SyntaxFactory.Whitespace(indentation)).WithAttributeLists(SyntaxFactory.List(lists));
    }

    /// <summary><c>[attribute]</c> on a line of its own at <paramref name="indentation"/>.</summary>
    public static AttributeListSyntax AttributeList(string attribute, string indentation, string endOfLine) =>
        SyntaxFactory.ParseCompilationUnit($"[{attribute}]class C{{}}")
            .DescendantNodes().OfType<AttributeListSyntax>().Single()
            .WithLeadingTrivia(SyntaxFactory.Whitespace(indentation))
            .WithTrailingTrivia(SyntaxFactory.EndOfLine(endOfLine));

    /// <summary>
    /// <paramref name="shortName"/> (as <c>Derivative</c>) where it binds to <paramref name="attributeClass"/> at
    /// <paramref name="position"/> (<c>using SymbolicDiff;</c> in scope), else the name qualified with its namespace.
    /// </summary>
    public static string AttributeName(SemanticModel semanticModel, int position, string shortName, string attributeClass)
    {
        var bound = semanticModel.GetSpeculativeTypeInfo(position, SyntaxFactory.ParseTypeName(shortName + "Attribute"), SpeculativeBindingOption.BindAsTypeOrNamespace).Type;
        return bound?.ToDisplayString() == attributeClass ? shortName : attributeClass.Substring(0, attributeClass.LastIndexOf('.') + 1) + shortName;
    }
}
