using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SymbolicDiff.Runtime;

/// <summary>
/// The argument checks of a generated gradient that writes into spans, for generated code: each test is a few
/// instructions inlined into the gradient, and each message is built in a method of its own that only a failing call
/// reaches, so the checks neither call a method nor carry string concatenations in the gradient's body.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GradientArguments
{
    /// <summary>
    /// Whether <paramref name="output"/> and <paramref name="other"/> share memory, as
    /// <see cref="MemoryExtensions.Overlaps{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/> answers it (an empty span
    /// overlaps nothing), but inlined and without a branch per test.
    /// </summary>
    /// <param name="output">A gradient output.</param>
    /// <param name="other">An input, or another gradient output.</param>
    /// <returns><see langword="true"/> if some element of one is an element of the other.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Overlap(ReadOnlySpan<double> output, ReadOnlySpan<double> other) =>
        Overlap(ref MemoryMarshal.GetReference(output), output.Length, ref MemoryMarshal.GetReference(other), other.Length);

    /// <inheritdoc cref="Overlap(ReadOnlySpan{double}, ReadOnlySpan{double})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Overlap(ReadOnlySpan<float> output, ReadOnlySpan<float> other) =>
        Overlap(ref MemoryMarshal.GetReference(output), output.Length, ref MemoryMarshal.GetReference(other), other.Length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Overlap<T>(ref T output, int outputLength, ref T other, int otherLength)
    {
        // The distance from output's first element to other's, modulo 2^64: below output's size, other starts inside
        // output; above −(other's size), output starts inside other. An empty span's size is 0, for which the second
        // test would hold for any distance but 0, hence the two emptiness tests.
        nuint distance = (nuint)Unsafe.ByteOffset(ref output, ref other);
        nuint outputBytes = (nuint)outputLength * (nuint)Unsafe.SizeOf<T>();
        nuint otherBytes = (nuint)otherLength * (nuint)Unsafe.SizeOf<T>();
        return (outputLength != 0) & (otherLength != 0) & ((distance < outputBytes) | (distance > (nuint)0 - otherBytes));
    }

    /// <summary>Throws the <see cref="ArgumentException"/> of a gradient output whose length is not its parameter's.</summary>
    /// <param name="output">The output's name.</param>
    /// <param name="parameter">The differentiated parameter's name.</param>
    /// <param name="expected">The parameter's length.</param>
    /// <param name="actual">The output's length.</param>
    /// <exception cref="ArgumentException">Always, naming <paramref name="output"/>.</exception>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowLength(string output, string parameter, int expected, int actual) =>
        throw new ArgumentException($"{output} must have the length of {parameter} ({expected}), not {actual}.", output);

    /// <summary>Throws the <see cref="ArgumentException"/> of a gradient output that overlaps an input.</summary>
    /// <param name="output">The output's name.</param>
    /// <param name="inputs">The inputs' names, as the message lists them.</param>
    /// <exception cref="ArgumentException">Always, naming <paramref name="output"/>.</exception>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowOverlapsInput(string output, string inputs) =>
        throw new ArgumentException($"{output} must not overlap an input ({inputs}): the gradient would overwrite it.", output);

    /// <summary>Throws the <see cref="ArgumentException"/> of a gradient output that overlaps another output.</summary>
    /// <param name="output">The output's name.</param>
    /// <param name="others">The other outputs' names, as the message lists them.</param>
    /// <exception cref="ArgumentException">Always, naming <paramref name="output"/>.</exception>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowOverlapsOutput(string output, string others) =>
        throw new ArgumentException($"{output} must not overlap another gradient output ({others}).", output);
}
