using System.ComponentModel;

namespace SymbolicDiff.Runtime;

/// <summary>How many elements generated code keeps on the stack (scratch buffers, saved values) before it rents from the pool.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class StackStorage
{
    // A field the JIT cannot fold, on purpose: the .NET 10 JIT zeroes a stackalloc of constant length with 256/512-bit
    // stores and no vzeroupper before the next call into the C library (Math.Exp, Math.Tanh, ...), and every such call
    // then pays the AVX–SSE transition penalty (docs/jacobians.md); a length only known at run time is zeroed by a
    // loop that leaves the upper halves of the vector registers clean.
#pragma warning disable IDE0044 // not readonly: a static readonly field would be folded into a constant at tier 1
    private static int s_length = 128;
#pragma warning restore IDE0044

    /// <summary>128: the stack length of a generated method's scratch buffers and saved values.</summary>
    public static int Length => s_length;

    /// <summary>
    /// The stack length for a buffer of <paramref name="length"/> elements: the length itself up to <see cref="Length"/>,
    /// else 0 (the buffer is rented from the pool). A run-time value, as <see cref="Length"/> is, so the JIT zeroes the
    /// <c>stackalloc</c> with a loop, and only as much of the stack as is used.
    /// </summary>
    /// <param name="length">How many elements the buffer needs.</param>
    /// <returns><paramref name="length"/> where it is in [0, <see cref="Length"/>], else 0.</returns>
    public static int For(int length) => (uint)length <= (uint)s_length ? length : 0;
}
