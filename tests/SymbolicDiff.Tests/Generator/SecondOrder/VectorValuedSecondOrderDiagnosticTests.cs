using System.Globalization;
using SymbolicDiff.Tests.Generator.Diagnostics;

namespace SymbolicDiff.Tests.Generator.SecondOrder;

/// <summary>
/// Where the second derivatives through a vector-valued helper cannot be generated: SD0032 at the call of a helper without
/// <c>SecondOrder = true</c>, SD0033 at the call of one whose own second derivatives failed, and SD0031 for what stays
/// unsupported (a helper that declares only its products). Each keeps the caller's gradient. Reading the value a helper
/// returns is supported (<see cref="HelperValueSecondOrderTests"/>), no longer SD0031.
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
    public void Reading_the_value_a_helper_returns_is_no_longer_SD0031_and_goes_through_the_helpers_product_with_the_values_weight()
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

            public static class Driver
            {
                public static double SecondDerivative(double[] x, double k) => C.FWithHessian(x, k).Hessian[0, 0];
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems);
        string generated = run.Source("C.F.g.cs");
        Assert.Contains("FWithHessian", generated, StringComparison.Ordinal);

        // F = k² x₀ Σ xᵢ: ∂²F/∂k² = 2 x₀ Σ xᵢ, by hand, through the product whose weights are ∂F/∂rate and ∂F/∂total.
        Assert.Contains("C.DecayHessianVectorProduct(", generated, StringComparison.Ordinal);
        double[] x = { 0.5, -1.5, 2.0 };
        double second = (double)run.Load().GetType("Driver")!.GetMethod("SecondDerivative")!.Invoke(null, new object[] { x, 1.3 })!;
        Assert.Equal(2 * x[0] * x.Sum(), second, 12);
    }

    [Fact]
    public void A_helper_that_declares_only_its_products_stays_SD0031_naming_the_helper()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Spring
            {
                [Derivative(nameof(state), nameof(RateStateGradient))]
                [Derivative(nameof(omega), nameof(RateOmegaGradient))]
                public static void Rate(ReadOnlySpan<double> state, double omega, Span<double> rate)
                {
                    rate[0] = state[1];
                    rate[1] = -omega * omega * state[0];
                }

                public static void RateStateGradient(ReadOnlySpan<double> state, double omega, ReadOnlySpan<double> rateCotangent, Span<double> gradient)
                {
                    gradient[0] += -omega * omega * rateCotangent[1];
                    gradient[1] += rateCotangent[0];
                }

                public static double RateOmegaGradient(ReadOnlySpan<double> state, double omega, ReadOnlySpan<double> rateCotangent) =>
                    rateCotangent[1] * -2 * omega * state[0];

                [Differentiable(nameof(omega), SecondOrder = true)]
                public static double Position(double x0, double v0, double omega, double h)
                {
                    Span<double> state = stackalloc double[2];
                    Span<double> rate = stackalloc double[2];
                    state[0] = x0;
                    state[1] = v0;
                    Rate(state, omega, rate);
                    return state[0] + h * rate[1];
                }
            }
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0031", diagnostic.Id);
        string message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        Assert.Contains("declares only its vector-Jacobian products", message, StringComparison.Ordinal);
        Assert.Contains("Rate", message, StringComparison.Ordinal);
        Assert.Contains("PositionWithGradient", run.Source("Spring.Position.g.cs"), StringComparison.Ordinal);
    }
}
