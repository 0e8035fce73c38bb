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
        var attribute = typeof(Activations).GetMethod(nameof(Activations.Sigmoid))!.GetCustomAttribute<DerivativeAttribute>();
        Assert.NotNull(attribute);
        Assert.Null(attribute.Parameter);
        Assert.Equal(nameof(Activations.SigmoidDerivative), attribute.DerivativeMethod);
    }
}
