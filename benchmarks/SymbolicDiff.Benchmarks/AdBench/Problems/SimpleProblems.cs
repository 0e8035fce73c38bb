namespace SymbolicDiff.Benchmarks.AdBench;

/// <summary><see cref="AdBenchObjectives.LogSumExp"/> at n values uniform on [−2, 2).</summary>
public sealed class LogSumExpProblem : AdBenchProblem
{
    public LogSumExpProblem(int seed, int n)
    {
        Parameters = Uniform(new Random(seed), n, -2, 2);
        Gradient = new double[n];
    }

    public override double Objective() => AdBenchObjectives.LogSumExp(Parameters);

    public override double Generated() => AdBenchObjectives.LogSumExpWithGradient(Parameters, Gradient);

    public override double HandWritten() => AdBenchHandWritten.LogSumExp(Parameters, Gradient);
}

/// <summary><see cref="AdBenchObjectives.LinearLeastSquares"/>: m coefficients uniform on [−1, 1), n points.</summary>
public sealed class LinearLeastSquaresProblem : AdBenchProblem
{
    private readonly int _n;

    public LinearLeastSquaresProblem(int seed, int m, int n)
    {
        _n = n;
        Parameters = Uniform(new Random(seed), m, -1, 1);
        Gradient = new double[m];
    }

    public override double Objective() => AdBenchObjectives.LinearLeastSquares(Parameters, _n);

    public override double Generated() => AdBenchObjectives.LinearLeastSquaresWithGradient(Parameters, _n, Gradient);

    public override double HandWritten() => AdBenchHandWritten.LinearLeastSquares(Parameters, _n, Gradient);
}

/// <summary>
/// <see cref="AdBenchObjectives.KMeansCost"/>: n points uniform in the unit cube of dimension d, k centroids
/// started at k of the points and moved a little (so that no point is equally near two of them).
/// </summary>
public sealed class KMeansProblem : AdBenchProblem
{
    private readonly double[] _points;
    private readonly int _d;

    public KMeansProblem(int seed, int n, int k, int d)
    {
        var random = new Random(seed);
        _d = d;
        _points = Uniform(random, n * d, 0, 1);
        Parameters = new double[k * d];
        for (int j = 0; j < k; j++)
        {
            for (int l = 0; l < d; l++)
            {
                Parameters[j * d + l] = _points[j * d + l] + 0.05 * (random.NextDouble() - 0.5);
            }
        }

        Gradient = new double[k * d];
    }

    public override double Objective() => AdBenchObjectives.KMeansCost(_points, Parameters, _d);

    public override double Generated() => AdBenchObjectives.KMeansCostWithGradient(_points, Parameters, _d, Gradient);

    public override double HandWritten() => AdBenchHandWritten.KMeansCost(_points, Parameters, _d, Gradient);
}

/// <summary><see cref="AdBenchObjectives.OdeFinalState"/>: n coefficients uniform on [0.5, 1.5), the given steps.</summary>
public sealed class OdeProblem : AdBenchProblem
{
    private readonly int _steps;

    public OdeProblem(int seed, int n, int steps)
    {
        _steps = steps;
        Parameters = Uniform(new Random(seed), n, 0.5, 1.5);
        Gradient = new double[n];
    }

    public override double Objective() => AdBenchObjectives.OdeFinalState(Parameters, _steps);

    public override double Generated() => AdBenchObjectives.OdeFinalStateWithGradient(Parameters, _steps, Gradient);

    public override double HandWritten() => AdBenchHandWritten.OdeFinalState(Parameters, _steps, Gradient);
}

/// <summary><see cref="AdBenchObjectives.Determinant"/> of an ell × ell matrix uniform on [−1, 1).</summary>
public sealed class DeterminantProblem : AdBenchProblem
{
    public DeterminantProblem(int seed, int ell)
    {
        Ell = ell;
        Parameters = Uniform(new Random(seed), ell * ell, -1, 1);
        Gradient = new double[ell * ell];
    }

    public int Ell { get; }

    public override double Objective() => AdBenchObjectives.Determinant(Parameters, Ell);

    public override double Generated() => AdBenchObjectives.DeterminantWithGradient(Parameters, Ell, Gradient);

    public override double HandWritten() => AdBenchHandWritten.Determinant(Parameters, Ell, Gradient);
}
