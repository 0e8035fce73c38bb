using System.Diagnostics;
using System.Globalization;

namespace SymbolicDiff.Benchmarks.AdBench;

/// <summary>
/// The AD-benchmark objectives timed as <see cref="AlternatingComparison"/> times the MLP: the objective, the generated
/// gradient and the hand-written one called in turn inside one process, round after round (the order reversed every
/// other round), so that all three see the same disturbance on a shared machine; each one's fastest round is reported
/// with the ratios. A round is kept well under a scheduler time slice (a fraction of a millisecond), since on a machine
/// with more runnable threads than cores a round longer than a slice is almost always preempted, and its minimum
/// then measures the preemption. For a 10 % change on a busy machine, not a replacement for BenchmarkDotNet on a quiet one.
/// <c>dotnet benchmarks/SymbolicDiff.Benchmarks/bin/Release/net10.0/SymbolicDiff.Benchmarks.dll --alternating-adbench
/// [rounds] [names]</c>, names from <see cref="Problems"/> separated by commas (bundle adjustment and the hand when left
/// out).
/// </summary>
public static class AdBenchAlternating
{
    /// <summary>The objectives this harness knows, by name, each at the size its BenchmarkDotNet class times.</summary>
    public static readonly IReadOnlyDictionary<string, (Func<AdBenchProblem> Create, int CallsPerRound)> Problems =
        new Dictionary<string, (Func<AdBenchProblem>, int)>
        {
            ["ba"] = (() => new BundleAdjustmentProblem(seed: 1, cameras: 21, points: 1000, observations: 4000), 2),
            ["hand"] = (() => new HandTrackingProblem(seed: 1, fingers: 7, bonesPerFinger: 3, vertices: 544), 20),
            ["ode"] = (() => new OdeProblem(seed: 1, n: 32, steps: 100), 4),
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
        (string Name, Func<double> Call)[] codes =
        [
            ("objective", problem.Objective),
            ("generated", problem.Generated),
            ("hand-written", problem.HandWritten),
        ];
        // Warm-up: enough calls for the tiered JIT to promote each code, then a pause for its background compiles, so
        // that no round times tier-0 code (on a loaded machine the promotion can lag by seconds).
        double sink = 0;
        for (int pass = 0; pass < 3; pass++)
        {
            foreach (var code in codes)
            {
                Time(code.Call, 60, ref sink);
            }

            Thread.Sleep(500);
        }

        var fastest = Enumerable.Repeat(double.MaxValue, codes.Length).ToArray();
        for (int round = 0; round < rounds; round++)
        {
            for (int k = 0; k < codes.Length; k++)
            {
                int c = round % 2 == 0 ? k : codes.Length - 1 - k;
                fastest[c] = Math.Min(fastest[c], Time(codes[c].Call, callsPerRound, ref sink));
            }
        }

        string times = string.Join(", ", codes.Select((code, c) => string.Create(CultureInfo.InvariantCulture, $"{code.Name} {fastest[c] / 1000:F2} µs")));
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{name}: {times} (fastest of {rounds} rounds of {callsPerRound} calls); generated / objective {fastest[1] / fastest[0]:F2}, hand-written / objective {fastest[2] / fastest[0]:F2}, generated / hand-written {fastest[1] / fastest[2]:F3}; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} (value sum {sink:E2})"));
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
