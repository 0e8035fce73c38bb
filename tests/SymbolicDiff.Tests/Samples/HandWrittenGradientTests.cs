namespace SymbolicDiff.Tests.Samples;

/// <summary>
/// The samples' batch-loss gradients, generated from the models' loops, checked two ways: against gradients derived
/// by hand (<see cref="LogisticModelHandWritten"/>, <see cref="MlpModelHandWritten"/>), and, with those, against
/// central finite differences of the model methods themselves at seeded random points.
/// </summary>
/// <remarks>
/// The shapes differ from the samples' on purpose (5 features instead of 4; 3 inputs, 5 hidden units and 4 classes
/// instead of 4, 8 and 3), so that a width hard-coded or a row-major layout transposed somewhere cannot pass.
/// </remarks>
public class HandWrittenGradientTests
{
    // Relative tolerance, with an absolute floor for components near 0, scaled like the rounding error of the
    // central difference (about machine epsilon · |f| / h).
    private const double RelativeTolerance = 1e-6;

    public static TheoryData<int> Seeds => new() { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

    /// <summary>Each seed, for the generated gradient and for the hand-written oracle.</summary>
    public static TheoryData<int, bool> SeedsForBoth()
    {
        var data = new TheoryData<int, bool>();
        foreach (int seed in Seeds)
        {
            data.Add(seed, true);
            data.Add(seed, false);
        }

        return data;
    }

    private delegate double LogisticGradient(double[] features, double[] labels, double[] weights, double bias, double[] dWeights, out double dBias);

    private delegate double MlpGradient(double[] features, int[] labels, double[] w1, double[] b1, double[] w2, double[] b2, double[] dW1, double[] dB1, double[] dW2, double[] dB2);

    [Theory]
    [MemberData(nameof(SeedsForBoth))]
    public void The_logistic_batch_loss_gradient_matches_central_finite_differences(int seed, bool generated)
    {
        LogisticGradient gradient = generated
            ? (double[] f, double[] l, double[] w, double b, double[] dw, out double db) => LogisticModel.BatchLossWithGradient(f, l, w, b, dw, out db)
            : (double[] f, double[] l, double[] w, double b, double[] dw, out double db) => LogisticModelHandWritten.BatchLossWithGradient(f, l, w, b, dw, out db);
        var (features, labels, weights, bias) = LogisticPoint(seed);
        int d = weights.Length;
        double[] dWeights = Enumerable.Repeat(double.NaN, d).ToArray();   // must be overwritten, not added to

        double value = gradient(features, labels, weights, bias, dWeights, out double dBias);

        Assert.Equal(LogisticModel.BatchLoss(features, labels, weights, bias), value);
        AssertMatchesFiniteDifferences(
            theta => LogisticModel.BatchLoss(features, labels, theta.AsSpan(0, d), theta[d]),
            [.. weights, bias],
            [.. dWeights, dBias],
            index => index < d ? $"weights[{index}]" : "bias");
    }

    [Theory]
    [MemberData(nameof(SeedsForBoth))]
    public void The_mlp_batch_loss_gradient_matches_central_finite_differences(int seed, bool generated)
    {
        MlpGradient gradient = generated
            ? (f, l, w1, b1, w2, b2, dW1, dB1, dW2, dB2) => MlpModel.BatchLossWithGradient(f, l, w1, b1, w2, b2, dW1, dB1, dW2, dB2)
            : (f, l, w1, b1, w2, b2, dW1, dB1, dW2, dB2) => MlpModelHandWritten.BatchLossWithGradient(f, l, w1, b1, w2, b2, dW1, dB1, dW2, dB2);
        var (features, labels, w1, b1, w2, b2) = MlpPoint(seed);
        double[] dW1 = NaNs(w1.Length), dB1 = NaNs(b1.Length), dW2 = NaNs(w2.Length), dB2 = NaNs(b2.Length);

        double value = gradient(features, labels, w1, b1, w2, b2, dW1, dB1, dW2, dB2);

        if (generated)
        {
            Assert.Equal(MlpModel.BatchLoss(features, labels, w1, b1, w2, b2), value);
        }
        else
        {
            // The oracle computes the softmax cross-entropy its own way (a shifted log-sum-exp), so equal up to rounding.
            AssertClose(MlpModel.BatchLoss(features, labels, w1, b1, w2, b2), value, "oracle value");
        }

        int[] ends = [w1.Length, w1.Length + b1.Length, w1.Length + b1.Length + w2.Length, w1.Length + b1.Length + w2.Length + b2.Length];
        AssertMatchesFiniteDifferences(
            theta => MlpModel.BatchLoss(
                features, labels, theta.AsSpan(0, ends[0]), theta.AsSpan(ends[0]..ends[1]), theta.AsSpan(ends[1]..ends[2]), theta.AsSpan(ends[2]..ends[3])),
            [.. w1, .. b1, .. w2, .. b2],
            [.. dW1, .. dB1, .. dW2, .. dB2],
            index => index switch
            {
                _ when index < ends[0] => $"w1[{index}]",
                _ when index < ends[1] => $"b1[{index - ends[0]}]",
                _ when index < ends[2] => $"w2[{index - ends[1]}]",
                _ => $"b2[{index - ends[2]}]",
            });
    }

    /// <summary>
    /// The generated gradient the samples train with agrees with the hand-written oracle; the tolerance leaves room
    /// for the generated code's different order of operations.
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void The_samples_gradients_agree_with_the_hand_written_oracles(int seed)
    {
        var (features, labels, weights, bias) = LogisticPoint(seed);
        double[] expectedW = new double[weights.Length], actualW = NaNs(weights.Length);
        double expected = LogisticModelHandWritten.BatchLossWithGradient(features, labels, weights, bias, expectedW, out double expectedB);
        double actual = LogisticModel.BatchLossWithGradient(features, labels, weights, bias, actualW, out double actualB);
        AssertClose(expected, actual, "LogisticModel value");
        AssertAllClose(expectedW, actualW, "LogisticModel dWeights");
        AssertClose(expectedB, actualB, "LogisticModel dBias");

        var (x, y, w1, b1, w2, b2) = MlpPoint(seed);
        double[][] oracle = [new double[w1.Length], new double[b1.Length], new double[w2.Length], new double[b2.Length]];
        double[][] model = [NaNs(w1.Length), NaNs(b1.Length), NaNs(w2.Length), NaNs(b2.Length)];
        expected = MlpModelHandWritten.BatchLossWithGradient(x, y, w1, b1, w2, b2, oracle[0], oracle[1], oracle[2], oracle[3]);
        actual = MlpModel.BatchLossWithGradient(x, y, w1, b1, w2, b2, model[0], model[1], model[2], model[3]);
        AssertClose(expected, actual, "MlpModel value");
        for (int i = 0; i < oracle.Length; i++)
        {
            AssertAllClose(oracle[i], model[i], $"MlpModel gradient {i + 1} of 4");
        }
    }

    [Fact]
    public void A_gradient_span_of_the_wrong_length_or_overlapping_an_input_is_rejected_naming_it()
    {
        var (f, l, w, b) = LogisticPoint(2);
        var wrongLength = Assert.Throws<ArgumentException>(() => LogisticModel.BatchLossWithGradient(f, l, w, b, new double[w.Length + 1], out _));
        Assert.Equal("dWeights", wrongLength.ParamName);
        var aliased = Assert.Throws<ArgumentException>(() => LogisticModel.BatchLossWithGradient(f, l, w, b, w, out _));
        Assert.Equal("dWeights", aliased.ParamName);

        var (features, labels, weights, bias) = LogisticPoint(1);
        Assert.Throws<ArgumentException>(
            () => LogisticModelHandWritten.BatchLossWithGradient(features, labels, weights, bias, new double[weights.Length + 1], out _));

        var (x, y, w1, b1, w2, b2) = MlpPoint(1);
        Assert.Throws<ArgumentException>(() => MlpModelHandWritten.BatchLossWithGradient(
            x, y, w1, b1, w2, b2, new double[w1.Length], new double[b1.Length], new double[w2.Length - 1], new double[b2.Length]));
    }

    /// <summary>6 rows of 5 features; every third point has weights 8 times larger, so margins up to about ±80.</summary>
    private static (double[] Features, double[] Labels, double[] Weights, double Bias) LogisticPoint(int seed)
    {
        var random = new Random(seed);
        const int rows = 6, d = 5;
        double scale = seed % 3 == 0 ? 8 : 1;
        return (
            Uniform(random, rows * d, 2),
            Enumerable.Range(0, rows).Select(_ => (double)random.Next(2)).ToArray(),
            Uniform(random, d, scale),
            Uniform(random, 1, scale)[0]);
    }

    /// <summary>
    /// 7 rows of 3 inputs, 5 hidden units, 4 classes; every third point has parameters 4 times larger, which
    /// saturates tanh units and makes one logit dominate (the max shift of the softmax matters there).
    /// </summary>
    private static (double[] Features, int[] Labels, double[] W1, double[] B1, double[] W2, double[] B2) MlpPoint(int seed)
    {
        var random = new Random(1000 + seed);
        const int rows = 7, d = 3, hidden = 5, classes = 4;
        double scale = seed % 3 == 0 ? 4 : 1;
        return (
            Uniform(random, rows * d, 2),
            Enumerable.Range(0, rows).Select(_ => random.Next(classes)).ToArray(),
            Uniform(random, hidden * d, scale),
            Uniform(random, hidden, scale),
            Uniform(random, classes * hidden, scale),
            Uniform(random, classes, scale));
    }

    /// <summary>
    /// Each analytic partial against (f(θ + h·eᵢ) − f(θ − h·eᵢ)) / 2h with h = 10⁻⁵·max(1, |θᵢ|):
    /// |analytic − numeric| ≤ 10⁻⁶·max(|analytic|, |numeric|) + 10⁻⁹·max(1, |f(θ)|).
    /// </summary>
    private static void AssertMatchesFiniteDifferences(Func<double[], double> f, double[] theta, double[] analytic, Func<int, string> name)
    {
        Assert.Equal(theta.Length, analytic.Length);
        double floor = 1e-9 * Math.Max(1, Math.Abs(f(theta)));
        for (int i = 0; i < theta.Length; i++)
        {
            double h = 1e-5 * Math.Max(1, Math.Abs(theta[i]));
            double[] plus = (double[])theta.Clone(), minus = (double[])theta.Clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (f(plus) - f(minus)) / (2 * h);
            Assert.True(
                double.IsFinite(analytic[i]) &&
                Math.Abs(analytic[i] - numeric) <= RelativeTolerance * Math.Max(Math.Abs(analytic[i]), Math.Abs(numeric)) + floor,
                $"∂loss/∂{name(i)}: hand-written {analytic[i]:R}, central difference {numeric:R}");
        }
    }

    private static void AssertAllClose(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            AssertClose(expected[i], actual[i], $"{what}[{i}]");
        }
    }

    private static void AssertClose(double expected, double actual, string what) =>
        Assert.True(
            Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)),
            $"{what}: oracle {expected:R}, model {actual:R}");

    private static double[] Uniform(Random random, int count, double limit) =>
        Enumerable.Range(0, count).Select(_ => (2 * random.NextDouble() - 1) * limit).ToArray();

    private static double[] NaNs(int count) => Enumerable.Repeat(double.NaN, count).ToArray();
}
