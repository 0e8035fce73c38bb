using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Tests.Generator.Limits;

/// <summary>
/// Generated names: the smallest free suffix, found without searching from 1 each time (an early-return chain asks for
/// a new <c>running</c> and a new version of the result per return, hundreds of times).
/// </summary>
public class NameAllocatorTests
{
    [Fact]
    public void A_name_gets_the_smallest_free_suffix_around_names_already_taken()
    {
        var names = new NameAllocator(new[] { "s", "s_2", "t_1" });
        Assert.Equal(new[] { "s_1", "s_3", "s_4" }, new[] { names.Fresh("s"), names.Fresh("s"), names.Fresh("s") });
        Assert.Equal(new[] { "t", "t_2" }, new[] { names.Fresh("t"), names.Fresh("t") });

        names.Reserve("u_1");
        Assert.Equal(new[] { "u", "u_2" }, new[] { names.Fresh("u"), names.Fresh("u") });
    }

    [Fact]
    public void Asking_n_times_for_one_name_allocates_in_proportion_to_n()
    {
        // Searching from suffix 1 on every call built n²/2 candidate strings: 4 times the calls, 16 times the bytes.
        static long Allocated(int calls)
        {
            var names = new NameAllocator(Array.Empty<string>());
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++)
            {
                names.Fresh("running");
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Allocated(100); // JIT and first-use allocations out of the way
        long small = Allocated(1_000), large = Allocated(4_000);
        Assert.True(large < 6 * small, $"1,000 calls: {small:N0} bytes; 4,000 calls: {large:N0} bytes");
    }
}
