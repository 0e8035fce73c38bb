using System.Reflection;
using Microsoft.CodeAnalysis.CodeFixes;
using SymbolicDiff.CodeFixes;
using SymbolicDiff.Tests.Docs;
using SymbolicDiff.Tests.Generator;

namespace SymbolicDiff.Tests.CodeFixes;

/// <summary>
/// SD0006 and SD0012's fix: a [Derivative] declaration and a derivative method with the signature the generator
/// requires. The method compiles, clears the diagnostic and computes a central difference of the function, so the
/// gradient is right to about 7 digits at once, and exact once the user writes the exact derivative in its place
/// (checked by hand and against finite differences).
/// </summary>
public class DerivativeStubCodeFixTests
{
    private static readonly DerivativeStubCodeFixProvider Provider = new();

    private static string Page(string id) =>
        File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "docs", "diagnostics", id + ".md")).ReplaceLineEndings("\n");

    [Fact]
    public async Task An_unknown_function_of_one_parameter_gets_a_derivative_stub_next_to_it()
    {
        string example = DiagnosticDocsTests.CodeUnder(Page("SD0006"), DiagnosticDocsTests.ExampleHeading)!;
        const string expected = """
            using System;
            using SymbolicDiff;

            public static partial class Model
            {
                [Derivative(nameof(CubeDerivative))]
                public static double Cube(double v) => v * v * v;

                /// <summary>∂Cube/∂v, the derivative of <c>Cube</c> with respect to <c>v</c>, which SymbolicDiff calls through [Derivative]. Written by a code fix as a central difference of <c>Cube</c>, good to about 7 significant digits where it is smooth: the exact derivative in its place is exact and faster.</summary>
                public static double CubeDerivative(double v)
                {
                    double step = 6.0554544523933395E-06 * global::System.Math.Max(1.0, global::System.Math.Abs(v));
                    double above = v + step, below = v - step;
                    return (Cube(above) - Cube(below)) / (above - below);
                }

                [Differentiable]
                public static double F(double x) => 2 * Cube(x);
            }

            """;

        var fixedCode = await CodeFixHarness.FixAsync(Provider, "SD0006", DerivativeStubCodeFixProvider.UnknownFunctionKey, [example]);

        Assert.Equal("Declare ∂Cube/∂v with [Derivative] (a central difference to replace)", fixedCode.Title);
        Assert.Equal(expected, fixedCode.Sources[0]);

        // The page shows what the fix writes: the same lines, indentation aside.
        string shown = DiagnosticDocsTests.CodeUnder(Page("SD0006"), "## Code fix")!;
        Assert.Contains(Unindented(shown).TrimEnd('\n'), Unindented(fixedCode.Sources[0]), StringComparison.Ordinal);
        await fixedCode.ShouldBuildCleanAsync();

        // As written, the central difference already gives the gradient to about 7 digits: F = 2x³, dF/dx = 6x² = 13.5 at x = 1.5.
        var approximate = GeneratorHarness.Run(fixedCode.Sources[0]).ShouldSucceed();
        Assert.Equal(13.5, FiniteDifferenceCheck.Gradient(approximate, "Model", "F", 1.5)[0], 1e-6 * 13.5);

        // Written, it is the derivative the generator uses: F = 2x³, so dF/dx = 6x² = 13.5 at x = 1.5.
        var written = GeneratorHarness.Run(FillIn(fixedCode.Sources[0], "CubeDerivative", "3 * v * v")).ShouldSucceed();
        Assert.Equal(13.5, FiniteDifferenceCheck.Gradient(written, "Model", "F", 1.5)[0], 12);
        FiniteDifferenceCheck.AgainstFiniteDifferences(written, "Model", "F", 1.5);
    }

    [Fact]
    public async Task A_missing_partial_gets_its_attribute_after_the_others_and_its_stub_after_the_other_derivatives()
    {
        string example = DiagnosticDocsTests.CodeUnder(Page("SD0012"), DiagnosticDocsTests.ExampleHeading)!;
        const string expected = """
            using System;
            using SymbolicDiff;

            public static partial class Model
            {
                [Derivative(nameof(a), nameof(ProductByA))]
                [Derivative(nameof(b), nameof(ProductByB))]
                public static double Product(double a, double b) => a * b;

                public static double ProductByA(double a, double b) => b;

                /// <summary>∂Product/∂b, the derivative of <c>Product</c> with respect to <c>b</c>, which SymbolicDiff calls through [Derivative]. Written by a code fix as a central difference of <c>Product</c>, good to about 7 significant digits where it is smooth: the exact derivative in its place is exact and faster.</summary>
                public static double ProductByB(double a, double b)
                {
                    double step = 6.0554544523933395E-06 * global::System.Math.Max(1.0, global::System.Math.Abs(b));
                    double above = b + step, below = b - step;
                    return (Product(a, above) - Product(a, below)) / (above - below);
                }

                [Differentiable]
                public static double F(double x, double y) => Product(x, y);
            }

            """;

        var fixedCode = await CodeFixHarness.FixAsync(Provider, "SD0012", DerivativeStubCodeFixProvider.MissingPartialKey, [example]);

        Assert.Equal("Declare ∂Product/∂b with [Derivative] (a central difference to replace)", fixedCode.Title);
        Assert.Equal(expected, fixedCode.Sources[0]);
        await fixedCode.ShouldBuildCleanAsync();

        // F(x, y) = x·y: dF/dx = y and dF/dy = x, so (-2, 1.5) at (1.5, -2).
        var written = GeneratorHarness.Run(FillIn(fixedCode.Sources[0], "ProductByB", "a")).ShouldSucceed();
        Assert.Equal([-2.0, 1.5], FiniteDifferenceCheck.Gradient(written, "Model", "F", 1.5, -2.0));
        FiniteDifferenceCheck.AgainstFiniteDifferences(written, "Model", "F", 1.5, -2.0);
    }

    [Fact]
    public async Task Fix_all_declares_each_function_once_in_the_file_that_declares_it_qualifying_the_attribute_without_a_using()
    {
        const string caller = """
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable]
                public static double F(double x, double y) => Helpers.Product(x, y) + Helpers.Product(y, 2.0);

                [Differentiable]
                public static double G(double x) => Helpers.Product(x, x);
            }
            """;
        const string functions = """
            public static class Helpers
            {
                internal static double Product(double a, double b) => a * b;
            }
            """;
        const string expected = """
            public static class Helpers
            {
                [SymbolicDiff.Derivative(nameof(a), nameof(ProductByA))]
                [SymbolicDiff.Derivative(nameof(b), nameof(ProductByB))]
                internal static double Product(double a, double b) => a * b;

                /// <summary>∂Product/∂a, the derivative of <c>Product</c> with respect to <c>a</c>, which SymbolicDiff calls through [Derivative]. Written by a code fix as a central difference of <c>Product</c>, good to about 7 significant digits where it is smooth: the exact derivative in its place is exact and faster.</summary>
                internal static double ProductByA(double a, double b)
                {
                    double step = 6.0554544523933395E-06 * global::System.Math.Max(1.0, global::System.Math.Abs(a));
                    double above = a + step, below = a - step;
                    return (Product(above, b) - Product(below, b)) / (above - below);
                }

                /// <summary>∂Product/∂b, the derivative of <c>Product</c> with respect to <c>b</c>, which SymbolicDiff calls through [Derivative]. Written by a code fix as a central difference of <c>Product</c>, good to about 7 significant digits where it is smooth: the exact derivative in its place is exact and faster.</summary>
                internal static double ProductByB(double a, double b)
                {
                    double step = 6.0554544523933395E-06 * global::System.Math.Max(1.0, global::System.Math.Abs(b));
                    double above = b + step, below = b - step;
                    return (Product(a, above) - Product(a, below)) / (above - below);
                }
            }
            """;
        var build = await CodeFixHarness.BuildAsync(CodeFixHarness.CreateSolution(caller, functions));
        Assert.Equal(3, build.Sd("SD0006").Count());

        var fixedCode = await CodeFixHarness.FixAllAsync(Provider, "SD0006", DerivativeStubCodeFixProvider.UnknownFunctionKey, FixAllScope.Solution, caller, functions);

        Assert.Equal(caller, fixedCode.Sources[0]);
        Assert.Equal(expected, fixedCode.Sources[1]);
        await fixedCode.ShouldBuildCleanAsync();
    }

    [Fact]
    public async Task A_float_function_gets_a_float_stub_and_the_files_line_endings()
    {
        const string source = "using System;\r\nusing SymbolicDiff;\r\n\r\npublic static partial class Model\r\n{\r\n" +
                              "    public static float Cube(float v) => v * v * v;\r\n\r\n" +
                              "    [Differentiable]\r\n    public static float F(float x) => 2 * Cube(x);\r\n}\r\n";

        var fixedCode = await CodeFixHarness.FixAsync(Provider, "SD0006", DerivativeStubCodeFixProvider.UnknownFunctionKey, [source]);

        Assert.Contains("    public static float CubeDerivative(float v)\r\n", fixedCode.Sources[0], StringComparison.Ordinal);
        Assert.DoesNotContain("\n", fixedCode.Sources[0].Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        await fixedCode.ShouldBuildCleanAsync();
    }

    [Fact]
    public async Task A_stub_name_already_taken_gets_a_number()
    {
        const string source = """
            using SymbolicDiff;

            public static partial class Model
            {
                public static double Cube(double v) => v * v * v;

                public static double CubeDerivative(double v, double w) => v * w;

                [Differentiable]
                public static double F(double x) => Cube(x);
            }
            """;

        var fixedCode = await CodeFixHarness.FixAsync(Provider, "SD0006", DerivativeStubCodeFixProvider.UnknownFunctionKey, [source]);

        Assert.Contains("[Derivative(nameof(CubeDerivative2))]", fixedCode.Sources[0], StringComparison.Ordinal);
        Assert.Contains("public static double CubeDerivative2(double v)", fixedCode.Sources[0], StringComparison.Ordinal);
        await fixedCode.ShouldBuildCleanAsync();
    }

    [Theory]
    [InlineData("Math.BitIncrement(x)")] // declared in metadata: nothing to edit
    [InlineData("Mixed(x, 2)")] // takes an int: [Derivative] needs double parameters
    public async Task Neither_fix_is_offered_for_a_function_that_cannot_declare_a_derivative_here(string call)
    {
        string source = $$"""
            using System;
            using SymbolicDiff;

            public static partial class Model
            {
                public static double Mixed(double v, int n) => v * n;

                [Differentiable]
                public static double F(double x) => {{call}};
            }
            """;

        var (_, _, actions) = await CodeFixHarness.ActionsAsync(Provider, "SD0006", [source]);
        var (_, _, marks) = await CodeFixHarness.ActionsAsync(new MarkDifferentiableCodeFixProvider(), "SD0006", [source]);

        Assert.Empty(actions);
        Assert.Empty(marks);
    }

    private static string Unindented(string code) => string.Join("\n", code.Split('\n').Select(line => line.Trim()));

    /// <summary>The source with the derivative method's central difference replaced by <c>=&gt; body;</c>, as the user would write the exact one.</summary>
    private static string FillIn(string source, string method, string body)
    {
        int signature = source.IndexOf($" {method}(", StringComparison.Ordinal);
        Assert.True(signature >= 0, $"no method {method} in:\n{source}");
        int start = source.IndexOf('{', signature);
        int end = source.IndexOf('}', start) + 1;
        return source[..start] + "=> " + body + ";" + source[end..];
    }
}
