namespace SymbolicDiff.Tests.Generator;

/// <summary>
/// Reading generated source in tests, written once: one method's text, its code lines without the comments, and how
/// often a piece or a statement occurs in it.
/// </summary>
internal static class GeneratedText
{
    /// <summary>How many times <paramref name="part"/> occurs in <paramref name="text"/>, without overlapping.</summary>
    public static int CountOf(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>How many lines of <paramref name="text"/> are <paramref name="statement"/> (a backward sweep's comment quoting it not counted).</summary>
    public static int Occurrences(string text, string statement) =>
        text.Split('\n').Count(line => line.Trim() == statement);

    /// <summary>
    /// The text of the generated method whose signature starts with <paramref name="signature"/> (the first one), up to
    /// the next <c>public static</c> or the end.
    /// </summary>
    public static string Method(string generated, string signature)
    {
        int start = generated.IndexOf(signature, StringComparison.Ordinal);
        Assert.True(start >= 0, signature + " not generated");
        int end = generated.IndexOf("public static", start + 1, StringComparison.Ordinal);
        return end < 0 ? generated[start..] : generated[start..end];
    }

    /// <summary>The text of the span overload of <c>{method}WithGradient</c>, the one the sweeps are in.</summary>
    public static string GradientMethod(string generated, string method) =>
        Method(generated, $"public static double {method}WithGradient(");

    /// <summary>
    /// The code lines of <paramref name="text"/>: lines that are comments dropped, and a comment after a statement
    /// (<c>; //</c>) cut off after the semicolon, so that what the comments quote of the user's code is not counted.
    /// </summary>
    public static string WithoutComments(string text) =>
        string.Join('\n', text.Split('\n')
            .Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .Select(line => line.Contains("; //", StringComparison.Ordinal) ? line[..(line.IndexOf("; //", StringComparison.Ordinal) + 1)] : line));
}
