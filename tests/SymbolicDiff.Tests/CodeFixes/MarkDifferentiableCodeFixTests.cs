using SymbolicDiff.CodeFixes;
using SymbolicDiff.Tests.Docs;
using SymbolicDiff.Tests.Generator;

namespace SymbolicDiff.Tests.CodeFixes;

/// <summary>SD0006's other fix: the called function becomes [Differentiable] itself, and its generated gradient is called.</summary>
public class MarkDifferentiableCodeFixTests
{
    private static readonly MarkDifferentiableCodeFixProvider Provider = new();

    [Fact]
    public async Task The_called_function_is_marked_and_the_gradient_through_it_is_right()
    {
        string page = File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "docs", "diagnostics", "SD0006.md")).ReplaceLineEndings("\n");
        string example = DiagnosticDocsTests.CodeUnder(page, DiagnosticDocsTests.ExampleHeading)!;

        var fixedCode = await CodeFixHarness.FixAsync(Provider, "SD0006", MarkDifferentiableCodeFixProvider.Key, [example]);

        Assert.Equal("Mark 'Cube' [Differentiable] so that its derivative is generated", fixedCode.Title);
        Assert.Equal(
            example.Replace("    public static double Cube", "    [Differentiable]\n    public static double Cube", StringComparison.Ordinal),
            fixedCode.Sources[0]);
        await fixedCode.ShouldBuildCleanAsync();

        // F = 2x³: dF/dx = 6x² = 13.5 at x = 1.5.
        var run = GeneratorHarness.Run(fixedCode.Sources[0]).ShouldSucceed();
        Assert.Equal(13.5, FiniteDifferenceCheck.Gradient(run, "Model", "F", 1.5)[0], 12);
        FiniteDifferenceCheck.AgainstFiniteDifferences(run, "Model", "F", 1.5);
    }

    [Fact]
    public async Task A_function_in_another_file_keeps_its_documentation_first_and_its_type_becomes_partial()
    {
        const string caller = """
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable]
                public static double F(double x) => Helpers.Cube(x) + Helpers.Cube(2 * x);
            }
            """;
        const string functions = """
            public static class Helpers
            {
                /// <summary>v cubed.</summary>
                public static double Cube(double v) => v * v * v;
            }
            """;
        const string expected = """
            public static partial class Helpers
            {
                /// <summary>v cubed.</summary>
                [SymbolicDiff.Differentiable]
                public static double Cube(double v) => v * v * v;
            }
            """;

        var fixedCode = await CodeFixHarness.FixAllAsync(Provider, "SD0006", MarkDifferentiableCodeFixProvider.Key, Microsoft.CodeAnalysis.CodeFixes.FixAllScope.Solution, caller, functions);

        Assert.Equal(caller, fixedCode.Sources[0]);
        Assert.Equal(expected, fixedCode.Sources[1]);
        await fixedCode.ShouldBuildCleanAsync();
    }
}
