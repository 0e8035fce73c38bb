using SymbolicDiff.Solvers;

namespace SymbolicDiff.Tests.Runtime.Solvers;

/// <summary>
/// The Jacobians the curve-fitting sample takes from its residual methods' generated <c>MJacobian</c>, checked two ways at random points: against
/// partial derivatives worked out by hand for each NIST model, and against central finite differences.
/// </summary>
public class NistJacobianTests
{
    public static TheoryData<string> Problems()
    {
        var data = new TheoryData<string>();
        foreach (string name in NistModel.ByName.Values.Select(m => m.Name))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Problems))]
    public void The_generated_Jacobian_matches_the_hand_derived_one_and_central_differences(string name)
    {
        NistProblem problem = NistCertifiedValuesTests.Load(name);
        NistModel model = NistModel.ByName[name];
        int m = problem.X.Length, n = problem.ParameterCount;
        ResidualsAndJacobian residuals = model.Residuals(problem.X, problem.Y);
        var random = new Random(20261129);
        var r = new double[m];
        var jacobian = new double[m * n];
        for (int trial = 0; trial < 20; trial++)
        {
            // Between the certified values and NIST's start 2, each parameter perturbed by up to ±10%.
            double[] b = problem.Certified.Select((c, j) =>
                (c + random.NextDouble() * (problem.Starts[1][j] - c)) * (1 + 0.2 * (random.NextDouble() - 0.5))).ToArray();
            residuals(b, r, jacobian);
            for (int i = 0; i < m; i++)
            {
                double x = problem.X[i];
                Assert.Equal(model.Value(b, x) - problem.Y[i], r[i], 1e-12 * Math.Max(1, Math.Abs(r[i])));
                double[] byHand = HandDerived(name, b, x);
                double[] central = Central(bb => model.Value(bb, x), b, out double[] steps);
                double value = Math.Abs(model.Value(b, x));
                for (int j = 0; j < n; j++)
                {
                    double generated = jacobian[i * n + j];
                    double scale = Math.Max(Math.Abs(byHand[j]), 1e-300);
                    Assert.True(Math.Abs(generated - byHand[j]) <= 1e-12 * scale + 1e-300,
                        $"{name} row {i} column {j}: generated {generated:G17}, by hand {byHand[j]:G17}");
                    // The difference's own error: truncation (relative), and rounding, about 100ε·|f|/h, which for a small
                    // partial of a large f (Thurber's ∂f/∂b4 ≈ 10⁻⁶ beside f ≈ 10³) is most of it: the hand-derived
                    // comparison above is the tight one.
                    double tolerance = 1e-6 * Math.Abs(generated) + 2e-14 * value / steps[j];
                    Assert.True(Math.Abs(generated - central[j]) <= tolerance,
                        $"{name} row {i} column {j}: generated {generated:G17}, central difference {central[j]:G17}");
                }
            }
        }
    }

    /// <summary>∂f/∂b for each model, derived on paper.</summary>
    private static double[] HandDerived(string name, double[] b, double x)
    {
        switch (name)
        {
            case "Misra1a": // f = b1(1 − e^(−b2·x))
            {
                double e = Math.Exp(-b[1] * x);
                return [1 - e, b[0] * x * e];
            }

            case "Chwirut2": // f = e^(−b1·x) / (b2 + b3·x)
            {
                double d = b[1] + b[2] * x, f = Math.Exp(-b[0] * x) / d;
                return [-x * f, -f / d, -x * f / d];
            }

            case "DanWood": // f = b1·x^b2
            {
                double p = Math.Pow(x, b[1]);
                return [p, b[0] * p * Math.Log(x)];
            }

            case "Thurber": // f = N/D, N = b1 + b2x + b3x² + b4x³, D = 1 + b5x + b6x² + b7x³
            {
                double x2 = x * x, x3 = x2 * x;
                double num = b[0] + b[1] * x + b[2] * x2 + b[3] * x3, den = 1 + b[4] * x + b[5] * x2 + b[6] * x3;
                double q = num / (den * den);
                return [1 / den, x / den, x2 / den, x3 / den, -q * x, -q * x2, -q * x3];
            }

            case "MGH09": // f = b1·u/D, u = x² + x·b2, D = x² + x·b3 + b4
            {
                double u = x * x + x * b[1], den = x * x + x * b[2] + b[3];
                return [u / den, b[0] * x / den, -b[0] * u * x / (den * den), -b[0] * u / (den * den)];
            }

            case "Eckerle4": // f = (b1/b2)·e^(−z²/2), z = (x − b3)/b2
            {
                double z = (x - b[2]) / b[1], e = Math.Exp(-0.5 * z * z);
                return [e / b[1], b[0] * e / (b[1] * b[1]) * (z * z - 1), b[0] * e * z / (b[1] * b[1])];
            }

            default:
                throw new ArgumentException($"no hand-derived Jacobian for {name}", nameof(name));
        }
    }

    /// <summary>
    /// Central differences with a step relative to each parameter (the NIST parameters range from 10⁻⁴ to 10³), refined by
    /// one Richardson extrapolation, (4·C(h/2) − C(h))/3, whose truncation error is O(h⁴): near a pole of Thurber's or MGH09's
    /// rational model the plain O(h²) difference is off in the sixth digit.
    /// </summary>
    private static double[] Central(Func<double[], double> f, double[] b, out double[] steps)
    {
        var gradient = new double[b.Length];
        steps = new double[b.Length];
        var probe = (double[])b.Clone();
        double Difference(int j, double h)
        {
            probe[j] = b[j] + h;
            double up = f(probe);
            probe[j] = b[j] - h;
            double down = f(probe);
            probe[j] = b[j];
            return (up - down) / (2 * h);
        }

        for (int j = 0; j < b.Length; j++)
        {
            double h = 1e-6 * Math.Max(Math.Abs(b[j]), 1e-6);
            steps[j] = h / 2;
            gradient[j] = (4 * Difference(j, h / 2) - Difference(j, h)) / 3;
        }

        return gradient;
    }
}
