using SymbolicDiff.Solvers;

namespace SymbolicDiff.Tests.Runtime.Solvers;

public class LevenbergMarquardtTests
{
    // A straight line through (0, 1), (1, 3), (2, 4), (3, 4): residuals rᵢ = a + b·xᵢ − yᵢ. Worked by hand from the
    // normal equations: n = 4, Σx = 6, Σy = 12, Σx² = 14, Σxy = 23, so b = (4·23 − 6·12)/(4·14 − 6²) = 20/20 = 1 and
    // a = (12 − 1·6)/4 = 1.5; the residuals are then 0.5, −0.5, −0.5, 0.5 and the cost ½·Σr² = 0.5.
    private static readonly double[] LineX = [0, 1, 2, 3], LineY = [1, 3, 4, 4];

    private static void Line(ReadOnlySpan<double> p, Span<double> r, Span<double> jacobian)
    {
        for (int i = 0; i < LineX.Length; i++)
        {
            r[i] = p[0] + p[1] * LineX[i] - LineY[i];
            jacobian[i * 2] = 1;
            jacobian[i * 2 + 1] = LineX[i];
        }
    }

    // Rosenbrock as least squares: r = (10(p₁ − p₀²), 1 − p₀), zero at (1, 1).
    private static void Rosenbrock(ReadOnlySpan<double> p, Span<double> r, Span<double> jacobian)
    {
        r[0] = 10 * (p[1] - p[0] * p[0]);
        r[1] = 1 - p[0];
        jacobian[0] = -20 * p[0];
        jacobian[1] = 10;
        jacobian[2] = -1;
        jacobian[3] = 0;
    }

    [Fact]
    public void A_linear_fit_reaches_the_normal_equations_solution()
    {
        var solver = new LevenbergMarquardt(4, 2);
        double[] p = [0, 0];
        SolverResult result = solver.Minimize(Line, p);

        Assert.True(result.Converged, result.ToString());
        Assert.Equal(1.5, p[0], 1e-10);
        Assert.Equal(1.0, p[1], 1e-10);
        Assert.Equal(0.5, result.Cost, 1e-12);
        Assert.True(result.GradientNorm < 1e-9, result.ToString());
        Assert.Equal([0.5, -0.5, -0.5, 0.5], solver.Residuals.ToArray().Select(r => Math.Round(r, 10)));
    }

    [Fact]
    public void Rosenbrock_from_the_classic_start_reaches_its_zero_residual_minimum()
    {
        var solver = new LevenbergMarquardt(2, 2);
        double[] p = [-1.2, 1];
        SolverResult result = solver.Minimize(Rosenbrock, p);

        Assert.True(result.Converged, result.ToString());
        Assert.Equal(1, p[0], 1e-10);
        Assert.Equal(1, p[1], 1e-10);
        Assert.True(result.Cost < 1e-20, result.ToString());
        Assert.Equal(result.Iterations + 1, result.Evaluations); // one evaluation per trial step, plus the start
    }

    [Fact]
    public void Exact_exponential_data_gives_back_the_parameters_that_made_it()
    {
        // y = 2.5·exp(−0.7·x) at x = 0, 0.5, …, 4.5, fitted with a·exp(−k·x) from (1, 0.1).
        double[] x = Enumerable.Range(0, 10).Select(i => 0.5 * i).ToArray();
        double[] y = x.Select(xi => 2.5 * Math.Exp(-0.7 * xi)).ToArray();
        var solver = new LevenbergMarquardt(x.Length, 2);
        double[] p = [1, 0.1];
        SolverResult result = solver.Minimize((q, r, jacobian) =>
        {
            for (int i = 0; i < x.Length; i++)
            {
                double e = Math.Exp(-q[1] * x[i]);
                r[i] = q[0] * e - y[i];
                jacobian[2 * i] = e;
                jacobian[2 * i + 1] = -q[0] * x[i] * e;
            }
        }, p);

        Assert.True(result.Converged, result.ToString());
        Assert.Equal(2.5, p[0], 1e-10);
        Assert.Equal(0.7, p[1], 1e-10);
    }

    [Fact]
    public void Moré_scaling_makes_the_iterates_independent_of_the_parameters_units()
    {
        // The same exponential fit with the rate measured in units a million times smaller (k = 10⁻⁶·c): with D from the
        // Jacobian's column norms the scaled steps are the same, so the fit takes as many steps and finds c = 10⁶·k.
        double[] x = Enumerable.Range(0, 10).Select(i => 0.5 * i).ToArray();
        double[] y = x.Select(xi => 2.5 * Math.Exp(-0.7 * xi) + 0.01 * Math.Sin(7 * xi)).ToArray();
        SolverResult Fit(double unit, double[] p) => new LevenbergMarquardt(x.Length, 2).Minimize((q, r, jacobian) =>
        {
            for (int i = 0; i < x.Length; i++)
            {
                double e = Math.Exp(-unit * q[1] * x[i]);
                r[i] = q[0] * e - y[i];
                jacobian[2 * i] = e;
                jacobian[2 * i + 1] = -q[0] * unit * x[i] * e;
            }
        }, p);

        double[] plain = [1, 0.1], scaled = [1, 0.1e6];
        SolverResult plainResult = Fit(1, plain), scaledResult = Fit(1e-6, scaled);

        Assert.Equal(plainResult.Iterations, scaledResult.Iterations);
        Assert.Equal(plain[0], scaled[0], 1e-9);
        Assert.Equal(plain[1], scaled[1] * 1e-6, 1e-9);
    }

    [Fact]
    public void More_parameters_than_residuals_still_converge_as_the_damping_keeps_each_step_defined()
    {
        var solver = new LevenbergMarquardt(1, 2);
        double[] p = [0, 0];
        SolverResult result = solver.Minimize((q, r, jacobian) =>
        {
            r[0] = q[0] + 2 * q[1] - 3;
            jacobian[0] = 1;
            jacobian[1] = 2;
        }, p);

        // With one residual every column is parallel to r, so the cosine test cannot fire before r = 0; the steps shrink instead.
        Assert.True(result.Converged, result.ToString());
        Assert.Equal(3, p[0] + 2 * p[1], 1e-10);
    }

    [Fact]
    public void A_trial_point_where_the_model_is_undefined_is_rejected_and_the_fit_goes_on()
    {
        // r = √p − ½, J = 1/(2√p), zero at p = ¼. From p = 4 with almost no damping the Gauss–Newton step is
        // −r/J = −1.5·4 = −6, to p = −2, where √p is NaN: that trial must count as a failed step, not end the fit.
        var solver = new LevenbergMarquardt(1, 1, new LevenbergMarquardtOptions { InitialDamping = 1e-12 });
        double[] p = [4];
        int undefined = 0;
        SolverResult result = solver.Minimize((q, r, jacobian) =>
        {
            r[0] = Math.Sqrt(q[0]) - 0.5;
            jacobian[0] = 1 / (2 * Math.Sqrt(q[0]));
            undefined += double.IsNaN(r[0]) ? 1 : 0;
        }, p);

        Assert.True(undefined >= 1, "the test no longer steps outside the domain");
        Assert.True(result.Converged, result.ToString());
        Assert.Equal(0.25, p[0], 1e-10);
    }

    [Fact]
    public void The_iteration_limit_stops_with_MaxIterations_and_the_best_point_so_far()
    {
        var solver = new LevenbergMarquardt(2, 2, new LevenbergMarquardtOptions { MaxIterations = 3 });
        double[] p = [-1.2, 1];
        SolverResult result = solver.Minimize(Rosenbrock, p);

        Assert.Equal(SolverStopReason.MaxIterations, result.StopReason);
        Assert.False(result.Converged);
        Assert.Equal(3, result.Iterations);
        // The cost reported is the cost at the parameters returned, and below the start's (½(4.4² + 2.2²) = 12.1).
        Span<double> r = stackalloc double[2], jacobian = stackalloc double[4];
        Rosenbrock(p, r, jacobian);
        Assert.Equal(0.5 * (r[0] * r[0] + r[1] * r[1]), result.Cost, 1e-15);
        Assert.True(result.Cost < 12.1);
    }

    [Fact]
    public void A_second_solve_of_the_same_size_allocates_nothing()
    {
        var solver = new LevenbergMarquardt(2, 2);
        ResidualsAndJacobian function = Rosenbrock;
        var p = new double[2];
        Assert.Equal(0, Allocations.PerCall(() =>
        {
            p[0] = -1.2;
            p[1] = 1;
            solver.Minimize(function, p);
        }, calls: 1));
        Assert.Equal(1, p[0], 1e-10);
    }

    [Fact]
    public void Bad_arguments_throw_naming_the_argument()
    {
        Assert.Equal("residualCount", Assert.Throws<ArgumentOutOfRangeException>(() => new LevenbergMarquardt(0, 1)).ParamName);
        Assert.Equal("parameterCount", Assert.Throws<ArgumentOutOfRangeException>(() => new LevenbergMarquardt(1, 0)).ParamName);
        Assert.Equal("residualCount", Assert.Throws<ArgumentOutOfRangeException>(() => new LevenbergMarquardt(int.MaxValue, 2)).ParamName);

        var solver = new LevenbergMarquardt(2, 2);
        Assert.Equal("function", Assert.Throws<ArgumentNullException>(() => solver.Minimize(null!, new double[2])).ParamName);
        var wrongLength = Assert.Throws<ArgumentException>(() => solver.Minimize(Rosenbrock, new double[3]));
        Assert.Equal("parameters", wrongLength.ParamName);
        Assert.Contains("3 elements", wrongLength.Message, StringComparison.Ordinal);
        Assert.Equal("parameters", Assert.Throws<ArgumentException>(() => solver.Minimize(Rosenbrock, [double.NaN, 1])).ParamName);
        var undefined = Assert.Throws<ArgumentException>(() => solver.Minimize((p, r, j) => { r[0] = double.NaN; }, [1.0, 1]));
        Assert.Equal("parameters", undefined.ParamName);
        Assert.Contains("not all finite", undefined.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(LevenbergMarquardtOptions.GradientTolerance), -1.0)]
    [InlineData(nameof(LevenbergMarquardtOptions.StepTolerance), double.NaN)]
    [InlineData(nameof(LevenbergMarquardtOptions.CostTolerance), double.PositiveInfinity)]
    [InlineData(nameof(LevenbergMarquardtOptions.InitialDamping), 0.0)]
    public void Bad_options_throw_naming_the_option(string option, double value)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => option switch
        {
            nameof(LevenbergMarquardtOptions.GradientTolerance) => new LevenbergMarquardtOptions { GradientTolerance = value },
            nameof(LevenbergMarquardtOptions.StepTolerance) => new LevenbergMarquardtOptions { StepTolerance = value },
            nameof(LevenbergMarquardtOptions.CostTolerance) => new LevenbergMarquardtOptions { CostTolerance = value },
            _ => new LevenbergMarquardtOptions { InitialDamping = value },
        });
        Assert.Equal(option, e.ParamName);
        Assert.Equal("MaxIterations", Assert.Throws<ArgumentOutOfRangeException>(() => new LevenbergMarquardtOptions { MaxIterations = 0 }).ParamName);
    }
}
