using SymbolicDiff;
using static SymbolicDiff.Tests.Runtime.SpanTestData;

namespace SymbolicDiff.Tests.Runtime;

/// <summary>
/// The tangent methods of the span losses' and the dot product's vector-Jacobian products (what second derivatives
/// call): each checked against its Hessian worked out by hand (softmax cross-entropy: diag(p) − p·pᵀ; mean squared
/// error: (2/n)·I; binary cross-entropy with logits: diag(σ(x)σ(−x))/n; the dot product pairs left with right) and
/// against central differences of the product itself along the same direction.
/// </summary>
public class SpanProductTangentTests
{
    private delegate void Product(double[] x, double seed, double[] gradient);

    /// <summary>Central differences of a product along (dx, dseed): (G(x + h·dx, s + h·ds) − G(x − h·dx, s − h·ds)) / 2h.</summary>
    private static double[] Differences(Product product, double[] x, double seed, double[] dx, double dseed)
    {
        const double h = 1e-6;
        var plus = new double[x.Length];
        var minus = new double[x.Length];
        product(x.Zip(dx, (a, b) => a + h * b).ToArray(), seed + h * dseed, plus);
        product(x.Zip(dx, (a, b) => a - h * b).ToArray(), seed - h * dseed, minus);
        return plus.Zip(minus, (a, b) => (a - b) / (2 * h)).ToArray();
    }

    private static double[] Softmax(double[] x)
    {
        double max = x.Max();
        var e = x.Select(v => Math.Exp(v - max)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    [Fact]
    public void Softmax_cross_entropy_tangent_is_seed_times_diag_p_minus_p_p_transposed_times_the_direction()
    {
        double[] x = [0.3, -1.2, 2.0, 0.5];
        double[] v = [1.0, 0.25, -0.5, 2.0];
        const int target = 2;
        const double seed = 0.75;
        var p = Softmax(x);
        var expected = new double[4];
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                double h = (i == j ? p[i] : 0.0) - p[i] * p[j];
                expected[i] += seed * h * v[j];
            }
        }

        var tangent = new double[4];
        Losses.SoftmaxCrossEntropyLogitsGradientTangent(x, target, seed, v, 0.0, tangent);
        AssertClose(expected, tangent, 1e-15);
        AssertClose(Differences((z, s, g) => Losses.SoftmaxCrossEntropyLogitsGradient(z, target, s, g), x, seed, v, 0.0), tangent, 1e-8);
    }

    [Fact]
    public void Softmax_cross_entropy_tangent_of_the_seed_is_the_gradient_and_an_empty_tangent_is_zero()
    {
        double[] x = [0.3, -1.2, 2.0, 0.5];
        const int target = 1;
        var p = Softmax(x);
        var expected = p.Select((value, i) => -2.5 * (value - (i == target ? 1.0 : 0.0))).ToArray();
        var tangent = new double[4];
        Losses.SoftmaxCrossEntropyLogitsGradientTangent(x, target, 0.75, ReadOnlySpan<double>.Empty, -2.5, tangent);
        AssertClose(expected, tangent, 1e-15);
        AssertClose(Differences((z, s, g) => Losses.SoftmaxCrossEntropyLogitsGradient(z, target, s, g), x, 0.75, new double[4], -2.5), tangent, 1e-8);

        // Both at once, and added to what the span held.
        double[] v = [0.5, -1.0, 0.0, 3.0];
        var both = new double[] { 1, 2, 3, 4 };
        Losses.SoftmaxCrossEntropyLogitsGradientTangent(x, target, 0.75, v, -2.5, both);
        var differences = Differences((z, s, g) => Losses.SoftmaxCrossEntropyLogitsGradient(z, target, s, g), x, 0.75, v, -2.5);
        AssertClose(differences.Select((d, i) => d + i + 1).ToArray(), both, 1e-8);
    }

    [Fact]
    public void Softmax_cross_entropy_tangent_is_finite_for_extreme_logits()
    {
        double[] x = [1000.0, -1000.0, 0.0];
        var tangent = new double[3];
        Losses.SoftmaxCrossEntropyLogitsGradientTangent(x, 0, 1.0, [1.0, 1.0, 1.0], 1.0, tangent);
        // In doubles p = (1, 0, 0) exactly (e⁻¹⁰⁰⁰ underflows): H·v = p ⊙ (v − p·v) = 0 for a constant v, and p − e₀ = 0;
        // no exponential of a large logit overflows into ∞ − ∞.
        Assert.Equal(new[] { 0.0, 0.0, 0.0 }, tangent.Select(Math.Abs).ToArray());

        // A direction that is not constant: (H·v)₂ = p₂(v₂ − p·v) with p₂ = e⁻¹⁰⁰⁰ = 0 still, so only the seed terms are left.
        var along = new double[3];
        Losses.SoftmaxCrossEntropyLogitsGradientTangent(x, 1, 2.0, [0.0, 0.0, 5.0], 1.0, along);
        Assert.Equal(new[] { 1.0, -1.0, 0.0 }, along);
    }

    [Fact]
    public void Mean_squared_error_tangent_is_two_over_n_times_the_direction()
    {
        double[] p = [0.1, 0.7, -2.3, 4.4, 1e-3];
        double[] t = [0.3, 0.2, -2.0, 5.0, 0.0];
        double[] dp = [1.0, -2.0, 0.5, 0.0, 3.0];
        double[] dt = [0.5, 0.5, -1.0, 2.0, 0.0];
        const double seed = 1.5, dseed = -0.25;
        var expected = p.Select((_, i) => 2.0 / 5 * (seed * (dp[i] - dt[i]) + dseed * (p[i] - t[i]))).ToArray();
        var tangent = new double[5];
        Losses.MeanSquaredErrorPredictionsGradientTangent(p, t, seed, dp, dt, dseed, tangent);
        AssertClose(expected, tangent, 1e-15);

        // Along the predictions only: differences of the product in p and the seed.
        var alongPredictions = new double[5];
        Losses.MeanSquaredErrorPredictionsGradientTangent(p, t, seed, dp, default, dseed, alongPredictions);
        AssertClose(Differences((z, s, g) => Losses.MeanSquaredErrorPredictionsGradient(z, t, s, g), p, seed, dp, dseed), alongPredictions, 1e-8);
        // Along the targets only: differences in t.
        var alongTargets = new double[5];
        Losses.MeanSquaredErrorPredictionsGradientTangent(p, t, seed, default, dt, 0.0, alongTargets);
        AssertClose(Differences((z, s, g) => Losses.MeanSquaredErrorPredictionsGradient(p, z, seed, g), t, seed, dt, 0.0), alongTargets, 1e-8);
    }

    [Fact]
    public void Binary_cross_entropy_with_logits_tangent_is_the_diagonal_sigmoid_curvature_over_n()
    {
        double[] x = [-3.0, -0.2, 0.0, 1.5, 40.0];
        double[] t = [0.0, 1.0, 0.5, 1.0, 0.0];
        double[] dx = [1.0, -2.0, 0.5, 0.25, 1.0];
        const double seed = 2.0;
        static double Sigma(double z) => 1.0 / (1.0 + Math.Exp(-z));
        var expected = x.Select((z, i) => seed * Sigma(z) * (1 - Sigma(z)) * dx[i] / 5).ToArray();
        var tangent = new double[5];
        Losses.BinaryCrossEntropyWithLogitsLogitsGradientTangent(x, t, seed, dx, default, 0.0, tangent);
        AssertClose(expected, tangent, 1e-15);

        double[] dt = [0.5, -1.0, 0.0, 2.0, 1.0];
        var full = new double[5];
        Losses.BinaryCrossEntropyWithLogitsLogitsGradientTangent(x, t, seed, dx, dt, 0.5, full);
        var alongLogits = Differences((z, s, g) => Losses.BinaryCrossEntropyWithLogitsLogitsGradient(z, t, s, g), x, seed, dx, 0.5);
        var alongTargets = Differences((z, s, g) => Losses.BinaryCrossEntropyWithLogitsLogitsGradient(x, z, seed, g), t, seed, dt, 0.0);
        AssertClose(alongLogits.Zip(alongTargets, (a, b) => a + b).ToArray(), full, 1e-8);
    }

    [Fact]
    public void Dot_product_tangents_pair_left_with_right()
    {
        double[] left = [1.0, -2.0, 0.5];
        double[] right = [3.0, 0.25, -1.0];
        double[] dLeft = [0.5, 0.5, 2.0];
        double[] dRight = [-1.0, 4.0, 0.0];
        const double seed = 1.5, dseed = 0.5;
        var leftTangent = new double[3];
        Vectors.DotLeftGradientTangent(left, right, seed, dLeft, dRight, dseed, leftTangent);
        AssertClose(right.Select((r, i) => seed * dRight[i] + dseed * r).ToArray(), leftTangent, 1e-15);
        var rightTangent = new double[3];
        Vectors.DotRightGradientTangent(left, right, seed, dLeft, default, dseed, rightTangent);
        AssertClose(left.Select((l, i) => seed * dLeft[i] + dseed * l).ToArray(), rightTangent, 1e-15);
        AssertClose(Differences((z, s, g) => Vectors.DotLeftGradient(left, z, s, g), right, seed, dRight, dseed), leftTangent, 1e-8);
        AssertClose(Differences((z, s, g) => Vectors.DotRightGradient(z, right, s, g), left, seed, dLeft, dseed), rightTangent, 1e-8);
    }

    [Fact]
    public void Float_tangents_agree_with_the_double_ones()
    {
        double[] x = [0.3, -1.2, 2.0, 0.5];
        double[] t = [0.0, 1.0, 0.5, 1.0];
        double[] v = [1.0, 0.25, -0.5, 2.0];
        var d = new double[4];
        var f = new float[4];
        Losses.SoftmaxCrossEntropyLogitsGradientTangent(x, 3, 0.75, v, 0.5, d);
        Losses.SoftmaxCrossEntropyLogitsGradientTangent(ToFloat(x), 3, 0.75f, ToFloat(v), 0.5f, f);
        AssertClose(d, f.Select(value => (double)value).ToArray(), 1e-6);

        d = new double[4];
        f = new float[4];
        Losses.MeanSquaredErrorPredictionsGradientTangent(x, t, 0.75, v, v, 0.5, d);
        Losses.MeanSquaredErrorPredictionsGradientTangent(ToFloat(x), ToFloat(t), 0.75f, ToFloat(v), ToFloat(v), 0.5f, f);
        AssertClose(d, f.Select(value => (double)value).ToArray(), 1e-6);

        d = new double[4];
        f = new float[4];
        Losses.BinaryCrossEntropyWithLogitsLogitsGradientTangent(x, t, 0.75, v, default, 0.5, d);
        Losses.BinaryCrossEntropyWithLogitsLogitsGradientTangent(ToFloat(x), ToFloat(t), 0.75f, ToFloat(v), default, 0.5f, f);
        AssertClose(d, f.Select(value => (double)value).ToArray(), 1e-6);

        d = new double[4];
        f = new float[4];
        Vectors.DotLeftGradientTangent(x, t, 0.75, default, v, 0.5, d);
        Vectors.DotLeftGradientTangent(ToFloat(x), ToFloat(t), 0.75f, default, ToFloat(v), 0.5f, f);
        AssertClose(d, f.Select(value => (double)value).ToArray(), 1e-6);
        d = new double[4];
        f = new float[4];
        Vectors.DotRightGradientTangent(x, t, 0.75, v, default, 0.5, d);
        Vectors.DotRightGradientTangent(ToFloat(x), ToFloat(t), 0.75f, ToFloat(v), default, 0.5f, f);
        AssertClose(d, f.Select(value => (double)value).ToArray(), 1e-6);
    }

    [Fact]
    public void Tangents_allocate_nothing()
    {
        var x = new double[300];
        var t = new double[300];
        var v = new double[300];
        var g = new double[300];
        var xf = new float[300];
        var gf = new float[300];
        for (int i = 0; i < 300; i++)
        {
            x[i] = Math.Sin(i);
            t[i] = i % 2;
            v[i] = Math.Cos(i);
            xf[i] = (float)x[i];
        }

        Assert.Equal(0, AllocatedBytes(() => Losses.SoftmaxCrossEntropyLogitsGradientTangent(x, 7, 1.0, v, 0.5, g)));
        Assert.Equal(0, AllocatedBytes(() => Losses.MeanSquaredErrorPredictionsGradientTangent(x, t, 1.0, v, default, 0.5, g)));
        Assert.Equal(0, AllocatedBytes(() => Losses.BinaryCrossEntropyWithLogitsLogitsGradientTangent(x, t, 1.0, v, default, 0.5, g)));
        Assert.Equal(0, AllocatedBytes(() => Vectors.DotLeftGradientTangent(x, t, 1.0, default, v, 0.5, g)));
        Assert.Equal(0, AllocatedBytes(() => Losses.SoftmaxCrossEntropyLogitsGradientTangent(xf, 7, 1.0f, xf, 0.5f, gf)));
    }

    [Fact]
    public void Argument_errors_name_the_argument()
    {
        double[] x = [0.1, 0.2, 0.3];
        var buffer = new double[6];
        Assert.Equal("logitsTangent", Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropyLogitsGradientTangent(x, 0, 1.0, new double[2], 0.0, new double[3])).ParamName);
        Assert.Equal("gradientTangent", Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropyLogitsGradientTangent(x, 0, 1.0, default, 0.0, new double[4])).ParamName);
        Assert.Equal("gradientTangent", Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropyLogitsGradientTangent(buffer.AsSpan(0, 3), 0, 1.0, default, 0.0, buffer.AsSpan(2, 3))).ParamName);
        Assert.Equal("target", Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropyLogitsGradientTangent(x, 3, 1.0, default, 0.0, new double[3])).ParamName);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropyLogitsGradientTangent(ReadOnlySpan<double>.Empty, 0, 1.0, default, 0.0, Span<double>.Empty)).ParamName);
        Assert.Equal("targetsTangent", Assert.Throws<ArgumentException>(() => Losses.MeanSquaredErrorPredictionsGradientTangent(x, x, 1.0, default, new double[1], 0.0, new double[3])).ParamName);
        Assert.Equal("predictionsTangent", Assert.Throws<ArgumentException>(() => Losses.MeanSquaredErrorPredictionsGradientTangent(x, x, 1.0, new double[4], default, 0.0, new double[3])).ParamName);
        Assert.Equal("gradientTangent", Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropyWithLogitsLogitsGradientTangent(x, x, 1.0, default, default, 0.0, new double[2])).ParamName);
        var tangent = new double[3];
        Assert.Equal("gradientTangent", Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropyWithLogitsLogitsGradientTangent(x, x, 1.0, tangent, default, 0.0, tangent)).ParamName);
        Assert.Equal("rightTangent", Assert.Throws<ArgumentException>(() => Vectors.DotLeftGradientTangent(x, x, 1.0, default, new double[2], 0.0, new double[3])).ParamName);
        Assert.Equal("gradientTangent", Assert.Throws<ArgumentException>(() => Vectors.DotRightGradientTangent(x, x, 1.0, tangent, default, 0.0, tangent)).ParamName);
    }
}
