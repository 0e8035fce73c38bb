using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;

namespace SymbolicDiff.Generator.Model;

/// <summary>
/// The two lexical facts of C# that every stage needs when it keeps a name or a constant as text (a field read as
/// <see cref="External"/>, a default value kept on the generated signature): how an identifier that is a keyword
/// is escaped, and how a double is written so that it reads back exactly.
/// </summary>
internal static class CSharpLexical
{
    /// <summary>Escapes an identifier that is a C# keyword (a parameter named <c>@double</c>, say).</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>A double literal that reads back as exactly the same double.</summary>
    public static string Number(double value)
    {
        if (double.IsNaN(value))
        {
            return "double.NaN";
        }

        if (double.IsPositiveInfinity(value))
        {
            return "double.PositiveInfinity";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "double.NegativeInfinity";
        }

        return value.ToString("R", CultureInfo.InvariantCulture);
    }
}
