using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/SymbolicDiff.Benchmarks -- --filter '*'            (everything)
// dotnet run -c Release --project benchmarks/SymbolicDiff.Benchmarks -- --filter '*' --job short (a quick look)
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
