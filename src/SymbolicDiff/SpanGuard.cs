using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace SymbolicDiff;

/// <summary>Argument checks shared by the span primitives (<see cref="Vectors"/> and the span overloads of <see cref="Losses"/>).</summary>
/// <remarks>
/// A vector-Jacobian product such as <see cref="Losses.SoftmaxCrossEntropyLogitsGradient(ReadOnlySpan{double}, int, double, Span{double})"/>
/// runs once per row of a batch, so each check is a comparison inlined into its caller, and the message is built in
/// a separate method that only the failing call reaches (a throw with an interpolated message inline would keep the
/// check from being inlined).
/// </remarks>
internal static class SpanGuard
{
    /// <summary>Throws unless <paramref name="length"/> equals <paramref name="expected"/>, the length of <paramref name="otherName"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SameLength(int length, int expected, string paramName, string otherName)
    {
        if (length != expected)
        {
            ThrowLengthMismatch(length, expected, paramName, otherName);
        }
    }

    /// <summary>Throws if the span is empty: a mean over no elements is undefined (PyTorch gives NaN; the span losses refuse).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NotEmpty(int length, string paramName)
    {
        if (length == 0)
        {
            ThrowEmpty(paramName);
        }
    }

    /// <summary>
    /// Throws unless the tangent span <paramref name="paramName"/> is empty (its input does not vary: a zero tangent)
    /// or has one element per element of <paramref name="inputName"/>.
    /// </summary>
    public static void Tangent(int length, int expected, string paramName, string inputName)
    {
        if (length != 0 && length != expected)
        {
            throw new ArgumentException(
                $"'{paramName}' has {length} elements and '{inputName}' has {expected}; a tangent is as long as its input, or empty where the input does not vary.",
                paramName);
        }
    }

    /// <summary>
    /// Throws unless the gradient span has one element per element of the differentiated parameter
    /// <paramref name="differentiatedName"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Gradient(int gradientLength, int expected, string differentiatedName)
    {
        if (gradientLength != expected)
        {
            ThrowGradientLength(gradientLength, expected, differentiatedName);
        }
    }

    /// <summary>
    /// Throws if the output span <paramref name="outputName"/> shares memory with the input
    /// <paramref name="inputName"/>: the method would read values it has already overwritten (or accumulate
    /// into its own input), and the result would be silently wrong.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NoOverlap<T>(ReadOnlySpan<T> output, ReadOnlySpan<T> input, string outputName, string inputName)
    {
        if (output.Overlaps(input))
        {
            ThrowOverlap(outputName, inputName);
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
        ReadOnlySpan<T> first, string firstName, ReadOnlySpan<T> second, string secondName)
    {
        Gradient(gradient.Length, expected, differentiatedName);
        NoOverlap(gradient, first, nameof(gradient), firstName);
        NoOverlap(gradient, second, nameof(gradient), secondName);
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLengthMismatch(int length, int expected, string paramName, string otherName) =>
        throw new ArgumentException(
            $"'{paramName}' has {length} elements and '{otherName}' has {expected}; they must have the same length.",
            paramName);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowEmpty(string paramName) =>
        throw new ArgumentException($"'{paramName}' is empty; the loss is defined for at least one element.", paramName);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowGradientLength(int gradientLength, int expected, string differentiatedName) =>
        throw new ArgumentException(
            $"'gradient' has {gradientLength} elements and '{differentiatedName}' has {expected}; the gradient needs one element per element of '{differentiatedName}'.",
            "gradient");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowOverlap(string outputName, string inputName) =>
        throw new ArgumentException(
            $"'{outputName}' overlaps '{inputName}': the method writes into '{outputName}' while it reads '{inputName}', so they must not share memory. Pass a separate buffer.",
            outputName);
}
