using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CsCheck;
using Xunit.Abstractions;

namespace SymbolicDiff.Tests.Generator.Fuzz;

/// <summary>
/// The generator fuzzed at scale: over 100,000 generated [Differentiable] methods per run, each required to end in
/// working generated code (whose gradient matches central finite differences where it is checked) or SD
/// diagnostics, never an exception, CS8785, SD9999, an error or warning in generated code, or a timeout (see
/// <see cref="FuzzJudge"/> for the rules and <see cref="FuzzInputs"/> for the inputs).
/// </summary>
/// <remarks>
/// <para>
/// The inputs are judged hundreds to a compilation (one generator run on a 1 MB stack, one emit or one pass of
/// diagnostics, the assembly loaded once), on every core. An input is one file with one class; it counts as many
/// inputs as it has [Differentiable] methods (a random scalar program has a method and its helper, so two).
/// </para>
/// <para>
/// Seeded, so every run (and CI) judges the same inputs. Environment variables:
/// <c>SYMBOLICDIFF_FUZZ_SEED</c> (a decimal number, default <see cref="DefaultSeed"/>) judges other inputs;
/// <c>SYMBOLICDIFF_FUZZ_SCALE</c> (a decimal number, default 1) multiplies the number of inputs of every kind, so
/// <c>SYMBOLICDIFF_FUZZ_SCALE=10 dotnet test --filter Category=Fuzz</c> judges over a million methods. A failure
/// prints the input's source and its id; the same seed reproduces it. <c>SYMBOLICDIFF_FUZZ_REPORT</c>, a file path,
/// writes every failure there, not only the first of each kind.
/// </para>
/// </remarks>
[Trait(TestCategory.Name, TestCategory.Slow)]
[Trait(TestCategory.Name, TestCategory.Fuzz)]
public class GeneratorFuzzTests
{
    public const ulong DefaultSeed = 20261129;

    private readonly ITestOutputHelper _output;

    public GeneratorFuzzTests(ITestOutputHelper output) => _output = output;

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    private static ulong Seed => Variable("SYMBOLICDIFF_FUZZ_SEED") is { } s ? ulong.Parse(s, CultureInfo.InvariantCulture) : DefaultSeed;

    private static double Scale => Variable("SYMBOLICDIFF_FUZZ_SCALE") is { } s ? double.Parse(s, CultureInfo.InvariantCulture) : 1;

    /// <summary>
    /// Generator bugs the fuzzer finds, excluded by name while they last: an input whose only problem matches one is
    /// counted and printed, not failed. Each entry names the bug and the file it is in; remove it once fixed.
    /// </summary>
    private static readonly (string Bug, Func<string, string, bool> Matches)[] KnownBugs =
    {
    };

    /// <summary>A kind of input, how many files of it (per unit of scale) and how many to a compilation.</summary>
    private sealed record Plan(string Kind, int Files, int BatchSize, Func<int, PCG, Random, FuzzInput> Make);

    private static readonly Plan[] Plans =
    {
        new(FuzzInputs.ScalarProgram, 1_000, 100, (id, pcg, _) => FuzzInputs.Scalar(id, pcg)),
        new(FuzzInputs.LoopProgram, 500, 50, (id, pcg, _) => FuzzInputs.Loop(id, pcg)),
        new(FuzzInputs.MutatedSmall, 20_000, 250, (id, _, random) => FuzzInputs.SmallMutant(id, random)),
        new(FuzzInputs.MutatedScalar, 3_000, 250, (id, pcg, random) => FuzzInputs.Mutant(id, pcg, random, loops: false)),
        new(FuzzInputs.MutatedLoop, 2_000, 250, (id, pcg, random) => FuzzInputs.Mutant(id, pcg, random, loops: true)),
        new(FuzzInputs.TokenSoup, 12_000, 500, (id, _, random) => FuzzInputs.Soup(id, random)),
        new(FuzzInputs.SizeExtreme, 60, 10, (id, _, random) => FuzzInputs.Extreme(id, random)),
    };

    [Fact]
    public void Every_generated_input_gets_working_code_or_SD_diagnostics()
    {
        var stopwatch = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        ulong seed = Seed;
        double scale = Scale;
        var batches = new List<(Plan Plan, int FirstId, int Count)>();
        int nextId = 0;
        foreach (var plan in Plans)
        {
            int files = (int)Math.Round(plan.Files * scale);
            for (int first = 0; first < files; first += plan.BatchSize)
            {
                batches.Add((plan, nextId + first, Math.Min(plan.BatchSize, files - first)));
            }

            nextId += files;
        }

        var counts = new Dictionary<string, FuzzCounts>();
        var failures = new List<FuzzFailure>();
        // Larger batches first, so that the cores finish together.
        Parallel.ForEach(
            batches.OrderByDescending(b => b.Count * (b.Plan.Kind == FuzzInputs.SizeExtreme ? 20 : 1)).ToList(),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            b =>
            {
                var inputs = new List<(int, FuzzInput)>();
                var found = new List<FuzzFailure>();
                for (int id = b.FirstId; id < b.FirstId + b.Count; id++)
                {
                    try
                    {
                        inputs.Add((id, b.Plan.Make(id, new PCG((uint)id, seed), new Random(unchecked((int)(seed * 7919 + (ulong)id))))));
                    }
                    catch (Exception exception)
                    {
                        found.Add(new FuzzFailure(id, b.Plan.Kind, "making the input threw (a bug of the test) " + exception, string.Empty));
                    }
                }

                found.AddRange(FuzzJudge.Judge(inputs, counts));
                lock (failures)
                {
                    failures.AddRange(found);
                }
            });

        var total = new FuzzCounts();
        foreach (var c in counts.Values)
        {
            total.Add(c);
        }

        var excluded = new Dictionary<string, int>();
        var real = new List<FuzzFailure>();
        foreach (var failure in failures)
        {
            string? bug = KnownBugs.FirstOrDefault(k => k.Matches(failure.Source, failure.Problem)).Bug;
            if (bug is not null)
            {
                excluded[bug] = excluded.GetValueOrDefault(bug) + 1;
            }
            else
            {
                real.Add(failure);
            }
        }

        _output.WriteLine(
            $"fuzzing: {total.Methods:N0} [Differentiable] methods in {total.Inputs:N0} files, {stopwatch.Elapsed.TotalSeconds:0} s " +
            $"({(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0} s of CPU time on {Environment.ProcessorCount} cores) " +
            $"({batches.Count} compilations, seed {seed}, scale {scale}); {total.GradientMethods:N0} methods' gradients checked at {total.Check.Points:N0} points " +
            $"({total.Check.Partials:N0} partials against finite differences, {total.Check.PartialsNotSmooth:N0} skipped as not smooth, " +
            $"{total.Check.PointsOutOfRange:N0} points where |f| > 1e4); {real.Count} failures, {failures.Count - real.Count} excluded as known bugs");
        foreach (var (kind, c) in counts.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            _output.WriteLine(
                $"  {kind}: {c.Methods:N0} methods in {c.Inputs:N0} files: {c.Working:N0} working code, {c.WithSd:N0} SD diagnostics, " +
                $"{c.InputErrors:N0} errors in the input only; {c.GradientMethods:N0} gradients checked ({c.Check.Partials:N0} partials); " +
                $"seconds (summed over threads): generator {c.GeneratorSeconds:0.0}, compiler {c.CompilerSeconds:0.0}, gradient checks {c.CheckSeconds:0.0}" +
                (c.SdIds.Count > 0 ? "; " + string.Join(", ", c.SdIds.Select(p => $"{p.Key} × {p.Value}")) : string.Empty));
        }

        foreach (var (bug, count) in excluded)
        {
            _output.WriteLine($"  known bug hit {count} times: {bug}");
        }

        if (Variable("SYMBOLICDIFF_FUZZ_REPORT") is { } reportPath)
        {
            File.WriteAllText(reportPath, string.Join("\n\n=====\n\n", real.Select(f => $"input {f.Id} ({f.Kind}): {f.Problem}\n--- source:\n{f.Source}")));
        }

        var kinds = real.GroupBy(f => f.Kind + ": " + Regex.Replace(f.Problem.Split('\n')[0], @"\(\d+,\d+\)|\d+", "#"));
        Assert.True(
            real.Count == 0,
            $"{real.Count} fuzz inputs failed (seed {seed}), in {kinds.Count()} ways:\n" +
            string.Join("\n", kinds.Select(kind => $"  {kind.Count()} × {kind.Key}")) +
            "\n\nthe first of each way:\n\n" +
            string.Join("\n\n-----\n\n", kinds.Select(k => k.First()).Take(8).Select(f => $"input {f.Id} ({f.Kind}): {f.Problem}\n--- source:\n{f.Source}")));
        Assert.True(total.Methods >= 100_000 * scale, $"only {total.Methods} methods judged");
    }
}
