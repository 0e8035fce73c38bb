using SymbolicDiff.Tests.Generator.Diagnostics;

namespace SymbolicDiff.Tests.Generator.Jacobians;

/// <summary>
/// The shapes of vector-valued methods the generator rejects, each with its ID, message and exact location: an output
/// read (or updated) before any statement wrote it, and a void method with no output.
/// </summary>
public class VectorValuedDiagnosticTests
{
    private const string Tail = " is not supported in a [Differentiable] method; supported expressions are double arithmetic (+, -, *, /, unary -), integer arithmetic, ?:, literals and constants, parameters, locals, fields and properties of this object or static ones, and calls of functions with a known derivative";

    private static string ReadBeforeWrite(string output) =>
        $"Reading the output '{output}' before this method writes it (an output starts with whatever the caller passed, and the generated Jacobian writes it once per pass: assign {output}[i] = ... first, then update or read it, or keep the running value in a local)" + Tail;

    private static string InC(string members) => $$"""
        using System;
        using SymbolicDiff;

        public static partial class C
        {
        {{members}}
        }
        """;

    [Fact]
    public void Updating_an_output_before_writing_it_is_SD0005_at_the_element()
    {
        DiagnosticAssert.Single(
            InC("""
                [Differentiable(nameof(a))]
                public static void F(double a, ReadOnlySpan<double> x, Span<double> r)
                {
                    for (int i = 0; i < x.Length; i++)
                    {
                        [|r[i]|] += a * x[i];
                    }
                }
            """),
            "SD0005",
            ReadBeforeWrite("r"));
    }

    [Fact]
    public void Reading_an_output_before_writing_it_is_SD0005_at_the_read()
    {
        DiagnosticAssert.Single(
            InC("""
                [Differentiable(nameof(a))]
                public static double F(double a, Span<double> r)
                {
                    double before = [|r[0]|] * a;
                    r[0] = a;
                    return before + r[0];
                }
            """),
            "SD0005",
            ReadBeforeWrite("r"));
    }

    [Fact]
    public void Passing_an_output_to_a_function_before_writing_it_is_SD0005_at_the_argument()
    {
        DiagnosticAssert.Single(
            InC("""
                [Differentiable(nameof(a))]
                public static double F(double a, ReadOnlySpan<double> x, Span<double> r)
                {
                    double total = Vectors.Dot([|r|], x) * a;
                    r[0] = a;
                    return total;
                }
            """),
            "SD0005",
            ReadBeforeWrite("r"));
    }

    [Fact]
    public void A_void_method_that_writes_no_output_is_SD0009_at_its_return_type()
    {
        DiagnosticAssert.Single(
            InC("""
                [Differentiable]
                public static [|void|] F(double a, ReadOnlySpan<double> x, Span<double> unused)
                {
                    double s = a * x[0];
                }
            """),
            "SD0009",
            "'F' returns 'void'; a [Differentiable] method must return double (or float, computing in float with MathF), or be a vector-valued method that writes its results element by element into Span<double> parameters (r[i] = ...) and returns void or double");
    }

    [Fact]
    public void Reading_an_output_after_writing_it_is_accepted()
    {
        var run = GeneratorHarness.Run(InC("""
                [Differentiable(nameof(a))]
                public static void F(double a, ReadOnlySpan<double> x, Span<double> r)
                {
                    for (int i = 0; i < x.Length; i++)
                    {
                        r[i] = a * x[i];
                        r[i] *= r[i];
                    }
                }
            """)).ShouldSucceed();
        Assert.Contains("public static void FJacobian(", run.Source("C.F.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Using_the_value_of_a_vector_valued_method_in_an_operand_that_runs_only_sometimes_is_SD0005_at_the_call()
    {
        // Called as a statement, for its value, or inside a larger expression (hoisted just before its statement:
        // GradientInExpressionTests), it is differentiated; in an operand of '?:' it would have to run out of turn.
        var (run, spans) = DiagnosticAssert.Run(InC("""
                [Differentiable(nameof(s), nameof(w))]
                public static double Moments(double s, ReadOnlySpan<double> w, Span<double> m)
                {
                    m[0] = s * w[0];
                    m[1] = s * w[1];
                    return m[0] + m[1];
                }

                [Differentiable(nameof(s))]
                public static double Caller(double s, ReadOnlySpan<double> w)
                {
                    Span<double> buffer = stackalloc double[2];
                    double v = s > 0 ? 2 * [|Moments|](s, w, buffer) : s;
                    return v * buffer[0];
                }
            """));
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0005", diagnostic.Id);
        Assert.Equal(
            "Using the value of 'C.Moments', a vector-valued method that writes its results into 'm', as an operand of '?:', which runs only one of its two operands (it would run out of turn: declare a local with it before the statement, 'double value = C.Moments(...);', and use the local there)" + Tail,
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        DiagnosticAssert.AtSpan(run, diagnostic, Assert.Single(spans));
        Assert.DoesNotContain(run.GeneratedSources, source => source.HintName.StartsWith("C.Caller", StringComparison.Ordinal));
        Assert.Contains(run.GeneratedSources, source => source.HintName == "C.Moments.g.cs");
    }
}
