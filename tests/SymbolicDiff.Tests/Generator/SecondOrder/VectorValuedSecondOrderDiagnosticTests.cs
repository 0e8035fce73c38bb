using System.Globalization;
using SymbolicDiff.Tests.Generator.Diagnostics;

namespace SymbolicDiff.Tests.Generator.SecondOrder;

/// <summary>
/// Where the second derivatives through a vector-valued helper cannot be generated: SD0032 at the call of a helper without
/// <c>SecondOrder = true</c>, SD0033 at the call of one whose own second derivatives failed, and SD0031 for what stays
/// unsupported (the helper's returned value). Each keeps the caller's gradient.
/// </summary>
public class VectorValuedSecondOrderDiagnosticTests
{
    private const string Source = """
        using System;
        using SymbolicDiff;

        public static partial class C
        {
            [Differentiable(nameof(state), nameof(k)HELPER_SECOND_ORDER)]
            public static void Decay(ReadOnlySpan<double> state, double k, Span<double> rate)
            {
                for (int i = 0; i < state.Length; i++)
                {
                    rate[i] = -k * state[i];
                }
            }

            [Differentiable(nameof(k), SecondOrder = true)]
            public static double F(ReadOnlySpan<double> x, double k)
            {
                Span<double> rate = stackalloc double[x.Length];
                [|Decay(x, k, rate)|];
                return rate[0] * rate[0];
            }
        }
        """;

    [Fact]
    public void A_helper_without_second_derivatives_is_SD0032_at_the_call_and_the_callers_gradient_is_still_generated()
    {
        var (run, spans) = DiagnosticAssert.Run(Source.Replace("HELPER_SECOND_ORDER", string.Empty, StringComparison.Ordinal));
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0032", diagnostic.Id);
        Assert.Equal(
            "'F' asks for second derivatives (SecondOrder = true) and calls 'Decay', whose gradient they differentiate again (the partials of its gradient are its Hessian): add SecondOrder = true to the [Differentiable] of 'Decay', or remove SecondOrder from 'F'",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
        DiagnosticAssert.AtSpan(run, diagnostic, Assert.Single(spans));
        string generated = run.Source("C.F.g.cs");
        Assert.Contains("FWithGradient", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("FWithHessian", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void With_SecondOrder_on_the_helper_the_caller_gets_its_second_derivatives()
    {
        var (run, _) = DiagnosticAssert.Run(Source.Replace("HELPER_SECOND_ORDER", ", SecondOrder = true", StringComparison.Ordinal));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems);
        Assert.Contains("C.DecayHessianVectorProduct(", run.Source("C.F.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_helper_whose_second_derivatives_failed_is_SD0033_at_the_call()
    {
        // Decay asks for second derivatives but calls Scale, which has none (SD0032 there): F cannot call DecayHessianVectorProduct.
        var (run, spans) = DiagnosticAssert.Run("""
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable(nameof(state), nameof(k))]
                public static void Scale(ReadOnlySpan<double> state, double k, Span<double> scaled)
                {
                    for (int i = 0; i < state.Length; i++)
                    {
                        scaled[i] = k * state[i];
                    }
                }

                [Differentiable(nameof(state), nameof(k), SecondOrder = true)]
                public static void Decay(ReadOnlySpan<double> state, double k, Span<double> rate)
                {
                    Span<double> scaled = stackalloc double[state.Length];
                    [|Scale(state, k, scaled)|];
                    for (int i = 0; i < state.Length; i++)
                    {
                        rate[i] = -scaled[i] * state[i];
                    }
                }

                [Differentiable(nameof(k), SecondOrder = true)]
                public static double F(ReadOnlySpan<double> x, double k)
                {
                    Span<double> rate = stackalloc double[x.Length];
                    [|Decay(x, k, rate)|];
                    return rate[0] * rate[0];
                }
            }
            """);
        var diagnostics = run.GeneratorDiagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.Equal(new[] { "SD0032", "SD0033" }, diagnostics.Select(d => d.Id));
        Assert.Equal(
            "'F' calls 'C.Decay', whose second derivatives could not be generated because of the errors reported on 'C.Decay'; the second derivatives of 'F' read them, so they are not generated either (its gradient is); fix the errors on 'C.Decay' first",
            diagnostics[1].GetMessage(CultureInfo.InvariantCulture));
        DiagnosticAssert.AtSpan(run, diagnostics[0], spans[0]);
        DiagnosticAssert.AtSpan(run, diagnostics[1], spans[1]);
        Assert.Empty(run.CompilationProblems);
        Assert.Contains("FWithGradient", run.Source("C.F.g.cs"), StringComparison.Ordinal);
        Assert.DoesNotContain("FWithHessian", run.Source("C.F.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_the_value_a_helper_returns_stays_SD0031_naming_the_helper()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable(nameof(state), nameof(k), SecondOrder = true)]
                public static double Decay(ReadOnlySpan<double> state, double k, Span<double> rate)
                {
                    double total = 0;
                    for (int i = 0; i < state.Length; i++)
                    {
                        rate[i] = -k * state[i];
                        total += rate[i];
                    }

                    return total;
                }

                [Differentiable(nameof(k), SecondOrder = true)]
                public static double F(ReadOnlySpan<double> x, double k)
                {
                    Span<double> rate = stackalloc double[x.Length];
                    double total = Decay(x, k, rate);
                    return total * rate[0];
                }
            }
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0031", diagnostic.Id);
        Assert.Contains("'Decay'", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Contains("FWithGradient", run.Source("C.F.g.cs"), StringComparison.Ordinal);
    }
}
