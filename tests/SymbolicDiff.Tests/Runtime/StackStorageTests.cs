using SymbolicDiff.Runtime;

namespace SymbolicDiff.Tests.Runtime;

/// <summary>The stack length generated code asks for a buffer of a given length.</summary>
public class StackStorageTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(11, 11)]
    [InlineData(128, 128)]     // StackStorage.Length: still on the stack
    [InlineData(129, 0)]       // longer: nothing on the stack, the buffer is rented
    [InlineData(1_000_000, 0)]
    [InlineData(-1, 0)]        // a negative length takes no stack (ScratchBuffer then reports it)
    [InlineData(int.MinValue, 0)]
    public void A_buffer_takes_its_own_length_of_stack_up_to_the_limit_and_none_above(int length, int expected)
    {
        Assert.Equal(128, StackStorage.Length);
        Assert.Equal(expected, StackStorage.For(length));
    }

    [Fact]
    public void A_scratch_buffer_over_the_sized_stack_is_zeroed_and_as_long_as_asked()
    {
        Span<double> stack = stackalloc double[StackStorage.For(5)];
        stack.Fill(double.NaN);
        var buffer = new ScratchBuffer<double>(5, stack);
        Assert.Equal(5, buffer.Span.Length);
        Assert.True(buffer.Span.Overlaps(stack)); // on the stack, not rented
        Assert.All(buffer.Span.ToArray(), value => Assert.Equal(0.0, value));
        buffer.Dispose();

        var rented = new ScratchBuffer<double>(200, stackalloc double[StackStorage.For(200)]);
        Assert.Equal(200, rented.Span.Length);
        Assert.All(rented.Span.ToArray(), value => Assert.Equal(0.0, value));
        rented.Dispose();
    }
}
