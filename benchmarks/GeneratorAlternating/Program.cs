// Measures two builds of the generator against each other in one process (an AssemblyLoadContext each, Roslyn shared),
// alternating every repetition, on the compilation of GeneratorBenchmarks (GeneratorWorkload.cs, linked: N six-line methods with a branch); CPU time of the
// process (Process.TotalProcessorTime), which a loaded machine disturbs far less than wall time. Usage, with each DIR holding a
// SymbolicDiff.Generator.dll and OPTIONS "key=value;..." global analyzer options (e.g. build_property.SymbolicDiffEmitDerivation=false):
//   time N REPS DIR_A DIR_B [OPTIONS_A] [OPTIONS_B]   cold run, run after an unrelated edit, binding floor; two warm-ups left out
//   dump N DIR OUT [OPTIONS]                          writes the generated files (to check two builds byte-identical with diff -r)
//   cold N DIR REPS [OPTIONS]                         cold runs only (to profile: dotnet-trace collect -- dotnet ... cold ...)
//   build N REPS DIR OPTIONS_A OPTIONS_B              a whole compile: generator, then Emit of the compilation with its output
//   parsedir N REPS PATTERN DIR_A DIR_B               Roslyn's parse and bind of two folders of generated files
//   parsecost N DIR [OPTIONS]                         Roslyn's parse and bind of the generated files, per KB
using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SymbolicDiff.Benchmarks;

var parse = GeneratorWorkload.ParseOptions;
var mode = args[0];
int n = int.Parse(args[1]);
var trees = GeneratorWorkload.Trees(n);
var editedOther = GeneratorWorkload.EditedUnrelated();
var refs = GeneratorWorkload.References();
CSharpCompilation Fresh() => GeneratorWorkload.Compilation(trees, refs);

IIncrementalGenerator Load(string dir)
{
    // Its own context, so that two builds of the same assembly load side by side; Roslyn comes from the default one.
    var asm = new GenAlc().LoadFromAssemblyPath(Path.Combine(Path.GetFullPath(dir), "SymbolicDiff.Generator.dll"));
    return (IIncrementalGenerator)Activator.CreateInstance(asm.GetType("SymbolicDiff.Generator.DifferentiableGenerator")!)!;
}
AnalyzerConfigOptionsProvider? Opts(string? s) => string.IsNullOrEmpty(s) ? null : new Provider(s!);
GeneratorDriver Driver(IIncrementalGenerator g, AnalyzerConfigOptionsProvider? o) =>
    CSharpGeneratorDriver.Create(new[] { g.AsSourceGenerator() }, parseOptions: parse, optionsProvider: o);

if (mode == "dump")
{
    var g = Load(args[2]);
    var run = Driver(g, Opts(args.Length > 4 ? args[4] : null)).RunGenerators(Fresh()).GetRunResult();
    Directory.CreateDirectory(args[3]);
    foreach (var s in run.Results[0].GeneratedSources) File.WriteAllText(Path.Combine(args[3], s.HintName), s.SourceText.ToString());
    Console.WriteLine($"{run.Results[0].GeneratedSources.Length} files, {run.Results[0].GeneratedSources.Sum(s => s.SourceText.Length)} chars, diags {run.Diagnostics.Length}");
    return;
}
if (mode == "cold")
{
    var g = Load(args[2]);
    int r = int.Parse(args[3]);
    for (int i = 0; i < r; i++)
    {
        var c = Fresh();
        var t0 = Process.GetCurrentProcess().TotalProcessorTime;
        var d = Driver(g, Opts(args.Length > 4 ? args[4] : null)).RunGenerators(c);
        Console.Error.Write($"{(Process.GetCurrentProcess().TotalProcessorTime - t0).TotalMilliseconds:F0} ");
        GC.KeepAlive(d);
    }
    return;
}
if (mode == "build")
{
    // build n reps dir optsA optsB: a whole compile (generator, then Emit of the compilation with its output), alternating
    int r = int.Parse(args[2]);
    var g = Load(args[3]);
    var os2 = new[] { Opts(args[4]), Opts(args[5]) };
    var tl = new[] { new List<double>(), new List<double>() }; var gl = new[] { new List<double>(), new List<double>() };
    double Cpu3() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
    for (int rep = 0; rep < r + 1; rep++)
        for (int k0 = 0; k0 < 2; k0++)
        {
            int k = rep % 2 == 0 ? k0 : 1 - k0;
            GC.Collect();
            double c0 = Cpu3();
            Driver(g, os2[k]).RunGeneratorsAndUpdateCompilation(Fresh(), out var output, out _);
            double c1 = Cpu3();
            var ms = new MemoryStream();
            var res = output.Emit(ms);
            double c2 = Cpu3();
            if (!res.Success) Console.WriteLine("emit failed " + res.Diagnostics.First());
            if (rep > 0) { gl[k].Add(c1 - c0); tl[k].Add(c2 - c0); }
            if (rep > 0) Console.Error.Write($"[{"AB"[k]} {c1 - c0:F0}+{c2 - c1:F0}] ");
        }
    Console.Error.WriteLine();
    for (int k = 0; k < 2; k++)
    {
        var t = tl[k].OrderBy(x => x).ToList(); var gg = gl[k].OrderBy(x => x).ToList();
        Console.WriteLine($"{"AB"[k]} '{args[4 + k]}': generator median {gg[gg.Count / 2]:F0} ms (min {gg[0]:F0}); generator + Emit median {t[t.Count / 2]:F0} ms (min {t[0]:F0}, max {t[^1]:F0}), {t.Count} reps; load {File.ReadAllText("/proc/loadavg").Trim()}");
    }
    return;
}
if (mode == "parsedir")
{
    // parsedir n reps pattern dirA dirB: CPU time to parse, and to bind (GetDiagnostics minus the user's code alone), the files, alternating
    int r = int.Parse(args[2]); string pat = args[3];
    var sets = new[] { args[4], args[5] }.Select(d => Directory.GetFiles(d, pat).OrderBy(f => f).Select(File.ReadAllText).ToArray()).ToArray();
    var pl = new[] { new List<double>(), new List<double>() }; var bl = new[] { new List<double>(), new List<double>() };
    double Cpu2() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
    for (int rep = 0; rep < r + 1; rep++)
        for (int k0 = 0; k0 < 2; k0++)
        {
            int k = rep % 2 == 0 ? k0 : 1 - k0;
            GC.Collect();
            double c0 = Cpu2();
            var gen = sets[k].Select((t, i) => CSharpSyntaxTree.ParseText(t, parse, path: "g" + i + ".cs")).ToArray();
            double c1 = Cpu2();
            var comp = Fresh().AddSyntaxTrees(gen);
            GC.Collect();
            double c2 = Cpu2();
            var dg = comp.GetDiagnostics();
            double c3 = Cpu2();
            var comp0 = Fresh();
            double c4 = Cpu2();
            comp0.GetDiagnostics();
            double c5 = Cpu2();
            if (rep == 0 && dg.Any(x => x.Severity == DiagnosticSeverity.Error)) Console.WriteLine("errors: " + dg.First(x => x.Severity == DiagnosticSeverity.Error));
            if (rep > 0) { pl[k].Add(c1 - c0); bl[k].Add((c3 - c2) - (c5 - c4)); }
        }
    for (int k = 0; k < 2; k++)
    {
        long chars = sets[k].Sum(t => (long)t.Length);
        var ps = pl[k].OrderBy(x => x).ToList(); var bs = bl[k].OrderBy(x => x).ToList();
        Console.WriteLine($"{args[4 + k]}: {sets[k].Length} files {chars / 1024.0:F0} KB; parse median {ps[ps.Count / 2]:F0} ms (min {ps[0]:F0}); bind median {bs[bs.Count / 2]:F0} ms (min {bs[0]:F0}); per KB parse {ps[ps.Count / 2] / (chars / 1024.0) * 1000:F0} us, bind {bs[bs.Count / 2] / (chars / 1024.0) * 1000:F0} us; load {File.ReadAllText("/proc/loadavg").Trim()}");
    }
    return;
}
if (mode == "parsecost")
{
    // Roslyn's own cost of parsing (driver) and binding (compile) the generated text, per KB.
    var g = Load(args[2]);
    var run = Driver(g, Opts(args.Length > 3 ? args[3] : null)).RunGenerators(Fresh()).GetRunResult();
    var srcs = run.Results[0].GeneratedSources;
    foreach (var filter in new[] { "all", "Derivation", "noDerivation" })
    {
        var texts = srcs.Where(s => filter == "all" || (filter == "Derivation") == s.HintName.Contains("Derivation")).Select(s => s.SourceText.ToString()).ToArray();
        long chars = texts.Sum(t => (long)t.Length);
        double best = double.MaxValue, bestBind = double.MaxValue;
        for (int r = 0; r < 7; r++)
        {
            var c0 = Process.GetCurrentProcess().TotalProcessorTime;
            var gen = texts.Select((t, i) => CSharpSyntaxTree.ParseText(t, parse, path: "g" + i + ".cs")).ToArray();
            var c1 = Process.GetCurrentProcess().TotalProcessorTime;
            var comp = Fresh().AddSyntaxTrees(gen);
            var c2 = Process.GetCurrentProcess().TotalProcessorTime;
            var d = comp.GetDiagnostics();
            var c3 = Process.GetCurrentProcess().TotalProcessorTime;
            var comp0 = Fresh();
            var c4 = Process.GetCurrentProcess().TotalProcessorTime;
            var d0 = comp0.GetDiagnostics();
            var c5 = Process.GetCurrentProcess().TotalProcessorTime;
            if (r > 0) { best = Math.Min(best, (c1 - c0).TotalMilliseconds); bestBind = Math.Min(bestBind, ((c3 - c2) - (c5 - c4)).TotalMilliseconds); }
            if (r == 0 && d.Any(x => x.Severity == DiagnosticSeverity.Error)) Console.WriteLine("errors: " + d.First(x => x.Severity == DiagnosticSeverity.Error));
        }
        Console.WriteLine($"{filter}: {texts.Length} files {chars / 1024.0:F0} KB; parse best {best:F0} ms ({best / (chars / 1024.0) * 1000:F0} us/KB); bind (GetDiagnostics minus without) best {bestBind:F0} ms ({bestBind / (chars / 1024.0) * 1000:F0} us/KB)");
    }
    return;
}

// alternating timing
int reps = int.Parse(args[1 + 1]);
n = int.Parse(args[1]);
var dirs = new[] { args[3], args[4] };
var opts = new[] { Opts(args.Length > 5 ? args[5] : null), Opts(args.Length > 6 ? args[6] : null) };
var gens = dirs.Select(Load).ToArray();
var floorGen = new BindOnlyGenerator();
var cold = new List<double>[] { new(), new() }; var warm = new List<double>[] { new(), new() }; var floor = new List<double>[] { new(), new() };
var alloc = new long[2, 3];
double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
for (int rep = 0; rep < reps + 2; rep++)
{
    for (int k0 = 0; k0 < 2; k0++)
    {
        int k = (rep % 2 == 0) ? k0 : 1 - k0;
        var comp = Fresh();
        var edited = comp.ReplaceSyntaxTree(trees[1], editedOther);
        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        long a0 = GC.GetTotalAllocatedBytes(true); double t0 = Cpu();
        var d = Driver(gens[k], opts[k]).RunGenerators(comp);
        double t1 = Cpu(); long a1 = GC.GetTotalAllocatedBytes(true);
        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        long a2 = GC.GetTotalAllocatedBytes(true); double t2 = Cpu();
        d = d.RunGenerators(edited);
        double t3 = Cpu(); long a3 = GC.GetTotalAllocatedBytes(true);
        var comp2 = Fresh();
        var edited2 = comp2.ReplaceSyntaxTree(trees[1], editedOther);
        var fd = CSharpGeneratorDriver.Create(new[] { floorGen.AsSourceGenerator() }, parseOptions: parse).RunGenerators(comp2);
        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        long a4 = GC.GetTotalAllocatedBytes(true); double t4 = Cpu();
        fd = fd.RunGenerators(edited2);
        double t5 = Cpu(); long a5 = GC.GetTotalAllocatedBytes(true);
        if (rep >= 2)
        {
            cold[k].Add(t1 - t0); warm[k].Add(t3 - t2); floor[k].Add(t5 - t4);
            alloc[k, 0] = a1 - a0; alloc[k, 1] = a3 - a2; alloc[k, 2] = a5 - a4;
        }
        GC.KeepAlive(d); GC.KeepAlive(fd);
    }
    if (rep >= 2) Console.Error.Write($"[{rep - 1}: A {cold[0][^1]:F0}/{floor[0][^1]:F0} B {cold[1][^1]:F0}/{floor[1][^1]:F0}] ");
}
Console.Error.WriteLine();
static double Med(List<double> l) { var s = l.OrderBy(x => x).ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }
var allFloor = floor[0].Concat(floor[1]).ToList();
Console.WriteLine($"n={n} reps={reps} load: {File.ReadAllText("/proc/loadavg").Trim()}");
for (int k = 0; k < 2; k++)
    Console.WriteLine($"{"AB"[k]} {dirs[k]} {args.ElementAtOrDefault(5 + k)}: cold med {Med(cold[k]):F0} ({cold[k].Min():F0}-{cold[k].Max():F0}) warm med {Med(warm[k]):F0} ({warm[k].Min():F0}-{warm[k].Max():F0}) floor med {Med(floor[k]):F0} ({floor[k].Min():F0}-{floor[k].Max():F0}) | alloc MB {alloc[k, 0] / 1e6:F0}/{alloc[k, 1] / 1e6:F0}/{alloc[k, 2] / 1e6:F0} | cold/floor(all) {Med(cold[k]) / Med(allFloor):F2}");

sealed class GenAlc() : AssemblyLoadContext(isCollectible: false)
{
    protected override Assembly? Load(AssemblyName name) => null;
}
sealed class Provider(string s) : AnalyzerConfigOptionsProvider
{
    private readonly Opt _g = new(s);
    public override AnalyzerConfigOptions GlobalOptions => _g;
    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Opt.Empty;
    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Opt.Empty;
}
sealed class Opt : AnalyzerConfigOptions
{
    public static readonly Opt Empty = new("");
    private readonly Dictionary<string, string> _d;
    public Opt(string s) => _d = s.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
    public override bool TryGetValue(string key, out string value) => _d.TryGetValue(key, out value!);
}
