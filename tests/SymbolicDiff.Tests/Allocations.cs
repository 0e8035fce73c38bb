namespace SymbolicDiff.Tests;

/// <summary>
/// Measures what a call allocates on the current thread once warm, for the "no allocation per gradient call" tests.
/// </summary>
/// <remarks>
/// One window of calls can include allocations that are not the call's: the runtime's tiered compilation and
/// on-stack replacement promote a method part-way through a measurement (their bookkeeping runs on the calling
/// thread), and a garbage collection under a loaded test run can trim the shared array pool so that one later
/// <c>Rent</c> allocates again. Each of those happens once, not per call, so the measurement takes the smallest
/// of several windows: an allocation the call really makes is in every window and still fails the test.
/// </remarks>
public static class Allocations
{
    private const int WarmUpCalls = 50;
    private const int Windows = 5;

    /// <summary>Bytes allocated per call in the quietest of several windows of <paramref name="calls"/> calls, after a warm-up.</summary>
    public static long PerCall(Action call, int calls = 100)
    {
        for (int i = 0; i < WarmUpCalls; i++)
        {
            call();
        }

        long fewest = long.MaxValue;
        for (int window = 0; window < Windows && fewest > 0; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++)
            {
                call();
            }

            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return fewest / calls;
    }

    /// <inheritdoc cref="PerCall(Action, int)"/>
    public static long PerCall<T>(Func<T> call, int calls = 100) => PerCall(() => { call(); }, calls);
}
