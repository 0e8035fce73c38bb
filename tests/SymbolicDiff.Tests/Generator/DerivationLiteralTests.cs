using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using SymbolicDiff.Generator.Emit;

namespace SymbolicDiff.Tests.Generator;

/// <summary>
/// The string literals of an <c>MDerivation</c> trace (names, formulas, chain-rule notes), written into the line in place:
/// Roslyn's lexer reads each back as the text it quotes, escapes included, and the text before it is left as it was.
/// </summary>
public class DerivationLiteralTests
{
    public static TheoryData<string> Texts => new()
    {
        "x",
        "∂loss/∂w = ∂loss/∂z · ∂z/∂w",
        "say \"hi\"",
        @"a\b",
        "two\nlines\r\n",
        "\"",
        string.Empty,
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void A_literal_appended_reads_back_as_its_text(string text)
    {
        var line = new StringBuilder("derivation.Add(").Literal(text);

        Assert.Equal(text, ReadBack(line.ToString(), "derivation.Add("));
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void A_literal_closed_after_its_text_was_appended_in_place_reads_back_as_its_text(string text)
    {
        var line = new StringBuilder("derivation.Add(\"a\\\"\", ");
        int start = line.Append('"').Length;
        line.Append(text).EndLiteral(start);

        Assert.Equal(text, ReadBack(line.ToString(), "derivation.Add(\"a\\\"\", "));
    }

    private static string ReadBack(string line, string before)
    {
        Assert.StartsWith(before, line);
        var token = SyntaxFactory.ParseToken(line.Substring(before.Length));
        Assert.Equal(SyntaxKind.StringLiteralToken, token.Kind());
        Assert.False(token.ContainsDiagnostics, line);
        Assert.Equal(line.Length - before.Length, token.Span.Length);
        return token.ValueText;
    }
}
