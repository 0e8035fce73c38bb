using SymbolicDiff.Solvers;
using SymbolicDiff.Tests.Generator;

namespace SymbolicDiff.Tests.Runtime.Solvers;

/// <summary>
/// The NIST StRD proof: Levenberg–Marquardt on the generated Jacobians of samples/CurveFitting reproduces NIST's certified
/// parameters (computed by NIST in 128-bit arithmetic) from both of NIST's starting points. The data are the files the
/// repository ships in samples/CurveFitting/data, read here from the source tree.
/// </summary>
public class NistCertifiedValuesTests
{
    /// <summary>At least this many significant digits of every parameter and of the residual sum of squares must agree.</summary>
    private const double RequiredDigits = 6;

    public static TheoryData<string, int> ProblemsAndStarts()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in NistModel.ByName.Values.Select(m => m.Name))
        {
            data.Add(name, 1);
            data.Add(name, 2);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ProblemsAndStarts))]
    public void Levenberg_Marquardt_reproduces_the_certified_values_to_6_digits(string name, int start)
    {
        NistProblem problem = Load(name);
        NistFitResult fit = NistFit.Run(problem, NistModel.ByName[name], start);

        string report = $"{name} start {start}: {fit.Result}; found [{string.Join(", ", fit.Parameters.Select(b => b.ToString("G12")))}]; digits [{string.Join(", ", fit.Digits.Select(d => d.ToString("0.0")))}]";
        Assert.True(fit.Result.Converged, report);
        for (int j = 0; j < problem.ParameterCount; j++)
        {
            // Counted here again from the raw numbers, not through NistFit.AgreeingDigits, which the sample also uses.
            double relativeError = Math.Abs(fit.Parameters[j] - problem.Certified[j]) / Math.Abs(problem.Certified[j]);
            Assert.True(relativeError <= Math.Pow(10, -RequiredDigits), $"b{j + 1}: relative error {relativeError:E2}. {report}");
        }

        double rss = 0;
        for (int i = 0; i < problem.X.Length; i++)
        {
            double r = NistModel.ByName[name].Value(fit.Parameters, problem.X[i]) - problem.Y[i];
            rss += r * r;
        }

        Assert.True(Math.Abs(rss - problem.CertifiedResidualSumOfSquares) <= 1e-6 * problem.CertifiedResidualSumOfSquares, $"RSS {rss:G12}. {report}");
        Assert.Equal(rss, 2 * fit.Result.Cost, 1e-9 * rss);
    }

    [Theory]
    [MemberData(nameof(ProblemsAndStarts))]
    public void The_Jacobian_at_the_solution_gives_the_certified_standard_deviations(string name, int start)
    {
        // NIST's standard deviations are sqrt(diag((JᵀJ)⁻¹)·RSS/(m − k)) at the certified values: a check of the whole
        // Jacobian the solver ends with (LevenbergMarquardt.Jacobian), not just of where it stopped.
        NistProblem problem = Load(name);
        int m = problem.X.Length, k = problem.ParameterCount;
        var solver = new LevenbergMarquardt(m, k);
        double[] b = (double[])problem.Starts[start - 1].Clone();
        SolverResult result = solver.Minimize(NistModel.ByName[name].Residuals(problem.X, problem.Y), b);

        double[,] inverse = InverseOfNormalMatrix(solver.Jacobian, m, k);
        double variance = 2 * result.Cost / (m - k);
        double[] certified = CertifiedStandardDeviations(name);
        for (int j = 0; j < k; j++)
        {
            double standardDeviation = Math.Sqrt(inverse[j, j] * variance);
            Assert.True(Math.Abs(standardDeviation - certified[j]) <= 1e-6 * certified[j],
                $"{name} start {start}, b{j + 1}: standard deviation {standardDeviation:G12}, certified {certified[j]:G12}");
        }
    }

    [Fact]
    public void The_data_files_hold_what_NIST_certifies()
    {
        // Spot checks against NIST's pages (numbers typed from them, not read from the files): Misra1a has 14 observations and
        // b1 = 2.3894212918E+02; Thurber 37 observations and b7 = 4.9727297349E-02; MGH09 starts at (25, 39, 41.5, 39).
        Assert.Equal(14, Load("Misra1a").X.Length);
        Assert.Equal(238.94212918, Load("Misra1a").Certified[0]);
        Assert.Equal(37, Load("Thurber").X.Length);
        Assert.Equal(0.049727297349, Load("Thurber").Certified[6]);
        Assert.Equal([25, 39, 41.5, 39], Load("MGH09").Starts[0]);
        Assert.Equal(6, Directory.GetFiles(DataFolder, "*.json").Length);
    }

    [Theory]
    [InlineData(1.0, 1.0, 11.0)]
    [InlineData(1.000001, 1.0, 6.0)]
    [InlineData(2.0, 1.0, 0.0)]
    [InlineData(double.NaN, 1.0, 0.0)]
    public void Agreeing_digits_are_NISTs_log_relative_error(double estimate, double certified, double digits) =>
        Assert.Equal(digits, NistFit.AgreeingDigits(estimate, certified), 1e-6);

    private static double[] CertifiedStandardDeviations(string name)
    {
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(DataFolder, name + ".json")));
        return document.RootElement.GetProperty("certified_std_devs").EnumerateArray().Select(e => e.GetDouble()).ToArray();
    }

    /// <summary>(JᵀJ)⁻¹ by Gauss–Jordan elimination with partial pivoting (k ≤ 7 here).</summary>
    private static double[,] InverseOfNormalMatrix(ReadOnlySpan<double> jacobian, int m, int k)
    {
        var a = new double[k, 2 * k];
        for (int r = 0; r < k; r++)
        {
            for (int c = 0; c < k; c++)
            {
                double sum = 0;
                for (int i = 0; i < m; i++)
                {
                    sum += jacobian[i * k + r] * jacobian[i * k + c];
                }

                a[r, c] = sum;
            }

            a[r, k + r] = 1;
        }

        for (int col = 0; col < k; col++)
        {
            int pivot = Enumerable.Range(col, k - col).MaxBy(r => Math.Abs(a[r, col]));
            for (int c = 0; c < 2 * k; c++)
            {
                (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
            }

            double diagonal = a[col, col];
            for (int c = 0; c < 2 * k; c++)
            {
                a[col, c] /= diagonal;
            }

            for (int r = 0; r < k; r++)
            {
                if (r != col && a[r, col] != 0)
                {
                    double factor = a[r, col];
                    for (int c = 0; c < 2 * k; c++)
                    {
                        a[r, c] -= factor * a[col, c];
                    }
                }
            }
        }

        var inverse = new double[k, k];
        for (int r = 0; r < k; r++)
        {
            for (int c = 0; c < k; c++)
            {
                inverse[r, c] = a[r, k + c];
            }
        }

        return inverse;
    }

    internal static string DataFolder => Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "samples", "CurveFitting", "data");

    internal static NistProblem Load(string name) => NistProblem.Load(Path.Combine(DataFolder, name + ".json"));
}
