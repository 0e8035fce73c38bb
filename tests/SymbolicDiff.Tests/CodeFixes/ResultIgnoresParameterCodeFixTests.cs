using Microsoft.CodeAnalysis.CodeFixes;
using SymbolicDiff.CodeFixes;
using SymbolicDiff.Tests.Docs;
using SymbolicDiff.Tests.Generator;

namespace SymbolicDiff.Tests.CodeFixes;

/// <summary>SD0017's two fixes: leave the parameter out of the differentiated ones, or suppress the warning with #pragma.</summary>
public class ResultIgnoresParameterCodeFixTests
{
    private static readonly RemoveDifferentiatedParameterCodeFixProvider Remove = new();
    private static readonly SuppressResultIgnoresParameterCodeFixProvider Suppress = new();

    [Fact]
    public async Task Removing_turns_the_docs_example_into_the_docs_fix_by_naming_the_other_parameters()
    {
        string page = File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "docs", "diagnostics", "SD0017.md")).ReplaceLineEndings("\n");
        string example = DiagnosticDocsTests.CodeUnder(page, DiagnosticDocsTests.ExampleHeading)!;
        string documented = DiagnosticDocsTests.CodeUnder(page, DiagnosticDocsTests.FixHeading)!;

        var fixedCode = await CodeFixHarness.FixAsync(Remove, "SD0017", RemoveDifferentiatedParameterCodeFixProvider.Key, [example]);

        Assert.Equal("Remove 'unused' from the differentiated parameters", fixedCode.Title);
        Assert.Equal(documented, fixedCode.Sources[0]);
        await fixedCode.ShouldBuildCleanAsync();
    }

    [Fact]
    public async Task Removing_takes_the_name_out_of_an_explicit_list_and_keeps_the_others_as_written()
    {
        const string source = """
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable(nameof(unused), "x", nameof(y))]
                public static double F(double x, double y, double unused, int n) => x * y * n;
            }
            """;

        var fixedCode = await CodeFixHarness.FixAsync(Remove, "SD0017", RemoveDifferentiatedParameterCodeFixProvider.Key, [source]);

        Assert.Equal(source.Replace("""[Differentiable(nameof(unused), "x", nameof(y))]""", """[Differentiable("x", nameof(y))]""", StringComparison.Ordinal), fixedCode.Sources[0]);
        await fixedCode.ShouldBuildCleanAsync();
    }

    [Fact]
    public async Task Removing_is_not_offered_where_no_parameter_would_be_left_but_suppressing_is()
    {
        // An empty list means every double parameter: removing the only one would differentiate it still.
        const string source = """
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable(nameof(unused))]
                public static double F(double unused, double k) => k * k;
            }
            """;

        var (_, _, actions) = await CodeFixHarness.ActionsAsync(Remove, "SD0017", [source]);
        Assert.Empty(actions);
        var (_, _, suppressions) = await CodeFixHarness.ActionsAsync(Suppress, "SD0017", [source]);
        Assert.Single(suppressions, a => a.EquivalenceKey == SuppressResultIgnoresParameterCodeFixProvider.Key);
    }

    [Fact]
    public async Task Fix_all_removes_every_unused_parameter_of_a_method_at_once()
    {
        const string source = """
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable]
                public static double F(double a, double x, double b) => x * x;
            }
            """;
        var build = await CodeFixHarness.BuildAsync(CodeFixHarness.CreateSolution(source));
        Assert.Equal(2, build.Sd("SD0017").Count());

        var fixedCode = await CodeFixHarness.FixAllAsync(Remove, "SD0017", RemoveDifferentiatedParameterCodeFixProvider.Key, FixAllScope.Document, source);

        Assert.Equal(source.Replace("[Differentiable]", "[Differentiable(nameof(x))]", StringComparison.Ordinal), fixedCode.Sources[0]);
        await fixedCode.ShouldBuildCleanAsync();
    }

    [Fact]
    public async Task Suppressing_wraps_the_method_and_its_documentation_in_a_pragma_pair_and_the_warning_is_gone()
    {
        const string source = """
            using SymbolicDiff;

            public static partial class Model
            {
                /// <summary>A loss whose gradient with respect to the bias is meant to be zero.</summary>
                [Differentiable]
                public static double F(double x, double bias) => x * x;

                [Differentiable]
                public static double G(double x) => x;
            }
            """;
        const string expected = """
            using SymbolicDiff;

            public static partial class Model
            {
                #pragma warning disable SD0017 // Differentiated parameter does not affect the result
                /// <summary>A loss whose gradient with respect to the bias is meant to be zero.</summary>
                [Differentiable]
                public static double F(double x, double bias) => x * x;
                #pragma warning restore SD0017 // Differentiated parameter does not affect the result

                [Differentiable]
                public static double G(double x) => x;
            }
            """;

        var fixedCode = await CodeFixHarness.FixAsync(Suppress, "SD0017", SuppressResultIgnoresParameterCodeFixProvider.Key, [source]);

        Assert.Equal("Suppress SD0017 with #pragma warning disable", fixedCode.Title);
        Assert.Equal(expected, fixedCode.Sources[0]);
        await fixedCode.ShouldBuildCleanAsync();
    }

    [Fact]
    public async Task Fix_all_suppresses_each_method_once_however_many_parameters_it_reports()
    {
        const string source = """
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable]
                public static double F(double a, double x, double b) => x * x;
            }
            """;

        var fixedCode = await CodeFixHarness.FixAllAsync(Suppress, "SD0017", SuppressResultIgnoresParameterCodeFixProvider.Key, FixAllScope.Project, source);

        Assert.Equal(1, CountOf(fixedCode.Sources[0], "#pragma warning disable SD0017"));
        Assert.Equal(1, CountOf(fixedCode.Sources[0], "#pragma warning restore SD0017"));
        await fixedCode.ShouldBuildCleanAsync();
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
