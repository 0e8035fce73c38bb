using SymbolicDiff.Benchmarks.AdBench;

namespace SymbolicDiff.Tests.AdBench;

/// <summary>
/// The AD-benchmark objectives (benchmarks/SymbolicDiff.Benchmarks/AdBench, compiled into this project too, so the
/// generator differentiates the very sources the benchmarks time): on small random instances with fixed seeds, the
/// generated gradient must equal the hand-written one (derived independently, to rounding) and central finite
/// differences of the objective; the values of all three must agree.
/// </summary>
public class AdBenchGradientTests
{
    public static TheoryData<int> Seeds => new() { 1, 2, 3 };

    [Theory, MemberData(nameof(Seeds))]
    public void LogSumExp(int seed) => Check(new LogSumExpProblem(seed, n: 7));

    [Theory, MemberData(nameof(Seeds))]
    public void LinearLeastSquares(int seed) => Check(new LinearLeastSquaresProblem(seed, m: 5, n: 9));

    [Theory, MemberData(nameof(Seeds))]
    public void KMeans(int seed) => Check(new KMeansProblem(seed, n: 12, k: 3, d: 2));

    [Theory, MemberData(nameof(Seeds))]
    public void Ode(int seed) => Check(new OdeProblem(seed, n: 4, steps: 5));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(4, 4)]
    [InlineData(5, 5)]
    public void Determinant(int seed, int ell) => Check(new DeterminantProblem(seed, ell));

    [Theory, MemberData(nameof(Seeds))]
    public void Gmm(int seed) => Check(new GmmProblem(seed, d: 3, k: 2, n: 5, m: 2));

    [Theory, MemberData(nameof(Seeds))]
    public void BundleAdjustment(int seed) => Check(new BundleAdjustmentProblem(seed, cameras: 2, points: 3, observations: 5));

    [Fact]
    public void BundleAdjustmentWithAnUnrotatedCamera() =>
        Check(new BundleAdjustmentProblem(4, cameras: 2, points: 3, observations: 5, firstUnrotated: true));

    [Theory, MemberData(nameof(Seeds))]
    public void Lstm(int seed) => Check(new LstmProblem(seed, layers: 2, b: 3, c: 4));

    [Theory, MemberData(nameof(Seeds))]
    public void HandTracking(int seed) => Check(new HandTrackingProblem(seed, fingers: 2, bonesPerFinger: 2, vertices: 9));

    /// <summary>
    /// Numbers worked out without the code under test: the gradient of a determinant is its cofactor matrix (what
    /// GradBench's manual det gradient computes), here from 3 × 3 and 2 × 2 determinants written out in full.
    /// </summary>
    [Fact]
    public void DeterminantGradientIsTheCofactorMatrix()
    {
        var problem = new DeterminantProblem(seed: 11, ell: 3);
        double[] a = problem.Parameters;
        double expectedValue =
            a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6]);
        double[] cofactors =
        [
            a[4] * a[8] - a[5] * a[7], -(a[3] * a[8] - a[5] * a[6]), a[3] * a[7] - a[4] * a[6],
            -(a[1] * a[8] - a[2] * a[7]), a[0] * a[8] - a[2] * a[6], -(a[0] * a[7] - a[1] * a[6]),
            a[1] * a[5] - a[2] * a[4], -(a[0] * a[5] - a[2] * a[3]), a[0] * a[4] - a[1] * a[3],
        ];

        Assert.Equal(expectedValue, problem.Generated(), 12);
        for (int i = 0; i < 9; i++)
        {
            Assert.Equal(cofactors[i], problem.Gradient[i], 12);
        }
    }

    /// <summary>
    /// A worked value: log-sum-exp of (0, ln 3) is ln 4, and its gradient the softmax (1/4, 3/4).
    /// </summary>
    [Fact]
    public void LogSumExpWorkedExample()
    {
        double[] gradient = new double[2];
        double value = AdBenchObjectives.LogSumExpWithGradient([0, Math.Log(3)], gradient);
        Assert.Equal(Math.Log(4), value, 14);
        Assert.Equal(0.25, gradient[0], 14);
        Assert.Equal(0.75, gradient[1], 14);
    }

    /// <summary>
    /// A worked value: with every xᵢ = 1 the ODE is yᵢ' = yᵢ₋₁ from 0, so yₙ₋₁(2) = 2ⁿ/n! exactly, which one RK4 step
    /// of size 2 reproduces for n ≤ 4 (the solution is a polynomial of degree n ≤ 4). For n = 2, the loss is
    /// 2²/2 = 2 and its gradient, ∂/∂xᵢ of x₀x₁ t²/2 at t = 2, is (2, 2).
    /// </summary>
    [Fact]
    public void OdeWorkedExample()
    {
        double[] gradient = new double[2];
        double value = AdBenchObjectives.OdeFinalStateWithGradient([1.0, 1.0], 1, gradient);
        Assert.Equal(2.0, value, 12);
        Assert.Equal(2.0, gradient[0], 12);
        Assert.Equal(2.0, gradient[1], 12);
    }

    /// <summary>
    /// Instances large enough that each generated gradient saves more than the 128 values its stack buffer holds (so
    /// the pooled path is taken too): after warm-up, a generated call allocates nothing.
    /// </summary>
    public static TheoryData<string> AllocationCases => new()
    {
        "gmm", "ba", "hand", "lstm", "lse", "llsq", "kmeans", "ode", "det",
    };

    [Theory, MemberData(nameof(AllocationCases))]
    public void GeneratedGradientAllocatesNothing(string name)
    {
        AdBenchProblem problem = name switch
        {
            "gmm" => new GmmProblem(1, d: 4, k: 3, n: 20, m: 0),
            "ba" => new BundleAdjustmentProblem(1, cameras: 2, points: 3, observations: 40),
            "hand" => new HandTrackingProblem(1, fingers: 2, bonesPerFinger: 2, vertices: 100),
            "lstm" => new LstmProblem(1, layers: 2, b: 3, c: 30),
            "lse" => new LogSumExpProblem(1, n: 500),
            "llsq" => new LinearLeastSquaresProblem(1, m: 5, n: 200),
            "kmeans" => new KMeansProblem(1, n: 100, k: 3, d: 2),
            "ode" => new OdeProblem(1, n: 4, steps: 50),
            _ => new DeterminantProblem(1, ell: 6),
        };
        Assert.Equal(0, Allocations.PerCall(problem.Generated, calls: 1));
    }

    private static void Check(AdBenchProblem problem)
    {
        double objective = problem.Objective();
        double generatedValue = problem.Generated();
        double[] generated = (double[])problem.Gradient.Clone();
        double handWrittenValue = problem.HandWritten();
        double[] handWritten = (double[])problem.Gradient.Clone();

        Assert.Equal(objective, generatedValue, 1e-12 * Math.Max(1, Math.Abs(objective)));
        Assert.Equal(objective, handWrittenValue, 1e-12 * Math.Max(1, Math.Abs(objective)));

        double[] parameters = problem.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            Assert.True(
                Math.Abs(generated[i] - handWritten[i]) <= 1e-10 * Math.Max(1, Math.Abs(handWritten[i])),
                $"component {i}: generated {generated[i]:R}, hand-written {handWritten[i]:R}");

            double difference = CentralDifference(problem, i, out double h);
            // Truncation error O(h²) plus rounding of about ε|f|/h.
            double tolerance = 1e-6 * Math.Max(1, Math.Abs(difference)) + 1e-14 * Math.Abs(objective) / h;
            Assert.True(
                Math.Abs(generated[i] - difference) <= tolerance,
                $"component {i}: generated {generated[i]:R}, central difference {difference:R} (tolerance {tolerance:G3})");
        }
    }

    /// <summary>The central difference of the objective in parameter <paramref name="i"/>, with step h = 10⁻⁶·max(1, |pᵢ|).</summary>
    internal static double CentralDifference(AdBenchProblem problem, int i, out double h)
    {
        double[] parameters = problem.Parameters;
        double original = parameters[i];
        h = 1e-6 * Math.Max(1, Math.Abs(original));
        parameters[i] = original + h;
        double plus = problem.Objective();
        parameters[i] = original - h;
        double minus = problem.Objective();
        parameters[i] = original;
        return (plus - minus) / (2 * h);
    }
}
