using System.Diagnostics;
using SymbolicDiff.Solvers;

/// <summary>A model of the parameters b and one predictor value x: its value and its generated gradient with respect to b.</summary>
/// <param name="Name">The NIST problem it belongs to.</param>
/// <param name="Value">f(b, x).</param>
/// <param name="WithGradient">The generated <c>&lt;Model&gt;WithGradient(b, x, dB)</c>: returns f(b, x) and writes ∂f/∂b into dB.</param>
public sealed record NistModel(string Name, Func<double[], double, double> Value, NistModel.Gradient WithGradient)
{
    /// <summary>The shape of a generated gradient over the parameter span.</summary>
    public delegate double Gradient(ReadOnlySpan<double> b, double x, Span<double> dB);

    /// <summary>The six models, by NIST's problem name.</summary>
    public static IReadOnlyDictionary<string, NistModel> ByName { get; } = new Dictionary<string, NistModel>(StringComparer.OrdinalIgnoreCase)
    {
        ["Misra1a"] = new("Misra1a", (b, x) => NistModels.Misra1a(b, x), NistModels.Misra1aWithGradient),
        ["Chwirut2"] = new("Chwirut2", (b, x) => NistModels.Chwirut2(b, x), NistModels.Chwirut2WithGradient),
        ["DanWood"] = new("DanWood", (b, x) => NistModels.DanWood(b, x), NistModels.DanWoodWithGradient),
        ["Thurber"] = new("Thurber", (b, x) => NistModels.Thurber(b, x), NistModels.ThurberWithGradient),
        ["MGH09"] = new("MGH09", (b, x) => NistModels.Mgh09(b, x), NistModels.Mgh09WithGradient),
        ["Eckerle4"] = new("Eckerle4", (b, x) => NistModels.Eckerle4(b, x), NistModels.Eckerle4WithGradient),
    };

    /// <summary>
    /// The residuals rᵢ = f(b, xᵢ) − yᵢ and their Jacobian for <see cref="LevenbergMarquardt"/>: row i is the generated gradient
    /// of f at xᵢ, written straight into the Jacobian's row (∂rᵢ/∂b = ∂f(b, xᵢ)/∂b).
    /// </summary>
    public ResidualsAndJacobian Residuals(double[] x, double[] y)
    {
        Gradient withGradient = WithGradient;
        return (b, residuals, jacobian) =>
        {
            int k = b.Length;
            for (int i = 0; i < x.Length; i++)
            {
                residuals[i] = withGradient(b, x[i], jacobian.Slice(i * k, k)) - y[i];
            }
        };
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
