using SymbolicDiff.Tests.Generator.Diagnostics;

namespace SymbolicDiff.Tests.Generator.Syntax;

/// <summary>
/// What stays rejected around switch, do loops and integers assigned in loops: each an error with its ID, at the
/// construct itself, saying what to write instead.
/// </summary>
public class SyntaxDiagnosticTests
{
    private const string StatementsSupported =
        " is not supported in a [Differentiable] method; supported statements are declarations of double, float, int, long and bool locals and of buffers (stackalloc double[n], new double[n]), assignments (=, +=, -=, *=, /=, ++, --) to them and to buffer elements, if/else and switch, for/foreach/while/do loops with break and continue, and return anywhere";

    private const string ExpressionsSupported =
        " is not supported in a [Differentiable] method; supported expressions are double arithmetic (+, -, *, /, unary -), integer arithmetic, ?:, literals and constants, parameters, locals, fields and properties of this object or static ones, and calls of functions with a known derivative";

    private const string Patterns =
        "supported in a switch: constant labels (case 2:), relational patterns (case < 0:), and, or, not, _ and default, with when guards";

    private const string Loops =
        "; supported loops are for (int i = a; i < n; i++), foreach over a vector, int i = a; while (i < n) { ...; i++; } and int i = a; do { ...; i++; } while (i < n);";

    private static string InC(string members) => $$"""
        using System;
        using SymbolicDiff;

        public static partial class C
        {
        {{members}}
        }
        """;

    [Fact]
    public void A_type_pattern_in_a_switch_expression_is_SD0004_at_the_pattern()
    {
        DiagnosticAssert.Single(
            InC("""
                [Differentiable]
                public static double F(double x, int k) => k switch { 0 => x, [|var m|] when m > 2 => x * m, _ => 2 * x };
            """),
            "SD0004",
            $"The pattern 'var m' ({Patterns})" + StatementsSupported);
    }

    [Fact]
    public void A_switch_expression_without_a_discard_arm_is_SD0005_at_its_last_arm()
    {
        DiagnosticAssert.Single(
            InC("""
                [Differentiable]
                public static double F(double x, int k) => k switch { 0 => x, [|1 => x * x|] };
            """),
            "SD0005",
            $"A switch expression whose last arm is not '_ => ...' (every value needs an arm: end with _ => the value for the rest; {Patterns})" + ExpressionsSupported);
    }

    [Fact]
    public void A_break_before_the_end_of_a_switch_section_is_SD0004_at_the_break()
    {
        DiagnosticAssert.Single(
            InC("""
                [Differentiable]
                public static double F(double x, int k)
                {
                    double y = x;
                    switch (k)
                    {
                        case 0:
                            if (x > 1) [|break|];
                            y = x * x;
                            break;
                    }

                    return y;
                }
            """),
            "SD0004",
            "A 'break' before the end of a switch section (a section is read as an if branch, which runs to its end: put what follows the break in an if/else inside the section, or give the condition a case label of its own)" + StatementsSupported);
    }

    [Fact]
    public void A_do_loop_without_a_counter_is_SD0003_saying_how_to_count_it()
    {
        DiagnosticAssert.Single(
            InC("""
                [Differentiable]
                public static double F(double x)
                {
                    [|do|]
                    {
                        x = 2 * x;
                    }
                    while (x < 10);

                    return x;
                }
            """),
            "SD0003",
            "The 'do' loop cannot be differentiated: its body must be counted: write it as int i = a; do { ...; i++; } while (i < n); with the counter declared just before the loop and stepped last, or as a for loop (a convergence test is a break inside it)" + Loops);
    }

    [Fact]
    public void A_continue_in_a_do_loop_is_SD0004_at_the_continue()
    {
        DiagnosticAssert.Single(
            InC("""
                [Differentiable]
                public static double F(ReadOnlySpan<double> x)
                {
                    double s = 0;
                    int i = 0;
                    do
                    {
                        if (x[i] < 0) [|continue|];
                        s += x[i];
                        i++;
                    }
                    while (i < x.Length);

                    return s;
                }
            """),
            "SD0004",
            "A 'continue' in a do loop (it goes to the condition and skips the step 'i++' at the end of the body; write the loop as for (int i = ...; i < ...; i++), where continue steps the counter)" + StatementsSupported);
    }

    [Fact]
    public void A_do_loops_test_after_its_bound_that_reads_the_counter_is_SD0003()
    {
        // C# tests it after the step i++, the lowering before: they agree only where the test does not read i.
        DiagnosticAssert.Single(
            InC("""
                [Differentiable]
                public static double F(double x, int n)
                {
                    double y = x;
                    int i = 0;
                    [|do|]
                    {
                        y = y * 0.5;
                        i++;
                    }
                    while (i < n && y > i);

                    return y;
                }
            """),
            "SD0003",
            "The 'do' loop cannot be differentiated: the test after && reads the counter 'i' (test it in the bound, i < n, or in an if with break inside the body)" + Loops);
    }
}
