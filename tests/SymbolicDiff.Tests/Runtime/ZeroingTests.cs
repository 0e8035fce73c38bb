using SymbolicDiff.Runtime;

namespace SymbolicDiff.Tests.Runtime;

/// <summary>
/// Zeroing.Clear replaces Span.Clear in generated code (Span.Clear can leave the vector registers' upper halves
/// dirty and the Math calls after it slow, docs/jacobians.md): it must zero exactly the span, whatever its length
/// and element size, through the 16-byte stores and the byte tail alike.
/// </summary>
public class ZeroingTests
{
    [Fact]
    public void Clear_zeroes_every_element_of_a_double_span_and_nothing_beside_it()
    {
        for (int length = 0; length <= 70; length++)
        {
            // One sentinel on each side: a store past either end would change it.
            double[] data = Enumerable.Range(0, length + 2).Select(i => i + 0.5).ToArray();
            Zeroing.Clear(data.AsSpan(1, length));
            Assert.Equal(0.5, data[0]);
            Assert.Equal(length + 1.5, data[length + 1]);
            Assert.All(data.Skip(1).Take(length), value => Assert.Equal(0.0, value));
        }
    }

    [Fact]
    public void Clear_zeroes_float_and_odd_sized_elements_through_the_byte_tail()
    {
        for (int length = 0; length <= 40; length++)
        {
            float[] floats = Enumerable.Range(0, length + 2).Select(i => i + 0.25f).ToArray();
            Zeroing.Clear(floats.AsSpan(1, length));
            Assert.Equal(0.25f, floats[0]);
            Assert.Equal(length + 1.25f, floats[length + 1]);
            Assert.All(floats.Skip(1).Take(length), value => Assert.Equal(0f, value));

            // Three bytes an element: spans of 3·length bytes end off any 16-byte boundary.
            var triples = Enumerable.Range(0, length + 2).Select(i => new Triple((byte)(i + 1))).ToArray();
            Zeroing.Clear(triples.AsSpan(1, length));
            Assert.Equal(new Triple(1), triples[0]);
            Assert.Equal(new Triple((byte)(length + 2)), triples[length + 1]);
            Assert.All(triples.Skip(1).Take(length), value => Assert.Equal(default, value));
        }
    }

    [Fact]
    public void A_scratch_buffer_is_zeroed_on_the_stack_and_when_rented_from_a_pool_array_that_held_values()
    {
        Span<double> stack = [1, 2, 3, 4];
        var onStack = new ScratchBuffer<double>(3, stack);
        Assert.Equal([0.0, 0.0, 0.0], onStack.Span.ToArray());
        Assert.Equal(4.0, stack[3]);
        onStack.Dispose();

        // Longer than the stack buffer: rented. Dirty it, return it, and rent again (the pool hands back the same
        // array on this thread); the second buffer must be zero all the same.
        var rented = new ScratchBuffer<double>(300, stack);
        rented.Span.Fill(7.0);
        rented.Dispose();
        var again = new ScratchBuffer<double>(300, stack);
        Assert.All(again.Span.ToArray(), value => Assert.Equal(0.0, value));
        again.Dispose();
    }

    [Theory]
    [InlineData(3, new[] { 1.0, 1.0, 1.0, 0.0, 0.0 })]
    [InlineData(0, new[] { 0.0, 0.0, 0.0, 0.0, 0.0 })]
    [InlineData(-2, new[] { 0.0, 0.0, 0.0, 0.0, 0.0 })]
    [InlineData(5, new[] { 1.0, 1.0, 1.0, 1.0, 1.0 })]
    [InlineData(9, new[] { 1.0, 1.0, 1.0, 1.0, 1.0 })]
    public void ClearFrom_zeroes_from_the_start_on_and_clamps_a_start_outside_the_span(int start, double[] expected)
    {
        double[] values = { 1, 1, 1, 1, 1 };
        Zeroing.ClearFrom<double>(values, start);
        Assert.Equal(expected, values);
    }

    private readonly record struct Triple(byte A)
    {
        public readonly byte B = A;
        public readonly byte C = A;
    }
}
