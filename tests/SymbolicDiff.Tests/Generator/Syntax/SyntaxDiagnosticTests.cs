using SymbolicDiff.Tests.Generator.Diagnostics;

namespace SymbolicDiff.Tests.Generator.Syntax;

/// <summary>
/// What stays rejected around switch, do loops and integers assigned in loops: each an error with its ID, at the
/// construct itself, saying what to write instead.
/// </summary>
public class SyntaxDiagnosticTests
{
    private const string StatementsSupported =
        " is not supported in a [Differentiable] method; supported statements are declarations of double, float, int, long and bool locals and of buffers (stackalloc double[n], new double[n]), assignments (=, +=, -=, *=, /=, ++, --) to them and to buffer elements, if/else and switch, for/foreach/while/do loops with break and continue, and return and throw anywhere";

    private const string Patterns =
        "supported in a switch: constant labels (case 2:), relational patterns (case < 0:), and, or, not, _ and default, with when guards";

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
}
