using SymbolicDiff.Tests.Generator;
using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Docs;

/// <summary>
/// A part of a Markdown file that is produced from the code (the diagnostics table from the descriptors, the
/// built-in functions from their rules), between <c>&lt;!-- generated: name --&gt;</c> and
/// <c>&lt;!-- end generated: name --&gt;</c> lines. A test compares it with what the code gives and fails on any
/// difference; with <c>SYMBOLICDIFF_ACCEPT_SNAPSHOTS=1</c> it rewrites the part instead, as snapshot tests do.
/// </summary>
internal static class GeneratedDocSection
{
    public static string BeginMarker(string name) => $"<!-- generated: {name} -->";

    public static string EndMarker(string name) => $"<!-- end generated: {name} -->";

    /// <summary>
    /// Asserts that the section <paramref name="name"/> of <paramref name="relativePath"/> (from the repository root)
    /// is exactly <paramref name="expected"/>, or rewrites it when accepting is switched on.
    /// </summary>
    public static void AssertUpToDate(string relativePath, string name, string expected)
    {
        string path = Path.Combine(ReadmeExamplesTests.RepositoryRoot(), relativePath);
        string text = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        string begin = BeginMarker(name) + "\n";
        string end = EndMarker(name);
        int start = text.IndexOf(begin, StringComparison.Ordinal);
        int stop = start < 0 ? -1 : text.IndexOf(end, start, StringComparison.Ordinal);
        Assert.True(start >= 0 && stop >= 0, $"{relativePath} has no section between '{begin.TrimEnd()}' and '{end}'");

        start += begin.Length;
        string actual = text.Substring(start, stop - start);
        expected = expected.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n') + "\n";
        if (actual == expected)
        {
            return;
        }

        if (Snapshot.IsAcceptEnabled(Environment.GetEnvironmentVariable(Snapshot.AcceptEnvironmentVariable)))
        {
            File.WriteAllText(path, text.Substring(0, start) + expected + text.Substring(stop), new System.Text.UTF8Encoding(false));
            return;
        }

        Assert.Fail(
            $"The '{name}' section of {relativePath} differs from the code it is generated from; " +
            $"rerun with {Snapshot.AcceptEnvironmentVariable}=1 to rewrite it.\nExpected:\n{expected}\nActual:\n{actual}");
    }
}
