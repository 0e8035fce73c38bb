using SymbolicDiff;

namespace SymbolicDiff.Tests.Generator.Syntax;

/// <summary>
/// <see cref="SyntaxModels"/> checked two ways in each kind of generated method: against derivatives worked out by hand
/// (in the comments and the data), and against central finite differences of the method itself; reverse mode
/// (<c>MWithGradient</c>), forward mode (<c>MWithDerivative</c>) and, where the model opts in, second order.
/// </summary>
public class SyntaxTests
{
    private const double H = 1e-6;

    private static double Central(Func<double, double> f, double x) => (f(x + H) - f(x - H)) / (2 * H);

    private static double[] Central(Func<double[], double> f, double[] x)
    {
        var gradient = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            var plus = (double[])x.Clone();
            var minus = (double[])x.Clone();
            plus[i] += H;
            minus[i] -= H;
            gradient[i] = (f(plus) - f(minus)) / (2 * H);
        }

        return gradient;
    }

    private static void Close(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");

    private static void Close(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Close(expected[i], actual[i], tolerance, $"{what}[{i}]");
        }
    }

    /// <summary>A scalar model checked in every sweep: value, f′ by hand and by finite differences, forward mode, f″ by hand and by finite differences of the gradient.</summary>
    private static void CheckScalar(
        Func<double, double> f,
        Func<double, (double Value, double X)> gradient,
        Func<double, double, (double Value, double Derivative)> forward,
        Func<double, double>? second,
        double x, double value, double derivative, double secondDerivative)
    {
        var (v, g) = gradient(x);
        Close(value, v, 1e-12, "value");
        Close(value, f(x), 1e-12, "the method itself");
        Close(derivative, g, 1e-12, "f′ by hand");
        Close(derivative, Central(f, x), 1e-6, "f′ by finite differences");

        var (forwardValue, tangent) = forward(x, -2.0);
        Close(value, forwardValue, 1e-12, "forward value");
        Close(-2 * derivative, tangent, 1e-12, "forward mode along −2");

        if (second is not null)
        {
            Close(secondDerivative, second(x), 1e-10, "f″ by hand");
            Close(secondDerivative, Central(p => gradient(p).X, x), 1e-5, "f″ by finite differences of the gradient");
        }
    }

    // ---- switch ----

    [Theory]
    // k = 0: x², 2x, 2.
    [InlineData(1.5, 0, 2.25, 3.0, 2.0)]
    // k = 1: sin x, cos x, −sin x; k = 2: 2 sin x, 2 cos x, −2 sin x.
    [InlineData(0.7, 1, 0.644217687237691, 0.764842187284489, -0.644217687237691)]
    [InlineData(0.7, 2, 1.288435374475382, 1.529684374568978, -1.288435374475382)]
    // k < 0 and x > 0: −x³, −3x², −6x.
    [InlineData(2.0, -1, -8.0, -12.0, -12.0)]
    // k < 0 but x < 0: the guard fails, default 3x.
    [InlineData(-2.0, -1, -6.0, 3.0, 0.0)]
    // k = 5: default.
    [InlineData(0.5, 5, 1.5, 3.0, 0.0)]
    public void A_switch_statement_differentiates_the_section_taken(double x, int k, double value, double derivative, double second)
    {
        CheckScalar(
            p => SyntaxModels.Piecewise(p, k),
            p => { var g = SyntaxModels.PiecewiseWithGradient(p, k); return (g.Value, g.X); },
            (p, d) => SyntaxModels.PiecewiseWithDerivative(p, k, d),
            p => SyntaxModels.PiecewiseWithHessian(p, k).Hessian[0, 0],
            x, value, derivative, second);
    }

    [Theory]
    [InlineData(1.5, 0, 2.25, 3.0, 2.0)]
    [InlineData(0.7, 1, 0.644217687237691, 0.764842187284489, -0.644217687237691)]
    [InlineData(0.7, 7, 0.7, 1.0, 0.0)]
    public void A_switch_expression_over_an_integer_is_nested_conditionals(double x, int k, double value, double derivative, double second)
    {
        CheckScalar(
            p => SyntaxModels.Chosen(p, k),
            p => { var g = SyntaxModels.ChosenWithGradient(p, k); return (g.Value, g.X); },
            (p, d) => SyntaxModels.ChosenWithDerivative(p, k, d),
            p => SyntaxModels.ChosenWithHessian(p, k).Hessian[0, 0],
            x, value, derivative, second);
    }

    [Theory]
    // x < 0: 0.1x; [0, 1): x²; from 1: 2x − 1.
    [InlineData(-3.0, -0.3, 0.1, 0.0)]
    [InlineData(0.5, 0.25, 1.0, 2.0)]
    [InlineData(2.5, 4.0, 2.0, 0.0)]
    public void A_switch_expression_over_a_real_reads_relational_and_and_patterns(double x, double value, double derivative, double second)
    {
        CheckScalar(
            SyntaxModels.Ramp,
            p => { var g = SyntaxModels.RampWithGradient(p); return (g.Value, g.X); },
            SyntaxModels.RampWithDerivative,
            p => SyntaxModels.RampWithHessian(p).Hessian[0, 0],
            x, value, derivative, second);
    }

    [Theory]
    // sign(k)·x², doubled or not: k = 3, doubled: 2x², 4x, 4; k = −2: −x², −2x, −2; k = 0: 0.
    [InlineData(1.5, 3, true, 4.5, 6.0, 4.0)]
    [InlineData(1.5, -2, false, -2.25, -3.0, -2.0)]
    [InlineData(1.5, -2, true, -4.5, -6.0, -4.0)]
    [InlineData(1.5, 0, true, 0.0, 0.0, 0.0)]
    public void An_integer_switch_expression_and_a_bool_switch(double x, int k, bool doubled, double value, double derivative, double second)
    {
        CheckScalar(
            p => SyntaxModels.Signed(p, k, doubled),
            p => { var g = SyntaxModels.SignedWithGradient(p, k, doubled); return (g.Value, g.X); },
            (p, d) => SyntaxModels.SignedWithDerivative(p, k, doubled, d),
            p => SyntaxModels.SignedWithHessian(p, k, doubled).Hessian[0, 0],
            x, value, derivative, second);
    }

    [Fact]
    public void A_switch_in_a_loop_with_continue_differentiates_each_iterations_section()
    {
        // kind 0, 1, 2, 3 at x = (1.5, 2, −0.5, 0.25): s = x0² + ½x0 = 3; s = 3·x1 + ½x1 = 7; skipped; s = 7 + e^0.25 + 0.125.
        // ∂/∂x0 = (2x0 + ½)·x1 = 7, ∂/∂x1 = 3 + ½ = 3.5, ∂/∂x2 = 0, ∂/∂x3 = e^0.25 + ½.
        double[] x = { 1.5, 2, -0.5, 0.25 };
        int[] kind = { 0, 1, 2, 3 };
        var dX = new double[4];
        double value = SyntaxModels.MixedWithGradient(x, kind, dX);
        Close(7 + Math.Exp(0.25) + 0.125, value, 1e-12, "value");
        double[] byHand = { 7, 3.5, 0, Math.Exp(0.25) + 0.5 };
        Close(byHand, dX, 1e-12, "gradient by hand");
        Close(Central(v => SyntaxModels.Mixed(v, kind), x), dX, 1e-6, "finite differences");

        double[] direction = { 1, -1, 2, 0.5 };
        var (forwardValue, derivative) = SyntaxModels.MixedWithDerivative(x, kind, direction);
        Close(value, forwardValue, 1e-12, "forward value");
        Close(byHand.Zip(direction, (g, d) => g * d).Sum(), derivative, 1e-12, "forward mode");
    }

    // ---- do loops ----

    [Theory]
    // n = 3: x³, 3x², 6x. n = 1: x, 1, 0. n = 0 and n = −2: the body runs once, so x, 1, 0 again.
    [InlineData(1.5, 3, 3.375, 6.75, 9.0)]
    [InlineData(1.5, 1, 1.5, 1.0, 0.0)]
    [InlineData(1.5, 0, 1.5, 1.0, 0.0)]
    [InlineData(1.5, -2, 1.5, 1.0, 0.0)]
    public void A_do_loop_runs_its_body_at_least_once(double x, int n, double value, double derivative, double second)
    {
        CheckScalar(
            p => SyntaxModels.Repeated(p, n),
            p => { var g = SyntaxModels.RepeatedWithGradient(p, n); return (g.Value, g.X); },
            (p, d) => SyntaxModels.RepeatedWithDerivative(p, n, d),
            p => SyntaxModels.RepeatedWithHessian(p, n).Hessian[0, 0],
            x, value, derivative, second);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)] // the last element only: the do loop's one iteration
    public void A_do_loop_over_a_span(int start)
    {
        double[] x = { 0.5, -1.5, 2.0, 3.0 };
        var dX = new double[4];
        double value = SyntaxModels.TailWithGradient(x, start, dX);
        double[] byHand = x.Select((v, i) => i >= start ? 2 * v : 0).ToArray();
        Close(x.Skip(start).Sum(v => v * v), value, 1e-12, "value");
        Close(byHand, dX, 1e-12, "gradient by hand");
        Close(Central(v => SyntaxModels.Tail(v, start), x), dX, 1e-6, "finite differences");

        double[] direction = { 1, 2, -1, 0.5 };
        Close(byHand.Zip(direction, (g, d) => g * d).Sum(), SyntaxModels.TailWithDerivative(x, start, direction).Derivative, 1e-12, "forward mode");

        var hessian = new double[16];
        SyntaxModels.TailHessian(x, start, hessian);
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                Close(i == j && i >= start ? 2 : 0, hessian[i * 4 + j], 1e-12, $"∂²/∂x{i}∂x{j}");
            }
        }
    }

    // ---- integer locals assigned in a loop ----

    [Theory]
    // q = 1.9: the nearest is x2 = 2 (distance² 0.01): value 0.01 + 2; ∂/∂x2 = 2(x2 − q) + 1 = 1.2, ∂/∂q = −2(x2 − q) = −0.2.
    [InlineData(1.9, 2, 2.01, 1.2, -0.2)]
    // q = −0.8: the nearest is x0 = −1 (distance² 0.04): value 0.04 − 1; ∂/∂x0 = 2(−0.2) + 1 = 0.6, ∂/∂q = 0.4.
    [InlineData(-0.8, 0, -0.96, 0.6, 0.4)]
    public void The_arg_min_index_assigned_in_a_loop_selects_the_element_differentiated(double q, int nearest, double value, double dNearest, double dQ)
    {
        double[] x = { -1, 0.5, 2, 4 };
        var dX = new double[4];
        double computed = SyntaxModels.NearestWithGradient(x, q, dX, out double gradientQ);
        Close(value, computed, 1e-12, "value");
        var byHand = new double[4];
        byHand[nearest] = dNearest;
        Close(byHand, dX, 1e-12, "∂/∂x by hand");
        Close(dQ, gradientQ, 1e-12, "∂/∂q by hand");
        Close(Central(v => SyntaxModels.Nearest(v, q), x), dX, 1e-6, "∂/∂x by finite differences");
        Close(Central(p => SyntaxModels.Nearest(x, p), q), gradientQ, 1e-6, "∂/∂q by finite differences");

        double[] direction = { 1, -1, 0.5, 2 };
        var (forwardValue, derivative) = SyntaxModels.NearestWithDerivative(x, q, direction, 3.0);
        Close(value, forwardValue, 1e-12, "forward value");
        Close(dNearest * direction[nearest] + 3 * dQ, derivative, 1e-12, "forward mode");

        // Second order: (x_b − q)² + x_b has ∂²/∂x_b² = 2, ∂²/∂x_b∂q = −2, ∂²/∂q² = 2, all else 0.
        var hessian = new double[25];
        SyntaxModels.NearestHessian(x, q, hessian);
        var expected = new double[25];
        expected[nearest * 5 + nearest] = 2;
        expected[nearest * 5 + 4] = expected[4 * 5 + nearest] = -2;
        expected[24] = 2;
        Close(expected, hessian, 1e-10, "Hessian by hand");
    }

    [Fact]
    public void A_cyclic_index_and_a_counter_assigned_in_a_loop_are_restored_for_each_iteration_of_the_backward_sweep()
    {
        // x = (1, −2, 3), step 2, 4 rounds: idx runs 0, 2, 1, 0 and count before each round 0, 1, 1, 2 (then 3):
        // s = 1·x0² + 2·x2² + 2·x1² + 3·x0² = 1 + 18 + 8 + 3 = 30, value 33.
        // ∂/∂x0 = 2·1·x0 + 2·3·x0 = 8, ∂/∂x1 = 2·2·x1 = −8, ∂/∂x2 = 2·2·x2 = 12.
        double[] x = { 1, -2, 3 };
        var dX = new double[3];
        double value = SyntaxModels.CyclicWithGradient(x, 2, 4, dX);
        Close(33, value, 1e-12, "value");
        Close(new double[] { 8, -8, 12 }, dX, 1e-12, "gradient by hand");
        Close(Central(v => SyntaxModels.Cyclic(v, 2, 4), x), dX, 1e-6, "finite differences");

        double[] direction = { 0.5, 1, -1 };
        var (forwardValue, derivative) = SyntaxModels.CyclicWithDerivative(x, 2, 4, direction);
        Close(33, forwardValue, 1e-12, "forward value");
        Close(4 - 8 - 12, derivative, 1e-12, "forward mode");
    }

    [Theory]
    // n = 3: x(x + 1)²(x − 1) = x⁴ + x³ − x² − x; f′ = 4x³ + 3x² − 2x − 1; f″ = 12x² + 6x − 2.
    [InlineData(1.5, 3, 4.6875, 16.25, 34.0)]
    // n = 2: x(x + 1)(x − 1) = x³ − x; f′ = 3x² − 1; f″ = 6x.
    [InlineData(-0.5, 2, 0.375, -0.25, -3.0)]
    // n = 0: x.
    [InlineData(2.0, 0, 2.0, 1.0, 0.0)]
    public void A_sign_flipped_by_assignment_in_a_loop_is_read_by_each_iterations_partial(double x, int n, double value, double derivative, double second)
    {
        CheckScalar(
            p => SyntaxModels.Alternating(p, n),
            p => { var g = SyntaxModels.AlternatingWithGradient(p, n); return (g.Value, g.X); },
            (p, d) => SyntaxModels.AlternatingWithDerivative(p, n, d),
            p => SyntaxModels.AlternatingWithHessian(p, n).Hessian[0, 0],
            x, value, derivative, second);
    }

    [Fact]
    public void An_arg_max_declared_in_the_row_loop_and_assigned_in_the_column_loop_is_restored_for_each_row()
    {
        // Rows (1, 3, 2) and (−1, −4, 0.5): the maxima are x1 = 3 and x5 = 0.5, total 9.25; ∂/∂x1 = 6, ∂/∂x5 = 1, the rest 0.
        double[] x = { 1, 3, 2, -1, -4, 0.5 };
        var dX = new double[6];
        double value = SyntaxModels.RowMaxSquaresWithGradient(x, 3, dX);
        double[] byHand = { 0, 6, 0, 0, 0, 1 };
        Close(9.25, value, 1e-12, "value");
        Close(byHand, dX, 1e-12, "gradient by hand");
        Close(Central(v => SyntaxModels.RowMaxSquares(v, 3), x), dX, 1e-6, "finite differences");

        double[] direction = { 1, 2, 3, 4, 5, 6 };
        Close(12 + 6, SyntaxModels.RowMaxSquaresWithDerivative(x, 3, direction).Derivative, 1e-12, "forward mode");

        // ∂²/∂x1² = ∂²/∂x5² = 2, every other second derivative 0.
        var hessian = new double[36];
        SyntaxModels.RowMaxSquaresHessian(x, 3, hessian);
        var expected = new double[36];
        expected[1 * 6 + 1] = expected[5 * 6 + 5] = 2;
        Close(expected, hessian, 1e-12, "Hessian by hand");
    }

    [Theory]
    // Threshold 1: the first above is x1 = 2: value 4, ∂/∂x1 = 4. Threshold 5: none: value 0, gradient 0.
    [InlineData(1.0, 1, 4.0, 4.0)]
    [InlineData(5.0, -1, 0.0, 0.0)]
    public void An_index_assigned_before_a_break_selects_the_element_differentiated(double threshold, int found, double value, double derivative)
    {
        double[] x = { 0.5, 2, 3 };
        var dX = new double[3];
        Close(value, SyntaxModels.FirstAboveWithGradient(x, threshold, dX), 1e-12, "value");
        var byHand = new double[3];
        if (found >= 0)
        {
            byHand[found] = derivative;
        }

        Close(byHand, dX, 1e-12, "gradient by hand");
        Close(Central(v => SyntaxModels.FirstAbove(v, threshold), x), dX, 1e-6, "finite differences");
        Close(byHand.Zip(new double[] { 1, -2, 3 }, (g, d) => g * d).Sum(), SyntaxModels.FirstAboveWithDerivative(x, threshold, new double[] { 1, -2, 3 }).Derivative, 1e-12, "forward mode");
    }

    [Theory]
    // x = 10: 5, 2.5, 1.25, 0.625: four halvings, x/16. With at most 2 steps: x/4. x = 0.5: once, whatever the test: x/2.
    [InlineData(10.0, 10, 0.625, 0.0625)]
    [InlineData(10.0, 2, 2.5, 0.25)]
    [InlineData(0.5, 10, 0.25, 0.5)]
    [InlineData(0.5, 0, 0.25, 0.5)]
    public void A_do_loop_stopped_by_a_test_after_its_bound_differentiates_the_iterations_that_ran(double x, int maxSteps, double value, double derivative)
    {
        CheckScalar(
            p => SyntaxModels.Halving(p, maxSteps),
            p => { var g = SyntaxModels.HalvingWithGradient(p, maxSteps); return (g.Value, g.X); },
            (p, d) => SyntaxModels.HalvingWithDerivative(p, maxSteps, d),
            p => SyntaxModels.HalvingWithHessian(p, maxSteps).Hessian[0, 0],
            x, value, derivative, 0.0);
    }

    [Fact]
    public void A_fixed_point_do_loop_stopped_on_convergence_gives_the_implicit_derivative()
    {
        // y = cos(a·y) at the fixed point: dy/da = −y·sin(ay) / (1 + a·sin(ay)).
        const double a = 0.5;
        var gradient = SyntaxModels.FixedPointWithGradient(a);
        double y = gradient.Value;
        Close(Math.Cos(a * y), y, 1e-12, "a fixed point");
        double implicitDerivative = -y * Math.Sin(a * y) / (1 + a * Math.Sin(a * y));
        Close(implicitDerivative, gradient.A, 1e-9, "the implicit derivative");
        Close(implicitDerivative, Central(SyntaxModels.FixedPoint, a), 1e-6, "finite differences");
        Close(gradient.A, SyntaxModels.FixedPointWithDerivative(a, 1.0).Derivative, 1e-12, "forward mode");
    }
}
