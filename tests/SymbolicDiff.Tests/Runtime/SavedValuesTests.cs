using SymbolicDiff.Runtime;

namespace SymbolicDiff.Tests.Runtime;

/// <summary>
/// The stack of saved values generated gradients use: last in, first out across the caller's buffer and the rented
/// segments after it, in any pattern of pushes and pops a sweep (or a checkpointed loop's replays) makes, and
/// without allocating once warm.
/// </summary>
public class SavedValuesTests
{
    [Theory]
    [InlineData(0)]       // nothing pushed
    [InlineData(5)]       // within the caller's buffer
    [InlineData(8)]       // exactly full: the next push would start a segment
    [InlineData(9)]       // one value in the first segment
    [InlineData(8 + 16)]  // the first segment (16 values) exactly full
    [InlineData(100_000)] // many segments
    public void Values_come_back_in_reverse_order_of_pushing(int count)
    {
        var saved = new SavedValues<double>(stackalloc double[8]);
        for (int i = 0; i < count; i++)
        {
            saved.Push(i * 0.5);
            Assert.Equal(i + 1, saved.Count);
        }

        for (int i = count - 1; i >= 0; i--)
        {
            Assert.Equal(i * 0.5, saved.Pop());
            Assert.Equal(i, saved.Count);
        }

        Assert.Throws<InvalidOperationException>(() => PopOnce(8, pushes: count));
        saved.Dispose();
    }

    [Fact]
    public void Pushes_and_pops_back_and_forth_across_a_segment_edge_keep_the_order()
    {
        // A checkpointed loop pushes again during the backward sweep: the count goes up and down across the edge
        // between the caller's buffer and the first segment, and between segments. A model list gives the expected
        // values independently.
        var model = new List<double>();
        var saved = new SavedValues<double>(stackalloc double[4]);
        var random = new Random(7);
        for (int step = 0; step < 20_000; step++)
        {
            bool push = model.Count == 0 || random.Next(100) < 52;
            if (push)
            {
                double value = random.NextDouble();
                model.Add(value);
                saved.Push(value);
            }
            else
            {
                Assert.Equal(model[^1], saved.Pop());
                model.RemoveAt(model.Count - 1);
            }

            Assert.Equal(model.Count, saved.Count);
        }

        while (model.Count > 0)
        {
            Assert.Equal(model[^1], saved.Pop());
            model.RemoveAt(model.Count - 1);
        }

        saved.Dispose();
    }

    [Fact]
    public void An_empty_caller_buffer_starts_a_segment_at_the_first_push_and_reports_an_empty_stack()
    {
        var saved = new SavedValues<float>(Span<float>.Empty);
        saved.Push(1f);
        saved.Push(2f);
        Assert.Equal(2f, saved.Pop());
        Assert.Equal(1f, saved.Pop());
        Assert.Equal(0, saved.Count);
        saved.Dispose();
        Assert.Throws<InvalidOperationException>(() => PopOnce(0, pushes: 0));
        Assert.Throws<InvalidOperationException>(() => PopOnce(0, pushes: 3));
    }

    [Fact]
    public void A_warm_stack_of_many_segments_allocates_nothing()
    {
        Assert.Equal(0, Allocations.PerCall(() => PushAndPop(300_000)));
    }

    private static double PushAndPop(int count)
    {
        var saved = new SavedValues<double>(stackalloc double[StackStorage.Length]);
        for (int i = 0; i < count; i++)
        {
            saved.Push(i);
        }

        double sum = 0;
        for (int i = 0; i < count; i++)
        {
            sum += saved.Pop();
        }

        saved.Dispose();
        return sum;
    }

    /// <summary>Pushes <paramref name="pushes"/> values into a stack over a buffer of <paramref name="buffer"/>, then pops one more than that.</summary>
    private static void PopOnce(int buffer, int pushes)
    {
        var saved = new SavedValues<double>(stackalloc double[buffer]);
        try
        {
            for (int i = 0; i < pushes; i++)
            {
                saved.Push(i);
            }

            for (int i = 0; i <= pushes; i++)
            {
                saved.Pop();
            }
        }
        finally
        {
            saved.Dispose();
        }
    }
}
