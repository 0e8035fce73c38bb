using System.Globalization;

namespace SymbolicDiff.Benchmarks.AdBench;

/// <summary>
/// The AD-benchmark objectives timed as <see cref="AlternatingComparison"/> times the MLP, by the same core
/// (<see cref="AlternatingRounds"/>): the objective, the generated gradient and the hand-written one called in turn inside
/// one process, round after round, so that all three see the same disturbance on a shared machine; each one's fastest
/// round is reported, and each ratio as the ratio of the fastest rounds and the median of the round-by-round ratios.
/// Rounds are kept short (a fraction of a millisecond where a call allows), so that a round is seldom preempted; since
/// a round is timed in the thread's CPU time, a preempted one is lengthened only by what the other process left in the
/// caches, not by the wait. <c>dotnet benchmarks/SymbolicDiff.Benchmarks/bin/Release/net10.0/SymbolicDiff.Benchmarks.dll
/// --alternating-adbench [rounds] [names]</c>, names from <see cref="Problems"/> separated by commas (bundle adjustment
/// and the hand when left out). GMM runs one call a round (about 4 ms), so take a few hundred rounds.
/// </summary>
public static class AdBenchAlternating
{
    /// <summary>The objectives this harness knows, by name, each at the size its BenchmarkDotNet class times.</summary>
    public static readonly IReadOnlyDictionary<string, (Func<AdBenchProblem> Create, int CallsPerRound)> Problems =
        new Dictionary<string, (Func<AdBenchProblem>, int)>
        {
            ["ba"] = (() => new BundleAdjustmentProblem(seed: 1, cameras: 21, points: 1000, observations: 4000), 2),
            ["hand"] = (() => new HandTrackingProblem(seed: 1, fingers: 7, bonesPerFinger: 3, vertices: 544), 20),
            ["gmm"] = (() => new GmmProblem(seed: 1, d: 10, k: 25, n: 1000, m: 0), 1),
            ["det"] = (() => new DeterminantProblem(seed: 1, ell: 10), 5),
            ["ode"] = (() => new OdeProblem(seed: 1, n: 32, steps: 100), 4),
            ["lstm"] = (() => new LstmProblem(seed: 1, layers: 2, b: 14, c: 1024), 1),
            ["lse"] = (() => new LogSumExpProblem(seed: 1, n: 10_000), 2),
            ["llsq"] = (() => new LinearLeastSquaresProblem(seed: 1, m: 32, n: 1024), 1),
            ["kmeans"] = (() => new KMeansProblem(seed: 1, n: 1000, k: 10, d: 8), 2),
        };

    /// <summary>Runs the comparison for each named objective and prints one line each.</summary>
    /// <param name="rounds">How many rounds of each call; a few hundred.</param>
    /// <param name="names">Keys of <see cref="Problems"/>.</param>
    public static void Run(int rounds, IEnumerable<string> names)
    {
        foreach (string name in names)
        {
            var (create, callsPerRound) = Problems[name];
            var problem = create();
            Compare(name, rounds, callsPerRound, problem);
        }
    }

    private static void Compare(string name, int rounds, int callsPerRound, AdBenchProblem problem)
    {
        var (times, sink) = AlternatingRounds.Measure([problem.Objective, problem.Generated, problem.HandWritten], rounds, callsPerRound);
        double[] objective = times[0], generated = times[1], handWritten = times[2];
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{name}: objective {objective.Min() / 1000:F2} µs, generated {generated.Min() / 1000:F2} µs, hand-written {handWritten.Min() / 1000:F2} µs ({AlternatingRounds.Clock}, fastest of {rounds} rounds of {callsPerRound} calls); {AlternatingRounds.FormatRatio("generated / objective", generated, objective)}, {AlternatingRounds.FormatRatio("hand-written / objective", handWritten, objective)}, {AlternatingRounds.FormatRatio("generated / hand-written", generated, handWritten)}; load average {AlternatingRounds.LoadAverage} (value sum {sink:E2})"));
    }
}
