using System.Globalization;
using SymbolicDiff;
using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>Models written over spans, as the README shows them, checked against numbers worked out independently.</summary>
public static partial class SpanModels
{
    /// <summary>The worked example over spans: one feature, MSE of the sigmoid.</summary>
    [Differentiable(nameof(weights), nameof(bias))]
    public static double Neuron(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, double bias, double y)
    {
        double z = bias;
        for (int i = 0; i < x.Length; i++)
        {
            z += x[i] * weights[i];
        }

        double a = Activations.Sigmoid(z);
        return Losses.MeanSquaredError(a, y);
    }

    /// <summary>Logistic regression over d features with the logit form of the binary cross-entropy.</summary>
    [Differentiable(nameof(weights), nameof(bias))]
    public static double Logistic(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, double bias, double y)
    {
        double z = bias;
        for (int i = 0; i < x.Length; i++)
        {
            z += weights[i] * x[i];
        }

        return Losses.BinaryCrossEntropyWithLogits(z, y);
    }

    /// <summary>A float model: float spans, float arithmetic, MathF.</summary>
    [Differentiable(nameof(weights))]
    public static float FloatTanhLayer(ReadOnlySpan<float> x, ReadOnlySpan<float> weights)
    {
        float total = 0f;
        for (int i = 0; i < x.Length; i++)
        {
            float h = MathF.Tanh(weights[i] * x[i]);
            total += h * h;
        }

        return total;
    }
}

public class SpanModelTests
{
    [Fact]
    public void The_worked_example_over_spans_gives_the_textbook_numbers()
    {
        // x = 0.5, w = 2, b = −1, y = 1: z = 0, a = σ(0) = 0.5, loss = (0.5 − 1)² = 0.25;
        // ∂L/∂a = 2(a − y) = −1, ∂a/∂z = a(1 − a) = 0.25, so ∂L/∂w = −1 · 0.25 · x = −0.125 and ∂L/∂b = −0.25.
        Span<double> dWeights = stackalloc double[1];
        double loss = SpanModels.NeuronWithGradient([0.5], [2.0], -1.0, 1.0, dWeights, out double dBias);
        Assert.Equal(0.25, loss);
        Assert.Equal(-0.125, dWeights[0]);
        Assert.Equal(-0.25, dBias);
    }

    [Theory]
    [InlineData(4, 1)]
    [InlineData(100, 2)]
    [InlineData(10_000, 3)]
    public void Logistic_regression_gradient_is_the_closed_form_and_matches_finite_differences(int d, int seed)
    {
        var random = new Random(seed);
        double[] x = Enumerable.Range(0, d).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double[] w = Enumerable.Range(0, d).Select(_ => (random.NextDouble() * 2 - 1) / Math.Sqrt(d)).ToArray();
        double bias = 0.3, y = seed % 2;
        double[] dW = Enumerable.Repeat(double.NaN, d).ToArray();   // must be overwritten

        double loss = SpanModels.LogisticWithGradient(x, w, bias, y, dW, out double dBias);

        // Closed form: with z = w·x + b, ∂BCE/∂z = σ(z) − y, so ∂L/∂wᵢ = (σ(z) − y)·xᵢ and ∂L/∂b = σ(z) − y.
        double z = bias;
        for (int i = 0; i < d; i++)
        {
            z += w[i] * x[i];
        }

        double residual = 1 / (1 + Math.Exp(-z)) - y;
        Assert.Equal(SpanModels.Logistic(x, w, bias, y), loss);
        Assert.Equal(residual, dBias, 1e-15);
        for (int i = 0; i < d; i++)
        {
            Assert.Equal(residual * x[i], dW[i], 1e-15);
        }

        // And central differences, on a few coordinates.
        foreach (int i in new[] { 0, d / 2, d - 1 })
        {
            double h = 1e-6;
            double[] plus = (double[])w.Clone(), minus = (double[])w.Clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (SpanModels.Logistic(x, plus, bias, y) - SpanModels.Logistic(x, minus, bias, y)) / (2 * h);
            Assert.True(Math.Abs(fd - dW[i]) <= 1e-7, $"∂L/∂w[{i}]: generated {dW[i]}, finite difference {fd}");
        }
    }

    [Fact]
    public void A_float_loop_method_computes_in_float()
    {
        float[] x = { 0.5f, -1.25f, 2f }, w = { 0.3f, 0.7f, -0.2f };
        var dW = new float[3];
        float value = SpanModels.FloatTanhLayerWithGradient(x, w, dW);
        Assert.Equal(SpanModels.FloatTanhLayer(x, w), value);
        for (int i = 0; i < 3; i++)
        {
            // d/dw tanh²(w·x) = 2 tanh(wx) (1 − tanh²(wx)) x, in double for reference; float rounding bounds the agreement.
            double t = Math.Tanh((double)w[i] * x[i]);
            double expected = 2 * t * (1 - t * t) * x[i];
            Assert.True(Math.Abs(dW[i] - expected) <= 1e-5, $"∂/∂w[{i}]: {dW[i]} vs {expected}");
        }
    }

    [Fact]
    public void Gradient_outputs_of_the_wrong_length_or_aliasing_an_input_are_rejected_naming_the_output()
    {
        double[] x = { 1, 2 }, w = { 0.5, -0.5 };
        var wrong = Assert.Throws<ArgumentException>(() => SpanModels.LogisticWithGradient(x, w, 0, 1, new double[3], out _));
        Assert.Equal("dWeights", wrong.ParamName);
        var aliased = Assert.Throws<ArgumentException>(() => SpanModels.LogisticWithGradient(x, w, 0, 1, w, out _));
        Assert.Equal("dWeights", aliased.ParamName);
        var aliasesOther = Assert.Throws<ArgumentException>(() => SpanModels.LogisticWithGradient(x, w, 0, 1, x, out _));
        Assert.Equal("dWeights", aliasesOther.ParamName);
    }
}
