using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using SymbolicDiff.Benchmarks;

// dotnet run -c Release --project benchmarks/SymbolicDiff.Benchmarks -- --filter '*'            (everything)
// dotnet run -c Release --project benchmarks/SymbolicDiff.Benchmarks -- --filter '*' --job short (a quick look)

// dotnet benchmarks/SymbolicDiff.Benchmarks/bin/Release/net10.0/SymbolicDiff.Benchmarks.dll --alternating 300 [mlp,gaussian,logistic,lstm,ode,determinant]
//   (generated against hand-written, alternating in one process: for a busy machine; see AlternatingComparison)
if (args is ["--alternating", ..])
{
    AlternatingComparison.Run(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 300,
        args.Length > 2 ? args[2].Split(',') : null);
    return;
}

// dotnet benchmarks/SymbolicDiff.Benchmarks/bin/Release/net10.0/SymbolicDiff.Benchmarks.dll --alternating-adbench 300 ba,hand
//   (objective, generated and hand-written AD-benchmark gradients alternating in one process; see AdBenchAlternating)
if (args is ["--alternating-adbench", ..])
{
    SymbolicDiff.Benchmarks.AdBench.AdBenchAlternating.Run(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 300,
        args.Length > 2 ? args[2].Split(',') : ["ba", "hand"]);
    return;
}

// TorchSharp is decided here, once, before BenchmarkDotNet starts: where its native library does not load,
// its benchmarks are left out with the reason on one line, rather than each failing in its own process.
Type[] benchmarks = typeof(Program).Assembly.GetTypes()
    .Where(type => type.IsPublic && !type.IsAbstract
        && type.GetMethods().Any(method => method.IsDefined(typeof(BenchmarkAttribute))))
    .ToArray();

#if WITH_TORCHSHARP
if (TorchSharpProbe.WhyUnavailable() is { } reason)
{
    Console.WriteLine($"TorchSharp rows skipped: {reason}");
    benchmarks = benchmarks.Where(type => type != typeof(TorchSharpBenchmarks) && type != typeof(TorchSharpBatchBenchmarks)).ToArray();
}
#else
Console.WriteLine("TorchSharp rows skipped: built without -p:WithTorchSharp=true (LibTorch is about 600 MB, so it is opt-in).");
#endif

BenchmarkSwitcher.FromTypes(benchmarks).Run(args);
