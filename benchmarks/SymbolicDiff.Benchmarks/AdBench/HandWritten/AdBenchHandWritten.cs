namespace SymbolicDiff.Benchmarks.AdBench;

/// <summary>
/// The reference gradients of the AD-benchmark objectives (<see cref="AdBenchObjectives"/>), each derived by hand
/// as the adjoint of the same arithmetic the objective does, after the manual derivatives that ADBench
/// (microsoft/ADBench src/cpp/shared/*_d.*) and GradBench (gradbench/gradbench tools/manual/*.cpp) publish; each
/// file cites its source. Each has the generated method's signature: it returns the value and overwrites the
/// gradient outputs. They check the generated code (tests/SymbolicDiff.Tests/AdBench) and are what it is timed
/// against (AdBenchBenchmarks).
/// </summary>
public static partial class AdBenchHandWritten
{
}
