using SymbolicDiff.Runtime;

namespace SymbolicDiff.Tests.Runtime;

/// <summary>
/// <see cref="SavedValues{T}.Push(ReadOnlySpan{T})"/> and <see cref="SavedValues{T}.Pop(Span{T})"/>, what a generated
/// gradient writes to save a whole buffer (a checkpoint's state): the same stack as a push or pop per element, in either
/// mix, across the caller's buffer and the segments rented after it.
/// </summary>
public class SavedValuesSpanTests
{
    [Theory]
    [InlineData(8, 0)]    // an empty span: nothing saved
    [InlineData(8, 5)]    // within the caller's buffer
    [InlineData(8, 8)]    // exactly full
    [InlineData(8, 9)]    // one value into the first segment
    [InlineData(8, 300)]  // across several segments in one call
    [InlineData(0, 40)]   // no buffer from the caller at all
    public void A_span_pushed_whole_comes_back_as_pushes_of_each_element_would(int buffer, int length)
    {
        // Three spans pushed whole, then popped one element at a time: the values are those of per-element pushes, in reverse.
        var saved = new SavedValues<double>(stackalloc double[buffer]);
        var expected = new List<double>();
        for (int span = 0; span < 3; span++)
        {
            double[] values = Enumerable.Range(0, length).Select(i => span * 1000 + i + 0.25).ToArray();
            saved.Push(values);
            expected.AddRange(values);
            Assert.Equal(expected.Count, saved.Count);
        }

        for (int k = expected.Count - 1; k >= 0; k--)
        {
            Assert.Equal(expected[k], saved.Pop());
        }

        Assert.Equal(0, saved.Count);
        saved.Dispose();
    }

    [Theory]
    [InlineData(8, 5)]
    [InlineData(8, 9)]
    [InlineData(8, 300)]
    [InlineData(0, 40)]
    public void A_span_popped_whole_receives_the_values_in_the_order_they_were_pushed(int buffer, int length)
    {
        // Pushed one at a time, with a value below them, then popped whole into a span: element k gets the k-th pushed,
        // as the backward sweep's loop y[j] = saved.Pop() for j from the end would leave it; the value below stays.
        var saved = new SavedValues<double>(stackalloc double[buffer]);
        saved.Push(-1.5);
        for (int i = 0; i < length; i++)
        {
            saved.Push(i * 0.5);
        }

        var restored = new double[length];
        saved.Pop(restored);
        Assert.Equal(Enumerable.Range(0, length).Select(i => i * 0.5), restored);
        Assert.Equal(1, saved.Count);
        Assert.Equal(-1.5, saved.Pop());
        saved.Dispose();
    }

    [Fact]
    public void Whole_spans_pushed_and_popped_in_turn_like_a_checkpointed_loop_restore_each_state()
    {
        // A loop of 50 iterations saving a 37-element state at each start, then restoring them last first.
        var saved = new SavedValues<double>(stackalloc double[16]);
        var state = new double[37];
        for (int step = 0; step < 50; step++)
        {
            for (int i = 0; i < state.Length; i++)
            {
                state[i] = step * 100 + i;
            }

            saved.Push(state);
        }

        for (int step = 49; step >= 0; step--)
        {
            saved.Pop(state);
            Assert.Equal(Enumerable.Range(0, state.Length).Select(i => (double)(step * 100 + i)), state);
        }

        Assert.Equal(0, saved.Count);
        saved.Dispose();
    }

    [Fact]
    public void Popping_more_than_was_saved_throws_and_takes_nothing()
    {
        Assert.Throws<InvalidOperationException>(() => PopMoreThanSaved());
    }

    private static void PopMoreThanSaved()
    {
        var saved = new SavedValues<double>(stackalloc double[4]);
        try
        {
            saved.Push(new double[] { 1, 2, 3, 4, 5, 6 });
            var destination = new double[7];
            try
            {
                saved.Pop(destination);
            }
            finally
            {
                // The failed pop took nothing: all six are still there, in order.
                Assert.Equal(6, saved.Count);
                Assert.Equal(new double[7], destination);
                Assert.Equal(6.0, saved.Pop());
            }
        }
        finally
        {
            saved.Dispose();
        }
    }
}
