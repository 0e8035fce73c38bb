namespace SymbolicDiff.Tests.Generator.Properties;

/// <summary>
/// Regression tests: the generator bugs the property tests (<see cref="GradientPropertyTests"/>) found, each
/// reduced to a minimal repro that asserts the correct behaviour. All three are fixed.
/// </summary>
public class GeneratorBugRegressionTests
{
    private static GeneratorRun Run(string members) => GeneratorHarness.Run($$"""
        using System;
        using SymbolicDiff;

        public static partial class C
        {
        {{members}}
        }
        """);

    /// <summary>
    /// F(1.5, −0.25) = 4.5, but FWithGradient(1.5, −0.25) = (−0.25, 0, 1) instead of (4.5, 3, 0): the generated code
    /// returns the parameter's original value. The same with the assignment in the else branch only, with +=, ++, or
    /// two parameters assigned one in each branch. A local declared before the if, or a parameter assigned once
    /// before the if, outside it, is correct.
    /// </summary>
    [Theory]
    [InlineData("if (p > 0) { q = 3 * p; } return q;", 1.5, -0.25)]
    [InlineData("if (p > 0) { } else { q = 3 * p; } return q;", -1.5, -0.25)]
    [InlineData("if (p > 0) { q += p; } return q;", 1.5, -0.25)]
    [InlineData("if (p > 0) { q = 3 * p; } else { p = 2 * q; } return p * q;", 1.5, -0.25)]
    public void A_parameter_first_assigned_in_a_branch_keeps_its_new_value(string body, double p, double q)
    {
        var run = Run($$"""
                [Differentiable]
                public static double F(double p, double q)
                {
                    {{body}}
                }
            """).ShouldSucceed();
        FiniteDifferenceCheck.AgainstFiniteDifferences(run, "C", "F", p, q);
    }

    /// <summary>
    /// <c>Math.Max(3.0, 2.0)</c> is emitted as <c>Math.Max(3, 2)</c>, the int overload, and the division after it
    /// becomes an integer division: F(1) = 1.5, FWithGradient(1) = (1, 1). The same for a conditional of two
    /// constants, (x &gt; 0 ? 3 : 2) / 2, and for Clamp, whose gradient alone is wrong ((x · Clamp(3, 1, 2)) / 4 is a
    /// double, the partial Clamp(3, 1, 2) / 4 is 0).
    /// </summary>
    [Theory]
    [InlineData("x * (Math.Max(3.0, 2.0) / 2.0)")]
    [InlineData("x * (Math.Min(3.0, 5.0) / 2.0)")]
    [InlineData("x * (Math.Abs(-3.0) / 2.0)")]
    [InlineData("x * Math.Clamp(3.0, 1.0, 2.0) / 4.0")]
    [InlineData("(x > 0 ? 3.0 : 2.0) / 2.0 * x")]
    public void Integer_valued_constants_keep_their_double_meaning(string expression)
    {
        var run = Run($$"""
                [Differentiable]
                public static double F(double x) => {{expression}};
            """).ShouldSucceed();
        FiniteDifferenceCheck.AgainstFiniteDifferences(run, "C", "F", 1.0);
    }

    /// <summary><c>Math.Floor(3.0)</c> is emitted as <c>Math.Floor(3)</c>: error CS0121, ambiguous between Floor(double) and Floor(decimal).</summary>
    [Theory]
    [InlineData("x * Math.Floor(3.0)")]
    [InlineData("x * Math.Ceiling(3.0)")]
    [InlineData("x + Math.Round(2.0 * 1.5)")]
    [InlineData("x * Math.Truncate(2.0)")]
    public void Rounding_an_integer_valued_constant_compiles(string expression)
    {
        Run($$"""
                [Differentiable]
                public static double F(double x) => {{expression}};
            """).ShouldSucceed();
    }

    /// <summary>
    /// Warning CS1718, comparison made to same variable (an error with TreatWarningsAsErrors), in generated code for
    /// input that has no warning: the derivative of Math.Max(x, x) is emitted as <c>2 * (x &gt; x ? 1 : x &lt; x ? 0 : 0.5)</c>
    /// (the same after common subexpressions, Math.Max(x * y, x * y)); and the operands of a comparison are
    /// simplified, +x &lt; x or (x &gt; 0 ? x : x) &lt; x becoming x &lt; x in the derivative (and for +x in the value too).
    /// </summary>
    [Theory]
    [InlineData("Math.Max(x, x)")]
    [InlineData("Math.Min(x, x)")]
    [InlineData("Math.Max(x * y, x * y)")]
    [InlineData("+x < x ? y : 2.0 * x")]
    [InlineData("(x > 0 ? x : x) < x ? y : -x")]
    public void Generated_code_never_compares_a_variable_with_itself(string expression)
    {
        Run($$"""
                [Differentiable]
                public static double F(double x, double y) => {{expression}};
            """).ShouldSucceed();
    }
}
