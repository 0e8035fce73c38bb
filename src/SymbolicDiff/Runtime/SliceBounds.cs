using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace SymbolicDiff.Runtime;

/// <summary>
/// The bounds checks of a slice, for generated code. A <c>[Differentiable]</c> method's slice
/// (<c>ReadOnlySpan&lt;double&gt; x = p.Slice(start, length);</c>) is read in its derivatives as elements of the
/// sliced span (<c>x[j]</c> as <c>p[start + j]</c>); these checks keep the exceptions the user's own code would throw.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SliceBounds
{
    /// <summary>
    /// The start of a slice of <paramref name="length"/> elements from <paramref name="start"/> of a vector of
    /// <paramref name="vectorLength"/> elements, checked as <see cref="Span{T}.Slice(int, int)"/> checks it.
    /// </summary>
    /// <param name="vectorLength">The length of the sliced vector.</param>
    /// <param name="start">The index of the slice's first element in the vector.</param>
    /// <param name="length">The number of elements of the slice.</param>
    /// <returns><paramref name="start"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The slice does not lie within the vector.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Start(int vectorLength, int start, int length)
    {
        // The test Span.Slice makes: one unsigned comparison of 64-bit sums, which cannot overflow.
        if ((ulong)(uint)start + (ulong)(uint)length > (ulong)(uint)vectorLength)
        {
            ThrowOutside(start, length, vectorLength);
        }

        return start;
    }

    /// <summary>An index into a slice of <paramref name="length"/> elements, checked as the slice's indexer checks it.</summary>
    /// <param name="index">The index into the slice.</param>
    /// <param name="length">The number of elements of the slice.</param>
    /// <returns><paramref name="index"/>.</returns>
    /// <exception cref="IndexOutOfRangeException"><paramref name="index"/> is negative, or not less than <paramref name="length"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Index(int index, int length)
    {
        if ((uint)index >= (uint)length)
        {
            ThrowIndex();
        }

        return index;
    }

    private static void ThrowOutside(int start, int length, int vectorLength) =>
        throw new ArgumentOutOfRangeException(
            nameof(start), start, $"The slice of {length} elements from {start} does not lie within a vector of {vectorLength} elements.");

    private static void ThrowIndex() => throw new IndexOutOfRangeException();
}
