namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// Loops left early, as people write them: <c>break</c> on a condition, <c>continue</c> past an element, a
/// convergence test that stops a fixed-point iteration. Each is lowered to a recorded flag (the loop keeps its bound,
/// later iterations do nothing), so the gradient is that of the iterations that ran.
/// </summary>
public static partial class BreakContinueFunctions
{
    /// <summary>Σ xᵢ² up to (not including) the first negative element.</summary>
    [Differentiable]
    public static double SquaresUntilNegative(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] < 0)
            {
                break;
            }

            s += x[i] * x[i];
        }

        return s;
    }

    /// <summary>Σ xᵢ³ over the positive elements, skipping the others with continue.</summary>
    [Differentiable]
    public static double CubesOfPositives(double[] x)
    {
        double s = 0;
        foreach (double v in x)
        {
            if (v < 0)
            {
                continue;
            }

            s += v * v * v;
        }

        return s;
    }

    /// <summary>
    /// Rows of a matrix, each summed in squares until an element above 1 (an inner break), a row whose sum passes
    /// 1.5 skipped (an outer continue), the rest added as √(s + 1) scaled by w: both kinds of exit in a loop nest.
    /// </summary>
    [Differentiable]
    public static double RowPrefixes(double[] m, double w)
    {
        int columns = 3;
        double total = 0;
        for (int r = 0; r < m.Length / columns; r++)
        {
            double s = 0;
            for (int c = 0; c < columns; c++)
            {
                double v = m[r * columns + c];
                if (v > 1)
                {
                    break;
                }

                s += v * v;
            }

            if (s > 1.5)
            {
                continue;
            }

            total += w * Math.Sqrt(s + 1);
        }

        return total;
    }

    /// <summary>y = cos(a·y) iterated from 1 until two iterates agree to 1e-12: a convergence loop left with break.</summary>
    [Differentiable]
    public static double FixedPoint(double a)
    {
        double y = 1;
        for (int k = 0; k < 200; k++)
        {
            double next = Math.Cos(a * y);
            if (Math.Abs(next - y) < 1e-12)
            {
                y = next;
                break;
            }

            y = next;
        }

        return y;
    }

    /// <summary>A break after an early return's test in the same loop: both flags guard what follows.</summary>
    [Differentiable]
    public static double ReturnOrBreak(double[] x, double limit)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] > limit)
            {
                return s * limit;
            }

            if (x[i] < -limit)
            {
                break;
            }

            s += x[i] * x[i] * limit;
        }

        return s + limit;
    }
}

public class BreakContinueTests
{
    [Fact]
    public void A_break_stops_the_sum_and_the_gradient_at_the_first_negative_element()
    {
        double[] x = { 1.5, -2, 0.5, 3 };
        double[] gradient = new double[4];
        double value = BreakContinueFunctions.SquaresUntilNegative(x);
        Assert.Equal(2.25, value);
        Assert.Equal(value, BreakContinueFunctions.SquaresUntilNegativeWithGradient(x, gradient));
        Assert.Equal(new[] { 3.0, 0, 0, 0 }, gradient); // 2·1.5 for the one element summed, nothing after the break

        double[] positive = { 1, 2, 3 };
        Assert.Equal(14, BreakContinueFunctions.SquaresUntilNegativeWithGradient(positive, gradient.AsSpan(0, 3)));
        Assert.Equal(new[] { 2.0, 4, 6 }, gradient[..3]);
    }

    [Fact]
    public void A_continue_skips_an_element_in_the_value_and_in_the_gradient()
    {
        double[] x = { 1, -2, 2, -0.5 };
        double[] gradient = new double[4];
        Assert.Equal(9, BreakContinueFunctions.CubesOfPositivesWithGradient(x, gradient));
        Assert.Equal(new[] { 3.0, 0, 12, 0 }, gradient); // 3x² where x > 0
    }

    [Fact]
    public void An_inner_break_and_an_outer_continue_in_one_loop_nest_match_the_hand_worked_gradient()
    {
        // Row 0: 0.5, then 2 > 1 breaks: s = 0.25, added as w·√1.25.
        // Row 1: 1, 1, 0.5, none above 1: s = 2.25 > 1.5, skipped by continue.
        // Row 2: 0.2, −0.4, 0.6: s = 0.56, added as w·√1.56.
        double[] m = { 0.5, 2, 0.3, 1, 1, 0.5, 0.2, -0.4, 0.6 };
        double w = 1.5;
        var result = BreakContinueFunctions.RowPrefixesWithGradient(m, w);
        Assert.Equal(w * (Math.Sqrt(1.25) + Math.Sqrt(1.56)), result.Value, 14);
        Assert.Equal(Math.Sqrt(1.25) + Math.Sqrt(1.56), result.W, 14);

        // ∂/∂m of w·√(s + 1) is w·v/√(s + 1) for each v summed into a row that was added; 0 elsewhere.
        double[] expected =
        {
            w * 0.5 / Math.Sqrt(1.25), 0, 0,
            0, 0, 0,
            w * 0.2 / Math.Sqrt(1.56), w * -0.4 / Math.Sqrt(1.56), w * 0.6 / Math.Sqrt(1.56),
        };
        for (int i = 0; i < m.Length; i++)
        {
            Assert.Equal(expected[i], result.M[i], 14);
        }
    }

    [Fact]
    public void Differentiating_a_fixed_point_iteration_left_on_convergence_gives_the_implicit_derivative()
    {
        // At the fixed point y = cos(a·y), differentiating both sides: y' = −sin(a·y)·(y + a·y'), so
        // y' = −y·sin(a·y) / (1 + a·sin(a·y)). The iterates' derivatives converge to it with the iterates.
        foreach (double a in new[] { 0.3, 0.5, 0.9 })
        {
            var result = BreakContinueFunctions.FixedPointWithGradient(a);
            double y = result.Value;
            Assert.True(Math.Abs(y - Math.Cos(a * y)) < 1e-11, $"not converged at a = {a}");
            double implicitDerivative = -y * Math.Sin(a * y) / (1 + a * Math.Sin(a * y));
            Assert.Equal(implicitDerivative, result.A, 9);

            var forward = BreakContinueFunctions.FixedPointWithDerivative(a, 1);
            Assert.Equal(result.Value, forward.Value);
            Assert.Equal(result.A, forward.Derivative, 13);
        }
    }

    [Fact]
    public void A_return_and_a_break_in_one_loop_each_end_the_sum_where_they_should()
    {
        // limit 1: 0.5 is summed, −2 < −1 breaks: s = 0.25 · 1, value s + limit.
        var broken = BreakContinueFunctions.ReturnOrBreakWithGradient(new[] { 0.5, -2, 3 }, 1);
        Assert.Equal(1.25, broken.Value);
        Assert.Equal(new[] { 1.0, 0, 0 }, broken.X); // 2·0.5·limit
        Assert.Equal(0.25 + 1, broken.Limit); // ∂(Σx²·limit + limit)/∂limit

        // limit 1: 0.5 is summed, 3 > 1 returns s·limit = 0.25 · 1 · 1.
        var returned = BreakContinueFunctions.ReturnOrBreakWithGradient(new[] { 0.5, 3, -2 }, 1);
        Assert.Equal(0.25, returned.Value);
        Assert.Equal(new[] { 1.0, 0, 0 }, returned.X); // 2·0.5·limit·limit
        Assert.Equal(0.5, returned.Limit); // ∂(x²·limit²)/∂limit = 2·0.25
    }

    [Theory]
    [InlineData(nameof(BreakContinueFunctions.SquaresUntilNegative))]
    [InlineData(nameof(BreakContinueFunctions.CubesOfPositives))]
    [InlineData(nameof(BreakContinueFunctions.RowPrefixes))]
    [InlineData(nameof(BreakContinueFunctions.FixedPoint))]
    [InlineData(nameof(BreakContinueFunctions.ReturnOrBreak))]
    public void Gradient_matches_central_finite_differences(string methodName) =>
        VectorFiniteDifferenceTests.Check(typeof(BreakContinueFunctions), methodName,
            methodName == nameof(BreakContinueFunctions.RowPrefixes) ? random => new[] { 3 * random.Next(1, 5) } : null);

    [Fact]
    public void Forward_mode_agrees_with_the_reverse_gradient_along_a_direction()
    {
        double[] x = { 0.7, 1.2, -0.3, 0.9 };
        double[] dx = { 0.3, -1, 0.5, 2 };
        double[] gradient = new double[4];
        BreakContinueFunctions.CubesOfPositivesWithGradient(x, gradient);
        var forward = BreakContinueFunctions.CubesOfPositivesWithDerivative(x, dx);
        Assert.Equal(gradient.Zip(dx, (g, d) => g * d).Sum(), forward.Derivative, 13);

        BreakContinueFunctions.SquaresUntilNegativeWithGradient(x, gradient);
        Assert.Equal(gradient.Zip(dx, (g, d) => g * d).Sum(), BreakContinueFunctions.SquaresUntilNegativeWithDerivative(x, dx).Derivative, 13);
    }
}
