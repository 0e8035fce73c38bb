using BenchmarkDotNet.Attributes;

namespace SymbolicDiff.Benchmarks.AdBench;

/// <summary>
/// The rows every AD-benchmark objective gets: the objective alone (the baseline, so BenchmarkDotNet's ratio column
/// is gradient / objective), the generated value + gradient, and the hand-written one. The setup checks that the
/// two gradients agree (to 1e-9, relative to the largest component) before anything is timed; the tests in
/// tests/SymbolicDiff.Tests/AdBench check both against finite differences on small instances.
/// </summary>
[MemoryDiagnoser]
public abstract class AdBenchBenchmarks
{
    private AdBenchProblem _problem = null!;

    /// <summary>The instance timed, at ADBench/GradBench-like sizes.</summary>
    protected abstract AdBenchProblem CreateProblem();

    [GlobalSetup]
    public void Setup()
    {
        _problem = CreateProblem();
        double value = _problem.Generated();
        double[] generated = [value, .. _problem.Gradient];
        value = _problem.HandWritten();
        double[] handWritten = [value, .. _problem.Gradient];
        double scale = generated.Max(Math.Abs);
        Agreement.Check("hand-written", generated, handWritten, 1e-9 * Math.Max(1, scale));
        Agreement.Check("objective", [generated[0]], [_problem.Objective()], 1e-9 * Math.Max(1, Math.Abs(generated[0])));
    }

    [Benchmark(Baseline = true)]
    public double Objective() => _problem.Objective();

    [Benchmark]
    public double Generated() => _problem.Generated();

    [Benchmark]
    public double HandWritten() => _problem.HandWritten();
}

/// <summary>GMM, d = 10, k = 25, n = 1,000 (ADBench's gmm_d10_K25 with 1k points), m = 0.</summary>
public class GmmBenchmarks : AdBenchBenchmarks
{
    protected override AdBenchProblem CreateProblem() => new GmmProblem(seed: 1, d: 10, k: 25, n: 1000, m: 0);
}

/// <summary>Bundle adjustment, 21 cameras, 1,000 points, 4,000 observations (ADBench's ba1 has 21 cameras, 11,315
/// points and 36,455 observations: the same per-observation work, a tenth of the count).</summary>
public class BundleAdjustmentBenchmarks : AdBenchBenchmarks
{
    protected override AdBenchProblem CreateProblem() => new BundleAdjustmentProblem(seed: 1, cameras: 21, points: 1000, observations: 4000);
}

/// <summary>The simplified hand, 22 bones (palm and 7 fingers of 3), 544 vertices (ADBench's simple hand model's counts).</summary>
public class HandTrackingBenchmarks : AdBenchBenchmarks
{
    protected override AdBenchProblem CreateProblem() => new HandTrackingProblem(seed: 1, fingers: 7, bonesPerFinger: 3, vertices: 544);
}

/// <summary>LSTM, 2 layers, b = 14, c = 1,024 (ADBench's lstm_l2_c1024).</summary>
public class LstmBenchmarks : AdBenchBenchmarks
{
    protected override AdBenchProblem CreateProblem() => new LstmProblem(seed: 1, layers: 2, b: 14, c: 1024);
}

/// <summary>Log-sum-exp of 10,000 values.</summary>
public class LogSumExpBenchmarks : AdBenchBenchmarks
{
    protected override AdBenchProblem CreateProblem() => new LogSumExpProblem(seed: 1, n: 10_000);
}

/// <summary>Linear least squares, 32 coefficients, 1,024 points.</summary>
public class LinearLeastSquaresBenchmarks : AdBenchBenchmarks
{
    protected override AdBenchProblem CreateProblem() => new LinearLeastSquaresProblem(seed: 1, m: 32, n: 1024);
}

/// <summary>k-means cost, 1,000 points, 10 centroids, d = 8.</summary>
public class KMeansBenchmarks : AdBenchBenchmarks
{
    protected override AdBenchProblem CreateProblem() => new KMeansProblem(seed: 1, n: 1000, k: 10, d: 8);
}

/// <summary>The RK4 ODE, n = 32 coefficients, 100 steps.</summary>
public class OdeBenchmarks : AdBenchBenchmarks
{
    protected override AdBenchProblem CreateProblem() => new OdeProblem(seed: 1, n: 32, steps: 100);
}

/// <summary>Determinant by minors of a 10 × 10 matrix.</summary>
public class DeterminantBenchmarks : AdBenchBenchmarks
{
    protected override AdBenchProblem CreateProblem() => new DeterminantProblem(seed: 1, ell: 10);
}
