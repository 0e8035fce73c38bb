using System.Diagnostics;
using SymbolicDiff.Solvers;

/// <summary>
/// A NIST model as its vector-valued residual method (see <see cref="NistModels"/>) and the Jacobian the generator wrote
/// for it.
/// </summary>
/// <param name="Name">The NIST problem it belongs to.</param>
/// <param name="Evaluate">The residual method: writes rᵢ = f(b, xᵢ) − yᵢ into r.</param>
/// <param name="Jacobian">The generated <c>&lt;Model&gt;Jacobian(b, x, y, r, jacobian)</c>: the residuals and ∂rᵢ/∂bⱼ at [i·k + j].</param>
public sealed record NistModel(string Name, NistModel.ResidualMethod Evaluate, NistModel.JacobianMethod Jacobian)
{
    /// <summary>The shape of a residual method.</summary>
    public delegate void ResidualMethod(ReadOnlySpan<double> b, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> r);

    /// <summary>The shape of its generated Jacobian.</summary>
    public delegate void JacobianMethod(ReadOnlySpan<double> b, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> r, Span<double> jacobian);

    /// <summary>The six models, by NIST's problem name.</summary>
    public static IReadOnlyDictionary<string, NistModel> ByName { get; } = new Dictionary<string, NistModel>(StringComparer.OrdinalIgnoreCase)
    {
        ["Misra1a"] = new("Misra1a", NistModels.Misra1a, NistModels.Misra1aJacobian),
        ["Chwirut2"] = new("Chwirut2", NistModels.Chwirut2, NistModels.Chwirut2Jacobian),
        ["DanWood"] = new("DanWood", NistModels.DanWood, NistModels.DanWoodJacobian),
        ["Thurber"] = new("Thurber", NistModels.Thurber, NistModels.ThurberJacobian),
        ["MGH09"] = new("MGH09", NistModels.Mgh09, NistModels.Mgh09Jacobian),
        ["Eckerle4"] = new("Eckerle4", NistModels.Eckerle4, NistModels.Eckerle4Jacobian),
    };

    /// <summary>f(b, x), the model's curve at one point: its residual against y = 0.</summary>
    public double Value(double[] b, double x)
    {
        Span<double> r = stackalloc double[1];
        Evaluate(b, [x], [0.0], r);
        return r[0];
    }

    /// <summary>
    /// The residuals rᵢ = f(b, xᵢ) − yᵢ and their Jacobian for <see cref="LevenbergMarquardt"/>: the generated Jacobian of the
    /// residual method, written straight into the solver's residuals and Jacobian.
    /// </summary>
    public ResidualsAndJacobian Residuals(double[] x, double[] y)
    {
        JacobianMethod jacobian = Jacobian;
        return (b, residuals, matrix) => jacobian(b, x, y, residuals, matrix);
    }
}

/// <summary>The outcome of one fit from one NIST start.</summary>
/// <param name="Start">1 or 2.</param>
/// <param name="Parameters">The parameters found.</param>
/// <param name="Result">The solver's report.</param>
/// <param name="Elapsed">The wall-clock time of the solve.</param>
/// <param name="Digits">Per parameter, the significant digits that agree with the certified value (see <see cref="NistFit.AgreeingDigits"/>).</param>
/// <param name="ResidualSumOfSquaresDigits">The significant digits of the residual sum of squares that agree with the certified one.</param>
public sealed record NistFitResult(int Start, double[] Parameters, SolverResult Result, TimeSpan Elapsed, double[] Digits, double ResidualSumOfSquaresDigits)
{
    /// <summary>The fewest agreeing digits over the parameters: how well the fit reproduces the certified values.</summary>
    public double MinimumDigits => Digits.Min();
}

/// <summary>Fits a NIST problem with Levenberg–Marquardt on the generated Jacobian.</summary>
public static class NistFit
{
    /// <summary>The certified values have 11 significant digits, so agreement is counted up to 11.</summary>
    public const double MaxDigits = 11;

    /// <summary>Fits <paramref name="problem"/> from its start 1 or 2 with the default options.</summary>
    public static NistFitResult Run(NistProblem problem, NistModel model, int start)
    {
        var solver = new LevenbergMarquardt(problem.X.Length, problem.ParameterCount);
        double[] b = (double[])problem.Starts[start - 1].Clone();
        ResidualsAndJacobian residuals = model.Residuals(problem.X, problem.Y);
        var clock = Stopwatch.StartNew();
        SolverResult result = solver.Minimize(residuals, b);
        clock.Stop();
        double[] digits = b.Select((value, j) => AgreeingDigits(value, problem.Certified[j])).ToArray();
        double rss = 2 * result.Cost;
        return new NistFitResult(start, b, result, clock.Elapsed, digits, AgreeingDigits(rss, problem.CertifiedResidualSumOfSquares));
    }

    /// <summary>
    /// −log₁₀(|estimate − certified| / |certified|), NIST's log relative error: the number of leading significant digits that
    /// agree. 0 when they disagree in the first digit (or the estimate is not finite), <see cref="MaxDigits"/> when equal.
    /// </summary>
    public static double AgreeingDigits(double estimate, double certified)
    {
        if (!double.IsFinite(estimate))
        {
            return 0;
        }

        double relative = Math.Abs(estimate - certified) / Math.Abs(certified);
        return relative == 0 ? MaxDigits : Math.Clamp(-Math.Log10(relative), 0, MaxDigits);
    }
}
