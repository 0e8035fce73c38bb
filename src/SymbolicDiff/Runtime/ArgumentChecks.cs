using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace SymbolicDiff.Runtime;

/// <summary>
/// The argument checks at the top of every generated method (gradient, Jacobian, Hessian, product): an output's
/// length, an output that overlaps an input or another output, a null array. Generated code calls them as a short
/// list, one line per check (<c>ArgumentChecks.Length(dStart.Length, start.Length, "dStart", "start");</c>).
/// </summary>
/// <remarks>
/// Each check is a comparison inlined into the generated method; the exception, with its message built from the
/// names and lengths, is created in a separate method that is never inlined and that only a failing call reaches.
/// A <c>throw</c> with a concatenated message written inline would put the string building, the allocation and
/// the exception's construction into every generated method the JIT compiles (the same reason the .NET libraries
/// throw through <c>ThrowHelper</c>). The messages name the argument and say what it must be; the exception's
/// <see cref="ArgumentException.ParamName"/> is the argument's name.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class ArgumentChecks
{
    /// <summary>Throws <see cref="ArgumentNullException"/> naming <paramref name="name"/> if <paramref name="value"/> is null.</summary>
    /// <param name="value">An array parameter.</param>
    /// <param name="name">Its name.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NotNull([NotNull] object? value, string name)
    {
        if (value is null)
        {
            ThrowNull(name);
        }
    }

    /// <summary>Throws unless an output (or a direction, a weight) has the length of the parameter it belongs to.</summary>
    /// <param name="length">The output's length.</param>
    /// <param name="expected">The parameter's length.</param>
    /// <param name="name">The output's name.</param>
    /// <param name="of">The parameter's name.</param>
    /// <exception cref="ArgumentException"><paramref name="length"/> is not <paramref name="expected"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Length(int length, int expected, string name, string of)
    {
        if (length != expected)
        {
            ThrowLength(length, expected, name, of);
        }
    }

    /// <summary>
    /// Throws unless a tangent is empty (its parameter does not vary: a zero tangent) or has the length of its parameter.
    /// </summary>
    /// <param name="length">The tangent's length.</param>
    /// <param name="expected">The parameter's length.</param>
    /// <param name="name">The tangent's name.</param>
    /// <param name="of">The parameter's name.</param>
    /// <exception cref="ArgumentException"><paramref name="length"/> is neither 0 nor <paramref name="expected"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void EmptyOrLength(int length, int expected, string name, string of)
    {
        if (length != 0 && length != expected)
        {
            ThrowEmptyOrLength(length, expected, name, of);
        }
    }

    /// <summary>Throws unless a gradient over <paramref name="n"/> scalar parameters has one partial per parameter.</summary>
    /// <param name="length">The gradient's length.</param>
    /// <param name="n">The number of differentiated parameters.</param>
    /// <param name="name">The gradient's name.</param>
    /// <exception cref="ArgumentException"><paramref name="length"/> is not <paramref name="n"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PartialsLength(int length, int n, string name)
    {
        if (length != n)
        {
            ThrowPartialsLength(length, n, name);
        }
    }

    /// <summary>
    /// Throws unless a Hessian (or its derivative along tangents) over <paramref name="n"/> differentiated elements has
    /// n × n elements: n scalar parameters, known when the code was generated, or the total length of the
    /// differentiated spans, known when it runs.
    /// </summary>
    /// <param name="length">The matrix's length.</param>
    /// <param name="n">The number of differentiated elements.</param>
    /// <param name="name">The matrix's name.</param>
    /// <exception cref="ArgumentException"><paramref name="length"/> is not n².</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SquareLength(int length, int n, string name)
    {
        if (length != n * n)
        {
            ThrowSquareLength(length, n, name);
        }
    }

    /// <summary>Throws unless a dense Jacobian of <paramref name="rows"/> outputs by <paramref name="columns"/> inputs has rows × columns elements.</summary>
    /// <param name="length">The matrix's length.</param>
    /// <param name="rows">m: the outputs' elements.</param>
    /// <param name="columns">n: the differentiated inputs' elements.</param>
    /// <param name="name">The matrix's name.</param>
    /// <exception cref="ArgumentException"><paramref name="length"/> is not m × n.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void JacobianLength(int length, int rows, int columns, string name)
    {
        if (length != rows * columns)
        {
            ThrowJacobianLength(length, rows, columns, name);
        }
    }

    /// <summary>Throws if a scalar output is the same variable as an earlier scalar output.</summary>
    /// <param name="output">The output, already written.</param>
    /// <param name="name">Its name.</param>
    /// <param name="others">The names of every earlier output it must be distinct from, comma-separated, for the message.</param>
    /// <param name="other">An earlier scalar output.</param>
    /// <exception cref="ArgumentException">The two are one variable.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OwnVariable(ref double output, string name, string others, ref double other)
    {
        if (Unsafe.AreSame(ref output, ref other))
        {
            ThrowNotOwnVariable(name, others);
        }
    }

    /// <inheritdoc cref="OwnVariable(ref double, string, string, ref double)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OwnVariable(ref float output, string name, string others, ref float other)
    {
        if (Unsafe.AreSame(ref output, ref other))
        {
            ThrowNotOwnVariable(name, others);
        }
    }

    /// <summary>Throws if a scalar output is an element of a span output (<c>out dW[0]</c>).</summary>
    /// <param name="output">The output, already written.</param>
    /// <param name="name">Its name.</param>
    /// <param name="others">The names of every earlier output it must be distinct from, comma-separated, for the message.</param>
    /// <param name="other">A span output.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> is one of <paramref name="other"/>'s elements.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OwnVariable(ref double output, string name, string others, ReadOnlySpan<double> other)
    {
        if (Overlap(other, new ReadOnlySpan<double>(ref output)))
        {
            ThrowNotOwnVariable(name, others);
        }
    }

    /// <inheritdoc cref="OwnVariable(ref double, string, string, ReadOnlySpan{double})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OwnVariable(ref float output, string name, string others, ReadOnlySpan<float> other)
    {
        if (Overlap(other, new ReadOnlySpan<float>(ref output)))
        {
            ThrowNotOwnVariable(name, others);
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNull(string name) => throw new ArgumentNullException(name);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLength(int length, int expected, string name, string of) =>
        throw new ArgumentException(name + " must have the length of " + of + " (" + expected + "), not " + length + ".", name);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowEmptyOrLength(int length, int expected, string name, string of) =>
        throw new ArgumentException(name + " must be empty (" + of + " does not vary) or have the length of " + of + " (" + expected + "), not " + length + ".", name);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowPartialsLength(int length, int n, string name) =>
        throw new ArgumentException(name + " must have length " + n + " (one partial per differentiated parameter), not " + length + ".", name);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowSquareLength(int length, int n, string name) =>
        throw new ArgumentException(name + " must have length " + (n * n) + " (" + n + "×" + n + ", row-major), not " + length + ".", name);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void ThrowEmpty(string name) =>
        throw new ArgumentException(name + " must not be empty: the loss is a mean over at least one element.", name);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowJacobianLength(int length, int rows, int columns, string name) =>
        throw new ArgumentException(name + " must have " + rows + " × " + columns + " elements (outputs × differentiated inputs), not " + length + ".", name);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void ThrowOverlapsInput(string name, string others) =>
        throw new ArgumentException(name + " must not overlap an input (" + others + "): the gradient would overwrite it.", name);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowOverlapsOutput(string name, string others) =>
        throw new ArgumentException(name + " must not overlap another gradient output (" + others + ").", name);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotOwnVariable(string name, string others) =>
        throw new ArgumentException(name + " must be a variable of its own, not another gradient output or one of its elements (" + others + "): one gradient would overwrite the other.", name);
}
