using System.Diagnostics;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicDiff.Generator;
using SymbolicDiff.Tests.Generator.Properties;

namespace SymbolicDiff.Tests.Generator.Fuzz;

/// <summary>
/// One fuzz input: a file holding one class <c>Fuzz{Id}</c> with one or more [Differentiable] methods.
/// </summary>
/// <param name="Kind">Where it comes from, for the counts (random program, mutation, token soup, size extreme).</param>
/// <param name="Source">The file.</param>
/// <param name="MustWork">Whether it is made only of supported constructs, so that it must get working code and no diagnostic.</param>
/// <param name="Gradient">
/// For inputs whose gradient is checked: checks the loaded class against finite differences, returns a failure
/// message or null. Only given for inputs that terminate whatever they compute (no mutated loops).
/// </param>
internal sealed record FuzzInput(string Kind, string Source, bool MustWork, Func<Type, CheckCounts, string?>? Gradient = null)
{
    /// <summary>The number of [Differentiable] methods in it: each one is an input of the count.</summary>
    public int Methods { get; } = Regex.Matches(Source, @"\[Differentiable\b").Count;
}

/// <summary>What went wrong with one input.</summary>
internal sealed record FuzzFailure(int Id, string Kind, string Problem, string Source);

/// <summary>Counts of outcomes, per kind of input.</summary>
internal sealed class FuzzCounts
{
    public int Inputs;
    public int Methods;
    public int Working;
    public int WithSd;
    public int InputErrors;
    public int GradientMethods;
    public double GeneratorSeconds;
    public double CompilerSeconds;
    public double CheckSeconds;
    public readonly CheckCounts Check = new();
    public readonly SortedDictionary<string, int> SdIds = new(StringComparer.Ordinal);

    public void Add(FuzzCounts other)
    {
        Inputs += other.Inputs;
        Methods += other.Methods;
        Working += other.Working;
        WithSd += other.WithSd;
        InputErrors += other.InputErrors;
        GradientMethods += other.GradientMethods;
        GeneratorSeconds += other.GeneratorSeconds;
        CompilerSeconds += other.CompilerSeconds;
        CheckSeconds += other.CheckSeconds;
        Check.Add(other.Check);
        foreach (var (id, count) in other.SdIds)
        {
            SdIds[id] = SdIds.GetValueOrDefault(id) + count;
        }
    }
}

/// <summary>
/// Judges many fuzz inputs in one compilation: one file per input (so a syntax error stays in its file), one
/// generator run on a 1 MB stack (an IDE worker's), one emit or one pass of diagnostics, then every diagnostic and
/// generated file is attributed to its input by its file. Each input must end in one of: working generated code
/// (compiling without a warning, and with a gradient that matches finite differences where it is checked), SD
/// diagnostics (error ones only for methods that got no code), or errors in the input itself. Never an exception,
/// CS8785, SD9999, an error or warning in generated code for an input that compiles, a method that compiles but
/// gets neither code nor a diagnostic, or a timeout. A failing input is judged again alone, so that its report
/// does not depend on the others in its batch.
/// </summary>
internal static class FuzzJudge
{
    private const int OneMegabyte = 1024 * 1024;

    /// <summary>
    /// The generator's time bound: at most this many seconds for a batch on average per input, plus a fixed
    /// allowance (the first run in a process warms up Roslyn). Far above what any input needs (milliseconds), far
    /// below what a stalled IDE would mean; an input over it alone is a failure.
    /// </summary>
    public const double SecondsPerInput = 0.5;
    public const double SecondsAlone = 10;

    private static readonly Lazy<IEnumerable<MetadataReference>> References = new(() => GeneratorHarness.Compile().References.ToList());

    // Generated files are attributed by the class they reopen (a hint name may be cut short).
    private static readonly Regex ClassId = new(@"partial class Fuzz(\d+)\b", RegexOptions.Compiled);

    public static string ClassName(int id) => "Fuzz" + id;

    /// <summary>Judges the batch; adds to <paramref name="counts"/> (per kind) and returns the failures.</summary>
    public static List<FuzzFailure> Judge(IReadOnlyList<(int Id, FuzzInput Input)> batch, IDictionary<string, FuzzCounts> counts, bool alone = false)
    {
        var failures = new List<FuzzFailure>();
        var problems = JudgeTogether(batch, counts, out var batchProblem);
        if (batchProblem is not null && batch.Count == 1)
        {
            problems[batch[0].Id] = batchProblem;
        }

        foreach (var (id, input) in batch)
        {
            bool failed = problems.TryGetValue(id, out string? problem);
            if (!failed && batchProblem is null)
            {
                continue;
            }

            if (alone || batch.Count == 1)
            {
                failures.Add(new FuzzFailure(id, input.Kind, problem!, input.Source));
                continue;
            }

            // Again alone: a failure that stays is the input's own, one that goes came from the company it kept.
            var scratch = new Dictionary<string, FuzzCounts>();
            var again = Judge(new[] { (id, input) }, scratch, alone: true);
            if (again.Count > 0)
            {
                failures.AddRange(again);
            }
            else if (failed)
            {
                failures.Add(new FuzzFailure(id, input.Kind, "fails in a batch but not alone:\n" + problem, input.Source));
            }
        }

        if (batchProblem is not null && failures.Count == 0 && batch.Count > 1)
        {
            failures.Add(new FuzzFailure(-1, "batch", "the batch fails although each of its inputs passes alone:\n" + batchProblem, string.Empty));
        }

        return failures;
    }

    private static FuzzCounts For(IDictionary<string, FuzzCounts> counts, string kind)
    {
        lock (counts)
        {
            if (!counts.TryGetValue(kind, out var c))
            {
                counts[kind] = c = new FuzzCounts();
            }

            return c;
        }
    }

    /// <summary>The problems of each input, by id; a problem that belongs to no one input in <paramref name="batchProblem"/>.</summary>
    private static Dictionary<int, string> JudgeTogether(IReadOnlyList<(int Id, FuzzInput Input)> batch, IDictionary<string, FuzzCounts> counts, out string? batchProblem)
    {
        batchProblem = null;
        var problems = new Dictionary<int, string>();
        var trees = batch.Select(b => CSharpSyntaxTree.ParseText(b.Input.Source, GeneratorHarness.ParseOptions, path: ClassName(b.Id) + ".cs")).ToList();
        var idOfTree = trees.Select((tree, i) => (tree, batch[i].Id)).ToDictionary(p => p.tree, p => p.Id);
        var idOfPath = trees.Select((tree, i) => (tree.FilePath, batch[i].Id)).ToDictionary(p => p.FilePath, p => p.Id);
        var input = CSharpCompilation.Create(
            "FuzzInput",
            trees,
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, concurrentBuild: false));

        // The generator, on an IDE worker's stack.
        GeneratorDriver? driver = null;
        Compilation? output = null;
        var generatorDiagnostics = System.Collections.Immutable.ImmutableArray<Diagnostic>.Empty;
        Exception? thrown = null;
        var stopwatch = Stopwatch.StartNew();
        var thread = new Thread(
            () =>
            {
                try
                {
                    driver = CSharpGeneratorDriver.Create(new[] { new DifferentiableGenerator().AsSourceGenerator() }, parseOptions: GeneratorHarness.ParseOptions)
                        .RunGeneratorsAndUpdateCompilation(input, out output, out generatorDiagnostics);
                }
                catch (Exception exception)
                {
                    thrown = exception;
                }
            },
            OneMegabyte);
        thread.Start();
        thread.Join();
        double seconds = stopwatch.Elapsed.TotalSeconds;
        if (thrown is not null)
        {
            batchProblem = "running the generator threw " + thrown;
            return problems;
        }

        var runResult = driver!.GetRunResult();
        var exceptions = runResult.Results.Where(r => r.Exception is not null).Select(r => r.Exception!.ToString()).ToList();
        if (exceptions.Count > 0)
        {
            batchProblem = "the generator threw: " + string.Join("\n", exceptions);
            return problems;
        }

        if (seconds > SecondsPerInput * batch.Count + (batch.Count == 1 ? SecondsAlone : 20))
        {
            batchProblem = $"the generator took {seconds:0.0} s (a timeout)";
            return problems;
        }

        void Problem(int id, string problem) =>
            problems[id] = problems.TryGetValue(id, out string? earlier) ? earlier + "\n" + problem : problem;

        var sdById = new Dictionary<int, List<Diagnostic>>();
        foreach (var diagnostic in generatorDiagnostics)
        {
            // The generator's diagnostics come from its cached model with a file path, not the tree itself.
            if (!diagnostic.Location.IsInSource && diagnostic.Location.Kind != LocationKind.ExternalFile ||
                !idOfPath.TryGetValue(diagnostic.Location.GetLineSpan().Path, out int id))
            {
                batchProblem = "a generator diagnostic without a place in an input: " + diagnostic;
                continue;
            }

            if (!diagnostic.Id.StartsWith("SD", StringComparison.Ordinal) || diagnostic.Id == "SD9999")
            {
                // CS8785 (an exception), SD9999 (the internal-error fallback), or anything else unexpected.
                Problem(id, "the generator reported: " + diagnostic);
            }

            (sdById.TryGetValue(id, out var list) ? list : sdById[id] = new List<Diagnostic>()).Add(diagnostic);
        }

        // Generated files by input, through the class name in the hint name.
        var generatedById = new Dictionary<int, List<GeneratedSourceResult>>();
        var generatedTreeIds = new Dictionary<string, int>(); // by file path
        foreach (var generated in runResult.Results.SelectMany(r => r.GeneratedSources))
        {
            var match = ClassId.Match(generated.SourceText.ToString());
            if (!match.Success)
            {
                batchProblem = "a generated file of no input: " + generated.HintName;
                continue;
            }

            int id = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            (generatedById.TryGetValue(id, out var list) ? list : generatedById[id] = new List<GeneratedSourceResult>()).Add(generated);
            generatedTreeIds[generated.SyntaxTree.FilePath] = id;
        }

        // The compiler's verdict: an emit where every input must work (it reports the same diagnostics), else
        // diagnostics alone, and later an emit of just the files whose gradients are checked.
        bool emit = batch.All(b => b.Input.MustWork && b.Input.Gradient is not null);
        MemoryStream? assembly = emit ? new MemoryStream() : null;
        IEnumerable<Diagnostic> compilerDiagnostics;
        bool emitted = false;
        var compilerThrew = new HashSet<int>();
        stopwatch.Restart();
        try
        {
            if (emit)
            {
                var result = output!.Emit(assembly!);
                emitted = result.Success;
                compilerDiagnostics = result.Diagnostics;
            }
            else
            {
                // Only the files whose verdict needs the compiler: those that got code (is it clean?) and those that
                // got no SD diagnostic (does the input compile?). A file with SD diagnostics and no code is judged already.
                var needed = trees.Where(tree => generatedById.ContainsKey(idOfTree[tree]) || !sdById.ContainsKey(idOfTree[tree]))
                    .Concat(output!.SyntaxTrees.Where(tree => generatedTreeIds.ContainsKey(tree.FilePath)));
                var diagnostics = new List<Diagnostic>();
                foreach (var tree in needed)
                {
                    try
                    {
                        diagnostics.AddRange(output!.GetSemanticModel(tree).GetDiagnostics());
                    }
                    catch (Exception exception) when (tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error))
                    {
                        // Roslyn itself throws while binding some broken inputs (syntax errors): that input is judged by the
                        // generator's conduct alone, which is all that can be asked of it there.
                        compilerThrew.Add(idOfTree[tree]);
                        _ = exception;
                    }
                }

                compilerDiagnostics = diagnostics;
            }
        }
        catch (Exception exception) when (trees.Any(tree => tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error)))
        {
            // Roslyn itself throws while binding some broken inputs: then only the generator's own conduct is judged.
            compilerDiagnostics = Array.Empty<Diagnostic>();
            batchProblem = "the compiler threw on this batch (not the generator): " + exception.Message;
        }

        double compilerSeconds = stopwatch.Elapsed.TotalSeconds;
        var batchCounts = For(counts, batch[0].Input.Kind);
        lock (batchCounts)
        {
            batchCounts.GeneratorSeconds += seconds;
            batchCounts.CompilerSeconds += compilerSeconds;
        }

        var inputErrors = new Dictionary<int, List<Diagnostic>>();
        var inputWarnings = new Dictionary<int, HashSet<string>>();
        var generatedProblems = new Dictionary<int, List<Diagnostic>>();
        foreach (var diagnostic in compilerDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning))
        {
            var tree = diagnostic.Location.SourceTree;
            if (tree is not null && idOfTree.TryGetValue(tree, out int inputId))
            {
                if (diagnostic.Severity == DiagnosticSeverity.Error && !diagnostic.IsWarningAsError)
                {
                    (inputErrors.TryGetValue(inputId, out var list) ? list : inputErrors[inputId] = new List<Diagnostic>()).Add(diagnostic);
                }
                else
                {
                    (inputWarnings.TryGetValue(inputId, out var set) ? set : inputWarnings[inputId] = new HashSet<string>()).Add(diagnostic.Id);
                }
            }
            else if (tree is not null && generatedTreeIds.TryGetValue(tree.FilePath, out int generatedId))
            {
                (generatedProblems.TryGetValue(generatedId, out var list) ? list : generatedProblems[generatedId] = new List<Diagnostic>()).Add(diagnostic);
            }
            else if (diagnostic.Severity == DiagnosticSeverity.Error)
            {
                batchProblem = "a compiler error outside every file: " + diagnostic;
            }
        }

        var working = new List<(int Index, int Id, FuzzInput Input)>();
        for (int index = 0; index < batch.Count; index++)
        {
            var (id, fuzz) = batch[index];
            var sd = sdById.GetValueOrDefault(id) ?? new List<Diagnostic>();
            var generated = generatedById.GetValueOrDefault(id) ?? new List<GeneratedSourceResult>();
            var errors = inputErrors.GetValueOrDefault(id) ?? new List<Diagnostic>();
            if (compilerThrew.Contains(id))
            {
                if (generated.Count > 0 && !sd.Any(d => d.Severity == DiagnosticSeverity.Error))
                {
                    Problem(id, "the compiler throws on this input (it has syntax errors), yet the generator generated code for it");
                }

                var thrownCounts = For(counts, fuzz.Kind);
                lock (thrownCounts)
                {
                    thrownCounts.Inputs++;
                    thrownCounts.Methods += fuzz.Methods;
                    thrownCounts.InputErrors++;
                }

                continue;
            }

            // A warning the input has itself (x = x, CS1717; x > x, CS1718) may come back in generated code that repeats the statement.
            var ownWarnings = inputWarnings.GetValueOrDefault(id) ?? new HashSet<string>();
            var codeProblems = (generatedProblems.GetValueOrDefault(id) ?? new List<Diagnostic>())
                .Where(d => d.Severity == DiagnosticSeverity.Error || !ownWarnings.Contains(d.Id))
                .ToList();
            string Describe() =>
                $"SD: [{string.Join("; ", sd)}]\ninput errors: [{string.Join("; ", errors.Take(5))}]\n" +
                $"errors and warnings in generated code: [{string.Join("; ", codeProblems.Take(5))}]\n" +
                $"generated files: [{string.Join(", ", generated.Select(g => g.HintName))}]";

            if (codeProblems.Count > 0 && errors.Count == 0)
            {
                Problem(id, "the generated code does not compile (or warns) although the input compiles:\n" + Describe() +
                            "\n--- generated code:\n" + string.Join("\n", generated.Select(g => g.SourceText.ToString())));
            }

            // An SD error belongs to a method; that method must get no code.
            var methods = trees[index].GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>()
                .Where(m => m.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString().Contains("Differentiable", StringComparison.Ordinal)))
                .ToList();
            foreach (var method in methods)
            {
                string name = method.Identifier.ValueText;
                bool hasCode = HasCode(generated, name);
                bool hasError = sd.Any(d => d.Severity == DiagnosticSeverity.Error && method.FullSpan.Contains(d.Location.SourceSpan));
                if (hasCode && hasError)
                {
                    Problem(id, $"code was generated for {name}, which has an SD error:\n" + Describe());
                }
            }

            bool anySdError = sd.Any(d => d.Severity == DiagnosticSeverity.Error);
            // Working code: the file compiles with its generated code, which is clean (a method with an SD error has none).
            bool works = generated.Count > 0 && errors.Count == 0 && codeProblems.Count == 0;
            if (errors.Count == 0 && !anySdError && methods.Count > 0)
            {
                // Every [Differentiable] method of an input that compiles gets code, unless an SD error says why not.
                foreach (var method in methods)
                {
                    string name = method.Identifier.ValueText;
                    if (!HasCode(generated, name))
                    {
                        Problem(id, $"the input compiles, yet {name} got neither code nor an SD error:\n" + Describe());
                    }
                }
            }

            if (fuzz.MustWork && !(works && sd.Count == 0))
            {
                Problem(id, "an input made only of supported constructs did not get working code and no diagnostic:\n" + Describe());
            }

            var c = For(counts, fuzz.Kind);
            lock (c)
            {
                c.Inputs++;
                c.Methods += fuzz.Methods;
                if (works)
                {
                    c.Working++;
                }
                else if (sd.Count > 0)
                {
                    c.WithSd++;
                }
                else
                {
                    c.InputErrors++;
                }

                foreach (string sdId in sd.Select(d => d.Id).Distinct())
                {
                    c.SdIds[sdId] = c.SdIds.GetValueOrDefault(sdId) + 1;
                }
            }

            if (works && fuzz.Gradient is not null && !problems.ContainsKey(id))
            {
                working.Add((index, id, fuzz));
            }
        }

        if (!emit && working.Count > 0 && batchProblem is null)
        {
            // The files whose gradients are checked, with their generated code, compiled on their own.
            var workingPaths = working.Select(w => trees[w.Index].FilePath).ToHashSet();
            var workingIds = working.Select(w => w.Id).ToHashSet();
            var subset = output!.RemoveSyntaxTrees(output.SyntaxTrees.Where(tree =>
                !workingPaths.Contains(tree.FilePath) && !(generatedTreeIds.TryGetValue(tree.FilePath, out int owner) && workingIds.Contains(owner))));
            var result = subset.Emit(assembly = new MemoryStream());
            emitted = result.Success;
            if (!emitted)
            {
                // Some errors appear only when emitting (CS0656 for dynamic without Microsoft.CSharp): in an input, its
                // gradient is not checked; in generated code, that is the input's failure.
                var failing = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is not null)
                    .Select(d => d.Location.SourceTree!.FilePath)
                    .Select(path => idOfPath.TryGetValue(path, out int inputId) ? inputId : generatedTreeIds.TryGetValue(path, out int generatedId) ? generatedId : -1)
                    .ToHashSet();
                foreach (var error in result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is { } tree && generatedTreeIds.ContainsKey(tree.FilePath)))
                {
                    Problem(generatedTreeIds[error.Location.SourceTree!.FilePath], "the generated code does not emit: " + error);
                }

                working.RemoveAll(w => failing.Contains(w.Id));
                workingPaths = working.Select(w => trees[w.Index].FilePath).ToHashSet();
                workingIds = working.Select(w => w.Id).ToHashSet();
                subset = output.RemoveSyntaxTrees(output.SyntaxTrees.Where(tree =>
                    !workingPaths.Contains(tree.FilePath) && !(generatedTreeIds.TryGetValue(tree.FilePath, out int owner) && workingIds.Contains(owner))));
                result = subset.Emit(assembly = new MemoryStream());
                emitted = result.Success;
                if (!emitted && !failing.Contains(-1))
                {
                    batchProblem = "the files that compile do not compile together: " + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5));
                }
            }
        }

        if (emitted && working.Count > 0)
        {
            stopwatch.Restart();
            CheckGradients(assembly!, working, counts, Problem);
            lock (batchCounts)
            {
                batchCounts.CheckSeconds += stopwatch.Elapsed.TotalSeconds;
            }
        }

        return problems;
    }

    /// <summary>Whether a generated file holds the gradient of <paramref name="method"/> (hint names may be cut, the code is not).</summary>
    private static bool HasCode(List<GeneratedSourceResult> generated, string method) =>
        generated.Any(g => g.SourceText.ToString().Contains(" " + method + "WithGradient(", StringComparison.Ordinal));

    private static void CheckGradients(MemoryStream assembly, List<(int Index, int Id, FuzzInput Input)> working, IDictionary<string, FuzzCounts> counts, Action<int, string> problem)
    {
        assembly.Position = 0;
        var context = new AssemblyLoadContext(name: null, isCollectible: true);
        try
        {
            var loaded = context.LoadFromStream(assembly);
            var types = loaded.GetTypes().Where(t => !t.IsNested).GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.First());
            foreach (var (_, id, fuzz) in working)
            {
                var check = new CheckCounts();
                try
                {
                    var type = types.GetValueOrDefault(ClassName(id)) ?? throw new InvalidOperationException($"type {ClassName(id)} not found");
                    if (fuzz.Gradient!(type, check) is { } failure)
                    {
                        problem(id, failure);
                    }
                }
                catch (Exception exception)
                {
                    problem(id, "checking the gradient threw " + exception);
                }

                var c = For(counts, fuzz.Kind);
                lock (c)
                {
                    c.GradientMethods += check.Methods + check.Helpers;
                    c.Check.Add(check);
                }
            }
        }
        finally
        {
            context.Unload();
        }
    }
}
