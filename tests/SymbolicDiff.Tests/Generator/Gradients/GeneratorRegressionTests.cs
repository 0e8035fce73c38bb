namespace SymbolicDiff.Tests.Generator.Gradients;

/// <summary>
/// Regression tests: minimal reproductions of generator bugs found while writing the gradient tests,
/// each asserting the correct behaviour.
/// </summary>
public class GeneratorRegressionTests
{
    [Fact]
    public void Division_by_an_int_parameter_gives_the_right_partial()
    {
        var type = GeneratorHarness.Run("""
            using SymbolicDiff;
            public static partial class P
            {
                [Differentiable]
                public static double DivideByInt(double x, int n) => x / n;
            }
            """).ShouldSucceed().Load().GetType("P")!;

        object g = type.GetMethod("DivideByIntWithGradient")!.Invoke(null, new object[] { 0.7, 2 })!;

        // d(x/n)/dx = 1/n = 0.5; the generated `double dDivideByInt_dx = 1 / n;` gives 0.
        Assert.Equal(0.5, (double)g.GetType().GetProperty("X")!.GetValue(g)!);
    }

    [Fact]
    public void Division_by_a_float_parameter_gives_the_partial_in_double_precision()
    {
        var type = GeneratorHarness.Run("""
            using SymbolicDiff;
            public static partial class P
            {
                [Differentiable]
                public static double DivideByFloat(double x, float f) => x / f;
            }
            """).ShouldSucceed().Load().GetType("P")!;

        object g = type.GetMethod("DivideByFloatWithGradient")!.Invoke(null, new object[] { 0.7, 1.3f })!;

        // x / f divides in double (f is widened), so its partial is 1/(double)f = 0.76923079744…;
        // `1 / f` in float gives 0.76923078298… (relative error 2e-8).
        Assert.Equal(1 / (double)1.3f, (double)g.GetType().GetProperty("X")!.GetValue(g)!, 1e-15);
    }

    [Fact]
    public void Locals_with_the_same_name_in_sibling_blocks_are_distinct()
    {
        var type = GeneratorHarness.Run("""
            using SymbolicDiff;
            public static partial class P
            {
                [Differentiable]
                public static double SiblingBlocks(double x)
                {
                    double r = 0;
                    { double t = x * 2; r = t; }
                    { double t = x * 3; r = r + t; }
                    return r;
                }
            }
            """).ShouldSucceed().Load().GetType("P")!;

        object g = type.GetMethod("SiblingBlocksWithGradient")!.Invoke(null, new object[] { 0.7 })!;

        // r = 2x + 3x, dr/dx = 5. (The backward sweep as generated computes 3 + 2·(1 + 1) = 7.)
        Assert.Equal(5.0, (double)g.GetType().GetProperty("X")!.GetValue(g)!);
    }

    [Theory]
    [InlineData("M", "equals")]
    [InlineData("M", "toString")]
    [InlineData("M", "getHashCode")]
    [InlineData("M", "deconstruct")]
    [InlineData("F", "fGradient")]
    public void Parameter_names_that_clash_with_record_members_are_reported(string method, string parameter)
    {
        var run = GeneratorHarness.Run($$"""
            using SymbolicDiff;
            public static partial class P
            {
                [Differentiable]
                public static double {{method}}(double {{parameter}}) => {{parameter}} * 2;
            }
            """);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0016", diagnostic.Id);
        Assert.Contains($"Parameter '{parameter}'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    // Both once got the hint name G.M.g.cs, AddSource threw, CS8785, and nothing was generated.
    [Fact]
    public void Same_method_in_a_type_and_its_generic_namesake_both_generate()
    {
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;
            public static partial class G
            {
                [Differentiable]
                public static double M(double x) => x * x;
            }

            public static partial class G<T>
            {
                [Differentiable]
                public static double M(double x) => x * 3;
            }
            """);

        Assert.Equal(2, run.GeneratedSources.Count); // one file per method, its derivation included
        run.ShouldSucceed();
    }

    // Found by the token-soup robustness test at 15,000 cases: binding this body throws inside Roslyn 4.8
    // itself (Binder.RelationalOperatorType, also from Compilation.GetDiagnostics), which surfaced as SD9999.
    // Bodies with syntax errors are now left to the compiler without being bound.
    [Fact]
    public void A_body_whose_binding_throws_inside_Roslyn_is_left_to_the_compiler()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x, double y, int n)
                {
            ] int continue new 1_000 => float %= checked 10L ; case == delegate struct Derivative ^ throw /= new bool

            }
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.GeneratedSources);
        Assert.Contains(run.Input.SyntaxTrees.First().GetDiagnostics(), d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
    }

    /// <summary>
    /// An if/else that writes a local in both branches is one value, <c>r_1 = branch ? a : e</c>; the merge must not
    /// happen where the else branch reads the value from before the if, or where something read the then-branch value.
    /// </summary>
    [Theory]
    [InlineData("double r = y; if (x > 0.5) { r = x * y; } else { r = x * x + y; } return r;", 0.8, 0.3, 0.3, 0.8)]
    [InlineData("double r = y; if (x > 0.5) { r = x * y; } else { r = x * x + y; } return r;", 0.2, 0.3, 0.4, 1.0)]
    [InlineData("double r = y * y; if (x > 0.5) { r = x; } else { r = r * x; } return r;", 0.2, 0.3, 0.09, 0.12)]
    [InlineData("double r = y; double s = 0; if (x > 0.5) { r = x * x; s = r; } else { r = y * y; } return r + s;", 0.8, 0.3, 3.2, 0.0)]
    [InlineData("double r = y; if (x > 0.5) { r = x * y; } if (!(x > 0.5)) { r = 3 * y; } return r;", 0.2, 0.3, 0.0, 3.0)]
    public void An_if_else_writing_one_local_in_both_branches_is_one_value(string body, double x, double y, double dx, double dy)
    {
        var run = GeneratorHarness.Run($$"""
            using System;
            using SymbolicDiff;
            public static partial class P
            {
                [Differentiable]
                public static double F(double x, double y)
                {
                    {{body}}
                }
            }
            """).ShouldSucceed();

        // dx, dy worked out by hand for the branch taken (the first row: ∂(x·y)/∂x = y, ∂(x·y)/∂y = x).
        double[] gradient = FiniteDifferenceCheck.Gradient(run, "P", "F", x, y);
        Assert.Equal(dx, gradient[0], 12);
        Assert.Equal(dy, gradient[1], 12);
        FiniteDifferenceCheck.AgainstFiniteDifferences(run, "P", "F", x, y);
    }
}
