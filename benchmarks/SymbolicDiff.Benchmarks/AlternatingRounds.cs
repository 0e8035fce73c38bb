using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace SymbolicDiff.Benchmarks;

/// <summary>
/// The timing core of the alternating harnesses (<see cref="AlternatingComparison"/>, <c>--alternating</c>, and
/// <see cref="AdBench.AdBenchAlternating"/>, <c>--alternating-adbench</c>): several codes called in turn inside one
/// process, round after round, the order reversed every other round so that none always runs in another's wake, each
/// round timed per code; so all see the same disturbance on a shared machine. Two figures come of the rounds: each
/// code's fastest round (the one least disturbed) and, for a pair of codes, the median and quartiles of their
/// round-by-round ratios. Not a replacement for BenchmarkDotNet on a quiet machine; a way to see a 5 % change on a busy one.
/// <para>
/// The clock is the calling thread's own CPU time on Linux (<c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>), wall-clock
/// time elsewhere. On 2 cores at a load average of 20 to 100 a thread spends most of its wall-clock time runnable and
/// waiting for a core, in waits of a scheduler slice (milliseconds) that depend on the other processes, not on the code:
/// a wall-clock round measures those waits as soon as it is preempted once. A round much shorter than a slice escapes
/// them often enough for its fastest round to mean something, but not a round of an LSTM gradient (milliseconds a call),
/// and the round-by-round ratio is then the ratio of two unrelated waits. The thread's CPU time leaves the waits out:
/// what still disturbs it (caches and branch predictors cooled by what ran in between, a busy sibling hyperthread)
/// only ever lengthens a round, and far less, so the fastest round and the median ratio both hold. Measured here, at a
/// load average of 50 on 2 cores, the LSTM's round-by-round ratio had quartiles 0.03 apart in CPU time where wall-clock
/// quartiles were 0.5 apart. Its price, a system call (under a microsecond) at each end of a round, is under 1 % of
/// the shortest round timed here. It leaves out work other threads do for the code (a background GC, the tiered JIT's
/// compiles), which the gradients timed here do not cause once warm: they allocate nothing.
/// </para>
/// </summary>
public static class AlternatingRounds
{
    /// <summary>How the rounds are timed, for the report: "thread CPU time" on Linux, else "wall-clock time".</summary>
    public static string Clock => OperatingSystem.IsLinux() ? "thread CPU time" : "wall-clock time";

    /// <summary>
    /// Times <paramref name="codes"/> in alternating rounds of <paramref name="callsPerRound"/> calls each, after a
    /// warm-up: enough calls for the tiered JIT to promote each code, then a pause for its background compiles, so that
    /// no round times tier-0 code (on a loaded machine the promotion can lag by seconds).
    /// </summary>
    /// <param name="codes">The codes, each returning a value that is summed so that no call is optimised away.</param>
    /// <param name="rounds">How many rounds; a few hundred.</param>
    /// <param name="callsPerRound">Calls of each code per round.</param>
    /// <returns>Per code, per round, the time of one call in nanoseconds; and the sum of the values the calls returned.</returns>
    public static (double[][] Times, double ValueSum) Measure(IReadOnlyList<Func<double>> codes, int rounds, int callsPerRound)
    {
        double sink = 0;
        for (int pass = 0; pass < 3; pass++)
        {
            foreach (var code in codes)
            {
                Time(code, 60, ref sink);
            }

            Thread.Sleep(500);
        }

        var times = codes.Select(_ => new double[rounds]).ToArray();
        for (int round = 0; round < rounds; round++)
        {
            for (int k = 0; k < codes.Count; k++)
            {
                int c = round % 2 == 0 ? k : codes.Count - 1 - k;
                times[c][round] = Time(codes[c], callsPerRound, ref sink);
            }
        }

        return (times, sink);
    }

    /// <summary>
    /// <paramref name="numerator"/> against <paramref name="denominator"/> (per-round times of two codes from
    /// <see cref="Measure"/>): the ratio of their fastest rounds, and the median and quartiles of the round-by-round ratios.
    /// </summary>
    public static (double Fastest, double Median, double LowerQuartile, double UpperQuartile) Ratio(double[] numerator, double[] denominator)
    {
        var ratios = numerator.Zip(denominator, (n, d) => n / d).Order().ToArray();
        return (numerator.Min() / denominator.Min(), ratios[ratios.Length / 2], ratios[ratios.Length / 4], ratios[3 * ratios.Length / 4]);
    }

    /// <summary><c>name 1.23 (rounds: median 1.22, quartiles 1.20–1.25)</c>: <see cref="Ratio"/> printed.</summary>
    public static string FormatRatio(string name, double[] numerator, double[] denominator)
    {
        var (fastest, median, lower, upper) = Ratio(numerator, denominator);
        return string.Create(CultureInfo.InvariantCulture, $"{name} {fastest:F3} (rounds: median {median:F3}, quartiles {lower:F3}–{upper:F3})");
    }

    /// <summary>The load average over the last minute, where the system tells it (Linux), for the report.</summary>
    public static string LoadAverage => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

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
