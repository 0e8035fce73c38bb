using SymbolicDiff;

namespace SymbolicDiff.Tests.Runtime;

/// <summary>Float methods differentiated by the real generator, for the float overloads of GradientCheck.</summary>
public static partial class FloatCheckModels
{
    /// <summary>A float neuron: z = x·w + b, a = σ(z), loss = (a − y)².</summary>
    [Differentiable(nameof(w), nameof(b))]
    public static float Loss(float x, float w, float b, float y)
    {
        float z = x * w + b;
        float a = 1f / (1f + MathF.Exp(-z));
        return (a - y) * (a - y);
    }

    /// <summary>A float method over spans: the mean of log(1 + exp(w·x_r + b)) − y_r (w·x_r + b) over rows.</summary>
    [Differentiable(nameof(weights), nameof(bias))]
    public static float BatchLoss(ReadOnlySpan<float> features, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights, float bias)
    {
        int d = weights.Length;
        float total = 0f;
        for (int r = 0; r < labels.Length; r++)
        {
            float z = bias;
            for (int c = 0; c < d; c++)
            {
                z += weights[c] * features[r * d + c];
            }

            total += MathF.Log(1f + MathF.Exp(z)) - labels[r] * z;
        }

        return total / labels.Length;
    }
}

/// <summary>
/// The reflection-free overloads of <see cref="GradientCheck"/> over a flat parameter vector: they accept the
/// generated gradients of the samples' span models and of float methods, catch one wrong element, and validate
/// their arguments.
/// </summary>
public class GradientCheckVectorTests
{
    private static (double[] Features, double[] Labels, double[] Weights, double Bias) LogisticData(int seed, int rows = 7, int d = 5)
    {
        var random = new Random(seed);
        double[] features = Enumerable.Range(0, rows * d).Select(_ => random.NextDouble() * 4 - 2).ToArray();
        double[] labels = Enumerable.Range(0, rows).Select(_ => (double)random.Next(2)).ToArray();
        double[] weights = Enumerable.Range(0, d).Select(_ => random.NextDouble() - 0.5).ToArray();
        return (features, labels, weights, random.NextDouble() - 0.5);
    }

    /// <summary>The README's example: the logistic sample's generated BatchLossWithGradient, in a few lines.</summary>
    private static GradientCheckResult CheckLogistic(double[] features, double[] labels, int d, params double[][] points) =>
        GradientCheck.Run(
            p => LogisticModel.BatchLoss(features, labels, p[..d], p[d]),
            (p, g) => LogisticModel.BatchLossWithGradient(features, labels, p[..d], p[d], g[..d], out g[d]),
            points);

    [Fact]
    public void The_logistic_samples_generated_span_gradient_passes()
    {
        var (features, labels, weights, bias) = LogisticData(seed: 1);
        var (_, _, weights2, bias2) = LogisticData(seed: 2);

        var result = CheckLogistic(features, labels, weights.Length, [.. weights, bias], [.. weights2, bias2]);

        result.AssertPasses(1e-6);
        Assert.Equal(6, result.Parameters.Count);
        Assert.Equal(2, result.PointCount);
        Assert.Null(result.ValueMismatch);
        Assert.Equal("parameters[5]", result.Parameters[5].Name);
        Assert.Equal("gradient[5]", result.Parameters[5].PropertyName);
        // Not vacuous: the partials are far from 0 at these points.
        Assert.Contains(result.Parameters, p => Math.Abs(p.AnalyticAtWorst) > 1e-2);
    }

    [Fact]
    public void The_mlp_samples_generated_span_gradient_passes()
    {
        // 3 inputs, 4 hidden units, 3 classes: w1 is 4 x 3, b1 4, w2 3 x 4, b2 3.
        const int inputs = 3, hidden = 4, classes = 3, rows = 6;
        var random = new Random(3);
        double[] features = Enumerable.Range(0, rows * inputs).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        int[] labels = Enumerable.Range(0, rows).Select(_ => random.Next(classes)).ToArray();
        int[] sizes = [hidden * inputs, hidden, classes * hidden, classes];
        int[] starts = [0, sizes[0], sizes[0] + sizes[1], sizes[0] + sizes[1] + sizes[2]];
        int total = sizes.Sum();
        double[] point = Enumerable.Range(0, total).Select(_ => random.NextDouble() - 0.5).ToArray();

        var result = GradientCheck.Run(
            p => MlpModel.BatchLoss(
                features, labels, p.Slice(starts[0], sizes[0]), p.Slice(starts[1], sizes[1]), p.Slice(starts[2], sizes[2]), p.Slice(starts[3], sizes[3])),
            (p, g) => MlpModel.BatchLossWithGradient(
                features, labels, p.Slice(starts[0], sizes[0]), p.Slice(starts[1], sizes[1]), p.Slice(starts[2], sizes[2]), p.Slice(starts[3], sizes[3]),
                g.Slice(starts[0], sizes[0]), g.Slice(starts[1], sizes[1]), g.Slice(starts[2], sizes[2]), g.Slice(starts[3], sizes[3])),
            point);

        result.AssertPasses(1e-6);
        Assert.Equal(total, result.Parameters.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(5)]
    public void A_gradient_with_one_wrong_element_fails_at_that_element_only(int wrong)
    {
        var (features, labels, weights, bias) = LogisticData(seed: 4);
        int d = weights.Length;

        var result = GradientCheck.Run(
            p => LogisticModel.BatchLoss(features, labels, p[..d], p[d]),
            (p, g) =>
            {
                double value = LogisticModel.BatchLossWithGradient(features, labels, p[..d], p[d], g[..d], out g[d]);
                g[wrong] += 1e-3;
                return value;
            },
            [.. weights, bias]);

        Assert.False(result.Passes(1e-6));
        var failing = result.Parameters.Where(p => !p.Passes(1e-6)).Select(p => p.Name).ToArray();
        Assert.Equal([$"parameters[{wrong}]"], failing);
        Assert.InRange(result.Parameters[wrong].WorstAbsoluteError, 0.9e-3, 1.1e-3);
        var exception = Assert.Throws<GradientCheckException>(() => result.AssertPasses(1e-6));
        Assert.Contains($"parameters[{wrong}]", exception.Message, StringComparison.Ordinal);
        Assert.Contains("FAIL", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_element_the_gradient_does_not_write_fails()
    {
        var (features, labels, weights, bias) = LogisticData(seed: 5);
        int d = weights.Length;

        // Forgets the bias's partial: the check's NaN fill shows through.
        var result = GradientCheck.Run(
            p => LogisticModel.BatchLoss(features, labels, p[..d], p[d]),
            (p, g) => LogisticModel.BatchLossWithGradient(features, labels, p[..d], p[d], g[..d], out _),
            [.. weights, bias]);

        Assert.False(result.Parameters[d].Passes(1e-6));
        Assert.True(double.IsNaN(result.Parameters[d].AnalyticAtWorst));
        Assert.All(result.Parameters.Take(d), p => Assert.True(p.Passes(1e-6)));
    }

    [Fact]
    public void A_wrong_value_is_reported()
    {
        var (features, labels, weights, bias) = LogisticData(seed: 6);
        int d = weights.Length;

        var result = GradientCheck.Run(
            p => LogisticModel.BatchLoss(features, labels, p[..d], p[d]),
            (p, g) => LogisticModel.BatchLossWithGradient(features, labels, p[..d], p[d], g[..d], out g[d]) + 0.5,
            [.. weights, bias]);

        Assert.NotNull(result.ValueMismatch);
        Assert.False(result.Passes(1e-6));
        Assert.All(result.Parameters, p => Assert.True(p.Passes(1e-6)));
    }

    [Fact]
    public void A_generated_float_scalar_gradient_passes_at_a_float_tolerance()
    {
        const float x = 0.5f, y = 1f;
        var result = GradientCheck.Run(
            p => FloatCheckModels.Loss(x, p[0], p[1], y),
            (p, g) =>
            {
                var r = FloatCheckModels.LossWithGradient(x, p[0], p[1], y);
                g[0] = r.W;
                g[1] = r.B;
                return r.Value;
            },
            [2f, -1f], [-0.3f, 0.7f], [1.5f, 0.25f]);

        result.AssertPasses(1e-3);
        Assert.Same(GradientCheckOptions.Float, result.Options);
        Assert.All(result.Parameters, p => Assert.True(Math.Abs(p.AnalyticAtWorst) > 1e-2));
    }

    [Fact]
    public void A_generated_float_span_gradient_passes_and_a_wrong_element_fails()
    {
        var random = new Random(7);
        const int rows = 5, d = 3;
        float[] features = Enumerable.Range(0, rows * d).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] labels = Enumerable.Range(0, rows).Select(_ => (float)random.Next(2)).ToArray();
        float[] point = [0.3f, -0.2f, 0.5f, 0.1f];

        GradientCheckResult Check(int wrong) => GradientCheck.Run(
            p => FloatCheckModels.BatchLoss(features, labels, p[..d], p[d]),
            (p, g) =>
            {
                float value = FloatCheckModels.BatchLossWithGradient(features, labels, p[..d], p[d], g[..d], out g[d]);
                if (wrong >= 0)
                {
                    g[wrong] += 0.05f;
                }

                return value;
            },
            point);

        Check(-1).AssertPasses(1e-3);
        var failing = Check(1).Parameters.Where(p => !p.Passes(1e-3)).Select(p => p.Name).ToArray();
        Assert.Equal(["parameters[1]"], failing);
    }

    [Fact]
    public void The_float_finite_difference_is_accurate_to_the_float_tolerance_but_not_the_double_one()
    {
        // f(p) = p0³ in float: f'(1.1) = 3.63. The float step leaves an error of about 1e-5 relative, well
        // inside 1e-3; checked against the exact derivative, so the tolerance advice is measured, not assumed.
        var result = GradientCheck.Run(
            p => p[0] * p[0] * p[0],
            (p, g) =>
            {
                g[0] = (float)(3.0 * 1.1 * 1.1);
                return p[0] * p[0] * p[0];
            },
            [1.1f]);

        Assert.True(result.Passes(1e-3), result.ToString());
        Assert.True(result.Parameters[0].WorstRelativeError > 1e-9, result.ToString());
    }

    [Fact]
    public void Null_arguments_are_rejected_by_name()
    {
        VectorFunction f = p => p[0];
        VectorGradient g = (p, gradient) => { gradient[0] = 1; return p[0]; };
        FloatVectorFunction ff = p => p[0];
        FloatVectorGradient fg = (p, gradient) => { gradient[0] = 1; return p[0]; };

        Assert.Equal("function", Assert.Throws<ArgumentNullException>(() => GradientCheck.Run(null!, g, [1.0])).ParamName);
        Assert.Equal("withGradient", Assert.Throws<ArgumentNullException>(() => GradientCheck.Run(f, null!, [1.0])).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => GradientCheck.Run(f, g, (GradientCheckOptions)null!, [1.0])).ParamName);
        Assert.Equal("points", Assert.Throws<ArgumentNullException>(() => GradientCheck.Run(f, g, (double[][])null!)).ParamName);
        Assert.Equal("points", Assert.Throws<ArgumentNullException>(() => GradientCheck.Run(f, g, [1.0], null!)).ParamName);
        Assert.Equal("function", Assert.Throws<ArgumentNullException>(() => GradientCheck.Run((FloatVectorFunction)null!, fg, [1f])).ParamName);
        Assert.Equal("withGradient", Assert.Throws<ArgumentNullException>(() => GradientCheck.Run(ff, null!, [1f])).ParamName);
        Assert.Equal("points", Assert.Throws<ArgumentNullException>(() => GradientCheck.Run(ff, fg, (float[][])null!)).ParamName);
    }

    [Fact]
    public void Wrong_point_lengths_are_rejected_by_name()
    {
        VectorFunction f = p => p[0];
        VectorGradient g = (p, gradient) => { gradient.Fill(1); return p[0]; };
        FloatVectorFunction ff = p => p[0];
        FloatVectorGradient fg = (p, gradient) => { gradient.Fill(1); return p[0]; };

        var none = Assert.Throws<ArgumentException>(() => GradientCheck.Run(f, g, Array.Empty<double[]>()));
        Assert.Equal("points", none.ParamName);
        var empty = Assert.Throws<ArgumentException>(() => GradientCheck.Run(f, g, Array.Empty<double>()));
        Assert.Equal("points", empty.ParamName);
        var ragged = Assert.Throws<ArgumentException>(() => GradientCheck.Run(f, g, [1.0, 2.0], [1.0]));
        Assert.Equal("points", ragged.ParamName);
        Assert.Contains("Point 1 has 1 coordinates but point 0 has 2", ragged.Message, StringComparison.Ordinal);
        var raggedFloat = Assert.Throws<ArgumentException>(() => GradientCheck.Run(ff, fg, [1f], [1f, 2f]));
        Assert.Equal("points", raggedFloat.ParamName);
    }

    [Fact]
    public void The_points_are_not_modified()
    {
        double[] point = [0.25, -0.5];
        GradientCheck.Run(
            p => p[0] * p[1],
            (p, g) => { g[0] = p[1]; g[1] = p[0]; return p[0] * p[1]; },
            point).AssertPasses();

        Assert.Equal([0.25, -0.5], point);
    }
}
