using System.Reflection;
using SymbolicDiff;
using Xunit;

namespace SymbolicDiff.Tests.Runtime;

public class ActivationsTests
{
    [Fact]
    public void Sigmoid_of_zero_is_one_half()
    {
        Assert.Equal(0.5, Activations.Sigmoid(0.0));
    }

    [Fact]
    public void Sigmoid_of_large_positive_inputs_is_one()
    {
        // σ(40) = 1 − 4.25e-18, whose nearest double is 1; σ(1000) would overflow e^1000 if computed naively.
        Assert.Equal(1.0, Activations.Sigmoid(40.0));
        Assert.Equal(1.0, Activations.Sigmoid(1000.0));
    }

    [Fact]
    public void Sigmoid_of_minus_40_is_accurate()
    {
        // 1 / (1 + e^40) to 20 digits (python3 decimal module, 50-digit precision): 4.2483542552915889773e-18.
        const double expected = 4.248354255291589e-18;
        double actual = Activations.Sigmoid(-40.0);
        Assert.Equal(expected, actual, expected * 1e-12);
    }

    [Fact]
    public void Sigmoid_of_minus_1000_is_zero_or_tiny_but_not_NaN()
    {
        // The true value, 5.08e-435, is below the smallest double.
        double actual = Activations.Sigmoid(-1000.0);
        Assert.False(double.IsNaN(actual));
        Assert.True(actual >= 0);
        Assert.True(actual < 1e-300);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(2.0)]
    [InlineData(7.5)]
    [InlineData(25.0)]
    public void Sigmoid_is_symmetric(double z)
    {
        Assert.Equal(1.0 - Activations.Sigmoid(z), Activations.Sigmoid(-z), 1e-15);
    }

    [Fact]
    public void Sigmoid_of_NaN_is_NaN()
    {
        Assert.True(double.IsNaN(Activations.Sigmoid(double.NaN)));
    }

    [Fact]
    public void Sigmoid_derivative_at_zero_is_one_quarter()
    {
        Assert.Equal(0.25, Activations.SigmoidDerivative(0.0, Activations.Sigmoid(0.0)));
    }

    [Theory]
    [InlineData(-6.0)]
    [InlineData(-1.5)]
    [InlineData(-0.2)]
    [InlineData(0.0)]
    [InlineData(0.7)]
    [InlineData(3.0)]
    [InlineData(10.0)]
    public void Sigmoid_derivative_matches_central_differences(double z)
    {
        double numerical = FiniteDifference.Central(Activations.Sigmoid, z);
        double declared = Activations.SigmoidDerivative(z, Activations.Sigmoid(z));
        Assert.Equal(numerical, declared, 1e-9);
    }

    [Theory]
    // z, σ′(z) = e^−z / (1 + e^−z)²: python3's decimal module at 40 digits, rounded to 21 digits. Both sides of
    // z = 1, where the formula changes from σ(1 − σ) to σ(z)·σ(−z).
    [InlineData(0.125, 2.49025975013617478782e-01)]
    [InlineData(0.5, 2.35003712201594494591e-01)]
    [InlineData(0.75, 2.17894993761814037558e-01)]
    [InlineData(1.0, 1.96611933241481851020e-01)]
    [InlineData(1.5, 1.49146452070332863338e-01)]
    [InlineData(3.0, 4.51766597309121303860e-02)]
    public void Sigmoid_derivative_is_within_a_few_ulps_on_both_sides_of_one(double z, double expected)
    {
        double declared = Activations.SigmoidDerivative(z, Activations.Sigmoid(z));
        Assert.True(Math.Abs(declared - expected) <= 4 * Math.BitIncrement(expected) - 4 * expected, $"σ'({z}) = {declared:R}, expected {expected:R}");
    }

    [Fact]
    public void Sigmoid_derivative_is_finite_and_non_negative_far_out()
    {
        foreach (double z in new[] { -1000.0, -40.0, 40.0, 1000.0 })
        {
            double d = Activations.SigmoidDerivative(z, Activations.Sigmoid(z));
            Assert.True(double.IsFinite(d) && d >= 0 && d < 1e-17, $"σ'({z}) = {d}");
        }
    }

    [Fact]
    public void Sigmoid_declares_its_derivative()
    {
        var attribute = typeof(Activations).GetMethod(nameof(Activations.Sigmoid), [typeof(double)])!.GetCustomAttribute<DerivativeAttribute>();
        Assert.NotNull(attribute);
        Assert.Null(attribute.Parameter);
        Assert.Equal(nameof(Activations.SigmoidDerivative), attribute.DerivativeMethod);
    }

    // ---- Tanh -------------------------------------------------------------------------------------------

    [Theory]
    // x, tanh(x), 1 − tanh²(x): python3 mpmath at 50 digits (mp.tanh), rounded to 20 digits.
    [InlineData(0.5, 0.4621171572600097585, 0.78644773296592741015)]
    [InlineData(-1.3, -0.86172315931330636429, 0.25743319670309401895)]
    [InlineData(3.0, 0.99505475368673045133, 0.0098660371654401912732)]
    public void Tanh_and_its_derivative_match_independent_values(double x, double expected, double expectedDerivative)
    {
        double tanh = Activations.Tanh(x);
        Assert.Equal(expected, tanh, Math.Abs(expected) * 1e-15);
        Assert.Equal(expectedDerivative, Activations.TanhDerivative(x, tanh), Math.Abs(expectedDerivative) * 1e-13);
    }

    [Fact]
    public void Tanh_of_zero_is_zero_with_derivative_one()
    {
        Assert.Equal(0.0, Activations.Tanh(0.0));
        Assert.Equal(1.0, Activations.TanhDerivative(0.0, Activations.Tanh(0.0)));
    }

    [Theory]
    [InlineData(-4.0)]
    [InlineData(-0.9)]
    [InlineData(0.0)]
    [InlineData(0.35)]
    [InlineData(2.2)]
    public void Tanh_derivative_matches_central_differences(double x)
    {
        Assert.Equal(FiniteDifference.Central(Activations.Tanh, x), Activations.TanhDerivative(x, Activations.Tanh(x)), 1e-9);
    }

    [Fact]
    public void Tanh_saturates_without_overflow_and_propagates_NaN()
    {
        // tanh(±1000) = ±(1 − 2e^−2000...), which rounds to ±1; the derivative 4e^−2000/(1 + e^−2000)² underflows to exactly 0.
        Assert.Equal(1.0, Activations.Tanh(1000.0));
        Assert.Equal(-1.0, Activations.Tanh(-1000.0));
        Assert.Equal(0.0, Activations.TanhDerivative(1000.0, Activations.Tanh(1000.0)));
        Assert.Equal(0.0, Activations.TanhDerivative(-1000.0, Activations.Tanh(-1000.0)));
        Assert.True(double.IsNaN(Activations.Tanh(double.NaN)));
        Assert.True(double.IsNaN(Activations.TanhDerivative(double.NaN, Activations.Tanh(double.NaN))));
    }

    // ---- Relu and LeakyRelu -----------------------------------------------------------------------------

    [Theory]
    // x, relu(x), relu'(x): by definition; at the kink x = 0 the derivative is PyTorch's 0.
    [InlineData(2.5, 2.5, 1.0)]
    [InlineData(1e-300, 1e-300, 1.0)]
    [InlineData(0.0, 0.0, 0.0)]
    [InlineData(-1e-300, 0.0, 0.0)]
    [InlineData(-3.0, 0.0, 0.0)]
    [InlineData(1000.0, 1000.0, 1.0)]
    [InlineData(-1000.0, 0.0, 0.0)]
    [InlineData(double.PositiveInfinity, double.PositiveInfinity, 1.0)]
    [InlineData(double.NegativeInfinity, 0.0, 0.0)]
    public void Relu_values_and_kink_convention(double x, double expected, double expectedDerivative)
    {
        Assert.Equal(expected, Activations.Relu(x));
        Assert.Equal(expectedDerivative, Activations.ReluDerivative(x));
    }

    [Fact]
    public void Relu_of_negative_zero_is_zero_with_derivative_zero()
    {
        // xunit treats 0.0 and −0.0 as the same InlineData, hence a test of its own.
        Assert.Equal(0.0, Activations.Relu(-0.0));
        Assert.Equal(0.0, Activations.ReluDerivative(-0.0));
    }

    [Fact]
    public void Relu_propagates_NaN_in_value_and_derivative()
    {
        Assert.True(double.IsNaN(Activations.Relu(double.NaN)));
        Assert.True(double.IsNaN(Activations.ReluDerivative(double.NaN)));
    }

    [Theory]
    [InlineData(-2.0)]
    [InlineData(-0.1)]
    [InlineData(0.1)]
    [InlineData(3.0)]
    public void Relu_derivative_matches_central_differences_away_from_the_kink(double x)
    {
        Assert.Equal(FiniteDifference.Central(Activations.Relu, x), Activations.ReluDerivative(x), 1e-9);
    }

    [Theory]
    // x, slope, leaky_relu(x), ∂/∂x: by definition (x > 0 ? x : slope·x); at x = 0 the derivative is the slope, as PyTorch.
    [InlineData(2.0, 0.01, 2.0, 1.0)]
    [InlineData(-2.0, 0.01, -0.02, 0.01)]
    [InlineData(0.0, 0.01, 0.0, 0.01)]
    [InlineData(-4.0, 0.25, -1.0, 0.25)]
    [InlineData(0.0, 0.25, 0.0, 0.25)]
    [InlineData(-1000.0, 0.01, -10.0, 0.01)]
    [InlineData(1000.0, 0.01, 1000.0, 1.0)]
    public void LeakyRelu_values_and_kink_convention(double x, double slope, double expected, double expectedDerivative)
    {
        Assert.Equal(expected, Activations.LeakyRelu(x, slope), 1e-15);
        Assert.Equal(expectedDerivative, Activations.LeakyReluDerivative(x, slope));
    }

    [Fact]
    public void LeakyRelu_default_slope_is_PyTorchs_0_01()
    {
        Assert.Equal(-0.03, Activations.LeakyRelu(-3.0), 1e-17);
        var slope = typeof(Activations).GetMethod(nameof(Activations.LeakyRelu), [typeof(double), typeof(double)])!.GetParameters()[1];
        Assert.Equal("negativeSlope", slope.Name);
        Assert.Equal(0.01, slope.DefaultValue);
    }

    [Fact]
    public void LeakyRelu_propagates_NaN_in_value_and_derivative()
    {
        Assert.True(double.IsNaN(Activations.LeakyRelu(double.NaN)));
        Assert.True(double.IsNaN(Activations.LeakyReluDerivative(double.NaN, 0.01)));
    }

    [Theory]
    [InlineData(-2.0, 0.01)]
    [InlineData(-0.1, 0.3)]
    [InlineData(0.1, 0.01)]
    [InlineData(3.0, 0.2)]
    public void LeakyRelu_derivative_matches_central_differences_away_from_the_kink(double x, double slope)
    {
        Assert.Equal(FiniteDifference.Central(v => Activations.LeakyRelu(v, slope), x), Activations.LeakyReluDerivative(x, slope), 1e-9);
    }

    // ---- Softplus ---------------------------------------------------------------------------------------

    [Theory]
    // x, softplus(x) = ln(1 + e^x): python3 mpmath at 50 digits, mp.log(1 + mp.exp(x)), rounded to 20 digits.
    [InlineData(0.0, 0.69314718055994530942)]
    [InlineData(1.5, 1.7014132779827524095)]
    [InlineData(-2.0, 0.12692801104297249644)]
    [InlineData(0.001, 0.69364730555994010108)]
    [InlineData(-30.0, 9.3576229688397367794e-14)]
    [InlineData(-40.0, 4.2483542552915889863e-18)] // ln(1 + e^−40) would round 1 + e^−40 to 1 and give 0: log1p keeps it
    public void Softplus_matches_independent_values(double x, double expected)
    {
        Assert.Equal(expected, Activations.Softplus(x), expected * 2e-15);
    }

    [Fact]
    public void Softplus_is_stable_at_plus_and_minus_1000()
    {
        // softplus(1000) = 1000 + ln(1 + e^−1000) rounds to 1000 (naively e^1000 overflows to ∞);
        // softplus(−1000) = 5.08e-435 underflows to 0 (not NaN).
        Assert.Equal(1000.0, Activations.Softplus(1000.0));
        Assert.Equal(0.0, Activations.Softplus(-1000.0));
        Assert.Equal(40.0, Activations.Softplus(40.0)); // 40 + 4.2e-18 rounds to 40
        Assert.Equal(1.0, Activations.SoftplusDerivative(1000.0));
        Assert.Equal(0.0, Activations.SoftplusDerivative(-1000.0), 1e-300);
    }

    [Fact]
    public void Softplus_propagates_NaN()
    {
        Assert.True(double.IsNaN(Activations.Softplus(double.NaN)));
        Assert.True(double.IsNaN(Activations.SoftplusDerivative(double.NaN)));
    }

    [Theory]
    // x, σ(x) = softplus'(x): python3 mpmath at 50 digits, 1 / (1 + mp.exp(−x)).
    [InlineData(0.0, 0.5)]
    [InlineData(1.5, 0.81757447619364365961)]
    [InlineData(-2.0, 0.11920292202211755594)]
    public void Softplus_derivative_is_the_sigmoid(double x, double expected)
    {
        Assert.Equal(expected, Activations.SoftplusDerivative(x), 1e-15);
    }

    [Theory]
    [InlineData(-8.0)]
    [InlineData(-1.0)]
    [InlineData(0.0)]
    [InlineData(0.6)]
    [InlineData(12.0)]
    public void Softplus_derivative_matches_central_differences(double x)
    {
        Assert.Equal(FiniteDifference.Central(Activations.Softplus, x), Activations.SoftplusDerivative(x), 1e-9);
    }

    [Theory]
    [InlineData(nameof(Activations.Tanh), nameof(Activations.TanhDerivative))]
    [InlineData(nameof(Activations.Relu), nameof(Activations.ReluDerivative))]
    [InlineData(nameof(Activations.Softplus), nameof(Activations.SoftplusDerivative))]
    public void New_activations_declare_their_derivatives(string function, string derivative)
    {
        var attribute = typeof(Activations).GetMethod(function, [typeof(double)])!.GetCustomAttribute<DerivativeAttribute>();
        Assert.NotNull(attribute);
        Assert.Null(attribute.Parameter);
        Assert.Equal(derivative, attribute.DerivativeMethod);
    }

    [Fact]
    public void LeakyRelu_declares_a_partial_for_x_only()
    {
        var attribute = Assert.Single(typeof(Activations).GetMethod(nameof(Activations.LeakyRelu), [typeof(double), typeof(double)])!.GetCustomAttributes<DerivativeAttribute>());
        Assert.Equal("x", attribute.Parameter);
        Assert.Equal(nameof(Activations.LeakyReluDerivative), attribute.DerivativeMethod);
    }
}
