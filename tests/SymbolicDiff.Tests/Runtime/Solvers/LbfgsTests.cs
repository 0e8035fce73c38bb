using SymbolicDiff.Solvers;

namespace SymbolicDiff.Tests.Runtime.Solvers;

public class LbfgsTests
{
    [Fact]
    public void Rosenbrock_from_the_classic_start_reaches_1_1()
    {
        var solver = new Lbfgs(2);
        double[] x = [-1.2, 1];
        SolverResult result = solver.Minimize(TestFunctions.Rosenbrock, x);

        Assert.True(result.Converged, result.ToString());
        Assert.Equal(1, x[0], 1e-6);
        Assert.Equal(1, x[1], 1e-6);
        Assert.True(result.Cost < 1e-12, result.ToString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(20)]
    public void The_extended_Rosenbrock_function_in_10_dimensions_reaches_all_ones_for_any_history_size(int history)
    {
        var solver = new Lbfgs(10, new LbfgsOptions { HistorySize = history, MaxIterations = 5000 });
        double[] x = Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? -1.2 : 1.0).ToArray();
        SolverResult result = solver.Minimize(TestFunctions.ExtendedRosenbrock, x);

        Assert.True(result.Converged, result.ToString());
        Assert.All(x, xi => Assert.Equal(1, xi, 1e-5));
    }

    [Fact]
    public void A_quadratic_reaches_the_solution_of_its_linear_system()
    {
        // f = ½xᵀAx − bᵀx with A = [[4, 1, 0], [1, 3, 1], [0, 1, 2]] (positive definite), b = (1, 2, 3): the minimiser
        // solves Ax = b, which is checked by multiplying back rather than by a solution computed with the same arithmetic.
        var solver = new Lbfgs(3);
        double[] x = [10, -10, 10];
        SolverResult result = solver.Minimize(TestFunctions.Quadratic, x);

        Assert.True(result.Converged, result.ToString());
        Assert.Equal(1, 4 * x[0] + x[1], 1e-7);
        Assert.Equal(2, x[0] + 3 * x[1] + x[2], 1e-7);
        Assert.Equal(3, x[1] + 2 * x[2], 1e-7);
    }

    [Fact]
    public void A_generated_gradient_is_minimised_as_it_is()
    {
        // The [Differentiable] Rosenbrock over a span (TestFunctions.RosenbrockSum); its generated
        // RosenbrockSumWithGradient(x, dX) has exactly the ValueAndGradient shape.
        var solver = new Lbfgs(6, new LbfgsOptions { MaxIterations = 5000 });
        double[] x = [-1.2, 1, -1.2, 1, -1.2, 1];
        SolverResult result = solver.Minimize(TestFunctions.RosenbrockSumWithGradient, x);

        Assert.True(result.Converged, result.ToString());
        Assert.All(x, xi => Assert.Equal(1, xi, 1e-5));
    }

    [Fact]
    public void A_wrong_gradient_ends_in_LineSearchFailed_not_in_a_claimed_convergence()
    {
        // The gradient of f = (x − 3)² with the wrong sign: every "descent" direction goes uphill.
        var solver = new Lbfgs(1);
        double[] x = [0];
        SolverResult result = solver.Minimize((p, g) =>
        {
            g[0] = -2 * (p[0] - 3);
            return (p[0] - 3) * (p[0] - 3);
        }, x);

        Assert.Equal(SolverStopReason.LineSearchFailed, result.StopReason);
        Assert.False(result.Converged);
        Assert.Equal(0, x[0]); // Nothing better was found, so the start is returned.
        Assert.Equal(9, result.Cost);
    }

    [Fact]
    public void The_iteration_limit_stops_with_MaxIterations()
    {
        var solver = new Lbfgs(2, new LbfgsOptions { MaxIterations = 2 });
        double[] x = [-1.2, 1];
        SolverResult result = solver.Minimize(TestFunctions.Rosenbrock, x);

        Assert.Equal(SolverStopReason.MaxIterations, result.StopReason);
        Assert.Equal(2, result.Iterations);
        Assert.Equal(TestFunctions.Rosenbrock(x, new double[2]), result.Cost);
        Assert.True(result.Cost < 24.2); // f(−1.2, 1) = 100·0.44² + 2.2² = 24.2
    }

    [Fact]
    public void A_second_solve_of_the_same_size_allocates_nothing()
    {
        var solver = new Lbfgs(2);
        ValueAndGradient function = TestFunctions.Rosenbrock;
        var x = new double[2];
        Assert.Equal(0, Allocations.PerCall(() =>
        {
            x[0] = -1.2;
            x[1] = 1;
            solver.Minimize(function, x);
        }, calls: 1));
    }

    [Fact]
    public void Bad_arguments_throw_naming_the_argument()
    {
        Assert.Equal("parameterCount", Assert.Throws<ArgumentOutOfRangeException>(() => new Lbfgs(0)).ParamName);
        Assert.Equal("HistorySize", Assert.Throws<ArgumentOutOfRangeException>(() => new LbfgsOptions { HistorySize = 0 }).ParamName);
        Assert.Equal("GradientTolerance", Assert.Throws<ArgumentOutOfRangeException>(() => new LbfgsOptions { GradientTolerance = double.NaN }).ParamName);
        var solver = new Lbfgs(2);
        Assert.Equal("function", Assert.Throws<ArgumentNullException>(() => solver.Minimize(null!, new double[2])).ParamName);
        Assert.Equal("parameters", Assert.Throws<ArgumentException>(() => solver.Minimize(TestFunctions.Rosenbrock, new double[1])).ParamName);
        Assert.Equal("parameters", Assert.Throws<ArgumentException>(() => solver.Minimize((p, g) => double.NaN, new double[2])).ParamName);
    }
}
