using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using SymbolicDiff.Benchmarks;

// dotnet run -c Release --project benchmarks/SymbolicDiff.Benchmarks -- --filter '*'            (everything)
// dotnet run -c Release --project benchmarks/SymbolicDiff.Benchmarks -- --filter '*' --job short (a quick look)

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
