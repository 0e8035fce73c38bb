using System.Globalization;
using SymbolicDiff.Tests.Generator.Diagnostics;
using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.OutputCalls;

/// <summary>
/// Calls of vector-valued helpers the generator rejects, each with its ID, message and exact location, and the code
/// it writes for a small accepted one (locked by a snapshot; its numbers are checked in <see cref="OutputCallTests"/>
/// on the same shape, <see cref="OutputCallModels.EulerDecay"/>).
/// </summary>
public class OutputCallDiagnosticTests
{
    private const string ExpressionTail = " is not supported in a [Differentiable] method; supported expressions are double arithmetic (+, -, *, /, unary -), integer arithmetic, ?:, literals and constants, parameters, locals, fields and properties of this object or static ones, and calls of functions with a known derivative";

    private const string Decay = """
            [Differentiable(nameof(state), nameof(k))]
            public static void Decay(ReadOnlySpan<double> state, double k, Span<double> rate)
            {
                for (int i = 0; i < state.Length; i++)
                {
                    rate[i] = -k * state[i];
                }
            }
        """;

    private static string InC(string members) => $$"""
        using System;
        using SymbolicDiff;

        public static partial class C
        {
        {{Decay}}

        {{members}}
        }
        """;

    [Fact]
    public void Passing_the_same_buffer_as_input_and_output_is_SD0005_at_the_output_argument()
    {
        var (run, spans) = DiagnosticAssert.Run(InC("""
                [Differentiable(nameof(k))]
                public static double F(ReadOnlySpan<double> x0, double k)
                {
                    Span<double> x = stackalloc double[x0.Length];
                    for (int i = 0; i < x.Length; i++)
                    {
                        x[i] = x0[i];
                    }

                    Decay(x, k, [|x|]);
                    return x[0];
                }
            """));
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0005", diagnostic.Id);
        Assert.Equal(
            "Passing 'x' to 'C.Decay' both as its output 'rate' and as another of its arguments (the helper would overwrite values it still reads, and its derivatives would be wrong: write the results into a second buffer, and copy or swap afterwards)" + ExpressionTail,
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
        DiagnosticAssert.AtSpan(run, diagnostic, Assert.Single(spans));
        Assert.DoesNotContain(run.GeneratedSources, source => source.HintName.StartsWith("C.F", StringComparison.Ordinal));
    }

    [Fact]
    public void Writing_into_an_input_is_SD0004_at_the_argument()
    {
        var (run, spans) = DiagnosticAssert.Run(InC("""
                [Differentiable(nameof(k), nameof(w))]
                public static double F(Span<double> w, double k)
                {
                    Span<double> b = stackalloc double[w.Length];
                    Decay(b, k, [|w|]);
                    return w[0];
                }
            """));
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0004", diagnostic.Id);
        Assert.StartsWith(
            "Passing 'w' to 'C.Decay' to write its results into, when it is not a local buffer of this method (inputs are read-only, so that no output can alias them: declare a buffer, stackalloc double[n] or new double[n], and pass that)",
            diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        DiagnosticAssert.AtSpan(run, diagnostic, Assert.Single(spans));
    }

    [Fact]
    public void A_call_inside_an_if_is_SD0005_at_the_callee_name()
    {
        var (run, spans) = DiagnosticAssert.Run(InC("""
                [Differentiable(nameof(k))]
                public static double F(ReadOnlySpan<double> x, double k)
                {
                    Span<double> rate = stackalloc double[x.Length];
                    if (k > 0)
                    {
                        [|Decay|](x, k, rate);
                    }

                    return rate[0];
                }
            """));
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0005", diagnostic.Id);
        Assert.Equal(
            "A call of 'C.Decay', a vector-valued method, inside an 'if' or after an early return (call it unconditionally, and choose between its results with a conditional afterwards)" + ExpressionTail,
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
        DiagnosticAssert.AtSpan(run, diagnostic, Assert.Single(spans));
    }

    [Fact]
    public void A_varying_argument_for_a_parameter_the_helper_does_not_differentiate_is_reported_at_the_call()
    {
        var (run, spans) = DiagnosticAssert.Run("""
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable(nameof(state))]
                public static void Scaled(ReadOnlySpan<double> state, double k, Span<double> rate)
                {
                    for (int i = 0; i < state.Length; i++)
                    {
                        rate[i] = -k * state[i];
                    }
                }

                [Differentiable(nameof(k))]
                public static double F(ReadOnlySpan<double> x, double k)
                {
                    Span<double> rate = stackalloc double[x.Length];
                    [|Scaled(x, k, rate)|];
                    return rate[0];
                }
            }
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Contains("'k'", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        DiagnosticAssert.AtSpan(run, diagnostic, Assert.Single(spans));
        Assert.DoesNotContain(run.GeneratedSources, source => source.HintName.StartsWith("C.F", StringComparison.Ordinal));
    }

    [Fact]
    public void An_Euler_integrator_calling_a_rate_helper_reads_like_the_chain_rule()
    {
        var run = GeneratorHarness.Run(InC("""
                [Differentiable(nameof(k))]
                public static double Euler(ReadOnlySpan<double> x0, double k, double h, int steps)
                {
                    Span<double> x = stackalloc double[x0.Length];
                    Span<double> rate = stackalloc double[x0.Length];
                    for (int i = 0; i < x0.Length; i++)
                    {
                        x[i] = x0[i];
                    }

                    for (int s = 0; s < steps; s++)
                    {
                        Decay(x, k, rate);
                        for (int i = 0; i < x.Length; i++)
                        {
                            x[i] += h * rate[i];
                        }
                    }

                    return x[0];
                }
            """)).ShouldSucceed();
        Snapshot.Verify(run.Source("C.Euler.g.cs"));
    }
}
