using SymbolicDiff.Solvers;

namespace SymbolicDiff.Tests.Runtime.Solvers;

public class NewtonCgTests
{
    [Fact]
    public void Rosenbrock_from_the_classic_start_reaches_1_1_with_Hessian_vector_products()
    {
        var solver = new NewtonCg(2);
        double[] x = [-1.2, 1];
        SolverResult result = solver.Minimize(TestFunctions.Rosenbrock, TestFunctions.RosenbrockHessianTimes, x);

        Assert.True(result.Converged, result.ToString());
        Assert.Equal(1, x[0], 1e-8);
        Assert.Equal(1, x[1], 1e-8);
        Assert.True(result.HessianVectorProducts > 0);
        // Newton's method with second derivatives takes far fewer steps than L-BFGS needs on Rosenbrock (about 35).
        Assert.True(result.Iterations < 60, result.ToString());
    }

    [Fact]
    public void The_extended_Rosenbrock_function_in_10_dimensions_reaches_all_ones()
    {
        var solver = new NewtonCg(10);
        double[] x = Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? -1.2 : 1.0).ToArray();
        SolverResult result = solver.Minimize(TestFunctions.ExtendedRosenbrock, TestFunctions.ExtendedRosenbrockHessianTimes, x);

        Assert.True(result.Converged, result.ToString());
        Assert.All(x, xi => Assert.Equal(1, xi, 1e-8));
    }

    [Fact]
    public void Negative_curvature_at_the_start_leads_to_a_minimum_not_to_the_saddle()
    {
        // f = x⁴/4 − x²/2 + y²/2: ∇f = (x³ − x, y), ∇²f = diag(3x² − 1, 1). At (0.1, 1) the curvature along x is
        // 3·0.01 − 1 < 0; the minima are (±1, 0) with f = −¼, and (0, 0) is a saddle where plain Newton would go.
        var solver = new NewtonCg(2);
        double[] x = [0.1, 1];
        SolverResult result = solver.Minimize(
            (p, g) =>
            {
                g[0] = p[0] * p[0] * p[0] - p[0];
                g[1] = p[1];
                return 0.25 * Math.Pow(p[0], 4) - 0.5 * p[0] * p[0] + 0.5 * p[1] * p[1];
            },
            (p, v, hv) =>
            {
                hv[0] = (3 * p[0] * p[0] - 1) * v[0];
                hv[1] = v[1];
            },
            x);

        Assert.True(result.Converged, result.ToString());
        Assert.Equal(1, Math.Abs(x[0]), 1e-8);
        Assert.Equal(0, x[1], 1e-8);
        Assert.Equal(-0.25, result.Cost, 1e-14);
    }

    [Fact]
    public void A_quadratic_reaches_the_solution_of_its_linear_system()
    {
        var solver = new NewtonCg(3, new NewtonCgOptions { InitialTrustRadius = 100 });
        double[] x = [10, -10, 10];
        SolverResult result = solver.Minimize(TestFunctions.Quadratic, (p, v, hv) =>
        {
            hv[0] = 4 * v[0] + v[1];
            hv[1] = v[0] + 3 * v[1] + v[2];
            hv[2] = v[1] + 2 * v[2];
        }, x);

        Assert.True(result.Converged, result.ToString());
        Assert.Equal(1, 4 * x[0] + x[1], 1e-8);
        Assert.Equal(2, x[0] + 3 * x[1] + x[2], 1e-8);
        Assert.Equal(3, x[1] + 2 * x[2], 1e-8);
        // Each step's CG stops at a relative residual of min(½, √‖∇f‖) (inexact Newton), so a few steps, not one.
        Assert.True(result.Iterations < 10, result.ToString());
    }

    [Fact]
    public void The_iteration_limit_stops_with_MaxIterations()
    {
        var solver = new NewtonCg(2, new NewtonCgOptions { MaxIterations = 2 });
        double[] x = [-1.2, 1];
        SolverResult result = solver.Minimize(TestFunctions.Rosenbrock, TestFunctions.RosenbrockHessianTimes, x);

        Assert.Equal(SolverStopReason.MaxIterations, result.StopReason);
        Assert.Equal(2, result.Iterations);
        Assert.Equal(TestFunctions.Rosenbrock(x, new double[2]), result.Cost);
    }

    [Fact]
    public void A_second_solve_of_the_same_size_allocates_nothing()
    {
        var solver = new NewtonCg(2);
        ValueAndGradient function = TestFunctions.Rosenbrock;
        HessianVectorProduct product = TestFunctions.RosenbrockHessianTimes;
        var x = new double[2];
        Assert.Equal(0, Allocations.PerCall(() =>
        {
            x[0] = -1.2;
            x[1] = 1;
            solver.Minimize(function, product, x);
        }, calls: 1));
    }

    [Fact]
    public void Bad_arguments_throw_naming_the_argument()
    {
        Assert.Equal("parameterCount", Assert.Throws<ArgumentOutOfRangeException>(() => new NewtonCg(-1)).ParamName);
        Assert.Equal("InitialTrustRadius", Assert.Throws<ArgumentOutOfRangeException>(() => new NewtonCgOptions { InitialTrustRadius = 0 }).ParamName);
        Assert.Equal("MaxCgIterations", Assert.Throws<ArgumentOutOfRangeException>(() => new NewtonCgOptions { MaxCgIterations = -1 }).ParamName);
        var solver = new NewtonCg(2);
        Assert.Equal("function", Assert.Throws<ArgumentNullException>(() => solver.Minimize(null!, TestFunctions.RosenbrockHessianTimes, new double[2])).ParamName);
        Assert.Equal("hessianVectorProduct", Assert.Throws<ArgumentNullException>(() => solver.Minimize(TestFunctions.Rosenbrock, null!, new double[2])).ParamName);
        Assert.Equal("parameters", Assert.Throws<ArgumentException>(() => solver.Minimize(TestFunctions.Rosenbrock, TestFunctions.RosenbrockHessianTimes, new double[4])).ParamName);
    }
}
