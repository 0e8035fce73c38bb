using SymbolicDiff;
using static SymbolicDiff.Tests.Runtime.SpanTestData;

namespace SymbolicDiff.Tests.Runtime;

/// <summary>
/// The span overloads of <see cref="Losses"/> and their vector-Jacobian gradient methods. Reference values:
/// python3 mpmath at 50 digits from the exact binary values of the inputs (mpf(x) of a double is exact; float
/// inputs were rounded to float first), rounded to 20 significant digits.
/// </summary>
public class SpanLossesTests
{
    // ---- Mean squared error ------------------------------------------------------------------------------

    [Fact]
    public void Mean_squared_error_by_hand()
    {
        // Differences −0.5, 0.5, 0, 3; squares 0.25, 0.25, 0, 9; mean 9.5 / 4 = 2.375, exact in binary.
        Assert.Equal(2.375, Losses.MeanSquaredError([0.5, 2.0, -1.0, 3.0], [1.0, 1.5, -1.0, 0.0]));
        Assert.Equal(2.375f, Losses.MeanSquaredError([0.5f, 2.0f, -1.0f, 3.0f], [1.0f, 1.5f, -1.0f, 0.0f]));
    }

    [Fact]
    public void Mean_squared_error_matches_independent_values()
    {
        double[] p = [0.1, 0.7, -2.3, 4.4, 1e-3];
        double[] t = [0.3, 0.2, -2.0, 5.0, 0.0];
        Assert.Equal(0.14800019999999988098, Losses.MeanSquaredError(p, t), 1e-16);
        Assert.Equal(0.14800016924402463479f, Losses.MeanSquaredError(ToFloat(p), ToFloat(t)), 1e-7f);

        // 1,000 elements, over four chunks of 256 with a tail.
        Assert.Equal(41.861613600000000079, Losses.MeanSquaredError(LongA(), LongB()), 41.9 * 1e-14);
    }

    [Fact]
    public void Mean_squared_error_of_one_element_is_the_scalar_squared_error()
    {
        Assert.Equal(Losses.MeanSquaredError(0.7, -1.3), Losses.MeanSquaredError([0.7], [-1.3]));
    }

    [Fact]
    public void Mean_squared_error_gradient_matches_independent_values()
    {
        // 2(p − t)/n, n = 5.
        double[] p = [0.1, 0.7, -2.3, 4.4, 1e-3];
        double[] t = [0.3, 0.2, -2.0, 5.0, 0.0];
        var gradient = new double[5];
        Losses.MeanSquaredErrorPredictionsGradient(p, t, 1.0, gradient);
        AssertClose([-0.079999999999999993339, 0.1999999999999999778, -0.11999999999999992895, -0.23999999999999985789, 0.00040000000000000000833], gradient, 1e-16);
    }

    [Fact]
    public void Mean_squared_error_gradient_matches_central_differences()
    {
        double[] p = [0.3, -1.7, 2.2, 0.9, -0.4, 1.1];
        double[] t = [1.5, 0.25, -3.1, 0.7, 2.0, 1.1];
        var gradient = new double[p.Length];
        Losses.MeanSquaredErrorPredictionsGradient(p, t, 1.0, gradient);
        AssertClose(FiniteDifference.CentralGradient(x => Losses.MeanSquaredError(x, t), p), gradient, 1e-9);

        float[] pf = ToFloat(p), tf = ToFloat(t);
        var floatGradient = new float[p.Length];
        Losses.MeanSquaredErrorPredictionsGradient(pf, tf, 1.0f, floatGradient);
        AssertClose(ToDouble(FiniteDifference.CentralGradient(x => Losses.MeanSquaredError(x, tf), pf)), ToDouble(floatGradient), 1e-3);
        AssertClose(gradient, ToDouble(floatGradient), 1e-6);
    }

    [Fact]
    public void Mean_squared_error_gradient_accumulates_and_scales_with_the_seed()
    {
        double[] p = LongA(), t = LongB();
        var unit = new double[p.Length];
        Losses.MeanSquaredErrorPredictionsGradient(p, t, 1.0, unit);

        var gradient = Enumerable.Repeat(1.0, p.Length).ToArray();
        Losses.MeanSquaredErrorPredictionsGradient(p, t, 2.5, gradient);
        AssertClose(unit.Select(g => 1 + 2.5 * g).ToArray(), gradient, 1e-15);

        var negative = new double[p.Length];
        Losses.MeanSquaredErrorPredictionsGradient(p, t, -3.0, negative);
        AssertClose(unit.Select(g => -3.0 * g).ToArray(), negative, 1e-15);

        var floatGradient = Enumerable.Repeat(1.0f, p.Length).ToArray();
        Losses.MeanSquaredErrorPredictionsGradient(ToFloat(p), ToFloat(t), 2.5f, floatGradient);
        AssertClose(unit.Select(g => 1 + 2.5 * g).ToArray(), ToDouble(floatGradient), 1e-6);
    }

    [Fact]
    public void Mean_squared_error_arguments_are_checked()
    {
        double[] three = [1, 2, 3];
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError(three, new double[2])).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError(ToFloat(three), new float[4])).ParamName);
        Assert.Equal("predictions", Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError(ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty)).ParamName);
        Assert.Equal("predictions", Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty)).ParamName);

        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => Losses.MeanSquaredErrorPredictionsGradient(three, new double[2], 1, new double[3])).ParamName);
        Assert.Equal("predictions", Assert.Throws<ArgumentException>(() => Losses.MeanSquaredErrorPredictionsGradient([], [], 1, Span<double>.Empty)).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => Losses.MeanSquaredErrorPredictionsGradient(three, three, 1, new double[2])).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => Losses.MeanSquaredErrorPredictionsGradient(ToFloat(three), ToFloat(three), 1, new float[4])).ParamName);
    }

    [Fact]
    public void Mean_squared_error_propagates_NaN()
    {
        Assert.True(double.IsNaN(Losses.MeanSquaredError([1.0, double.NaN], [0.0, 0.0])));
        Assert.True(float.IsNaN(Losses.MeanSquaredError([1.0f, 2.0f], [float.NaN, 0.0f])));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(10_000)]
    public void Mean_squared_error_does_not_allocate(int length)
    {
        double[] p = Values(length, 1), t = Values(length, 2), gradient = new double[length];
        float[] pf = ToFloat(p), tf = ToFloat(t), gradientF = new float[length];
        double sink = 0;

        Assert.Equal(0, AllocatedBytes(() => sink += Losses.MeanSquaredError(p, t)));
        Assert.Equal(0, AllocatedBytes(() => Losses.MeanSquaredErrorPredictionsGradient(p, t, 0.5, gradient)));
        Assert.Equal(0, AllocatedBytes(() => sink += Losses.MeanSquaredError(pf, tf)));
        Assert.Equal(0, AllocatedBytes(() => Losses.MeanSquaredErrorPredictionsGradient(pf, tf, 0.5f, gradientF)));
        Assert.True(double.IsFinite(sink));
    }

    // ---- Binary cross-entropy with logits ----------------------------------------------------------------

    [Fact]
    public void Binary_cross_entropy_with_logits_matches_independent_values()
    {
        // Mean of ln(1 + e^x) − x·t; the elements are those of the scalar tests.
        double[] x = [0.8, -1.2, 2.5, -3.0, 40.0, -40.0];
        double[] t = [1.0, 0.3, 0.0, 1.0, 1.0, 0.0];
        Assert.Equal(1.1036433698586834293, Losses.BinaryCrossEntropyWithLogits(x, t), 1e-15);
        Assert.Equal(1.1036433721714900427f, Losses.BinaryCrossEntropyWithLogits(ToFloat(x), ToFloat(t)), 2e-7f);
        Assert.Equal(1.4289082026879181767, Losses.BinaryCrossEntropyWithLogits(LongA(), LongTargets()), 1e-14);
    }

    [Fact]
    public void Binary_cross_entropy_with_logits_agrees_with_the_mean_of_the_scalar_loss()
    {
        double[] x = LongA(), t = LongTargets();
        double mean = x.Zip(t, Losses.BinaryCrossEntropyWithLogits).Average();
        Assert.Equal(mean, Losses.BinaryCrossEntropyWithLogits(x, t), 1e-14);
    }

    [Fact]
    public void Binary_cross_entropy_with_logits_keeps_tiny_losses()
    {
        // Every prediction confidently right: (log1p(e^−40) + log1p(e^−50) + log1p(e^−45)) / 3. ln(1 + e^−40) in
        // doubles would be 0, since 1 + e^−40 rounds to 1.
        const double expected = 1.4257241053606264382e-18;
        Assert.Equal(expected, Losses.BinaryCrossEntropyWithLogits([40.0, 50.0, -45.0], [1.0, 1.0, 0.0]), expected * 1e-14);
        Assert.Equal((float)expected, Losses.BinaryCrossEntropyWithLogits([40.0f, 50.0f, -45.0f], [1.0f, 1.0f, 0.0f]), (float)expected * 1e-5f);
    }

    [Fact]
    public void Binary_cross_entropy_with_logits_is_finite_and_exact_at_plus_and_minus_1000()
    {
        // Per element 0, 0, 1000, 1000 (by hand: e^−1000 = 0 in doubles); the mean is 500.
        double[] x = [1000.0, -1000.0, 1000.0, -1000.0];
        double[] t = [1.0, 0.0, 0.0, 1.0];
        Assert.Equal(500.0, Losses.BinaryCrossEntropyWithLogits(x, t));
        Assert.Equal(500.0f, Losses.BinaryCrossEntropyWithLogits(ToFloat(x), ToFloat(t)));

        // σ(x) − t over n = 4: 0, 0, 1, −1, divided by 4; no NaN from e^1000 = ∞.
        var gradient = new double[4];
        Losses.BinaryCrossEntropyWithLogitsLogitsGradient(x, t, 1.0, gradient);
        Assert.Equal([0.0, 0.0, 0.25, -0.25], gradient);
        var floatGradient = new float[4];
        Losses.BinaryCrossEntropyWithLogitsLogitsGradient(ToFloat(x), ToFloat(t), 1.0f, floatGradient);
        Assert.Equal([0.0f, 0.0f, 0.25f, -0.25f], floatGradient);
    }

    [Fact]
    public void Binary_cross_entropy_with_logits_gradient_matches_independent_values()
    {
        // (σ(x) − t)/n, n = 6. For x = 40, t = 1 the true value is −7.08e-19, kept although σ(40) rounds to 1 (as the scalar derivative).
        double[] x = [0.8, -1.2, 2.5, -3.0, 40.0, -40.0];
        double[] t = [1.0, 0.3, 0.0, 1.0, 1.0, 0.0];
        var gradient = new double[6];
        Losses.BinaryCrossEntropyWithLogitsLogitsGradient(x, t, 1.0, gradient);
        AssertClose([-0.051670919812064591311, -0.011420797249836270655, 0.1540236366631260748, -0.15876235447040553652, -7.0805904254859816288e-19, 7.0805904254859816288e-19], gradient, 1e-16);
        Assert.Equal(-7.0805904254859816288e-19, gradient[4], 7.1e-19 * 1e-14);
        Assert.Equal(7.0805904254859816288e-19, gradient[5], 7.1e-19 * 1e-14);
    }

    [Fact]
    public void Binary_cross_entropy_with_logits_gradient_matches_central_differences()
    {
        double[] x = [-7.0, -0.5, 0.0, 1.3, 9.0, 2.2];
        double[] t = [1.0, 0.2, 1.0, 0.0, 0.6, 0.5];
        var gradient = new double[x.Length];
        Losses.BinaryCrossEntropyWithLogitsLogitsGradient(x, t, 1.0, gradient);
        AssertClose(FiniteDifference.CentralGradient(v => Losses.BinaryCrossEntropyWithLogits(v, t), x), gradient, 1e-9);

        float[] xf = ToFloat(x), tf = ToFloat(t);
        var floatGradient = new float[x.Length];
        Losses.BinaryCrossEntropyWithLogitsLogitsGradient(xf, tf, 1.0f, floatGradient);
        AssertClose(ToDouble(FiniteDifference.CentralGradient(v => Losses.BinaryCrossEntropyWithLogits(v, tf), xf)), ToDouble(floatGradient), 1e-3);
        AssertClose(gradient, ToDouble(floatGradient), 1e-6);
    }

    [Fact]
    public void Binary_cross_entropy_with_logits_gradient_accumulates_and_scales_with_the_seed()
    {
        double[] x = LongA(), t = LongTargets();
        var unit = new double[x.Length];
        Losses.BinaryCrossEntropyWithLogitsLogitsGradient(x, t, 1.0, unit);

        var gradient = Enumerable.Repeat(1.0, x.Length).ToArray();
        Losses.BinaryCrossEntropyWithLogitsLogitsGradient(x, t, 2.5, gradient);
        AssertClose(unit.Select(g => 1 + 2.5 * g).ToArray(), gradient, 1e-15);

        var negative = new double[x.Length];
        Losses.BinaryCrossEntropyWithLogitsLogitsGradient(x, t, -3.0, negative);
        AssertClose(unit.Select(g => -3.0 * g).ToArray(), negative, 1e-15);

        var floatGradient = Enumerable.Repeat(1.0f, x.Length).ToArray();
        Losses.BinaryCrossEntropyWithLogitsLogitsGradient(ToFloat(x), ToFloat(t), 2.5f, floatGradient);
        AssertClose(unit.Select(g => 1 + 2.5 * g).ToArray(), ToDouble(floatGradient), 1e-6);
    }

    [Fact]
    public void Binary_cross_entropy_with_logits_arguments_are_checked()
    {
        double[] three = [1, 2, 3];
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropyWithLogits(three, new double[2])).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropyWithLogits(ToFloat(three), new float[4])).ParamName);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropyWithLogits(ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty)).ParamName);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropyWithLogits(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty)).ParamName);

        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropyWithLogitsLogitsGradient(three, new double[2], 1, new double[3])).ParamName);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropyWithLogitsLogitsGradient([], [], 1, Span<double>.Empty)).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropyWithLogitsLogitsGradient(three, three, 1, new double[2])).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropyWithLogitsLogitsGradient(ToFloat(three), ToFloat(three), 1, new float[4])).ParamName);
    }

    [Fact]
    public void Binary_cross_entropy_with_logits_propagates_NaN()
    {
        Assert.True(double.IsNaN(Losses.BinaryCrossEntropyWithLogits([1.0, double.NaN], [0.0, 1.0])));
        Assert.True(double.IsNaN(Losses.BinaryCrossEntropyWithLogits([1.0, 2.0], [double.NaN, 1.0])));
        Assert.True(float.IsNaN(Losses.BinaryCrossEntropyWithLogits([float.NaN, 2.0f], [0.0f, 1.0f])));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(10_000)]
    public void Binary_cross_entropy_with_logits_does_not_allocate(int length)
    {
        double[] x = Values(length, 1), t = Targets(length, 2), gradient = new double[length];
        float[] xf = ToFloat(x), tf = ToFloat(t), gradientF = new float[length];
        double sink = 0;

        Assert.Equal(0, AllocatedBytes(() => sink += Losses.BinaryCrossEntropyWithLogits(x, t)));
        Assert.Equal(0, AllocatedBytes(() => Losses.BinaryCrossEntropyWithLogitsLogitsGradient(x, t, 0.5, gradient)));
        Assert.Equal(0, AllocatedBytes(() => sink += Losses.BinaryCrossEntropyWithLogits(xf, tf)));
        Assert.Equal(0, AllocatedBytes(() => Losses.BinaryCrossEntropyWithLogitsLogitsGradient(xf, tf, 0.5f, gradientF)));
        Assert.True(double.IsFinite(sink));
    }

    // ---- Softmax cross-entropy ---------------------------------------------------------------------------

    [Theory]
    // ln(e + e² + e³) − x_target.
    [InlineData(0, 2.4076059644443803045)]
    [InlineData(1, 1.4076059644443803045)]
    [InlineData(2, 0.40760596444438030448)]
    public void Softmax_cross_entropy_matches_independent_values(int target, double expected)
    {
        Assert.Equal(expected, Losses.SoftmaxCrossEntropy([1.0, 2.0, 3.0], target), 1e-15);
        Assert.Equal((float)expected, Losses.SoftmaxCrossEntropy([1.0f, 2.0f, 3.0f], target), 3e-7f);
    }

    [Fact]
    public void Softmax_cross_entropy_matches_independent_values_for_more_classes()
    {
        double[] x = [0.5, -1.3, 2.2, 0.0, -0.7];
        Assert.Equal(2.5211463107929242889, Losses.SoftmaxCrossEntropy(x, 3), 1e-15);
        Assert.Equal(2.5211463468988967271f, Losses.SoftmaxCrossEntropy(ToFloat(x), 3), 3e-7f);
        Assert.Equal(8.5701206183645264072, Losses.SoftmaxCrossEntropy(LongA(), 437), 1e-14);
    }

    [Fact]
    public void Softmax_cross_entropy_of_a_confident_correct_prediction_keeps_its_small_loss_and_gradient()
    {
        // ln(1 + 2e^−40) = 8.4967e-18; softmax − one-hot = (−8.4967e-18, 4.2484e-18, 4.2484e-18).
        const double loss = 8.4967085105831779546e-18;
        Assert.Equal(loss, Losses.SoftmaxCrossEntropy([40.0, 0.0, 0.0], 0), loss * 1e-14);

        var gradient = new double[3];
        Losses.SoftmaxCrossEntropyLogitsGradient([40.0, 0.0, 0.0], 0, 1.0, gradient);
        Assert.Equal(-8.4967085105831779185e-18, gradient[0], 8.5e-18 * 1e-14);
        Assert.Equal(4.2483542552915889592e-18, gradient[1], 4.3e-18 * 1e-14);
        Assert.Equal(4.2483542552915889592e-18, gradient[2], 4.3e-18 * 1e-14);

        Assert.Equal((float)loss, Losses.SoftmaxCrossEntropy([40.0f, 0.0f, 0.0f], 0), (float)loss * 1e-5f);
    }

    [Fact]
    public void Softmax_cross_entropy_is_finite_and_exact_at_plus_and_minus_1000()
    {
        // By hand: e^−1000 and e^−2000 are 0 in doubles, so the loss is m − x_target exactly.
        double[] x = [1000.0, -1000.0, 0.0];
        Assert.Equal(0.0, Losses.SoftmaxCrossEntropy(x, 0));
        Assert.Equal(2000.0, Losses.SoftmaxCrossEntropy(x, 1));
        Assert.Equal(1000.0, Losses.SoftmaxCrossEntropy(x, 2));
        Assert.Equal(2000.0f, Losses.SoftmaxCrossEntropy(ToFloat(x), 1));

        // Two equal maxima: ln 2 (mpmath: 0.69314718055994530942).
        Assert.Equal(0.69314718055994530942, Losses.SoftmaxCrossEntropy([1000.0, 1000.0, -1000.0], 1), 1e-16);

        // softmax − one-hot = (1, 0, 0) − (0, 1, 0).
        var gradient = new double[3];
        Losses.SoftmaxCrossEntropyLogitsGradient(x, 1, 1.0, gradient);
        Assert.Equal([1.0, -1.0, 0.0], gradient);
        var floatGradient = new float[3];
        Losses.SoftmaxCrossEntropyLogitsGradient(ToFloat(x), 1, 1.0f, floatGradient);
        Assert.Equal([1.0f, -1.0f, 0.0f], floatGradient);
    }

    [Fact]
    public void Softmax_cross_entropy_with_gradient_gives_the_loss_and_the_product_of_the_two_calls_bit_for_bit()
    {
        // Lengths on both sides of the kernels' scalar/vector switch (16), every target, the maximum first, last and
        // in between, a seed other than 1, and a gradient that already holds something (the product adds).
        var random = new Random(20261130);
        for (int length = 1; length <= 20; length++)
        {
            double[] x = Enumerable.Range(0, length).Select(_ => 6 * random.NextDouble() - 3).ToArray();
            for (int target = 0; target < length; target++)
            {
                double seed = 0.25 + random.NextDouble();
                double[] start = Enumerable.Range(0, length).Select(_ => random.NextDouble()).ToArray();
                var expected = (double[])start.Clone();
                Losses.SoftmaxCrossEntropyLogitsGradient(x, target, seed, expected);
                var actual = (double[])start.Clone();
                double loss = Losses.SoftmaxCrossEntropyWithGradient(x, target, seed, actual);
                Assert.Equal(BitConverter.DoubleToInt64Bits(Losses.SoftmaxCrossEntropy(x, target)), BitConverter.DoubleToInt64Bits(loss));
                Assert.Equal(expected, actual);

                float[] xf = ToFloat(x);
                var expectedF = start.Select(v => (float)v).ToArray();
                Losses.SoftmaxCrossEntropyLogitsGradient(xf, target, (float)seed, expectedF);
                var actualF = start.Select(v => (float)v).ToArray();
                float lossF = Losses.SoftmaxCrossEntropyWithGradient(xf, target, (float)seed, actualF);
                Assert.Equal(BitConverter.SingleToInt32Bits(Losses.SoftmaxCrossEntropy(xf, target)), BitConverter.SingleToInt32Bits(lossF));
                Assert.Equal(expectedF, actualF);
            }
        }

        // And against values worked out independently (as in the test below): softmax(x) − one-hot(3), the loss
        // ln Σ e^x − x₃.
        double[] logits = [0.5, -1.3, 2.2, 0.0, -0.7];
        var gradient = new double[5];
        double value = Losses.SoftmaxCrossEntropyWithGradient(logits, 3, 1.0, gradient);
        AssertClose([0.1325034878119932247, 0.02190267922080502131, 0.72531712150321724433, -0.91963257212316686716, 0.039909283587151376818], gradient, 1e-15);
        Assert.Equal(Math.Log(logits.Sum(Math.Exp)) - logits[3], value, 1e-15);
    }

    [Fact]
    public void Softmax_cross_entropy_with_gradient_checks_its_arguments_as_the_product_does()
    {
        var buffer = new double[] { 0.5, -1.25, 2.0, 0.75, 0.25, -0.5, 1.5, 3.0 };
        Assert.Equal("target", Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropyWithGradient(buffer.AsSpan(0, 3), 3, 1.0, new double[3])).ParamName);
        Assert.Equal("target", Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropyWithGradient(ToFloat(buffer).AsSpan(0, 3), -1, 1f, new float[3])).ParamName);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropyWithGradient(ReadOnlySpan<double>.Empty, 0, 1.0, Span<double>.Empty)).ParamName);
        foreach (var (logits, gradient) in new[] { (0, 3, 0, 4), (0, 4, 0, 4), (0, 4, 3, 4) }.Select(c => (new ArraySegment<double>(buffer, c.Item1, c.Item2), new ArraySegment<double>(buffer, c.Item3, c.Item4))))
        {
            string? expected = Assert.ThrowsAny<ArgumentException>(() => Losses.SoftmaxCrossEntropyLogitsGradient(logits, 1, 1.0, gradient)).ParamName;
            var before = (double[])buffer.Clone();
            Assert.Equal(expected, Assert.ThrowsAny<ArgumentException>(() => Losses.SoftmaxCrossEntropyWithGradient(logits, 1, 1.0, gradient)).ParamName);
            Assert.Equal(before, buffer); // nothing written before the check
        }
    }

    [Fact]
    public void Softmax_cross_entropy_gradient_matches_independent_values()
    {
        // softmax(x) − one-hot(3).
        double[] x = [0.5, -1.3, 2.2, 0.0, -0.7];
        var gradient = new double[5];
        Losses.SoftmaxCrossEntropyLogitsGradient(x, 3, 1.0, gradient);
        AssertClose([0.1325034878119932247, 0.02190267922080502131, 0.72531712150321724433, -0.91963257212316686716, 0.039909283587151376818], gradient, 1e-15);
        Assert.Equal(0.0, gradient.Sum(), 1e-15); // softmax sums to 1, one-hot to 1
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(5)]
    public void Softmax_cross_entropy_gradient_matches_central_differences(int target)
    {
        double[] x = [-2.0, 0.3, 1.7, 0.9, -0.4, 1.7];
        var gradient = new double[x.Length];
        Losses.SoftmaxCrossEntropyLogitsGradient(x, target, 1.0, gradient);
        AssertClose(FiniteDifference.CentralGradient(v => Losses.SoftmaxCrossEntropy(v, target), x), gradient, 1e-9);

        float[] xf = ToFloat(x);
        var floatGradient = new float[x.Length];
        Losses.SoftmaxCrossEntropyLogitsGradient(xf, target, 1.0f, floatGradient);
        AssertClose(ToDouble(FiniteDifference.CentralGradient(v => Losses.SoftmaxCrossEntropy(v, target), xf)), ToDouble(floatGradient), 1e-3);
        AssertClose(gradient, ToDouble(floatGradient), 1e-6);
    }

    [Theory]
    [InlineData(437)]
    [InlineData(0)]
    public void Softmax_cross_entropy_gradient_accumulates_and_scales_with_the_seed(int target)
    {
        double[] x = LongA();
        var unit = new double[x.Length];
        Losses.SoftmaxCrossEntropyLogitsGradient(x, target, 1.0, unit);

        var gradient = Enumerable.Repeat(1.0, x.Length).ToArray();
        Losses.SoftmaxCrossEntropyLogitsGradient(x, target, 2.5, gradient);
        AssertClose(unit.Select(g => 1 + 2.5 * g).ToArray(), gradient, 1e-15);

        var negative = new double[x.Length];
        Losses.SoftmaxCrossEntropyLogitsGradient(x, target, -3.0, negative);
        AssertClose(unit.Select(g => -3.0 * g).ToArray(), negative, 1e-15);

        var floatGradient = Enumerable.Repeat(1.0f, x.Length).ToArray();
        Losses.SoftmaxCrossEntropyLogitsGradient(ToFloat(x), target, 2.5f, floatGradient);
        AssertClose(unit.Select(g => 1 + 2.5 * g).ToArray(), ToDouble(floatGradient), 1e-6);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void Softmax_cross_entropy_rejects_a_target_out_of_range(int target)
    {
        double[] x = [1, 2, 3];
        Assert.Equal("target", Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropy(x, target)).ParamName);
        Assert.Equal("target", Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropy(ToFloat(x), target)).ParamName);
        Assert.Equal("target", Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropyLogitsGradient(x, target, 1, new double[3])).ParamName);
        Assert.Equal("target", Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropyLogitsGradient(ToFloat(x), target, 1, new float[3])).ParamName);
    }

    [Fact]
    public void Softmax_cross_entropy_rejects_empty_logits_and_a_gradient_of_the_wrong_length()
    {
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(ReadOnlySpan<double>.Empty, 0)).ParamName);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(ReadOnlySpan<float>.Empty, 0)).ParamName);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropyLogitsGradient(ReadOnlySpan<double>.Empty, 0, 1, Span<double>.Empty)).ParamName);

        double[] x = [1, 2, 3];
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropyLogitsGradient(x, 0, 1, new double[2])).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropyLogitsGradient(ToFloat(x), 0, 1, new float[4])).ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Softmax_cross_entropy_over_a_few_logits_with_a_tied_maximum_matches_independent_values(int target)
    {
        // Below 16 logits the largest is found by a plain loop and the target's exponential is reused from the sum;
        // a tie at the maximum (the target first, second, or not the maximum) must not change the numbers.
        // Independently: softmax_i = 1 / Σ_j e^(x_j − x_i), loss = −ln softmax_target.
        double[] x = [2.0, 2.0, -1.0];
        double Softmax(int i) => 1 / x.Sum(xj => Math.Exp(xj - x[i]));
        Assert.Equal(-Math.Log(Softmax(target)), Losses.SoftmaxCrossEntropy(x, target), 1e-15);

        var gradient = new double[] { 0.25, -0.5, 1.0 };
        Losses.SoftmaxCrossEntropyLogitsGradient(x, target, 2.0, gradient);
        double[] expected = Enumerable.Range(0, 3).Select(i => new[] { 0.25, -0.5, 1.0 }[i] + 2.0 * (Softmax(i) - (i == target ? 1 : 0))).ToArray();
        AssertClose(expected, gradient, 1e-15);
        var fresh = new double[3];
        Losses.SoftmaxCrossEntropyLogitsGradient(x, target, 1.0, fresh);
        AssertClose(FiniteDifference.CentralGradient(v => Losses.SoftmaxCrossEntropy(v, target), x), fresh, 1e-9);
    }

    [Fact]
    public void Softmax_cross_entropy_over_a_few_logits_propagates_a_NaN_in_any_position_and_treats_signed_zeros_alike()
    {
        foreach (var x in new[] { new[] { double.NaN, 1.0, 2.0 }, new[] { 1.0, 2.0, double.NaN }, new[] { 3.0, double.NaN, double.NaN } })
        {
            Assert.True(double.IsNaN(Losses.SoftmaxCrossEntropy(x, 0)));
            var gradient = new double[3];
            Losses.SoftmaxCrossEntropyLogitsGradient(x, 0, 1.0, gradient);
            Assert.All(gradient, g => Assert.True(double.IsNaN(g)));
        }

        // −0 and +0 are equal logits: probability ½ each, loss ln 2, gradient (½ − 1, ½) for either order.
        foreach (var x in new[] { new[] { -0.0, 0.0 }, new[] { 0.0, -0.0 } })
        {
            Assert.Equal(Math.Log(2), Losses.SoftmaxCrossEntropy(x, 0), 1e-16);
            var gradient = new double[2];
            Losses.SoftmaxCrossEntropyLogitsGradient(x, 0, 1.0, gradient);
            AssertClose([-0.5, 0.5], gradient, 1e-16);
        }
    }

    [Fact]
    public void Softmax_cross_entropy_propagates_NaN()
    {
        Assert.True(double.IsNaN(Losses.SoftmaxCrossEntropy([1.0, double.NaN, 3.0], 0)));
        Assert.True(double.IsNaN(Losses.SoftmaxCrossEntropy([1.0, 2.0, double.NaN], 2)));
        Assert.True(float.IsNaN(Losses.SoftmaxCrossEntropy([float.NaN, 2.0f], 1)));
        var gradient = new double[3];
        Losses.SoftmaxCrossEntropyLogitsGradient([1.0, double.NaN, 3.0], 0, 1.0, gradient);
        Assert.All(gradient, g => Assert.True(double.IsNaN(g)));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(10_000)]
    public void Softmax_cross_entropy_does_not_allocate(int length)
    {
        double[] x = Values(length, 1), gradient = new double[length];
        float[] xf = ToFloat(x), gradientF = new float[length];
        int target = length / 2;
        double sink = 0;

        Assert.Equal(0, AllocatedBytes(() => sink += Losses.SoftmaxCrossEntropy(x, target)));
        Assert.Equal(0, AllocatedBytes(() => Losses.SoftmaxCrossEntropyLogitsGradient(x, target, 0.5, gradient)));
        Assert.Equal(0, AllocatedBytes(() => sink += Losses.SoftmaxCrossEntropy(xf, target)));
        Assert.Equal(0, AllocatedBytes(() => Losses.SoftmaxCrossEntropyLogitsGradient(xf, target, 0.5f, gradientF)));
        Assert.True(double.IsFinite(sink));
    }

    private static double[] ToDouble(float[] values) => values.Select(v => (double)v).ToArray();
}
