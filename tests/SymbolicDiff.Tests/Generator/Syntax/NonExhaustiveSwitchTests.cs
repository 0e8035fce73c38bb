using System.Runtime.CompilerServices;

namespace SymbolicDiff.Tests.Generator.Syntax;

// The point of these methods: switch expressions that do not end with '_ =>' (CS8509 where they miss a value).
#pragma warning disable CS8509

/// <summary>Switch expressions without a final <c>_ =&gt;</c> arm.</summary>
public static partial class NonExhaustiveSwitchFunctions
{
    /// <summary>No arm for k outside 0..2: C# throws SwitchExpressionException there, and so does the gradient.</summary>
    [Differentiable]
    public static double Shape(double x, int k) => k switch { 0 => x * x, 1 => Math.Sin(x), 2 => 3 * x };

    /// <summary>true and false cover every bool: exhaustive, so no throw is needed.</summary>
    [Differentiable]
    public static double ByComparison(double x, double y) => (x > y) switch { true => x * y, false => x + y };

    /// <summary>&lt; 0 and &gt;= 0 miss NaN only: NaN throws, as in C#.</summary>
    [Differentiable]
    public static double Signed(double x) => x switch { < 0 => -x * x, >= 0 => x * x * x };

    /// <summary>In a loop, over an integer, and an integer switch expression without a default.</summary>
    [Differentiable(nameof(v))]
    public static double Weighted(double[] v, int k)
    {
        double s = 0;
        for (int i = 0; i < v.Length; i++)
        {
            s += (i % 3) switch { 0 => v[i], 1 => 2 * v[i], 2 => v[i] * v[i] };
        }

        int m = k switch { 0 => 2, 1 => 3 };
        return s * m;
    }
}

#pragma warning restore CS8509

public class NonExhaustiveSwitchTests
{
    private const double H = 1e-6;

    private static double Central(Func<double, double> f, double x) => (f(x + H) - f(x - H)) / (2 * H);

    [Theory]
    // k = 0: x² = 9, 2x = 6. k = 1: sin 3, cos 3. k = 2: 3x = 9, 3.
    [InlineData(3.0, 0, 9.0, 6.0)]
    [InlineData(3.0, 2, 9.0, 3.0)]
    public void A_switch_expression_without_a_default_arm_is_differentiated_arm_by_arm(double x, int k, double value, double derivative)
    {
        var gradient = NonExhaustiveSwitchFunctions.ShapeWithGradient(x, k);
        Assert.Equal(value, gradient.Value);
        Assert.Equal(derivative, gradient.X);
        Assert.True(Math.Abs(Central(p => NonExhaustiveSwitchFunctions.Shape(p, k), x) - derivative) < 1e-7);
        Assert.Equal(derivative, NonExhaustiveSwitchFunctions.ShapeWithDerivative(x, k, 1).Derivative);

        var sine = NonExhaustiveSwitchFunctions.ShapeWithGradient(x, 1);
        Assert.Equal(Math.Sin(x), sine.Value);
        Assert.Equal(Math.Cos(x), sine.X, 15);
    }

    [Fact]
    public void A_value_no_arm_matches_throws_SwitchExpressionException_as_the_method_does()
    {
        Assert.Throws<SwitchExpressionException>(() => NonExhaustiveSwitchFunctions.Shape(3, 5));
        Assert.Throws<SwitchExpressionException>(() => NonExhaustiveSwitchFunctions.ShapeWithGradient(3, 5));
        Assert.Throws<SwitchExpressionException>(() => NonExhaustiveSwitchFunctions.ShapeWithDerivative(3, -1, 1));
        Assert.Throws<SwitchExpressionException>(() => NonExhaustiveSwitchFunctions.SignedWithGradient(double.NaN));
        Assert.Throws<SwitchExpressionException>(() => NonExhaustiveSwitchFunctions.WeightedWithGradient(new[] { 1.0 }, 2, new double[1]));
    }

    [Theory]
    // x > y: xy = 6, ∂/∂x = y = 2, ∂/∂y = x = 3. Else x + y = 3, 1 and 1.
    [InlineData(3.0, 2.0, 6.0, 2.0, 3.0)]
    [InlineData(1.0, 2.0, 3.0, 1.0, 1.0)]
    public void A_switch_over_true_and_false_is_exhaustive(double x, double y, double value, double dX, double dY)
    {
        var gradient = NonExhaustiveSwitchFunctions.ByComparisonWithGradient(x, y);
        Assert.Equal((value, dX, dY), (gradient.Value, gradient.X, gradient.Y));
        Assert.True(Math.Abs(Central(p => NonExhaustiveSwitchFunctions.ByComparison(p, y), x) - dX) < 1e-7);
        Assert.True(Math.Abs(Central(p => NonExhaustiveSwitchFunctions.ByComparison(x, p), y) - dY) < 1e-7);
        Assert.Equal(dX - dY, NonExhaustiveSwitchFunctions.ByComparisonWithDerivative(x, y, 1, -1).Derivative);
    }

    [Theory]
    // x < 0: −x² = −4, −2x = 4. x ≥ 0: x³ = 8, 3x² = 12.
    [InlineData(-2.0, -4.0, 4.0)]
    [InlineData(2.0, 8.0, 12.0)]
    public void Relational_arms_that_miss_only_NaN(double x, double value, double derivative)
    {
        var gradient = NonExhaustiveSwitchFunctions.SignedWithGradient(x);
        Assert.Equal((value, derivative), (gradient.Value, gradient.X));
        Assert.True(Math.Abs(Central(NonExhaustiveSwitchFunctions.Signed, x) - derivative) < 1e-6);
        Assert.Equal(derivative, NonExhaustiveSwitchFunctions.SignedWithDerivative(x, 1).Derivative);
    }

    [Fact]
    public void In_a_loop_and_over_integers()
    {
        // m = 3 (k = 1); s = v0 + 2·v1 + v2² + v3 = 1 + 4 + 9 + 4 = 18: 54; ∂/∂v = 3·(1, 2, 2·v2, 1) = (3, 6, 18, 3).
        double[] v = { 1, 2, 3, 4 };
        var gradient = new double[4];
        Assert.Equal(54, NonExhaustiveSwitchFunctions.WeightedWithGradient(v, 1, gradient));
        Assert.Equal(new[] { 3.0, 6, 18, 3 }, gradient);
        double[] direction = { 1, 0, -1, 2 };
        Assert.Equal(3 - 18 + 6, NonExhaustiveSwitchFunctions.WeightedWithDerivative(v, 1, direction).Derivative);
    }
}
