using SymbolicDiff;
using Xunit;

namespace SymbolicDiff.Tests.Runtime;

/// <summary>
/// <see cref="Activations.SigmoidWithDerivative(double, out double)"/> and <see cref="Activations.TanhWithDerivative(double, out double)"/>:
/// the value bit for bit the function's, the derivative to a few ulps of references worked out independently (python3's
/// mpmath at 40–50 digits, rounded to 22), in both tails, at 0, subnormals, NaN and ±∞.
/// </summary>
public class ActivationsWithDerivativeTests
{
    // A few ulps: 4 units in the last place of a double, relative.
    private const double FewUlps = 4 * 2.220446049250313e-16;

    private static void AssertFewUlps(double expected, double actual, string what)
    {
        Assert.True(Math.Abs(actual - expected) <= FewUlps * Math.Abs(expected), $"{what}: expected {expected:R}, got {actual:R} (relative error {Math.Abs(actual - expected) / Math.Abs(expected):E2})");
    }

    [Theory]
    // z, σ(z), σ′(z) = e^−|z| / (1 + e^−|z|)²: mpmath, 40 digits.
    [InlineData(0.0, 0.5, 0.25)]
    [InlineData(0.5, 0.6224593312018545646389, 0.2350037122015944890693)]
    [InlineData(-0.5, 0.3775406687981454353611, 0.2350037122015944890693)]
    [InlineData(1.0, 0.7310585786300048792512, 0.1966119332414818525374)]
    [InlineData(-2.5, 0.07585818002124355119331, 0.07010371654510815693233)]
    [InlineData(10.0, 0.9999546021312975656055, 4.539580773595167103244e-5)]
    [InlineData(-10.0, 4.539786870243439450478e-5, 4.539580773595167103244e-5)]
    [InlineData(40.0, 1.0, 4.248354255291588959232e-18)] // σ rounds to 1: σ(1 − σ) would be 0
    [InlineData(-40.0, 4.248354255291588977281e-18, 4.248354255291588959232e-18)]
    [InlineData(100.0, 1.0, 3.720075976020835962960e-44)]
    [InlineData(700.0, 1.0, 9.859676543759770856705e-305)]
    [InlineData(-700.0, 9.859676543759770856705e-305, 9.859676543759770856705e-305)]
    public void Sigmoid_with_derivative_matches_40_digit_references(double z, double expectedValue, double expectedDerivative)
    {
        double value = Activations.SigmoidWithDerivative(z, out double derivative);
        Assert.Equal(BitConverter.DoubleToInt64Bits(Activations.Sigmoid(z)), BitConverter.DoubleToInt64Bits(value));
        AssertFewUlps(expectedValue, value, $"σ({z})");
        AssertFewUlps(expectedDerivative, derivative, $"σ′({z})");
    }

    [Theory]
    // x, tanh(x), tanh′(x) = 4e/(1 + e)² with e = e^−2|x|: mpmath, 50 digits.
    [InlineData(0.25, 0.2449186624037091292778, 0.9400148488063779562772)]
    [InlineData(-0.75, -0.6351489523872873192144, 0.5965858082813314260061)]
    [InlineData(1.0, 0.7615941559557648881195, 0.4199743416140260693945)]
    [InlineData(1.5, 0.9051482536448664382423, 0.1807066389236485305974)]
    [InlineData(-3.0, -0.9950547536867304513319, 0.009866037165440191273156)]
    [InlineData(10.0, 0.9999999958776927636196, 8.244614455767397374609e-9)]
    [InlineData(20.0, 1.0, 1.699341702116635583693e-17)] // tanh rounds to 1: 1 − tanh² would be 0
    [InlineData(-20.0, -1.0, 1.699341702116635583693e-17)]
    [InlineData(40.0, 1.0, 7.219405551381660689249e-35)]
    [InlineData(354.0, 1.0, 1.32302120145536319848e-307)]
    public void Tanh_with_derivative_matches_50_digit_references(double x, double expectedValue, double expectedDerivative)
    {
        double value = Activations.TanhWithDerivative(x, out double derivative);
        Assert.Equal(BitConverter.DoubleToInt64Bits(Activations.Tanh(x)), BitConverter.DoubleToInt64Bits(value));
        AssertFewUlps(expectedValue, value, $"tanh({x})");
        AssertFewUlps(expectedDerivative, derivative, $"tanh′({x})");
    }

    [Fact]
    public void The_tails_beyond_the_doubles_underflow_to_zero_and_infinities_saturate()
    {
        // σ′(±745) ≈ 2.8·10⁻³²⁴ and tanh′(700) ≈ 3.9·10⁻⁶⁰⁸: below or at the last subnormal.
        Assert.Equal(1.0, Activations.SigmoidWithDerivative(double.PositiveInfinity, out double atPlusInfinity));
        Assert.Equal(0.0, atPlusInfinity);
        Assert.Equal(0.0, Activations.SigmoidWithDerivative(double.NegativeInfinity, out double atMinusInfinity));
        Assert.Equal(0.0, atMinusInfinity);
        Assert.Equal(1.0, Activations.TanhWithDerivative(double.PositiveInfinity, out double tanhAtPlusInfinity));
        Assert.Equal(0.0, tanhAtPlusInfinity);
        Assert.Equal(-1.0, Activations.TanhWithDerivative(double.NegativeInfinity, out double tanhAtMinusInfinity));
        Assert.Equal(0.0, tanhAtMinusInfinity);
        Assert.Equal(1.0, Activations.TanhWithDerivative(700.0, out double tanhAt700));
        Assert.Equal(0.0, tanhAt700);
        Activations.SigmoidWithDerivative(-800.0, out double sigmoidAtMinus800);
        Assert.Equal(0.0, sigmoidAtMinus800);
    }

    [Fact]
    public void Subnormal_inputs_and_zeros_give_the_derivative_at_zero()
    {
        foreach (double z in new[] { 1e-310, -1e-310, double.Epsilon, 0.0, -0.0 })
        {
            Assert.Equal(0.5, Activations.SigmoidWithDerivative(z, out double sigmoidDerivative));
            Assert.Equal(0.25, sigmoidDerivative);
            Assert.Equal(BitConverter.DoubleToInt64Bits(z), BitConverter.DoubleToInt64Bits(Activations.TanhWithDerivative(z, out double tanhDerivative)));
            Assert.Equal(1.0, tanhDerivative);
        }
    }

    [Fact]
    public void NaN_gives_NaN_value_and_derivative()
    {
        Assert.True(double.IsNaN(Activations.SigmoidWithDerivative(double.NaN, out double sigmoidDerivative)));
        Assert.True(double.IsNaN(sigmoidDerivative));
        Assert.True(double.IsNaN(Activations.TanhWithDerivative(double.NaN, out double tanhDerivative)));
        Assert.True(double.IsNaN(tanhDerivative));
    }

    [Fact]
    public void Values_are_the_functions_bit_for_bit_and_derivatives_agree_with_the_derivative_methods()
    {
        var random = new Random(12);
        for (int k = 0; k < 20_000; k++)
        {
            double z = (random.NextDouble() - 0.5) * (k % 4 == 0 ? 1500 : k % 4 == 1 ? 80 : 6);
            double sigmoid = Activations.SigmoidWithDerivative(z, out double sigmoidDerivative);
            Assert.Equal(BitConverter.DoubleToInt64Bits(Activations.Sigmoid(z)), BitConverter.DoubleToInt64Bits(sigmoid));
            double byMethod = Activations.SigmoidDerivative(z, sigmoid);
            Assert.True(Math.Abs(sigmoidDerivative - byMethod) <= 2 * FewUlps * byMethod || byMethod < 1e-300, $"σ′({z:R}): {sigmoidDerivative:R} against {byMethod:R}");

            double tanh = Activations.TanhWithDerivative(z, out double tanhDerivative);
            Assert.Equal(BitConverter.DoubleToInt64Bits(Activations.Tanh(z)), BitConverter.DoubleToInt64Bits(tanh));
            double tanhByMethod = Activations.TanhDerivative(z, tanh);
            Assert.True(Math.Abs(tanhDerivative - tanhByMethod) <= 2 * FewUlps * tanhByMethod || tanhByMethod < 1e-300, $"tanh′({z:R}): {tanhDerivative:R} against {tanhByMethod:R}");
            Assert.True(Math.Abs(tanh - Math.Tanh(z)) <= FewUlps * Math.Abs(Math.Tanh(z)), $"tanh({z:R}): {tanh:R} against Math.Tanh {Math.Tanh(z):R}");
        }
    }

    [Fact]
    public void Float_overloads_round_the_double_results_once()
    {
        foreach (float z in new[] { 0f, 0.3f, -1.7f, 12f, -80f, 80f, 200f, float.NaN })
        {
            float sigmoid = Activations.SigmoidWithDerivative(z, out float sigmoidDerivative);
            Assert.Equal(BitConverter.SingleToInt32Bits(Activations.Sigmoid(z)), BitConverter.SingleToInt32Bits(sigmoid));
            Activations.SigmoidWithDerivative((double)z, out double exact);
            Assert.Equal(BitConverter.SingleToInt32Bits((float)exact), BitConverter.SingleToInt32Bits(sigmoidDerivative));

            float tanh = Activations.TanhWithDerivative(z, out float tanhDerivative);
            Assert.Equal(BitConverter.SingleToInt32Bits(Activations.Tanh(z)), BitConverter.SingleToInt32Bits(tanh));
            Activations.TanhWithDerivative((double)z, out double exactTanh);
            Assert.Equal(BitConverter.SingleToInt32Bits((float)exactTanh), BitConverter.SingleToInt32Bits(tanhDerivative));
        }

        // σ′(±80) = 1.8048513878454153·10⁻³⁵ (mpmath), a normal float, where σ(80) is 1 in float.
        Activations.SigmoidWithDerivative(80f, out float tail);
        Assert.Equal(1.8048514e-35f, tail);
    }
}
