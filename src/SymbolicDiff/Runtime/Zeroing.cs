using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SymbolicDiff.Runtime;

/// <summary>
/// Zeroes spans for generated code without leaving the upper halves of the vector registers dirty, so that the
/// <see cref="Math"/> functions called after it (the C library's <c>exp</c>, <c>log</c>, <c>pow</c>…) run at
/// full speed.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Span{T}.Clear"/> is the obvious way, and the slow one before C library calls on .NET 10 with tiered
/// compilation: once <c>SpanHelpers.ClearWithoutReferences</c> is recompiled at tier 1 on a machine with AVX2 or
/// AVX-512, it zeroes with 256- or 512-bit stores and returns without <c>vzeroupper</c>, and the JIT puts the
/// <c>vzeroupper</c> of a method that calls <c>Math.Exp</c> in its prologue, not before each call. Every
/// <c>Math.Exp</c> after the <c>Clear</c> in the same method then pays the AVX–SSE transition penalty in the C
/// library's legacy-SSE wrapper (about 250 ns each on the Sapphire Rapids machine of docs/jacobians.md, where a
/// generated Jacobian went from 0.7 to 12 µs).
/// </para>
/// <para>
/// This method zeroes with 128-bit stores (and bytes at the end), which leave the upper state clean; the cost is
/// a few more stores than a 512-bit clear, nothing next to one transition penalty.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Zeroing
{
    /// <summary>
    /// Sets the elements of <paramref name="span"/> from <paramref name="start"/> on to zero, as <see cref="Clear{T}(Span{T})"/>
    /// does; a start past the end clears nothing and one below 0 clears everything. Generated code calls it where a loop
    /// stores each element below <paramref name="start"/> once, so only the rest needs zeros.
    /// </summary>
    /// <typeparam name="T">The element type: <see cref="double"/>, <see cref="float"/> or another unmanaged type.</typeparam>
    /// <param name="span">The elements, of which those from <paramref name="start"/> on are zeroed.</param>
    /// <param name="start">The index of the first element to zero.</param>
    public static void ClearFrom<T>(Span<T> span, int start)
        where T : unmanaged =>
        Clear(span.Slice(Math.Clamp(start, 0, span.Length)));

    /// <summary>Sets every element of <paramref name="span"/> to zero with 128-bit stores at the widest.</summary>
    /// <typeparam name="T">The element type: <see cref="double"/>, <see cref="float"/> or another unmanaged type.</typeparam>
    /// <param name="span">The elements to zero.</param>
    public static void Clear<T>(Span<T> span)
        where T : unmanaged
    {
        Span<byte> bytes = MemoryMarshal.AsBytes(span);
        ref byte start = ref MemoryMarshal.GetReference(bytes);
        nuint length = (nuint)bytes.Length;
        nuint offset = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            for (; offset + (nuint)Vector128<byte>.Count <= length; offset += (nuint)Vector128<byte>.Count)
            {
                Vector128<byte>.Zero.StoreUnsafe(ref start, offset);
            }
        }

        for (; offset < length; offset++)
        {
            Unsafe.Add(ref start, offset) = 0;
        }
    }
}
