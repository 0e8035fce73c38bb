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

    private static double[] ToDouble(float[] values) => values.Select(v => (double)v).ToArray();
}
