using SymbolicDiff.Benchmarks;

namespace SymbolicDiff.Tests.Generator.Limits;

/// <summary>
/// The generator's cost grows linearly with the number of [Differentiable] methods in a type: what a cold run
/// allocates per method is the same for many methods as for few. Before file-name collisions were worked out once
/// per run, each method's output scanned every method's file name and built a list of all the derivation files'
/// names, and the cold run allocated 30 % more per method at 800 methods than at 50, about 17 % more at 400 than at
/// 25 (docs/performance.md, "The generator's own cost"). Allocation, not time: it is exact on a shared machine, where times are not.
/// </summary>
public class GeneratorCostTests
{
    [Fact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public void A_cold_run_allocates_as_much_per_method_for_400_methods_as_for_25()
    {
        AllocatedPerMethod(5, "Warm"); // the generator's and Roslyn's first-use costs, not counted below
        double few = AllocatedPerMethod(25, "Few");
        double many = AllocatedPerMethod(400, "Many");

        Assert.True(few > 10_000, $"{few:F0} bytes per method: the generator did not run"); // a method's two files alone are about 20 KB
        Assert.True(many < 1.1 * few, $"{many:F0} bytes per method at 400 methods, {few:F0} at 25: the cost per method grows with their number");
    }

    /// <summary>The bytes a cold run (binding included) allocates on this thread, per method, for <paramref name="methods"/> methods in one type
    /// (the generator benchmark's: <see cref="GeneratorWorkload"/>).</summary>
    private static double AllocatedPerMethod(int methods, string typeName)
    {
        var input = GeneratorHarness.Compile(GeneratorWorkload.Source(methods, typeName));
        var driver = GeneratorHarness.CreateDriver();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var run = driver.RunGenerators(input).GetRunResult();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Empty(run.Diagnostics);
        Assert.Equal(methods, run.GeneratedTrees.Length); // one file per method, its derivation included
        return (double)allocated / methods;
    }
}
