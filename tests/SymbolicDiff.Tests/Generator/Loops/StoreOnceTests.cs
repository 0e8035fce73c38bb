namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// A gradient output whose first contribution is one loop over all its elements stores each element once
/// (<c>dW[i] = e</c>) and zeroes only the elements past the loop's bound, instead of zeroing everything and then adding;
/// later contributions add into what it stored. Checked on outputs that arrive full of garbage, with a loop shorter than
/// the output, against the closed form and central differences.
/// </summary>
public class StoreOnceTests
{
    private const string Models = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            // The logistic loss over the first x.Length weights: the loop's bound is x's length, not the weights'.
            [Differentiable(nameof(weights), nameof(bias))]
            public static double Logistic(double[] x, double[] weights, double bias, double y)
            {
                double z = bias;
                for (int i = 0; i < x.Length; i++)
                {
                    z += weights[i] * x[i];
                }

                return Losses.BinaryCrossEntropyWithLogits(z, y);
            }

            // Two loops add into the same output: it must still be cleared and added to.
            [Differentiable(nameof(w))]
            public static double TwoPasses(double[] w)
            {
                double s = 0;
                for (int i = 0; i < w.Length; i++)
                {
                    s += w[i] * w[i];
                }

                double t = 0;
                for (int i = 0; i < w.Length; i++)
                {
                    t += w[i];
                }

                return s * t;
            }

            public static double TwoPassesIntoArray(double[] w, double[] dW) => TwoPassesWithGradient(w, dW);
        }
        """;

    [Fact]
    public void An_output_written_once_per_element_is_stored_and_only_its_tail_is_zeroed()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string logistic = run.Source("Models.Logistic.g.cs");
        Assert.Contains("dWeights[i] = ", logistic, StringComparison.Ordinal);
        Assert.Contains("Zeroing.ClearFrom(dWeights, x.Length);", logistic, StringComparison.Ordinal);

        // Written by two loops: the first the backward sweep runs stores, the second adds into what it stored.
        string twoPasses = run.Source("Models.TwoPasses.g.cs");
        Assert.DoesNotContain("global::SymbolicDiff.Runtime.Zeroing.Clear(dW);", twoPasses, StringComparison.Ordinal);
        Assert.Contains("Zeroing.ClearFrom(dW, w.Length);", twoPasses, StringComparison.Ordinal);
        int stored = twoPasses.IndexOf("dW[i] = ", StringComparison.Ordinal), added = twoPasses.IndexOf("dW[i] += ", StringComparison.Ordinal);
        Assert.True(stored >= 0 && added > stored, twoPasses);
        var twoPassesGradient = (Func<double[], double[], double>)Delegate.CreateDelegate(
            typeof(Func<double[], double[], double>), run.Load().GetType("Models")!.GetMethod("TwoPassesIntoArray")!);

        // By hand: w = (1, 2): s = 5, t = 3, ∂(s·t)/∂wᵢ = 2wᵢ·t + s = (11, 17), into an output full of garbage.
        double[] dW = { double.NaN, double.NaN };
        Assert.Equal(15.0, twoPassesGradient(new[] { 1.0, 2 }, dW), 14);
        Assert.Equal(new[] { 11.0, 17 }, dW);

        var type = run.Load().GetType("Models")!;
        var gradient = type.GetMethods().Single(m => m.Name == "LogisticWithGradient" && m.GetParameters().Length == 6);
        double[] x = { 0.5, -1.0, 2.0 };
        double[] weights = { 0.3, 0.2, -0.4, 7.0, 9.0 };    // two weights past x's length
        double[] dWeights = Enumerable.Repeat(double.NaN, weights.Length).ToArray(); // garbage in the output
        double value = InvokeWithSpan(gradient, x, weights, 0.1, 1.0, dWeights, out double dBias);

        // By hand: z = b + Σ wᵢxᵢ, ∂L/∂wᵢ = (σ(z) − y)·xᵢ below x's length, 0 past it; ∂L/∂b = σ(z) − y.
        double z = 0.1 + 0.3 * 0.5 + 0.2 * -1.0 + -0.4 * 2.0;
        double residual = 1 / (1 + Math.Exp(-z)) - 1.0;
        Assert.Equal(Losses.BinaryCrossEntropyWithLogits(z, 1.0), value, 14);
        Assert.Equal(residual, dBias, 14);
        Assert.Equal(new[] { residual * 0.5, residual * -1.0, residual * 2.0, 0, 0 }, dWeights.Select(v => Math.Round(v, 14)).ToArray(),
            new RoundedComparer());

        VectorFiniteDifferenceTests.Check(type, "Logistic", random => new[] { 3, 3 });
        VectorFiniteDifferenceTests.Check(type, "TwoPasses", null);
    }

    /// <summary>Calls the overload <c>(x, weights, bias, y, Span dWeights, out dBias)</c>, which reflection cannot invoke with a span.</summary>
    private static double InvokeWithSpan(System.Reflection.MethodInfo method, double[] x, double[] weights, double bias, double y, double[] dWeights, out double dBias)
    {
        var call = method.CreateDelegate<SpanGradient>();
        return call(x, weights, bias, y, dWeights, out dBias);
    }

    private delegate double SpanGradient(double[] x, double[] weights, double bias, double y, Span<double> dWeights, out double dBias);

    private sealed class RoundedComparer : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= 1e-14;

        public int GetHashCode(double value) => 0;
    }
}
