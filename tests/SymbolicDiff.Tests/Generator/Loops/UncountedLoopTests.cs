using SymbolicDiff.Tests.Snapshots;
using F = SymbolicDiff.Tests.Generator.Loops.UncountedLoopFunctions;

namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// Loops without a counter (<see cref="UncountedLoopFunctions"/>): the forward sweep counts the iterations it runs, the
/// backward sweep runs that many back. Each gradient is checked against values worked out by hand (or, for an iteration
/// to convergence, against the derivative of the iterates computed alongside them here, and the limit's derivative), against
/// central differences, and against forward mode.
/// </summary>
public class UncountedLoopTests
{
    private const double H = 1e-6;

    private static double Central(Func<double, double> f, double x) => (f(x + H) - f(x - H)) / (2 * H);

    private static void Close(double expected, double actual, double relative, string what) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");

    /// <summary>The iterates of Newton's square root and their derivatives with respect to a, carried along by hand.</summary>
    private static (double X, double Derivative) NewtonByHand(double a)
    {
        // x₀ = a, dx₀ = 1; x_{k+1} = (x_k + a/x_k)/2, so dx_{k+1} = (dx_k·(1 − a/x_k²) + 1/x_k)/2.
        double x = a, dx = 1, step = 1;
        while (Math.Abs(step) > 1e-12)
        {
            double next = (x + a / x) / 2;
            double dNext = (dx * (1 - a / (x * x)) + 1 / x) / 2;
            step = next - x;
            (x, dx) = (next, dNext);
        }

        return (x, dx);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(2.0)]
    [InlineData(9.0)]
    [InlineData(1e4)]
    public void Newtons_square_root_until_converged_has_the_iterates_derivative_which_is_the_roots(double a)
    {
        var gradient = F.NewtonSqrtWithGradient(a);
        var (x, iteratesDerivative) = NewtonByHand(a);
        Assert.Equal(x, gradient.Value);
        Close(iteratesDerivative, gradient.A, 1e-14, "the iterates' derivative, carried by hand");

        // Newton's iterates converge quadratically, and so do their derivatives: at the stop the derivative of the
        // iterate is that of √a, 1/(2√a), to rounding (measured once: 0 ulps off at each a here; the Hessian within 2e-16).
        Close(1 / (2 * Math.Sqrt(a)), gradient.A, 1e-15, "d√a/da = 1/(2√a)");
        Close(Central(F.NewtonSqrt, a), gradient.A, 1e-7, "central difference");
        Close(gradient.A, F.NewtonSqrtWithDerivative(a, 1).Derivative, 1e-14, "forward mode");

        // Second order through the same loop: d²√a/da² = −¼·a^(−3/2).
        double second = F.NewtonSqrtWithHessian(a).Hessian[0, 0];
        Close(-0.25 * Math.Pow(a, -1.5), second, 1e-12, "d²√a/da²");
        Close(Central(p => F.NewtonSqrtWithGradient(p).A, a), second, 1e-6, "central difference of the gradient");
    }

    [Theory]
    // 5 → 2.5 → 1.25 → 0.625: three halvings, y = x/8; y² + t = 1.390625, ∂/∂x = 2y/8, ∂²/∂x² = 2/64.
    [InlineData(5.0, 1.0, 1.390625, 0.15625, 0.03125)]
    // 0.5 is below the threshold already: the do loop halves it once, y = x/2: 1.0625, 2y/2 = 0.25, 2/4.
    [InlineData(0.5, 1.0, 1.0625, 0.25, 0.5)]
    // 40 → 20 → 10 → 5 → 2.5: four halvings, y = x/16: 6.25 + 3, 2y/16 = 0.3125, 2/256.
    [InlineData(40.0, 3.0, 9.25, 0.3125, 0.0078125)]
    public void A_do_loop_that_halves_until_below_a_threshold(double x, double threshold, double value, double dX, double dXdX)
    {
        var gradient = F.HalveWithGradient(x, threshold);
        Assert.Equal(value, gradient.Value);
        Assert.Equal(dX, gradient.X);
        Assert.Equal(1, gradient.Threshold); // the threshold moves the trip count only at a jump: elsewhere ∂/∂t is its own term's
        Close(Central(p => F.Halve(p, threshold), x), gradient.X, 1e-7, "central difference in x");
        Close(Central(t => F.Halve(x, t), threshold), gradient.Threshold, 1e-7, "central difference in the threshold");
        Assert.Equal(dX, F.HalveWithDerivative(x, threshold, 1, 0).Derivative);

        var hessian = F.HalveWithHessian(x, threshold).Hessian;
        Assert.Equal(dXdX, hessian[0, 0]);
        Assert.Equal(0, hessian[0, 1]);
        Assert.Equal(0, hessian[1, 1]);
    }

    [Theory]
    // 100 · 1.1ⁿ first reaches 150 at n = 5: 161.051; ∂/∂p = 1.1⁵, ∂/∂r = 100 · 5 · 1.1⁴ = 732.05.
    [InlineData(100.0, 0.1, 150.0, 5)]
    // 100 · 1.25ⁿ first reaches 200 at n = 4: 244.140625; ∂/∂p = 1.25⁴, ∂/∂r = 100 · 4 · 1.25³ = 781.25.
    [InlineData(100.0, 0.25, 200.0, 4)]
    // Already there: no iteration, the balance is the principal.
    [InlineData(300.0, 0.1, 200.0, 0)]
    public void A_loop_whose_trip_count_depends_on_the_parameters(double principal, double rate, double target, int trips)
    {
        double grown = principal * Math.Pow(1 + rate, trips);
        double dPrincipal = Math.Pow(1 + rate, trips);
        double dRate = trips == 0 ? 0 : principal * trips * Math.Pow(1 + rate, trips - 1);
        var gradient = F.GrowWithGradient(principal, rate, target);
        Close(grown, gradient.Value, 1e-14, "value");
        Close(dPrincipal, gradient.Principal, 1e-14, "∂/∂principal");
        Close(dRate, gradient.Rate, 1e-14, "∂/∂rate");

        Close(Central(p => F.Grow(p, rate, target), principal), gradient.Principal, 1e-7, "central difference in the principal");
        Close(Central(r => F.Grow(principal, r, target), rate), gradient.Rate, 1e-7, "central difference in the rate");
        Assert.Equal(0, Central(t => F.Grow(principal, rate, t), target)); // the target only moves the count, at a jump
        Close(2 * dPrincipal - dRate, F.GrowWithDerivative(principal, rate, target, 2, -1).Derivative, 1e-14, "forward mode");
    }

    [Fact]
    public void An_uncounted_loop_inside_a_counted_one_runs_back_over_each_outer_iterations_own_count()
    {
        // Each √aᵢ takes its own number of Newton steps; the backward sweep restores each one's count. ∂(Σ √aᵢ³)/∂aᵢ = 1.5·√aᵢ.
        double[] a = { 2, 4, 9, 0.25, 30 };
        var gradient = new double[a.Length];
        double value = F.SumOfRootsCubedWithGradient(a, gradient);
        Close(a.Sum(v => Math.Pow(v, 1.5)), value, 1e-14, "value");
        for (int i = 0; i < a.Length; i++)
        {
            Close(1.5 * Math.Sqrt(a[i]), gradient[i], 1e-14, $"∂/∂a[{i}]");
            int at = i;
            Close(Central(v => { var moved = (double[])a.Clone(); moved[at] = v; return F.SumOfRootsCubed(moved); }, a[i]), gradient[i], 1e-7, $"central difference in a[{i}]");
        }

        double[] direction = { 1, -1, 0.5, 2, -0.25 };
        Close(gradient.Zip(direction, (g, d) => g * d).Sum(), F.SumOfRootsCubedWithDerivative(a, direction).Derivative, 1e-13, "forward mode");
    }

    [Fact]
    public void An_uncounted_loop_in_a_branch_inside_a_counted_one_runs_only_for_the_elements_that_take_it()
    {
        // aᵢ > 1 contributes √aᵢ³ (∂ = 1.5·√aᵢ), the others aᵢ³ (∂ = 3aᵢ²).
        double[] a = { 2, 0.5, 9, 0.25, 30 };
        var gradient = new double[a.Length];
        double value = F.RootsCubedAboveOneWithGradient(a, gradient);
        Close(a.Sum(v => v > 1 ? Math.Pow(v, 1.5) : v * v * v), value, 1e-14, "value");
        for (int i = 0; i < a.Length; i++)
        {
            Close(a[i] > 1 ? 1.5 * Math.Sqrt(a[i]) : 3 * a[i] * a[i], gradient[i], 1e-14, $"∂/∂a[{i}]");
            int at = i;
            Close(Central(v => { var moved = (double[])a.Clone(); moved[at] = v; return F.RootsCubedAboveOne(moved); }, a[i]), gradient[i], 1e-7, $"central difference in a[{i}]");
        }

        double[] direction = { 1, -1, 0.5, 2, -0.25 };
        Close(gradient.Zip(direction, (g, d) => g * d).Sum(), F.RootsCubedAboveOneWithDerivative(a, direction).Derivative, 1e-13, "forward mode");
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(0.3)]
    public void A_while_true_loop_left_with_break_differentiates_the_iterations_that_ran(double a)
    {
        var gradient = F.NewtonWithBreakWithGradient(a);
        Close(Math.Sqrt(a), gradient.Value, 1e-15, "value");
        Close(1 / (2 * Math.Sqrt(a)), gradient.A, 1e-14, "d√a/da");
        Close(Central(F.NewtonWithBreak, a), gradient.A, 1e-7, "central difference");
        Close(gradient.A, F.NewtonWithBreakWithDerivative(a, 1).Derivative, 1e-14, "forward mode");
    }

    [Theory]
    // 3 → 9 → 81, which passes 10: 2·x⁴ = 162, 8x³ = 216.
    [InlineData(3.0, 162.0, 216.0)]
    // 1.5 → 2.25 → 5.0625 → 25.62890625: 2·x⁸ = 51.2578125, 16x⁷ = 273.375.
    [InlineData(1.5, 51.2578125, 273.375)]
    // 50 passes 10 at once: 2x, 2.
    [InlineData(50.0, 100.0, 2.0)]
    // 200 is not below 100: the loop never runs, x, 1.
    [InlineData(200.0, 200.0, 1.0)]
    public void A_return_inside_an_uncounted_loop_ends_it(double x, double value, double derivative)
    {
        var gradient = F.SquareUntilLargeWithGradient(x);
        Assert.Equal(value, gradient.Value);
        Assert.Equal(derivative, gradient.X);
        Close(Central(F.SquareUntilLarge, x), gradient.X, 1e-7, "central difference");
        Assert.Equal(derivative, F.SquareUntilLargeWithDerivative(x, 1).Derivative);
    }

    [Theory]
    // a = 1: 5 → 2.6 → 1.4 → 0.8, y = x/8 + a·0.1·(1/4 + 1/2 + 1): ∂/∂x = 1/8, ∂/∂a = 0.175.
    [InlineData(5.0, 1.0, 0.8, 0.125, 0.175)]
    // a = −1: the other branch, x·a: ∂/∂x = a, ∂/∂a = x. The loop must not run there (its test is the branch's too).
    [InlineData(5.0, -1.0, -5.0, -1.0, 5.0)]
    // y = 0.5 is not above a = 1: no iteration.
    [InlineData(0.5, 1.0, 0.5, 1.0, 0.0)]
    public void An_uncounted_loop_in_a_branch_runs_only_where_the_branch_is_taken(double x, double a, double value, double dX, double dA)
    {
        var gradient = F.ContractInBranchWithGradient(x, a);
        Close(value, gradient.Value, 1e-15, "value");
        Close(dX, gradient.X, 1e-15, "∂/∂x");
        Close(dA, gradient.A, 1e-15, "∂/∂a");
        Close(Central(p => F.ContractInBranch(p, a), x), gradient.X, 1e-7, "central difference in x");
        Close(Central(p => F.ContractInBranch(x, p), a), gradient.A, 1e-7, "central difference in a");
        Close(dX - 2 * dA, F.ContractInBranchWithDerivative(x, a, 1, -2).Derivative, 1e-14, "forward mode");
    }

    [Fact]
    public void A_continue_after_the_counters_step_in_a_while_loop_is_read_as_CSharp_runs_it()
    {
        double[] x = { 1, -2, 3, -1 };
        var gradient = new double[4];
        Assert.Equal(10, F.SquaresOfNonNegativesWithGradient(x, gradient)); // 1 + 9
        Assert.Equal(new[] { 2.0, 0, 6, 0 }, gradient);                    // 2v where v ≥ 0
        double[] direction = { 1, 1, -1, 1 };
        Assert.Equal(2 - 6, F.SquaresOfNonNegativesWithDerivative(x, direction).Derivative);
    }

    [Theory]
    // n = 10: 40 → 20 (> 1) → 10 (> 2) → 5 (> 3) → 2.5 (not > 4): y = x/16.
    [InlineData(40.0, 10, 2.5, 0.0625)]
    // n = 2: 40 → 20 (i = 1 < 2, 20 > 1) → 10 (i = 2, not < 2): y = x/4.
    [InlineData(40.0, 2, 10.0, 0.25)]
    // n = 0: a do loop runs once: y = x/2.
    [InlineData(0.5, 0, 0.25, 0.5)]
    public void A_do_loop_whose_test_reads_its_counter_is_read_as_CSharp_runs_it(double x, int n, double value, double derivative)
    {
        var gradient = F.HalveWhileAboveCountWithGradient(x, n);
        Assert.Equal(value, gradient.Value);
        Assert.Equal(derivative, gradient.X);
        Close(Central(p => F.HalveWhileAboveCount(p, n), x), gradient.X, 1e-7, "central difference");
        Assert.Equal(derivative, F.HalveWhileAboveCountWithDerivative(x, n, 1).Derivative);
    }

    [Fact]
    public void A_float_method_iterates_in_float()
    {
        var gradient = F.NewtonSqrtSingleWithGradient(4f);
        Assert.Equal(2f, gradient.Value);
        Assert.True(Math.Abs(gradient.A - 0.25f) < 1e-6f, gradient.A.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private const string NewtonSource = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            [Differentiable]
            public static double NewtonSqrt(double a)
            {
                double x = a;
                double step = 1;
                while (Math.Abs(step) > 1e-12)
                {
                    double next = (x + a / x) / 2;
                    step = next - x;
                    x = next;
                }

                return x;
            }
        }
        """;

    [Fact]
    public void The_gradient_of_a_loop_without_a_counter_keeps_the_loop_and_runs_its_count_back()
    {
        var run = GeneratorHarness.Run(NewtonSource).ShouldSucceed();
        string generated = run.Source("Models.NewtonSqrt.g.cs");
        Snapshot.Verify(generated);
        Assert.Contains("while (global::System.Math.Abs(step) > 1E-12)", generated, StringComparison.Ordinal);
        Assert.Contains("for (int iteration = iterations - 1; iteration >= 0; iteration--)", generated, StringComparison.Ordinal);
        FiniteDifferenceCheck.AgainstFiniteDifferences(run, "Models", "NewtonSqrt", 2.0);
        FiniteDifferenceCheck.AgainstFiniteDifferences(run, "Models", "NewtonSqrt", 0.7);
    }
}
