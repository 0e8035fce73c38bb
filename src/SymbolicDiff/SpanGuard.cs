using System;
using System.Runtime.CompilerServices;
using SymbolicDiff.Runtime;

namespace SymbolicDiff;

/// <summary>
/// The argument checks of the span primitives (<see cref="Vectors"/> and the span overloads of <see cref="Losses"/>)
/// that <see cref="ArgumentChecks"/> has no overload for: an overlap test over spans of any element type (the
/// primitives are generic in it) and a non-empty test. Lengths and tangents are checked with
/// <see cref="ArgumentChecks"/> itself, and every check here throws through its throw helpers, so a primitive and a
/// generated method reject the same mistake with the same message.
/// </summary>
/// <remarks>
/// A vector-Jacobian product such as <see cref="Losses.SoftmaxCrossEntropyLogitsGradient(ReadOnlySpan{double}, int, double, Span{double})"/>
/// runs once per row of a batch, so each check is a comparison inlined into its caller, and the message is built in
/// a separate, never-inlined method that only the failing call reaches.
/// </remarks>
internal static class SpanGuard
{
    /// <summary>Throws if the span is empty: a mean over no elements is undefined (PyTorch gives NaN; the span losses refuse).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NotEmpty(int length, string paramName)
    {
        if (length == 0)
        {
            ArgumentChecks.ThrowEmpty(paramName);
        }
    }

    /// <summary>
    /// Throws if the output span <paramref name="outputName"/> shares memory with any of the inputs (up to four; an
    /// empty span overlaps nothing): the method would read values it has already overwritten (or accumulate into its
    /// own input), and the result would be silently wrong.
    /// </summary>
    /// <param name="output">The span the method writes.</param>
    /// <param name="outputName">Its name, the exception's parameter name.</param>
    /// <param name="inputNames">The names of the inputs, comma-separated, for the message (a literal: nothing is built unless the check fails).</param>
    /// <param name="a">An input.</param>
    /// <param name="b">An input, or empty.</param>
    /// <param name="c">An input, or empty.</param>
    /// <param name="d">An input, or empty.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NoOverlap<T>(
        ReadOnlySpan<T> output, string outputName, string inputNames,
        ReadOnlySpan<T> a, ReadOnlySpan<T> b = default, ReadOnlySpan<T> c = default, ReadOnlySpan<T> d = default)
    {
        if (ArgumentChecks.Overlap(output, a) || ArgumentChecks.Overlap(output, b) || ArgumentChecks.Overlap(output, c) || ArgumentChecks.Overlap(output, d))
        {
            ArgumentChecks.ThrowOverlapsInput(outputName, inputNames);
        }
    }

    /// <summary>
    /// The checks of a vector-Jacobian product that reads two spans and adds into <paramref name="gradient"/>: the gradient
    /// has one element per element of the differentiated span <paramref name="differentiatedName"/>
    /// (<paramref name="expected"/>), and shares no memory with <paramref name="first"/> or <paramref name="second"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void GradientOfPair<T>(
        Span<T> gradient, int expected, string differentiatedName,
        ReadOnlySpan<T> first, ReadOnlySpan<T> second, string inputNames)
    {
        ArgumentChecks.Length(gradient.Length, expected, nameof(gradient), differentiatedName);
        NoOverlap(gradient, nameof(gradient), inputNames, first, second);
    }
}
