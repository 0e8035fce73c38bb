using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SymbolicDiff.Generator;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Tests.Generator;
using SymbolicDiff.Tests.Generator.Diagnostics;

namespace SymbolicDiff.Tests.Docs;

/// <summary>
/// The pages in docs/diagnostics/: every descriptor's help link is its page, every page is a real
/// descriptor with its title and message format, and every page's example really reports its diagnostic
/// (and its fix really compiles without one), run through the generator and the analyzer as a build does.
/// </summary>
public class DiagnosticDocsTests
{
    /// <summary>The heading under which a page's first ```csharp block is the example that triggers the diagnostic.</summary>
    public const string ExampleHeading = "## Example that triggers it";

    /// <summary>The heading under which a page's first ```csharp block is the code to write instead.</summary>
    public const string FixHeading = "## How to fix it";

    /// <summary>Pages without a compiled example, and why. Each must say so on the page instead of showing code.</summary>
    private static readonly Dictionary<string, string> NoExample = new()
    {
        ["SD9999"] = "an internal error: reported only when the generator has a bug, so no valid source is known to trigger it",
        ["SD0023"] = "needs thousands of statements (more than 25,000 syntax nodes); Limits/SizeLimitTests.cs generates such methods",
    };

    /// <summary>
    /// Diagnostics whose example must report another one too, and which: SD0024 is about a callee that has an
    /// error of its own, reported on the callee.
    /// </summary>
    private static readonly Dictionary<string, string> ReportedWith = new()
    {
        ["SD0024"] = "SD0003",
        ["SD0033"] = "SD0032",
    };

    private static string DocsFolder => Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "docs", "diagnostics");

    private static IEnumerable<string> PageIds() =>
        Directory.GetFiles(DocsFolder, "SD*.md").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    private static string Page(string id) => File.ReadAllText(Path.Combine(DocsFolder, id + ".md")).Replace("\r\n", "\n", StringComparison.Ordinal);

    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (var id in DiagnosticDescriptors.All.Select(d => d.Id).Order(StringComparer.Ordinal))
        {
            data.Add(id);
        }

        return data;
    }

    public static TheoryData<string> IdsWithExamples()
    {
        var data = new TheoryData<string>();
        foreach (var id in DiagnosticDescriptors.All.Select(d => d.Id).Where(id => !NoExample.ContainsKey(id)).Order(StringComparer.Ordinal))
        {
            data.Add(id);
        }

        return data;
    }

    [Fact]
    public void Every_help_link_is_a_page_that_exists_in_the_repository()
    {
        string root = ReadmeExamplesTests.RepositoryRoot();
        foreach (var descriptor in DiagnosticDescriptors.All)
        {
            string link = descriptor.HelpLinkUri;
            Assert.True(link.StartsWith(DiagnosticDescriptors.RepositoryFileBase, StringComparison.Ordinal), $"{descriptor.Id}'s help link '{link}' is not under {DiagnosticDescriptors.RepositoryFileBase}");
            string relative = link.Substring(DiagnosticDescriptors.RepositoryFileBase.Length);
            Assert.Equal($"docs/diagnostics/{descriptor.Id}.md", relative);
            Assert.True(File.Exists(Path.Combine(root, relative)), $"{descriptor.Id}'s help link points at {relative}, which is not in the repository");
        }
    }

    [Fact]
    public void Every_page_is_a_real_diagnostic()
    {
        var ids = DiagnosticDescriptors.All.Select(d => d.Id).ToHashSet();
        var pages = PageIds().ToList();
        Assert.NotEmpty(pages);
        Assert.All(pages, page => Assert.True(ids.Contains(page), $"docs/diagnostics/{page}.md documents no diagnostic"));
    }

    [Fact]
    public void The_diagnostics_index_table_is_the_descriptors() =>
        GeneratedDocSection.AssertUpToDate("docs/diagnostics/README.md", "diagnostics", Table(linkPrefix: ""));

    [Fact]
    public void The_README_table_is_the_descriptors() =>
        GeneratedDocSection.AssertUpToDate("README.md", "diagnostics", Table(linkPrefix: DiagnosticDescriptors.DocsFolder));

    [Fact]
    public void The_table_has_a_row_per_descriptor_with_its_title_and_severity()
    {
        // The generated table itself, checked against the descriptors independently of its formatting code.
        string table = Table(linkPrefix: "");
        foreach (var descriptor in DiagnosticDescriptors.All)
        {
            Assert.Contains(
                $"| [{descriptor.Id}]({descriptor.Id}.md) | {descriptor.DefaultSeverity} | {descriptor.Title.ToString(CultureInfo.InvariantCulture)} |\n",
                table,
                StringComparison.Ordinal);
        }

        Assert.Equal(DiagnosticDescriptors.All.Count() + 2, table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void The_help_link_base_is_the_packages_repository()
    {
        // The repository's address is written twice: in the package (RepositoryUrl) and in the help links. Keep them one.
        string project = File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "src", "SymbolicDiff", "SymbolicDiff.csproj"));
        string repositoryUrl = Regex.Match(project, "<RepositoryUrl>(.*?)</RepositoryUrl>").Groups[1].Value;
        Assert.NotEmpty(repositoryUrl);
        string helpLinkBase = DiagnosticDescriptors.RepositoryFileBase;
        Assert.Equal(repositoryUrl.TrimEnd('/') + "/blob/main/", helpLinkBase);
    }

    /// <summary>The diagnostics table as the docs show it: one row per descriptor, in ID order, linking its page.</summary>
    internal static string Table(string linkPrefix)
    {
        var lines = new List<string> { "| ID | Severity | Title |", "|---|---|---|" };
        foreach (var descriptor in DiagnosticDescriptors.All.OrderBy(d => d.Id, StringComparer.Ordinal))
        {
            string title = descriptor.Title.ToString(CultureInfo.InvariantCulture).Replace("|", "\\|", StringComparison.Ordinal);
            lines.Add($"| [{descriptor.Id}]({linkPrefix}{descriptor.Id}.md) | {descriptor.DefaultSeverity} | {title} |");
        }

        return string.Join("\n", lines) + "\n";
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_page_has_the_descriptors_title_severity_and_message_format(string id)
    {
        var descriptor = DiagnosticDescriptors.Get(id);
        string page = Page(id);
        string title = descriptor.Title.ToString(CultureInfo.InvariantCulture);
        Assert.StartsWith($"# {id}: {title}\n", page, StringComparison.Ordinal);
        Assert.Contains($"**Severity:** {descriptor.DefaultSeverity}\n", page, StringComparison.Ordinal);

        // The page shows the format as a user reads it: {{ and }} are the format's escapes for { and }.
        string format = descriptor.MessageFormat.ToString(CultureInfo.InvariantCulture)
            .Replace("{{", "{", StringComparison.Ordinal).Replace("}}", "}", StringComparison.Ordinal);
        Assert.Contains($"**Message:** `{format}`\n", page, StringComparison.Ordinal);
        Assert.Contains("## Cause\n", page, StringComparison.Ordinal);
        Assert.Contains(ExampleHeading + "\n", page, StringComparison.Ordinal);
        Assert.Contains(FixHeading + "\n", page, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void A_page_without_an_example_is_exempt_and_an_exempt_page_shows_none(string id)
    {
        string? example = CodeUnder(Page(id), ExampleHeading);
        bool exempt = NoExample.TryGetValue(id, out string? reason);
        Assert.True(
            (example is null) == exempt,
            example is null
                ? $"{id}.md has no ```csharp block under '{ExampleHeading}' and is not exempt"
                : $"{id}.md has an example but is exempt ({reason}): remove the exemption so it is checked");
    }

    // Slow: the 22 examples take about 3.7 s together (the first of them about 2 s, Roslyn and the generator warming up), the fixes about 2 s.
    [Theory]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    [MemberData(nameof(IdsWithExamples))]
    public void The_example_reports_the_diagnostic_and_nothing_else(string id)
    {
        string example = CodeUnder(Page(id), ExampleHeading)!;
        var (run, analyzerDiagnostics) = Build(example);

        // Valid C# but for the diagnostic: with a compile error the generator may stay silent and prove nothing.
        // (With the generated code: SD0020's example calls a gradient that the generator writes.)
        var errors = run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, $"{id}.md's example does not compile:\n" + string.Join("\n", errors));

        var reported = run.GeneratorDiagnostics.Concat(analyzerDiagnostics).Where(d => d.Id.StartsWith("SD", StringComparison.Ordinal)).ToList();
        string described = string.Join("\n", reported.Select(d => $"  {d.Id}: {d.GetMessage(CultureInfo.InvariantCulture)}"));
        Assert.True(reported.Any(d => d.Id == id), $"{id}.md's example does not report {id}; it reported:\n{described}");
        string? alsoExpected = ReportedWith.GetValueOrDefault(id);
        Assert.True(reported.All(d => d.Id == id || d.Id == alsoExpected), $"{id}.md's example reports other diagnostics too:\n{described}");
    }

    [Theory]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    [MemberData(nameof(IdsWithExamples))]
    public void The_fix_compiles_with_the_generator_and_reports_nothing(string id)
    {
        string? fix = CodeUnder(Page(id), FixHeading);
        Assert.True(fix is not null, $"{id}.md has no ```csharp block under '{FixHeading}'");
        var (run, analyzerDiagnostics) = Build(fix!);
        run.ShouldSucceed();
        Assert.True(analyzerDiagnostics.IsEmpty, $"{id}.md's fix gets analyzer diagnostics:\n" + string.Join("\n", analyzerDiagnostics));
        Assert.NotEmpty(run.GeneratedSources);
    }

    [Fact]
    public void The_checks_fail_on_an_example_that_reports_another_diagnostic()
    {
        // The example test must be able to fail: SD0002's example, read as if it were SD0001's page, does not
        // report SD0001. (Fast, so the fast suite still runs one page's example through the generator.)
        var (run, analyzerDiagnostics) = Build(CodeUnder(Page("SD0002"), ExampleHeading)!);
        Assert.DoesNotContain(run.GeneratorDiagnostics.Concat(analyzerDiagnostics), d => d.Id == "SD0001");
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "SD0002");
    }

    /// <summary>The first ```csharp block after <paramref name="heading"/> and before the next heading, or null.</summary>
    internal static string? CodeUnder(string page, string heading)
    {
        int start = page.IndexOf(heading + "\n", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += heading.Length + 1;
        int next = page.IndexOf("\n## ", start, StringComparison.Ordinal);
        string section = next < 0 ? page.Substring(start) : page.Substring(start, next - start);
        var match = Regex.Match(section, "^```csharp\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline);
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>What a build reports: the generator's diagnostics, then the analyzer's on the compilation with the generated code.</summary>
    internal static (GeneratorRun Run, ImmutableArray<Diagnostic> AnalyzerDiagnostics) Build(string source)
    {
        var run = GeneratorHarness.Run(source);
        DiagnosticAssert.NoGeneratorFailure(run);
        var analyzerDiagnostics = run.Output
            .WithAnalyzers(
                ImmutableArray.Create<DiagnosticAnalyzer>(new DifferentiableAnalyzer()),
                new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false))
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        return (run, analyzerDiagnostics);
    }
}
