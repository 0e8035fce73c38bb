using Microsoft.CodeAnalysis.CodeFixes;
using SymbolicDiff.CodeFixes;
using SymbolicDiff.Tests.Docs;
using SymbolicDiff.Tests.Generator;

namespace SymbolicDiff.Tests.CodeFixes;

/// <summary>SD0002's fix: the types around a [Differentiable] method become partial, and then the gradient is generated.</summary>
public class MakeTypesPartialCodeFixTests
{
    private static readonly MakeTypesPartialCodeFixProvider Provider = new();

    [Fact]
    public async Task The_fix_turns_the_docs_example_into_the_docs_fix()
    {
        string page = File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "docs", "diagnostics", "SD0002.md")).ReplaceLineEndings("\n");
        string example = DiagnosticDocsTests.CodeUnder(page, DiagnosticDocsTests.ExampleHeading)!;
        string documented = DiagnosticDocsTests.CodeUnder(page, DiagnosticDocsTests.FixHeading)!;

        var fixedCode = await CodeFixHarness.FixAsync(Provider, "SD0002", MakeTypesPartialCodeFixProvider.Key, [example]);

        Assert.Equal("Make 'Model' partial", fixedCode.Title);
        Assert.Equal(documented, fixedCode.Sources[0]);
        await fixedCode.ShouldBuildCleanAsync();
    }

    [Fact]
    public async Task One_fix_makes_the_containing_and_the_nested_types_partial_and_keeps_the_modifiers_order_and_comments()
    {
        const string source = """
            using SymbolicDiff;

            namespace Shapes;

            // The outer type has no modifier: 'partial' takes the keyword's place and its comment stays in front.
            class Outer
            {
                public static class Middle
                {
                    internal static class Inner
                    {
                        [Differentiable]
                        public static double Square(double x) => x * x;
                    }
                }
            }
            """;
        const string expected = """
            using SymbolicDiff;

            namespace Shapes;

            // The outer type has no modifier: 'partial' takes the keyword's place and its comment stays in front.
            partial class Outer
            {
                public static partial class Middle
                {
                    internal static partial class Inner
                    {
                        [Differentiable]
                        public static double Square(double x) => x * x;
                    }
                }
            }
            """;

        // The diagnostic at Middle: the fix reaches out to Outer and in to Inner.
        var build = await CodeFixHarness.BuildAsync(CodeFixHarness.CreateSolution(source));
        Assert.Equal(3, build.Sd("SD0002").Count());
        var fixedCode = await CodeFixHarness.FixAsync(Provider, "SD0002", MakeTypesPartialCodeFixProvider.Key, [source], occurrence: 1);

        Assert.Equal("Make 'Outer', 'Middle', 'Inner' partial", fixedCode.Title);
        Assert.Equal(expected, fixedCode.Sources[0]);
        await fixedCode.ShouldBuildCleanAsync();
    }

    [Fact]
    public async Task A_record_struct_gets_partial_before_record()
    {
        const string source = """
            using SymbolicDiff;

            public readonly record struct Point(double X)
            {
                [Differentiable]
                public double Scaled(double k) => X * k;
            }
            """;

        var fixedCode = await CodeFixHarness.FixAsync(Provider, "SD0002", MakeTypesPartialCodeFixProvider.Key, [source]);

        Assert.Contains("public readonly partial record struct Point(double X)", fixedCode.Sources[0], StringComparison.Ordinal);
        await fixedCode.ShouldBuildCleanAsync();
    }

    [Fact]
    public async Task Fix_all_makes_each_type_partial_once_in_every_document()
    {
        // Two methods in one type report SD0002 twice at the same name; a second file has its own type.
        const string first = """
            using SymbolicDiff;

            public static class A
            {
                [Differentiable]
                public static double F(double x) => x * x;

                [Differentiable]
                public static double G(double x) => x * x * x;
            }
            """;
        const string second = """
            using SymbolicDiff;

            public static class B
            {
                [Differentiable]
                public static double H(double x) => 2 * x;
            }
            """;
        var build = await CodeFixHarness.BuildAsync(CodeFixHarness.CreateSolution(first, second));
        Assert.Equal(3, build.Sd("SD0002").Count());

        var fixedCode = await CodeFixHarness.FixAllAsync(Provider, "SD0002", MakeTypesPartialCodeFixProvider.Key, FixAllScope.Solution, first, second);

        Assert.Equal(first.Replace("static class A", "static partial class A", StringComparison.Ordinal), fixedCode.Sources[0]);
        Assert.Equal(second.Replace("static class B", "static partial class B", StringComparison.Ordinal), fixedCode.Sources[1]);
        await fixedCode.ShouldBuildCleanAsync();
    }
}
