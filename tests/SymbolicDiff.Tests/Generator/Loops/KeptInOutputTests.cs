namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// A value a loop keeps for its backward sweep lives in the gradient output where the backward loop reading it is the
/// one that stores that output's elements (log-sum-exp keeps each exp(xᵢ − max) in dX[i], as the hand-written softmax
/// does), and an output's first contribution is stored even where later statements add into it (the arg-max's
/// <c>dX[maxAt] += …</c>). Checked on outputs full of garbage, against values worked by hand and central differences;
/// a loop shorter than the output keeps its scratch buffer and its clear of the tail.
/// </summary>
public class KeptInOutputTests
{
    private const string Models = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            // Weights held constant: ∂/∂xᵢ = (1 + wᵢ²) e^(xᵢ) / Σ.
            [Differentiable(nameof(x))]
            public static double WeightedLogSumExp(double[] x, double[] w)
            {
                double sum = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    sum += (1 + w[i] * w[i]) * Math.Exp(x[i]);
                }

                return Math.Log(sum);
            }

            public static double WeightedIntoArray(double[] x, double[] w, double[] dX) => WeightedLogSumExpWithGradient(x, w, dX);

            // The loop runs over x's length, the output is w's: the elements past it are zeroed, so the kept values
            // stay in their own buffer.
            [Differentiable(nameof(w))]
            public static double Shorter(double[] x, double[] w)
            {
                double sum = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    sum += Math.Exp(w[i] * x[i]);
                }

                return Math.Log(sum);
            }

            public static double ShorterIntoArray(double[] x, double[] w, double[] dW) => ShorterWithGradient(x, w, dW);
        }
        """;

    [Theory]
    [InlineData("LogSumExp")]
    [InlineData("WeightedLogSumExp")]
    public void The_gradient_matches_finite_differences(string method)
    {
        var run = GeneratorHarness.Run(TestModels.LogSumExp, Models).ShouldSucceed();
        VectorFiniteDifferenceTests.Check(run.Load().GetType("Models")!, method, method == "WeightedLogSumExp" ? random => new[] { 4, 4 } : null);
    }

    [Fact]
    public void Shorter_matches_finite_differences_with_the_output_longer_than_the_loop()
    {
        var run = GeneratorHarness.Run(TestModels.LogSumExp, Models).ShouldSucceed();
        VectorFiniteDifferenceTests.Check(run.Load().GetType("Models")!, "Shorter", random => new[] { 3, 5 });
    }

    [Fact]
    public void Log_sum_exp_keeps_each_exponential_in_the_gradient_and_stores_it_once_into_an_output_full_of_garbage()
    {
        var run = GeneratorHarness.Run(TestModels.LogSumExp, Models).ShouldSucceed();
        string gradient = GradientCode(run.Source("Models.LogSumExp.g.cs"));
        Assert.DoesNotContain("keptExp", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("ScratchBuffer", gradient, StringComparison.Ordinal);
        Assert.Contains("dX[i] = exp;", gradient, StringComparison.Ordinal);
        Assert.Contains("double exp_1 = dX[i];", gradient, StringComparison.Ordinal);
        Assert.Contains("dX[i] = dLogSumExp_dsum * exp_1;", gradient, StringComparison.Ordinal); // stored, not added
        Assert.DoesNotContain("Zeroing.Clear(dX)", gradient, StringComparison.Ordinal);
        Assert.Contains("dX[i] += dLogSumExp_dmax;", gradient, StringComparison.Ordinal); // the arg-max still adds, after

        var call = (Func<double[], double[], double>)Delegate.CreateDelegate(
            typeof(Func<double[], double[], double>), run.Load().GetType("Models")!.GetMethod("LogSumExpIntoArray")!);

        // Worked by hand: x = (ln 2, 0, ln 5): max ln 5, the sum of e^(xᵢ − max) is (2 + 1 + 5)/5 = 8/5, the value
        // ln(8/5) + ln 5 = ln 8, the gradient the softmax (2, 1, 5)/8; the arg-max's adjoint 1 − Σ softmax is 0.
        double[] dX = { double.NaN, double.PositiveInfinity, -7 };
        Assert.Equal(Math.Log(8), call(new[] { Math.Log(2), 0, Math.Log(5) }, dX), 14);
        Assert.Equal(2.0 / 8, dX[0], 14);
        Assert.Equal(1.0 / 8, dX[1], 14);
        Assert.Equal(5.0 / 8, dX[2], 14);

        // A maximum attained first at element 0 (no later iteration selects it) and 500 elements, into the last
        // call's output: the softmax e^(xᵢ) / Σ e^(xⱼ), computed here directly.
        double[] x = Enumerable.Range(0, 500).Select(i => i == 0 ? 4.0 : Math.Sin(i * 0.37) * 3).ToArray();
        double total = x.Sum(Math.Exp);
        double[] dLarge = Enumerable.Repeat(double.NaN, x.Length).ToArray();
        for (int round = 0; round < 2; round++)
        {
            Assert.Equal(Math.Log(total), call(x, dLarge), 12);
            for (int i = 0; i < x.Length; i++)
            {
                Assert.Equal(Math.Exp(x[i]) / total, dLarge[i], 14);
            }
        }
    }

    [Fact]
    public void A_constant_factor_beside_the_kept_call_reads_the_kept_value_before_the_store()
    {
        var run = GeneratorHarness.Run(TestModels.LogSumExp, Models).ShouldSucceed();
        string gradient = GradientCode(run.Source("Models.WeightedLogSumExp.g.cs"));
        Assert.DoesNotContain("keptExp", gradient, StringComparison.Ordinal);
        Assert.Equal(1, GeneratedText.CountOf(gradient, "global::System.Math.Exp("));

        // Worked by hand: x = (0, ln 3), w = (1, 0): Σ (1 + wᵢ²) e^(xᵢ) = 2 + 3 = 5, the value ln 5, ∂/∂x = (2/5, 3/5).
        var call = (Func<double[], double[], double[], double>)Delegate.CreateDelegate(
            typeof(Func<double[], double[], double[], double>), run.Load().GetType("Models")!.GetMethod("WeightedIntoArray")!);
        double[] dX = { double.NaN, double.NaN };
        Assert.Equal(Math.Log(5), call(new[] { 0, Math.Log(3) }, new[] { 1.0, 0 }, dX), 14);
        Assert.Equal(0.4, dX[0], 14);
        Assert.Equal(0.6, dX[1], 14);
    }

    [Fact]
    public void A_loop_shorter_than_the_output_keeps_its_buffer_and_zeroes_the_tail()
    {
        var run = GeneratorHarness.Run(TestModels.LogSumExp, Models).ShouldSucceed();
        string gradient = GradientCode(run.Source("Models.Shorter.g.cs"));
        Assert.Contains("keptExp[i] = exp;", gradient, StringComparison.Ordinal);
        Assert.Contains("Zeroing.ClearFrom(dW, x.Length);", gradient, StringComparison.Ordinal);

        // Worked by hand: x = (1, 2), w = (0, ln 3 / 2, 9): Σ e^(wᵢxᵢ) = 1 + 3 = 4, ∂/∂wᵢ = xᵢ e^(wᵢxᵢ) / 4 = (1/4, 6/4),
        // and 0 for the weight past x's length.
        var call = (Func<double[], double[], double[], double>)Delegate.CreateDelegate(
            typeof(Func<double[], double[], double[], double>), run.Load().GetType("Models")!.GetMethod("ShorterIntoArray")!);
        double[] dW = { double.NaN, double.NaN, double.NaN };
        Assert.Equal(Math.Log(4), call(new[] { 1.0, 2 }, new[] { 0, Math.Log(3) / 2, 9 }, dW), 14);
        Assert.Equal(0.25, dW[0], 14);
        Assert.Equal(1.5, dW[1], 14);
        Assert.Equal(0.0, dW[2]);
    }

    [Fact]
    public void Log_sum_exp_allocates_nothing_past_the_stack_bound()
    {
        var run = GeneratorHarness.Run(TestModels.LogSumExp, Models).ShouldSucceed();
        var call = (Func<double[], double[], double>)Delegate.CreateDelegate(
            typeof(Func<double[], double[], double>), run.Load().GetType("Models")!.GetMethod("LogSumExpIntoArray")!);
        double[] x = Enumerable.Range(0, 1000).Select(i => Math.Cos(i * 0.1)).ToArray();
        double[] dX = new double[x.Length];
        Assert.Equal(0, Allocations.PerCall(() => call(x, dX)));
    }

    /// <summary>The code lines (not the comments) of the first generated method, the gradient that writes into spans.</summary>
    private static string GradientCode(string generated) => GeneratedText.WithoutComments(GeneratedText.Method(generated, "WithGradient("));
}
