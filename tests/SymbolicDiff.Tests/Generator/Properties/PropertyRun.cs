using System.Diagnostics;
using System.Globalization;
using CsCheck;
using Xunit.Abstractions;

namespace SymbolicDiff.Tests.Generator.Properties;

/// <summary>
/// One property-test run, the same for every kind of random case: seeded generation, batched compilation on every
/// core, the counts printed, a bound on what was skipped, and a failure reported with its source and shrunk by CsCheck.
/// </summary>
/// <remarks>
/// <para>
/// Each case has a CsCheck seed of its own, drawn from a master seed that is fixed, so that every run (and CI)
/// checks the same cases. A failing case is then shrunk by CsCheck (one case per compilation, starting from its
/// seed) and reported with its source, its points and the seed of the smallest failing case, as CsCheck prints it.
/// </para>
/// <para>Environment variables:</para>
/// <list type="bullet">
/// <item><c>SYMBOLICDIFF_PROPERTY_SEED</c>: the master seed, a decimal number (default <see cref="DefaultSeed"/>); set it to check other cases.</item>
/// <item><c>SYMBOLICDIFF_PROPERTY_METHODS</c>: how many methods each test checks (default: the test's own); raise it for a longer run.</item>
/// <item><c>SYMBOLICDIFF_PROPERTY_SHRINK_SECONDS</c>: how long CsCheck may shrink a failure (default 30).</item>
/// <item><c>CsCheck_Seed</c>: replays the one case of that seed (printed on a failure) instead of the whole run; run only the test that printed it (<c>--filter</c>), as each test generates its own kind of case from a seed.</item>
/// </list>
/// </remarks>
internal static class PropertyRun
{
    public const ulong DefaultSeed = 20250611;

    // The checks may skip a partial where the function is not smooth, or a point where it is huge or not finite
    // (GradientOracle says how it decides). That must stay rare: more would mean the programs or the points are
    // badly chosen, and the test checking much less than it says.
    private const double MaxSkippedFraction = 0.01;

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    private static ulong MasterSeed => Variable("SYMBOLICDIFF_PROPERTY_SEED") is { } s ? ulong.Parse(s, CultureInfo.InvariantCulture) : DefaultSeed;

    private static int ShrinkSeconds => Variable("SYMBOLICDIFF_PROPERTY_SHRINK_SECONDS") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : 30;

    /// <summary>How many methods a test checks: <paramref name="defaultMethods"/> unless SYMBOLICDIFF_PROPERTY_METHODS says otherwise.</summary>
    public static int MethodCount(int defaultMethods) =>
        Variable("SYMBOLICDIFF_PROPERTY_METHODS") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : defaultMethods;

    /// <summary>
    /// Generates <paramref name="count"/> cases from the master seed and <paramref name="salt"/> (one salt per test,
    /// so that tests check different cases), checks them <paramref name="batchSize"/> to a compilation with
    /// <paramref name="check"/>, prints the counts, and fails on a failure or when too much was skipped.
    /// </summary>
    public static void Run<TCase>(
        ITestOutputHelper output,
        string what,
        Gen<TCase> gen,
        uint salt,
        int count,
        int batchSize,
        Func<IReadOnlyList<TCase>, CheckCounts, List<CaseFailure>> check,
        Func<TCase, int, string> describe)
    {
        if (CsCheck.Check.Seed is not null)
        {
            // Replay of one case: CsCheck takes the seed from CsCheck_Seed.
            gen.Sample(c => CheckAlone(c, check), iter: 1, threads: 1, print: c => describe(c, 0));
            output.WriteLine($"{what}: replayed the case of seed {CsCheck.Check.Seed}");
            return;
        }

        var stopwatch = Stopwatch.StartNew();
        ulong masterSeed = MasterSeed;
        var master = new PCG(salt, masterSeed);
        var cases = new TCase[count];
        var seeds = new string[count];
        for (int i = 0; i < count; i++)
        {
            var pcg = new PCG(master.Next(), master.Next64());
            ulong state = pcg.State;
            cases[i] = gen.Generate(pcg, null, out _);
            seeds[i] = pcg.ToString(state);
        }

        int batches = (count + batchSize - 1) / batchSize;
        var counts = new CheckCounts[batches];
        var failuresByBatch = new List<CaseFailure>[batches];
        Parallel.For(0, batches, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, b =>
        {
            counts[b] = new CheckCounts();
            var batch = cases.Skip(b * batchSize).Take(batchSize).ToList();
            failuresByBatch[b] = check(batch, counts[b])
                .Select(f => f with { Index = f.Index < 0 ? -1 : b * batchSize + f.Index })
                .ToList();
        });

        var total = new CheckCounts();
        foreach (var c in counts)
        {
            total.Add(c);
        }

        var failures = failuresByBatch.SelectMany(f => f).ToList();
        string methods = total.Helpers > 0
            ? $"{total.Methods + total.Helpers:N0} [Differentiable] methods ({total.Methods:N0} and a helper of each)"
            : $"{total.Methods:N0} [Differentiable] methods";
        output.WriteLine(
            $"{what}: checked {methods} at {total.Points:N0} points " +
            $"in {stopwatch.Elapsed.TotalSeconds:0.0} s ({batches} compilations, master seed {masterSeed}): " +
            $"{total.Values:N0} values exactly, {total.Partials:N0} partials against finite differences; " +
            $"skipped {total.PartialsNotSmooth:N0} partials not smooth at their point and {total.PointsOutOfRange:N0} points where |f| > 1e4 or f is not finite; " +
            $"{failures.Count} failures");

        if (failures.Count > 0)
        {
            Assert.Fail(Report(what, gen, cases, seeds, failures, masterSeed, batchSize, check, describe));
        }

        double notSmooth = (double)total.PartialsNotSmooth / Math.Max(1, total.Partials + total.PartialsNotSmooth);
        double outOfRange = (double)total.PointsOutOfRange / Math.Max(1, total.Points);
        Assert.True(notSmooth <= MaxSkippedFraction, $"{notSmooth:P1} of the partials were skipped as not smooth (at most {MaxSkippedFraction:P0} expected)");
        Assert.True(outOfRange <= MaxSkippedFraction, $"{outOfRange:P1} of the points were skipped as out of range (at most {MaxSkippedFraction:P0} expected)");
        Assert.True(total.Methods == count, $"{total.Methods} methods checked of {count}");
    }

    /// <summary>A failure's kind, for the summary: its first line up to the first digit or colon, with the compiler diagnostic's id if any.</summary>
    private static string Kind(string message)
    {
        var lines = message.Split('\n');
        string first = lines[0];
        if (first.StartsWith('∂'))
        {
            return "a partial differs from finite differences";
        }

        int end = first.IndexOfAny(":0123456789([".ToCharArray());
        string kind = end > 0 ? first.Substring(0, end).TrimEnd() : first;
        var id = lines.Skip(1).Take(1).Select(l => System.Text.RegularExpressions.Regex.Match(l, @"\b(error|warning) (CS\d+|SD\d+)")).FirstOrDefault(m => m.Success);
        return id is null ? kind : $"{kind} ({id.Groups[1].Value} {id.Groups[2].Value})";
    }

    /// <summary>Checks one case in a compilation of its own; throws with the failure.</summary>
    private static void CheckAlone<TCase>(TCase c, Func<IReadOnlyList<TCase>, CheckCounts, List<CaseFailure>> check)
    {
        var failures = check(new[] { c }, new CheckCounts());
        if (failures.Count > 0)
        {
            throw new InvalidOperationException(failures[0].Message);
        }
    }

    /// <summary>The failure message: the first failures as found, then the first one shrunk by CsCheck.</summary>
    private static string Report<TCase>(
        string what,
        Gen<TCase> gen,
        TCase[] cases,
        string[] seeds,
        List<CaseFailure> failures,
        ulong masterSeed,
        int batchSize,
        Func<IReadOnlyList<TCase>, CheckCounts, List<CaseFailure>> check,
        Func<TCase, int, string> describe)
    {
        var report = new System.Text.StringBuilder();
        report.Append($"{failures.Count} {what} failed (master seed {masterSeed}; SYMBOLICDIFF_PROPERTY_SEED changes it).\n");
        // What went wrong, in kinds: a compile error or warning by its id, a wrong partial, a wrong value, ...
        foreach (var kind in failures.GroupBy(f => Kind(f.Message)).OrderByDescending(g => g.Count()))
        {
            report.Append($"  {kind.Count()} × {kind.Key}\n");
        }

        // The first failure of each kind, then the next ones, three in all.
        var shown = failures.GroupBy(f => Kind(f.Message)).Select(g => g.First())
            .Concat(failures).Distinct().Take(3).OrderBy(f => failures.IndexOf(f)).ToList();
        report.Append("The first of each kind:\n");
        foreach (var failure in shown)
        {
            report.Append("\n-----\n");
            if (failure.Index < 0)
            {
                report.Append(failure.Message).Append('\n');
                continue;
            }

            report.Append($"{failure.Message}\n--- CsCheck seed {seeds[failure.Index]}, case {failure.Index % batchSize} of its compilation:\n");
            report.Append(describe(cases[failure.Index], failure.Index % batchSize)).Append('\n');
        }

        var first = shown.FirstOrDefault(f => f.Index >= 0);
        if (first is null)
        {
            return report.ToString();
        }

        report.Append($"\n===== The first failure shrunk by CsCheck for {ShrinkSeconds} s (one case per compilation, so its methods are numbered 0):\n");
        try
        {
            gen.Sample(c => CheckAlone(c, check), seed: seeds[first.Index], time: ShrinkSeconds, print: c => describe(c, 0));
            report.Append("(the case passes when compiled alone, and no other failing case was found)\n");
        }
        catch (CsCheckException exception)
        {
            report.Append(exception.Message).Append("\n--- its failure:\n").Append(exception.InnerException?.Message).Append('\n');
        }

        return report.ToString();
    }
}
