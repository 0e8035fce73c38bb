using System.Diagnostics;
using System.Globalization;

namespace SymbolicDiff.Benchmarks;

/// <summary>
/// Generated against hand-written gradients on a loaded machine, where BenchmarkDotNet's means move by several times
/// between runs: the two calls alternate in rounds inside one process, so both see the same disturbance, and each
/// one's fastest round is reported (the one least disturbed), with their ratio. Not a replacement for
/// BenchmarkDotNet on a quiet machine; a way to see a 10 % change on a busy one.
/// <c>dotnet benchmarks/SymbolicDiff.Benchmarks/bin/Release/net10.0/SymbolicDiff.Benchmarks.dll --alternating [rounds]</c>.
/// </summary>
public static class AlternatingComparison
{
    /// <summary>Runs the comparison for the MLP batch loss, the logistic loss at d = 4, the ODE and the determinant, and prints one line each.</summary>
    /// <param name="rounds">How many rounds of each call; a few hundred.</param>
    public static void Run(int rounds)
    {
        var mlp = new MlpVectorBenchmarks();
        mlp.Setup(); // checks that both compute the same value and gradient
        Compare("MLP, 16 rows", rounds, 500, () => mlp.MlpGenerated(), () => mlp.MlpHandWritten());

        var logistic = new LogisticVectorBenchmarks { Features = 4 };
        logistic.Setup();
        Compare("logistic loss, d = 4", rounds, 20_000, () => logistic.LogisticGenerated(), () => logistic.LogisticHandWritten());

        // Two AD-benchmark objectives whose gradients are still above 4 times the objective (docs/performance.md).
        var ode = new AdBench.OdeProblem(seed: 1, n: 32, steps: 100);
        Compare("ODE, RK4 (n = 32, 100 steps)", rounds, 20, ode.Generated, ode.HandWritten);
        var determinant = new AdBench.DeterminantProblem(seed: 1, ell: 10);
        Compare("determinant by minors (10 × 10)", rounds, 10, determinant.Generated, determinant.HandWritten);
    }

    private static void Compare(string name, int rounds, int callsPerRound, Func<double> generated, Func<double> handWritten)
    {
        var generatedTimes = new double[rounds];
        var handWrittenTimes = new double[rounds];
        double sink = 0;
        for (int round = 0; round < rounds; round++)
        {
            generatedTimes[round] = Time(generated, callsPerRound, ref sink);
            handWrittenTimes[round] = Time(handWritten, callsPerRound, ref sink);
        }

        double fastestGenerated = generatedTimes.Min(), fastestHandWritten = handWrittenTimes.Min();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{name}: generated {fastestGenerated:F1} ns, hand-written {fastestHandWritten:F1} ns (fastest of {rounds} rounds of {callsPerRound} calls each), generated / hand-written {fastestGenerated / fastestHandWritten:F2}; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} (value sum {sink:E2})"));
    }

    private static double Time(Func<double> call, int calls, ref double sink)
    {
        var stopwatch = Stopwatch.StartNew();
        for (int i = 0; i < calls; i++)
        {
            sink += call();
        }

        return stopwatch.Elapsed.TotalNanoseconds / calls;
    }
}
