using System;

namespace SymbolicDiff;

/// <summary>Argument checks shared by the span primitives (<see cref="Vectors"/> and the span overloads of <see cref="Losses"/>).</summary>
internal static class SpanGuard
{
    /// <summary>Throws unless <paramref name="length"/> equals <paramref name="expected"/>, the length of <paramref name="otherName"/>.</summary>
    public static void SameLength(int length, int expected, string paramName, string otherName)
    {
        if (length != expected)
        {
            throw new ArgumentException(
                $"'{paramName}' has {length} elements and '{otherName}' has {expected}; they must have the same length.",
                paramName);
        }
    }

    /// <summary>Throws if the span is empty: a mean over no elements is undefined (PyTorch gives NaN; the span losses refuse).</summary>
    public static void NotEmpty(int length, string paramName)
    {
        if (length == 0)
        {
            throw new ArgumentException($"'{paramName}' is empty; the loss is defined for at least one element.", paramName);
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
    public static void Gradient(int gradientLength, int expected, string differentiatedName)
    {
        if (gradientLength != expected)
        {
            throw new ArgumentException(
                $"'gradient' has {gradientLength} elements and '{differentiatedName}' has {expected}; the gradient needs one element per element of '{differentiatedName}'.",
                "gradient");
        }
    }

    /// <summary>
    /// Throws if the output span <paramref name="outputName"/> shares memory with the input
    /// <paramref name="inputName"/>: the method would read values it has already overwritten (or accumulate
    /// into its own input), and the result would be silently wrong.
    /// </summary>
    public static void NoOverlap<T>(ReadOnlySpan<T> output, ReadOnlySpan<T> input, string outputName, string inputName)
    {
        if (output.Overlaps(input))
        {
            throw new ArgumentException(
                $"'{outputName}' overlaps '{inputName}': the method writes into '{outputName}' while it reads '{inputName}', so they must not share memory. Pass a separate buffer.",
                outputName);
        }
    }
}
