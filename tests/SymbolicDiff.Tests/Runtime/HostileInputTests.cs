using SymbolicDiff;
using SymbolicDiff.Optimizers;
using static SymbolicDiff.Tests.Runtime.SpanTestData;

namespace SymbolicDiff.Tests.Runtime;

/// <summary>
/// The runtime items of issue 10 ("never a silently wrong number"): derivatives exact in both tails, span
/// losses finite wherever the true mean is, outputs that alias inputs rejected, Adam's ε = 0 rejected, and
/// null arrays rejected by name rather than with a NullReferenceException.
/// </summary>
/// <remarks>
/// Reference values: python3's decimal module at 60 digits from the exact binary values of the inputs
/// (Decimal(x) of a double is exact), rounded to 20 significant digits. Each test failed before its fix.
/// </remarks>
public class HostileInputTests
{
    // ---- σ′ and the BCE-with-logits gradient in both tails ---------------------------------------------------

    /// <summary>|z|, σ′(z) = σ(z)σ(−z) = e<sup>−|z|</sup>/(1 + e<sup>−|z|</sup>)², and σ(−|z|) = e<sup>−|z|</sup>/(1 + e<sup>−|z|</sup>).</summary>
    public static TheoryData<double, double, double> Tails => new()
    {
        { 36.7, 1.15184094930760946038e-16, 1.15184094930760946038e-16 },
        { 40.0, 4.24835425529158887095e-18, 4.24835425529158887095e-18 },
        { 700.0, 9.85967654375977077183e-305, 9.85967654375977077183e-305 },
    };

    [Theory]
    [MemberData(nameof(Tails))]
    public void Sigmoid_derivative_is_exact_in_both_tails(double magnitude, double expected, double unused)
    {
        _ = unused;
        foreach (double z in new[] { magnitude, -magnitude })
        {
            double actual = Activations.SigmoidDerivative(z, Activations.Sigmoid(z));
            AssertRelative(expected, actual, 1e-14, $"σ'({z})");

            // The analytic form, computed independently in doubles, agrees too.
            double e = Math.Exp(-Math.Abs(z));
            AssertRelative(e / ((1 + e) * (1 + e)), actual, 1e-14, $"σ'({z}) against e/(1+e)²");
        }
    }

    [Theory]
    // x, tanh′(x) = 4e/(1 + e)² with e = e^−2x: python3 decimal, 60 digits, rounded to 21.
    [InlineData(10.0, 8.24461445576739677630e-09)]
    [InlineData(20.0, 1.69934170211663554838e-17)]
    [InlineData(25.0, 7.71499939185567128225e-22)]
    [InlineData(350.0, 3.94387061750390830873e-304)]
    public void Tanh_derivative_is_accurate_in_both_tails(double magnitude, double expected)
    {
        // 1 − tanh² is 0 from |x| ≈ 19 (tanh rounds to ±1) and loses digits well before.
        foreach (double x in new[] { magnitude, -magnitude })
        {
            AssertRelative(expected, Activations.TanhDerivative(x, Activations.Tanh(x)), 1e-14, $"tanh'({x})");
            float single = Activations.TanhDerivative((float)x, Activations.Tanh((float)x));
            if (expected > 1e-38)
            {
                AssertRelative(expected, single, 1e-6, $"tanh'({x}) in float");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Tails))]
    public void Binary_cross_entropy_with_logits_gradient_is_exact_in_both_tails(double magnitude, double unused, double tail)
    {
        _ = unused;

        // σ(x) − t for a confident correct prediction: −σ(−x) for x > 0, t = 1, and σ(x) for x < 0, t = 0.
        AssertRelative(-tail, Losses.BinaryCrossEntropyWithLogitsLogitDerivative(magnitude, 1.0), 1e-14, $"x = {magnitude}, t = 1");
        AssertRelative(tail, Losses.BinaryCrossEntropyWithLogitsLogitDerivative(-magnitude, 0.0), 1e-14, $"x = {-magnitude}, t = 0");

        // Confidently wrong: σ(x) − t is 1 − σ(−x) and σ(x) − 1 = −(1 − σ(x)), within two ulps of 1.
        Assert.Equal(1.0 - tail, Losses.BinaryCrossEntropyWithLogitsLogitDerivative(magnitude, 0.0), 2.3e-16);
        Assert.Equal(tail - 1.0, Losses.BinaryCrossEntropyWithLogitsLogitDerivative(-magnitude, 1.0), 2.3e-16);
    }

    [Fact]
    public void Span_binary_cross_entropy_with_logits_gradient_is_exact_in_both_tails()
    {
        double[] x = [36.7, 40.0, 700.0, -36.7, -40.0, -700.0];
        double[] t = [1, 1, 1, 0, 0, 0];
        double[] expected = [-1.15184094930760946038e-16, -4.24835425529158887095e-18, -9.85967654375977077183e-305, 1.15184094930760946038e-16, 4.24835425529158887095e-18, 9.85967654375977077183e-305];
        var gradient = new double[x.Length];
        Losses.BinaryCrossEntropyWithLogitsLogitsGradient(x, t, seed: x.Length, gradient); // seed/n = 1: the gradient is σ(x) − t
        for (int i = 0; i < x.Length; i++)
        {
            AssertRelative(expected[i], gradient[i], 1e-14, $"x = {x[i]}");
        }

        // Float: e^−80 = 1.8e-35 is still a normal float. References from the float values of the inputs.
        float[] xf = [20f, 36.7f, 80f, -20f, -36.7f, -80f];
        float[] tf = [1, 1, 1, 0, 0, 0];
        double[] expectedF = [-2.06115361819020373880e-09, -1.15184007052304400170e-16, -1.80485138784541529868e-35, 2.06115361819020373880e-09, 1.15184007052304400170e-16, 1.80485138784541529868e-35];
        var gradientF = new float[xf.Length];
        Losses.BinaryCrossEntropyWithLogitsLogitsGradient(xf, tf, seed: xf.Length, gradientF);
        for (int i = 0; i < xf.Length; i++)
        {
            AssertRelative(expectedF[i], gradientF[i], 1e-6, $"x = {xf[i]} (float)");
        }
    }

    [Fact]
    public void Span_binary_cross_entropy_with_logits_gradient_equals_the_scalar_partial_at_every_position()
    {
        // 67 elements: whole SIMD vectors of any width and a scalar remainder, tails and ordinary values in each.
        double[] pattern = [36.7, -40.0, 700.0, -700.0, 0.0, -0.0, 2.5, -1.25, 20.0, -36.7, 1e-310, double.NaN];
        double[] labels = [1.0, 0.0, 1.0, 0.0, 0.3, 1.0, 0.25, 0.75, 1.0, 0.0, 1.0, 0.0];
        var x = Enumerable.Range(0, 67).Select(i => pattern[i % pattern.Length]).ToArray();
        var t = Enumerable.Range(0, 67).Select(i => labels[(i / 2) % labels.Length]).ToArray();
        var gradient = new double[x.Length];
        var gradientF = new float[x.Length];
        Losses.BinaryCrossEntropyWithLogitsLogitsGradient(x, t, seed: x.Length, gradient);
        Losses.BinaryCrossEntropyWithLogitsLogitsGradient(x.Select(v => (float)v).ToArray(), t.Select(v => (float)v).ToArray(), seed: x.Length, gradientF);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = Losses.BinaryCrossEntropyWithLogitsLogitDerivative(x[i], t[i]);
            float expectedF = Losses.BinaryCrossEntropyWithLogitsLogitDerivative((float)x[i], (float)t[i]);
            if (double.IsNaN(expected))
            {
                Assert.True(double.IsNaN(gradient[i]) && float.IsNaN(gradientF[i]), $"element {i}");
                continue;
            }

            Assert.True(Math.Abs(gradient[i] - expected) <= 1e-14 * Math.Abs(expected), $"element {i}, x = {x[i]}, t = {t[i]}: {gradient[i]:R} vs {expected:R}");
            Assert.True(Math.Abs(gradientF[i] - expectedF) <= 1e-6 * Math.Abs(expectedF), $"element {i} (float), x = {x[i]}, t = {t[i]}: {gradientF[i]:R} vs {expectedF:R}");
        }
    }

    // ---- Span losses whose sum overflows but whose mean does not ---------------------------------------------

    [Fact]
    public void Mean_squared_error_of_huge_elements_is_the_finite_mean()
    {
        // 10,000 squares of 1e154 are each finite (1e308); their sum is not, their mean is.
        var p = Enumerable.Repeat(1e154, 10_000).ToArray();
        var t = new double[p.Length];
        AssertRelative(1.00000000000000001098e+308, Losses.MeanSquaredError(p, t), 1e-15, "10,000 × 1e154");

        // Mixed magnitudes and signs, some differences 0.
        p = Enumerable.Range(0, 10_000).Select(i => 1e154 * ((i % 13) - 6) / 3).ToArray();
        t = Enumerable.Range(0, 10_000).Select(i => -1e153 * (i % 5)).ToArray();
        AssertRelative(1.61561111111111118438e+308, Losses.MeanSquaredError(p, t), 1e-14, "mixed");

        // Float: each chunk of 256 squares of 1e19 overflows in float; the mean, 1e38, is a finite float.
        var pf = Enumerable.Repeat(1e19f, 10_000).ToArray();
        AssertRelative(9.99999996101289578200e+37, Losses.MeanSquaredError(pf, new float[pf.Length]), 1e-6, "10,000 × 1e19f");
        pf = Enumerable.Range(0, 10_000).Select(i => 1e19f * ((i % 7) - 3) / 3f).ToArray();
        AssertRelative(4.44422220489548629848e+37, Losses.MeanSquaredError(pf, new float[pf.Length]), 1e-6, "mixed float");
    }

    [Fact]
    public void Mean_squared_error_that_truly_overflows_is_infinite_and_NaN_stays_NaN()
    {
        // (1.5e154)² = 2.25e308 is above the largest double: the true mean is not finite.
        Assert.Equal(double.PositiveInfinity, Losses.MeanSquaredError(Enumerable.Repeat(1.5e154, 1000).ToArray(), new double[1000]));

        // A difference that overflows: 1e308 − (−1e308).
        Assert.Equal(double.PositiveInfinity, Losses.MeanSquaredError([1e308, 1.0], [-1e308, 1.0]));

        var p = Enumerable.Repeat(1e154, 1000).ToArray();
        p[999] = double.NaN;
        Assert.True(double.IsNaN(Losses.MeanSquaredError(p, new double[1000])));
    }

    [Fact]
    public void Binary_cross_entropy_with_logits_of_huge_logits_is_the_finite_mean()
    {
        // With t = 0 each loss is the logit itself, 1e308; the sum of 10,000 overflows, the mean does not.
        var x = Enumerable.Repeat(1e308, 10_000).ToArray();
        AssertRelative(1e308, Losses.BinaryCrossEntropyWithLogits(x, new double[x.Length]), 1e-14, "10,000 × 1e308");

        // Half the logits confidently right (loss 0), half wrong (loss 1.6e308): mean 8e307.
        x = Enumerable.Range(0, 10_000).Select(i => i % 2 == 0 ? 1.6e308 : -1.6e308).ToArray();
        AssertRelative(8e307, Losses.BinaryCrossEntropyWithLogits(x, new double[x.Length]), 1e-14, "half wrong");

        var xf = Enumerable.Repeat(3e38f, 1000).ToArray();
        AssertRelative(3e38f, Losses.BinaryCrossEntropyWithLogits(xf, new float[xf.Length]), 1e-6, "1,000 × 3e38f");
    }

    // ---- Outputs that alias inputs ---------------------------------------------------------------------------

    /// <summary>An entry point that writes into a span, given an output that overlaps one input in the way named.</summary>
    public static TheoryData<string> AliasingCalls => new()
    {
        "mse gradient = predictions", "mse gradient overlaps predictions", "mse gradient = targets",
        "mse float gradient = predictions", "mse float gradient overlaps targets",
        "bce gradient = logits", "bce gradient overlaps logits", "bce gradient = targets",
        "bce float gradient = logits", "bce float gradient overlaps targets",
        "softmax gradient = logits", "softmax gradient overlaps logits", "softmax float gradient = logits",
        "dot left gradient = right", "dot left gradient overlaps left", "dot right gradient = left", "dot right gradient overlaps right",
        "dot float left gradient = right", "dot float right gradient = left",
    };

    [Theory]
    [MemberData(nameof(AliasingCalls))]
    public void Gradient_outputs_overlapping_an_input_are_rejected_naming_both(string call)
    {
        // One buffer holds inputs and outputs; every element is distinctive, so an unwanted write shows.
        var buffer = new double[] { 0.5, -1.25, 2.0, 0.75, 0.25, -0.5, 1.5, 3.0 };
        var bufferF = buffer.Select(v => (float)v).ToArray();
        var before = (double[])buffer.Clone();
        var beforeF = (float[])bufferF.Clone();
        double[] targets01 = [1, 0, 1, 0];

        (Action act, string input) = call switch
        {
            "mse gradient = predictions" => ((Action)(() => Losses.MeanSquaredErrorPredictionsGradient(buffer.AsSpan(0, 4), buffer.AsSpan(4, 4), 1.0, buffer.AsSpan(0, 4))), "predictions"),
            "mse gradient overlaps predictions" => (() => Losses.MeanSquaredErrorPredictionsGradient(buffer.AsSpan(0, 4), targets01, 1.0, buffer.AsSpan(3, 4)), "predictions"),
            "mse gradient = targets" => (() => Losses.MeanSquaredErrorPredictionsGradient(buffer.AsSpan(0, 4), buffer.AsSpan(4, 4), 1.0, buffer.AsSpan(4, 4)), "targets"),
            "mse float gradient = predictions" => (() => Losses.MeanSquaredErrorPredictionsGradient(bufferF.AsSpan(0, 4), bufferF.AsSpan(4, 4), 1f, bufferF.AsSpan(0, 4)), "predictions"),
            "mse float gradient overlaps targets" => (() => Losses.MeanSquaredErrorPredictionsGradient(bufferF.AsSpan(0, 3), bufferF.AsSpan(5, 3), 1f, bufferF.AsSpan(3, 3)), "targets"),
            "bce gradient = logits" => (() => Losses.BinaryCrossEntropyWithLogitsLogitsGradient(buffer.AsSpan(0, 4), targets01, 1.0, buffer.AsSpan(0, 4)), "logits"),
            "bce gradient overlaps logits" => (() => Losses.BinaryCrossEntropyWithLogitsLogitsGradient(buffer.AsSpan(2, 4), targets01, 1.0, buffer.AsSpan(0, 4)), "logits"),
            "bce gradient = targets" => (() => Losses.BinaryCrossEntropyWithLogitsLogitsGradient(buffer.AsSpan(0, 4), buffer.AsSpan(4, 4), 1.0, buffer.AsSpan(4, 4)), "targets"),
            "bce float gradient = logits" => (() => Losses.BinaryCrossEntropyWithLogitsLogitsGradient(bufferF.AsSpan(0, 4), [1f, 0f, 1f, 0f], 1f, bufferF.AsSpan(0, 4)), "logits"),
            "bce float gradient overlaps targets" => (() => Losses.BinaryCrossEntropyWithLogitsLogitsGradient(bufferF.AsSpan(0, 3), bufferF.AsSpan(5, 3), 1f, bufferF.AsSpan(3, 3)), "targets"),
            "softmax gradient = logits" => (() => Losses.SoftmaxCrossEntropyLogitsGradient(buffer.AsSpan(0, 4), 1, 1.0, buffer.AsSpan(0, 4)), "logits"),
            "softmax gradient overlaps logits" => (() => Losses.SoftmaxCrossEntropyLogitsGradient(buffer.AsSpan(0, 4), 1, 1.0, buffer.AsSpan(3, 4)), "logits"),
            "softmax float gradient = logits" => (() => Losses.SoftmaxCrossEntropyLogitsGradient(bufferF.AsSpan(0, 4), 1, 1f, bufferF.AsSpan(0, 4)), "logits"),
            "dot left gradient = right" => (() => Vectors.DotLeftGradient(buffer.AsSpan(0, 4), buffer.AsSpan(4, 4), 1.0, buffer.AsSpan(4, 4)), "right"),
            "dot left gradient overlaps left" => (() => Vectors.DotLeftGradient(buffer.AsSpan(0, 4), buffer.AsSpan(4, 4), 1.0, buffer.AsSpan(1, 4)), "left"),
            "dot right gradient = left" => (() => Vectors.DotRightGradient(buffer.AsSpan(0, 4), buffer.AsSpan(4, 4), 1.0, buffer.AsSpan(0, 4)), "left"),
            "dot right gradient overlaps right" => (() => Vectors.DotRightGradient(buffer.AsSpan(0, 3), buffer.AsSpan(3, 3), 1.0, buffer.AsSpan(5, 3)), "right"),
            "dot float left gradient = right" => (() => Vectors.DotLeftGradient(bufferF.AsSpan(0, 4), bufferF.AsSpan(4, 4), 1f, bufferF.AsSpan(4, 4)), "right"),
            "dot float right gradient = left" => (() => Vectors.DotRightGradient(bufferF.AsSpan(0, 4), bufferF.AsSpan(4, 4), 1f, bufferF.AsSpan(0, 4)), "left"),
            _ => throw new ArgumentOutOfRangeException(nameof(call), call, null),
        };

        var exception = Assert.Throws<ArgumentException>(act);
        Assert.Equal("gradient", exception.ParamName);
        Assert.StartsWith("gradient must not overlap an input (", exception.Message, StringComparison.Ordinal);
        Assert.Contains(input, exception.Message[exception.Message.IndexOf('(')..], StringComparison.Ordinal);
        Assert.Equal(before, buffer);
        Assert.Equal(beforeF, bufferF);
    }

    [Fact]
    public void Adjacent_slices_of_one_buffer_do_not_overlap_and_are_accepted()
    {
        // logits in [0, 3), gradient in [3, 6): the same array, no shared element.
        var buffer = new double[] { 1.0, 2.0, 0.5, 0, 0, 0 };
        var separate = new double[3];
        Losses.SoftmaxCrossEntropyLogitsGradient(buffer.AsSpan(0, 3), 1, 1.0, buffer.AsSpan(3, 3));
        Losses.SoftmaxCrossEntropyLogitsGradient([1.0, 2.0, 0.5], 1, 1.0, separate);
        Assert.Equal(separate, buffer[3..]);
        Assert.Equal([1.0, 2.0, 0.5], buffer[..3]);

        var pair = new double[] { 3.0, -1.0, 0.5, 0.5 };
        new Sgd(0.1).Step(pair.AsSpan(0, 2), pair.AsSpan(2, 2));
        Assert.Equal(2.95, pair[0], 1e-15);
        Assert.Equal(-1.05, pair[1], 1e-15);
        Assert.Equal([0.5, 0.5], pair[2..]);
    }

    [Fact]
    public void Softmax_gradient_into_its_own_logits_was_silently_wrong_and_is_now_rejected()
    {
        // Before the check, this wrote a wrong gradient (it reads logits[target] after overwriting it) with no exception.
        double[] logits = [1.0, 2.0, 0.5];
        var exception = Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropyLogitsGradient(logits, 1, 1.0, logits));
        Assert.Equal("gradient", exception.ParamName);
        Assert.StartsWith("gradient must not overlap an input (logits)", exception.Message, StringComparison.Ordinal);
        Assert.Equal([1.0, 2.0, 0.5], logits);
    }

    public static TheoryData<string> Optimizers => new() { "sgd", "momentum", "adam" };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Optimizer_steps_with_overlapping_parameters_and_gradients_are_rejected_naming_both(string kind)
    {
        var buffer = new double[] { 1.0, -2.0, 0.5, 0.25 };
        var before = (double[])buffer.Clone();

        foreach (var (parameters, gradients) in new[] { (0, 0), (0, 1), (1, 0) })
        {
            IOptimizer optimizer = Create(kind);
            var exception = Assert.Throws<ArgumentException>(() => optimizer.Step(buffer.AsSpan(parameters, 3), buffer.AsSpan(gradients, 3)));
            Assert.Equal("parameters", exception.ParamName);
            Assert.Contains("'parameters' overlaps 'gradients'", exception.Message);
            Assert.Equal(before, buffer);
        }
    }

    // ---- Adam's epsilon --------------------------------------------------------------------------------------

    [Fact]
    public void Adam_rejects_an_epsilon_of_zero_which_gives_NaN_for_a_zero_gradient()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(epsilon: 0.0));
        Assert.Equal("epsilon", exception.ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(epsilon: -0.0)).ParamName);

        // The smallest positive epsilon is safe: a zero gradient leaves the parameter where it is (0 / ε = 0).
        var adam = new Adam(learningRate: 0.1, epsilon: double.Epsilon);
        double[] theta = [1.5, -2.0];
        adam.Step(theta, [0.0, 0.0]);
        adam.Step(theta, [0.0, 1.0]);
        Assert.Equal(1.5, theta[0]);
        Assert.True(double.IsFinite(theta[1]), $"θ₁ = {theta[1]}");
    }

    // ---- Null arrays -----------------------------------------------------------------------------------------

    [Fact]
    public void Null_arrays_are_rejected_by_name_and_never_with_a_NullReferenceException()
    {
        // A null array converts to an empty span, so the span methods see no elements: each one that needs
        // elements says which argument has none.
        double[] none = null!;
        float[] noneF = null!;
        double[] two = [0.5, -1.0];

        Assert.Equal("predictions", Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError(none, two)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError(two, none)).ParamName);
        Assert.Equal("predictions", Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError(noneF, noneF)).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => Losses.MeanSquaredErrorPredictionsGradient(two, two, 1.0, none)).ParamName);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropyWithLogits(none, none)).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropyWithLogitsLogitsGradient(two, two, 1.0, none)).ParamName);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(none, 0)).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropyLogitsGradient(two, 0, 1.0, none)).ParamName);
        Assert.Equal("right", Assert.Throws<ArgumentException>(() => Vectors.Dot(two, none)).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => Vectors.DotLeftGradient(two, two, 1.0, none)).ParamName);

        foreach (string kind in new[] { "sgd", "momentum", "adam" })
        {
            IOptimizer optimizer = Create(kind);
            Assert.Equal("parameters", Assert.Throws<ArgumentException>(() => optimizer.Step(none, two)).ParamName);
            Assert.Equal("parameters", Assert.Throws<ArgumentException>(() => optimizer.Step(none, none)).ParamName);
            Assert.Equal("gradients", Assert.Throws<ArgumentException>(() => optimizer.Step(new double[2], none)).ParamName);
        }

        // The arrays the runtime takes as arrays.
        Assert.Empty(new DifferentiableAttribute(null!).Parameters);
        Assert.Equal("points", Assert.Throws<ArgumentNullException>(() => GradientCheck.Run((Func<double, double>)Math.Sin, (Func<double, double>)Math.Cos, (double[][])null!)).ParamName);
    }

    private static IOptimizer Create(string kind) => kind switch
    {
        "sgd" => new Sgd(0.1),
        "momentum" => new Sgd(0.1, 0.9),
        "adam" => new Adam(0.1),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static void AssertRelative(double expected, double actual, double relative, string what)
    {
        double error = Math.Abs(actual - expected) / Math.Abs(expected);
        Assert.True(error <= relative, $"{what}: expected {expected:R}, got {actual:R} (relative error {error:E2}, allowed {relative:E0})");
    }
}
