namespace SymbolicDiff.Tests.Generator.Integers;

/// <summary>Integer parameters assigned inside a loop: copied into a local of the method's own, then integer locals like any other.</summary>
public static partial class IntegerParameterInLoopFunctions
{
    /// <summary>xⁿ by counting the parameter down: a step of n in an uncounted loop.</summary>
    [Differentiable]
    public static double Countdown(double x, int n)
    {
        double y = 1;
        while (n > 0)
        {
            y *= x;
            n--;
        }

        return y;
    }

    /// <summary>Σ over six Collatz steps of nₖ·x²: n assigned (not stepped) in a counted loop, and read as a factor.</summary>
    [Differentiable]
    public static double Collatz(double x, int n)
    {
        double y = 0;
        for (int i = 0; i < 6; i++)
        {
            n = n % 2 == 0 ? n / 2 : 3 * n + 1;
            y += n * x * x;
        }

        return y;
    }

    /// <summary>Σ (i + 1)·v[start + i mod n]: the parameter is a cyclic index the backward sweep reads, restored per iteration.</summary>
    [Differentiable]
    public static double Cyclic(ReadOnlySpan<double> v, int start)
    {
        double s = 0;
        for (int i = 0; i < v.Length; i++)
        {
            s += v[start] * (i + 1);
            start = (start + 1) % v.Length;
        }

        return s;
    }
}

public class IntegerParameterInLoopTests
{
    private const double H = 1e-6;

    private static double Central(Func<double, double> f, double x) => (f(x + H) - f(x - H)) / (2 * H);

    [Theory]
    // x³ = 3.375, 3x² = 6.75; x⁰ = 1, 0; x⁵ at 2 = 32, 5x⁴ = 80.
    [InlineData(1.5, 3, 3.375, 6.75)]
    [InlineData(1.5, 0, 1.0, 0.0)]
    [InlineData(2.0, 5, 32.0, 80.0)]
    public void A_parameter_counted_down_in_a_loop(double x, int n, double value, double derivative)
    {
        var gradient = IntegerParameterInLoopFunctions.CountdownWithGradient(x, n);
        Assert.Equal((value, derivative), (gradient.Value, gradient.X));
        Assert.True(Math.Abs(Central(p => IntegerParameterInLoopFunctions.Countdown(p, n), x) - derivative) < 1e-6);
        Assert.Equal(derivative, IntegerParameterInLoopFunctions.CountdownWithDerivative(x, n, 1).Derivative);
    }

    [Fact]
    public void A_parameter_assigned_in_a_counted_loop()
    {
        // n = 3: 10, 5, 16, 8, 4, 2, summing to 45: y = 45x² = 180 at x = 2, ∂/∂x = 90x = 180.
        var gradient = IntegerParameterInLoopFunctions.CollatzWithGradient(2, 3);
        Assert.Equal((180.0, 180.0), (gradient.Value, gradient.X));
        Assert.True(Math.Abs(Central(p => IntegerParameterInLoopFunctions.Collatz(p, 3), 2) - 180) < 1e-6);
        Assert.Equal(180, IntegerParameterInLoopFunctions.CollatzWithDerivative(2, 3, 1).Derivative);
    }

    [Fact]
    public void A_parameter_used_as_a_cyclic_index_is_restored_for_the_backward_sweep()
    {
        // start = 1 over (1, 2, 3): 1·v1 + 2·v2 + 3·v0 = 2 + 6 + 3 = 11; ∂/∂v = (3, 1, 2).
        double[] v = { 1, 2, 3 };
        var gradient = new double[3];
        Assert.Equal(11, IntegerParameterInLoopFunctions.CyclicWithGradient(v, 1, gradient));
        Assert.Equal(new[] { 3.0, 1, 2 }, gradient);
        double[] direction = { 1, -1, 2 };
        Assert.Equal(3 - 1 + 4, IntegerParameterInLoopFunctions.CyclicWithDerivative(v, 1, direction).Derivative);
    }
}
