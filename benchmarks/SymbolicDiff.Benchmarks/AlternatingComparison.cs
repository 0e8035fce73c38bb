using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using SymbolicDiff.Benchmarks.AdBench;

namespace SymbolicDiff.Benchmarks;

/// <summary>
/// Generated against hand-written gradients on a loaded machine, where BenchmarkDotNet's means move by several times
/// between runs: the two calls alternate in rounds inside one process, so both see the same disturbance, and each
/// one's fastest round is reported (the one least disturbed), with their ratio, and the median and quartiles of the
/// round-by-round ratios. On Linux each round is timed in the thread's own CPU time (CLOCK_THREAD_CPUTIME_ID), which
/// leaves out the time the thread waits for a core: at a load average of 50 on 2 cores the LSTM's round-by-round ratio
/// had quartiles 0.03 apart in CPU time where wall-clock quartiles were 0.5 apart. Elsewhere, wall-clock time.
/// Not a replacement for BenchmarkDotNet on a quiet machine; a way to see a 5 % change on a busy one.
/// <c>dotnet benchmarks/SymbolicDiff.Benchmarks/bin/Release/net10.0/SymbolicDiff.Benchmarks.dll --alternating [rounds]</c>.
/// </summary>
public static class AlternatingComparison
{
    /// <summary>Runs the comparison for the MLP batch loss, the logistic loss at d = 4, ADBench's LSTM (against the plain hand-written gradient and against one of equal accuracy), the ODE and the determinant, and prints one line each.</summary>
    /// <param name="rounds">How many rounds of each call; a few hundred.</param>
    public static void Run(int rounds)
    {
        var mlp = new MlpVectorBenchmarks();
        mlp.Setup(); // checks that both compute the same value and gradient
        Compare("MLP, 16 rows", rounds, 500, () => mlp.MlpGenerated(), () => mlp.MlpHandWritten());

        var logistic = new LogisticVectorBenchmarks { Features = 4 };
        logistic.Setup();
        Compare("logistic loss, d = 4", rounds, 20_000, () => logistic.LogisticGenerated(), () => logistic.LogisticHandWritten());

        // ADBench's lstm_l2_c1024, as LstmBenchmarks; its setup checks that both gradients agree.
        var lstm = new LstmBenchmarks();
        lstm.Setup();
        Compare("LSTM, l = 2, b = 14, c = 1,024", Math.Max(1, rounds / 5), 3, lstm.Generated, lstm.HandWritten);
        // The same against a hand-written gradient with the generated code's accurate σ′ and tanh′ (one more exponential
        // in each tail), and that reference against the plain one: the price of the accuracy, written by hand.
        var lstmProblem = new LstmProblem(seed: 1, layers: 2, b: 14, c: 1024);
        Compare("LSTM against the hand-written gradient of equal accuracy", Math.Max(1, rounds / 5), 3, lstmProblem.Generated, lstmProblem.HandWrittenAccurate, "generated", "hand-written of equal accuracy");
        Compare("LSTM, hand-written of equal accuracy against the plain one", Math.Max(1, rounds / 5), 3, lstmProblem.HandWrittenAccurate, lstmProblem.HandWritten, "accurate", "plain");

        // Two AD-benchmark objectives whose gradients are still above 4 times the objective (docs/performance.md).
        var ode = new AdBench.OdeProblem(seed: 1, n: 32, steps: 100);
        Compare("ODE, RK4 (n = 32, 100 steps)", rounds, 20, ode.Generated, ode.HandWritten);
        var determinant = new AdBench.DeterminantProblem(seed: 1, ell: 10);
        Compare("determinant by minors (10 × 10)", rounds, 10, determinant.Generated, determinant.HandWritten);
    }

    private static void Compare(string name, int rounds, int callsPerRound, Func<double> generated, Func<double> handWritten, string first = "generated", string second = "hand-written")
    {
        var generatedTimes = new double[rounds];
        var handWrittenTimes = new double[rounds];
        var ratios = new double[rounds];
        double sink = 0;
        for (int round = 0; round < rounds; round++)
        {
            // Each goes first every other round, so that neither always runs in the other's wake.
            if (round % 2 == 0)
            {
                generatedTimes[round] = Time(generated, callsPerRound, ref sink);
                handWrittenTimes[round] = Time(handWritten, callsPerRound, ref sink);
            }
            else
            {
                handWrittenTimes[round] = Time(handWritten, callsPerRound, ref sink);
                generatedTimes[round] = Time(generated, callsPerRound, ref sink);
            }

            ratios[round] = generatedTimes[round] / handWrittenTimes[round];
        }

        double fastestGenerated = generatedTimes.Min(), fastestHandWritten = handWrittenTimes.Min();
        Array.Sort(ratios);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{name}: {first} {fastestGenerated:F1} ns, {second} {fastestHandWritten:F1} ns ({Clock}, fastest of {rounds} rounds of {callsPerRound} calls each), {first} / {second} {fastestGenerated / fastestHandWritten:F2}; round by round median {ratios[rounds / 2]:F2}, quartiles {ratios[rounds / 4]:F2}–{ratios[3 * rounds / 4]:F2}; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} (value sum {sink:E2})"));
    }

    private static string Clock => OperatingSystem.IsLinux() ? "thread CPU time" : "wall-clock time";

    private static double Time(Func<double> call, int calls, ref double sink)
    {
        long start = Now();
        for (int i = 0; i < calls; i++)
        {
            sink += call();
        }

        return (double)(Now() - start) / calls;
    }

    /// <summary>Nanoseconds: the calling thread's CPU time on Linux, a monotonic clock elsewhere.</summary>
    private static long Now()
    {
        if (OperatingSystem.IsLinux() && ThreadCpuTime.clock_gettime(ThreadCpuTime.ThreadClock, out var time) == 0)
        {
            return time.Seconds * 1_000_000_000 + time.Nanoseconds;
        }

        return (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));
    }

    private static class ThreadCpuTime
    {
        public const int ThreadClock = 3; // CLOCK_THREAD_CPUTIME_ID

        [StructLayout(LayoutKind.Sequential)]
        public struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        [DllImport("libc", EntryPoint = "clock_gettime")]
        public static extern int clock_gettime(int clock, out TimeSpec time);
    }
}
