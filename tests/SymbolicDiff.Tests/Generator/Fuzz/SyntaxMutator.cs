using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace SymbolicDiff.Tests.Generator.Fuzz;

/// <summary>
/// Grammar-based mutations of a valid [Differentiable] method: a node of the method's syntax tree is replaced by
/// another of the same syntactic category (an expression by an expression, a statement by a statement, a type by a
/// type, a name by a name), so that most mutants still parse and many still compile, and the generator meets
/// constructs next to each other that no hand-written test combines: unsupported expressions and statements in every
/// position, hostile names (the generator's own: <c>dX</c>, <c>saved</c>, <c>xStorage</c>, ...), other types,
/// parameter modifiers, attribute arguments, extreme literals, swapped operators, deleted and duplicated statements.
/// </summary>
internal sealed class SyntaxMutator
{
    private readonly Random _random;

    public SyntaxMutator(Random random) => _random = random;

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>What the mutations said they did, for the report.</summary>
    public List<string> Applied { get; } = new();

    /// <summary>
    /// Applies <paramref name="mutations"/> mutations to the [Differentiable] method <paramref name="method"/> of
    /// <paramref name="source"/>, one after the other (each on the re-parsed result of the last).
    /// </summary>
    public string Mutate(string source, string method, int mutations)
    {
        for (int i = 0; i < mutations; i++)
        {
            var root = CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions).GetRoot();
            var target = root.DescendantNodes().OfType<MethodDeclarationSyntax>().FirstOrDefault(m => m.Identifier.ValueText == method);
            if (target is null)
            {
                break;
            }

            for (int attempt = 0; attempt < 5; attempt++)
            {
                if (MutateOnce(source, target) is { } mutated)
                {
                    source = mutated;
                    break;
                }
            }
        }

        return source;
    }

    private string Replace(string source, TextSpan span, string text, string what)
    {
        Applied.Add($"{what}: `{Shorten(source.Substring(span.Start, span.Length))}` → `{Shorten(text)}`");
        return source.Substring(0, span.Start) + text + source.Substring(span.End);
    }

    private static string Shorten(string text)
    {
        text = text.Replace("\n", " ", StringComparison.Ordinal);
        return text.Length <= 60 ? text : text.Substring(0, 57) + "...";
    }

    private string? MutateOnce(string source, MethodDeclarationSyntax method)
    {
        // Not inside a const local's initializer: an expression there may name the const itself, and Roslyn's binder
        // then recurses without end on some shapes (const double c = checked((c + 1));), ending the test host with a
        // stack overflow before any diagnostic: a compiler defect, not a generator one, which the generator never sees.
        var expressions = method.DescendantNodes().OfType<ExpressionSyntax>()
            .Where(e => e.Parent is not AttributeArgumentSyntax && !e.Ancestors().Any(a => a is AttributeSyntax or LocalDeclarationStatementSyntax { IsConst: true }) && e is not (PredefinedTypeSyntax or TypeSyntax { Parent: VariableDeclarationSyntax or ParameterSyntax }))
            .ToList();
        var statements = method.Body?.DescendantNodes().OfType<StatementSyntax>().ToList() ?? new List<StatementSyntax>();
        var binaries = expressions.OfType<BinaryExpressionSyntax>().ToList();
        var literals = expressions.OfType<LiteralExpressionSyntax>().ToList();
        var types = method.DescendantNodes().OfType<TypeSyntax>()
            .Where(t => t.Parent is VariableDeclarationSyntax or ParameterSyntax || (t.Parent is MethodDeclarationSyntax m && m.ReturnType == t))
            .ToList();
        var names = method.ParameterList.Parameters.Select(p => p.Identifier.ValueText)
            .Concat(method.DescendantNodes().OfType<VariableDeclaratorSyntax>().Select(v => v.Identifier.ValueText))
            .Concat(method.DescendantNodes().OfType<ForEachStatementSyntax>().Select(f => f.Identifier.ValueText))
            .Where(name => name.Length > 0)
            .Distinct()
            .ToList();
        var scope = names.Count > 0 ? names : new List<string> { "x" };

        switch (_random.Next(14))
        {
            case 0 or 1 or 2 when expressions.Count > 0:
            {
                var e = Pick(expressions);
                string replacement = FuzzVocabulary.Expression(_random, scope, method.Identifier.ValueText, depth: 2);
                return Replace(source, e.Span, _random.Next(3) == 0 ? replacement : "(" + replacement + ")", "expression");
            }

            case 3 or 4 when statements.Count > 0:
            {
                var s = Pick(statements);
                return Replace(source, s.Span, FuzzVocabulary.Statement(_random, scope, method.Identifier.ValueText), "statement");
            }

            case 5 when statements.Count > 0:
            {
                // A new statement before another one.
                var s = Pick(statements);
                return Replace(source, new TextSpan(s.SpanStart, 0), FuzzVocabulary.Statement(_random, scope, method.Identifier.ValueText) + "\n", "inserted statement");
            }

            case 6 when statements.Count > 0:
            {
                var s = Pick(statements);
                return _random.Next(2) == 0
                    ? Replace(source, s.Span, s is BlockSyntax || s.Parent is BlockSyntax ? string.Empty : ";", "deleted statement")
                    : Replace(source, s.Span, s.ToString() + "\n" + s.ToString(), "duplicated statement");
            }

            case 7 when binaries.Count > 0:
            {
                var b = Pick(binaries);
                string op = Pick(FuzzVocabulary.BinaryOperators);
                return Replace(source, b.OperatorToken.Span, op, "operator");
            }

            case 8 when literals.Count > 0:
                return Replace(source, Pick(literals).Span, Pick(FuzzVocabulary.Literals), "literal");

            case 9 when types.Count > 0:
                return Replace(source, Pick(types).Span, Pick(FuzzVocabulary.Types), "type");

            case 10:
            {
                // A name, renamed everywhere in the method: to one the generator uses itself, or another hostile one.
                string name = Pick(scope);
                string other = FuzzVocabulary.HostileName(_random, scope, method.Identifier.ValueText);
                return RenameEverywhere(source, method, name, other);
            }

            case 11 when method.ParameterList.Parameters.Count > 0:
            {
                var parameter = Pick(method.ParameterList.Parameters);
                return _random.Next(3) switch
                {
                    0 => Replace(source, new TextSpan(parameter.SpanStart, 0), Pick(FuzzVocabulary.ParameterModifiers) + " ", "parameter modifier"),
                    1 => Replace(source, new TextSpan(parameter.Span.End, 0), " = " + Pick(FuzzVocabulary.Literals), "default value"),
                    _ => Replace(source, method.ParameterList.Span, "(" + FuzzVocabulary.ParameterList(_random) + ")", "parameter list"),
                };
            }

            case 12:
            {
                var attribute = method.AttributeLists.SelectMany(l => l.Attributes).FirstOrDefault(a => a.Name.ToString() == "Differentiable");
                if (attribute is null)
                {
                    return null;
                }

                return Replace(source, attribute.Span, FuzzVocabulary.Attribute(_random, scope, method.Identifier.ValueText), "attribute");
            }

            case 13:
            {
                return _random.Next(3) switch
                {
                    0 => Replace(source, method.Modifiers.Span, Pick(FuzzVocabulary.MethodModifiers), "modifiers"),
                    1 when method.Body is { } body && body.Statements.Count > 0 && body.Statements.Last() is ReturnStatementSyntax { Expression: { } returned } && body.Statements.Count == 1 =>
                        Replace(source, TextSpan.FromBounds(method.ParameterList.Span.End, body.Span.End), " => " + returned + ";", "expression body"),
                    1 when method.ExpressionBody is { } arrow =>
                        Replace(source, TextSpan.FromBounds(arrow.SpanStart, method.Span.End), "\n{\n return " + arrow.Expression + ";\n}", "block body"),
                    _ => Replace(source, new TextSpan(method.Identifier.Span.End, 0), Pick(new[] { "<T>", "<T>", "2", "_" }), "method name"),
                };
            }
        }

        return null;
    }

    private string? RenameEverywhere(string source, MethodDeclarationSyntax method, string name, string replacement)
    {
        var tokens = method.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == name).OrderByDescending(t => t.SpanStart).ToList();
        if (tokens.Count == 0)
        {
            return null;
        }

        Applied.Add($"renamed `{name}` → `{replacement}`");
        var builder = new StringBuilder(source);
        foreach (var token in tokens)
        {
            builder.Remove(token.SpanStart, token.Span.Length).Insert(token.SpanStart, replacement);
        }

        return builder.ToString();
    }
}
