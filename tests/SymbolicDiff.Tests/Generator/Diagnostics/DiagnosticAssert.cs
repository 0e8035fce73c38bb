using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace SymbolicDiff.Tests.Generator.Diagnostics;

/// <summary>A diagnostic a test expects: its ID and its full message (null: the message is asserted by another test).</summary>
internal sealed record ExpectedDiagnostic(string Id, string? Message);

/// <summary>A span marked in a test source with <c>[|</c> … <c>|]</c>, and the file it is in.</summary>
internal sealed record MarkedSpan(string Path, TextSpan Span);

/// <summary>
/// Assertions on the generator's diagnostics. Test sources mark where each expected diagnostic must be
/// with <c>[|</c> and <c>|]</c>; the markers are stripped before compiling, and the marked spans, in source
/// order, are the expected locations of the expected diagnostics, in the same order.
/// </summary>
internal static class DiagnosticAssert
{
    public const string Open = "[|";
    public const string Close = "|]";

    /// <summary>Removes the markers from <paramref name="marked"/>; returns the clean source and the marked spans in order.</summary>
    public static (string Source, ImmutableArray<TextSpan> Spans) StripMarkers(string marked)
    {
        var source = new StringBuilder(marked.Length);
        var spans = ImmutableArray.CreateBuilder<TextSpan>();
        int? start = null;
        int i = 0;
        while (i < marked.Length)
        {
            if (string.CompareOrdinal(marked, i, Open, 0, Open.Length) == 0)
            {
                Assert.True(start is null, "nested or unclosed '[|' marker in the test source");
                start = source.Length;
                i += Open.Length;
            }
            else if (string.CompareOrdinal(marked, i, Close, 0, Close.Length) == 0)
            {
                Assert.True(start is not null, "'|]' marker without '[|' in the test source");
                spans.Add(TextSpan.FromBounds(start!.Value, source.Length));
                start = null;
                i += Close.Length;
            }
            else
            {
                source.Append(marked[i]);
                i++;
            }
        }

        Assert.True(start is null, "unclosed '[|' marker in the test source");
        return (source.ToString(), spans.ToImmutable());
    }

    /// <summary>Strips the markers of every source, runs the generator, and checks that it did not fail.</summary>
    public static (GeneratorRun Run, IReadOnlyList<MarkedSpan> Spans) Run(params string[] markedSources)
    {
        var sources = new string[markedSources.Length];
        var spans = new List<MarkedSpan>();
        for (int i = 0; i < markedSources.Length; i++)
        {
            var (source, fileSpans) = StripMarkers(markedSources[i]);
            sources[i] = source;
            // GeneratorHarness.Compile names the files Input0.cs, Input1.cs, ...
            spans.AddRange(fileSpans.Select(span => new MarkedSpan($"Input{i}.cs", span)));
        }

        var run = GeneratorHarness.Run(sources);
        NoGeneratorFailure(run);
        return (run, spans);
    }

    /// <summary>
    /// Asserts that the generator reports exactly one diagnostic, <paramref name="id"/> with the message
    /// <paramref name="message"/>, at the one marked span, and generates nothing.
    /// </summary>
    public static Diagnostic Single(string markedSource, string id, string message) =>
        Reports(new[] { markedSource }, new ExpectedDiagnostic(id, message))[0];

    /// <summary>Asserts exactly the <paramref name="expected"/> diagnostics, the i-th at the i-th marked span, and nothing generated.</summary>
    public static IReadOnlyList<Diagnostic> Reports(string markedSource, params ExpectedDiagnostic[] expected) =>
        Reports(new[] { markedSource }, expected);

    /// <summary>As <see cref="Reports(string, ExpectedDiagnostic[])"/>, for several source files (spans ordered by file, then position).</summary>
    public static IReadOnlyList<Diagnostic> Reports(string[] markedSources, params ExpectedDiagnostic[] expected)
    {
        var (run, spans) = Run(markedSources);
        InputIsValidCSharp(run);
        Assert.True(spans.Count == expected.Length, $"the test marks {spans.Count} spans but expects {expected.Length} diagnostics");

        var actual = run.GeneratorDiagnostics
            .OrderBy(d => d.Location.GetLineSpan().Path, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Location.SourceSpan.End)
            .ToList();
        Assert.True(
            actual.Count == expected.Length && actual.Select(d => d.Id).SequenceEqual(expected.Select(e => e.Id)),
            $"expected {Describe(expected)}, but the generator reported:\n{Describe(actual)}");

        for (int i = 0; i < expected.Length; i++)
        {
            var diagnostic = actual[i];
            if (expected[i].Message is { } message)
            {
                Assert.Equal(message, diagnostic.GetMessage(CultureInfo.InvariantCulture));
            }

            Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
            Assert.Equal(DiagnosticSeverity.Error, diagnostic.DefaultSeverity);
            AtSpan(run, diagnostic, spans[i]);
        }

        Assert.True(run.GeneratedSources.Count == 0, "a method with an error must not get generated code, but the generator produced: " +
            string.Join(", ", run.GeneratedSources.Select(s => s.HintName)));
        return actual;
    }

    /// <summary>Asserts that <paramref name="diagnostic"/> is in file <paramref name="expected"/>.Path, exactly at its span.</summary>
    public static void AtSpan(GeneratorRun run, Diagnostic diagnostic, MarkedSpan expected)
    {
        var lineSpan = diagnostic.Location.GetLineSpan();
        var tree = run.Input.SyntaxTrees.Single(t => t.FilePath == expected.Path);
        string text = tree.GetText().ToString();
        string Quote(TextSpan span) => span.End <= text.Length ? "'" + text.Substring(span.Start, span.Length) + "'" : "(out of range)";

        Assert.True(diagnostic.Location != Location.None, $"{diagnostic.Id} has no location");
        Assert.Equal(expected.Path, lineSpan.Path);
        Assert.True(
            diagnostic.Location.SourceSpan == expected.Span,
            $"{diagnostic.Id} is at {diagnostic.Location.SourceSpan} {Quote(diagnostic.Location.SourceSpan)}, expected {expected.Span} {Quote(expected.Span)}");
        Assert.Equal(tree.GetText().Lines.GetLinePositionSpan(expected.Span), lineSpan.Span);
    }

    /// <summary>
    /// Asserts that the generator did not fail: no exception (CS8785), no internal-error diagnostic (SD9999),
    /// and that it reported nothing but SD diagnostics.
    /// </summary>
    public static void NoGeneratorFailure(GeneratorRun run)
    {
        var failures = run.RunResult.Results.Where(r => r.Exception is not null).Select(r => r.Exception!.ToString()).ToList();
        Assert.True(failures.Count == 0, "the generator threw:\n" + string.Join("\n", failures));
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "CS8785");
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "SD9999");
        Assert.All(run.GeneratorDiagnostics, d => Assert.StartsWith("SD", d.Id, StringComparison.Ordinal));
    }

    /// <summary>
    /// Asserts that the test's own source compiles (warnings aside):
    /// with a compile error the generator stays silent, and the test would prove nothing.
    /// </summary>
    public static void InputIsValidCSharp(GeneratorRun run)
    {
        var errors = run.Input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && !d.IsWarningAsError).ToList();
        Assert.True(errors.Count == 0, "the test source does not compile:\n" + string.Join("\n", errors));
    }

    private static string Describe(IEnumerable<ExpectedDiagnostic> expected) =>
        "[" + string.Join(", ", expected.Select(e => e.Id)) + "]";

    private static string Describe(IEnumerable<Diagnostic> actual) =>
        string.Join("\n", actual.Select(d => $"  {d.Id} at {d.Location.GetLineSpan()}: {d.GetMessage(CultureInfo.InvariantCulture)}"));
}
