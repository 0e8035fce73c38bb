using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SymbolicDiff.Runtime;

// The overlap checks, one overload per number of spans up to six (spans cannot be type arguments, so there is no
// params form that does not allocate); generated code with more calls again with the rest and the same names.
public static partial class ArgumentChecks
{
    /// <summary>Throws unless <paramref name="output"/> shares no element with the input: writing the output would change what it is computed from.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the inputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">An input.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoInput(ReadOnlySpan<double> output, string name, string others, ReadOnlySpan<double> a)
    {
        if (Overlap(output, a))
        {
            ThrowOverlapsInput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with any of the 2 inputs: writing the output would change what it is computed from.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the inputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">An input.</param>
    /// <param name="b">An input.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoInput(ReadOnlySpan<double> output, string name, string others, ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (Overlap(output, a) || Overlap(output, b))
        {
            ThrowOverlapsInput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with any of the 3 inputs: writing the output would change what it is computed from.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the inputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">An input.</param>
    /// <param name="b">An input.</param>
    /// <param name="c">An input.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoInput(ReadOnlySpan<double> output, string name, string others, ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c)
    {
        if (Overlap(output, a) || Overlap(output, b) || Overlap(output, c))
        {
            ThrowOverlapsInput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with any of the 4 inputs: writing the output would change what it is computed from.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the inputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">An input.</param>
    /// <param name="b">An input.</param>
    /// <param name="c">An input.</param>
    /// <param name="d">An input.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoInput(ReadOnlySpan<double> output, string name, string others, ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c, ReadOnlySpan<double> d)
    {
        if (Overlap(output, a) || Overlap(output, b) || Overlap(output, c) || Overlap(output, d))
        {
            ThrowOverlapsInput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with any of the 5 inputs: writing the output would change what it is computed from.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the inputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">An input.</param>
    /// <param name="b">An input.</param>
    /// <param name="c">An input.</param>
    /// <param name="d">An input.</param>
    /// <param name="e">An input.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoInput(ReadOnlySpan<double> output, string name, string others, ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c, ReadOnlySpan<double> d, ReadOnlySpan<double> e)
    {
        if (Overlap(output, a) || Overlap(output, b) || Overlap(output, c) || Overlap(output, d) || Overlap(output, e))
        {
            ThrowOverlapsInput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with any of the 6 inputs: writing the output would change what it is computed from.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the inputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">An input.</param>
    /// <param name="b">An input.</param>
    /// <param name="c">An input.</param>
    /// <param name="d">An input.</param>
    /// <param name="e">An input.</param>
    /// <param name="f">An input.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoInput(ReadOnlySpan<double> output, string name, string others, ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c, ReadOnlySpan<double> d, ReadOnlySpan<double> e, ReadOnlySpan<double> f)
    {
        if (Overlap(output, a) || Overlap(output, b) || Overlap(output, c) || Overlap(output, d) || Overlap(output, e) || Overlap(output, f))
        {
            ThrowOverlapsInput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with the input: writing the output would change what it is computed from.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the inputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">An input.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoInput(ReadOnlySpan<float> output, string name, string others, ReadOnlySpan<float> a)
    {
        if (Overlap(output, a))
        {
            ThrowOverlapsInput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with any of the 2 inputs: writing the output would change what it is computed from.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the inputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">An input.</param>
    /// <param name="b">An input.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoInput(ReadOnlySpan<float> output, string name, string others, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (Overlap(output, a) || Overlap(output, b))
        {
            ThrowOverlapsInput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with any of the 3 inputs: writing the output would change what it is computed from.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the inputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">An input.</param>
    /// <param name="b">An input.</param>
    /// <param name="c">An input.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoInput(ReadOnlySpan<float> output, string name, string others, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c)
    {
        if (Overlap(output, a) || Overlap(output, b) || Overlap(output, c))
        {
            ThrowOverlapsInput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with any of the 4 inputs: writing the output would change what it is computed from.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the inputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">An input.</param>
    /// <param name="b">An input.</param>
    /// <param name="c">An input.</param>
    /// <param name="d">An input.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoInput(ReadOnlySpan<float> output, string name, string others, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, ReadOnlySpan<float> d)
    {
        if (Overlap(output, a) || Overlap(output, b) || Overlap(output, c) || Overlap(output, d))
        {
            ThrowOverlapsInput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with any of the 5 inputs: writing the output would change what it is computed from.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the inputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">An input.</param>
    /// <param name="b">An input.</param>
    /// <param name="c">An input.</param>
    /// <param name="d">An input.</param>
    /// <param name="e">An input.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoInput(ReadOnlySpan<float> output, string name, string others, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, ReadOnlySpan<float> d, ReadOnlySpan<float> e)
    {
        if (Overlap(output, a) || Overlap(output, b) || Overlap(output, c) || Overlap(output, d) || Overlap(output, e))
        {
            ThrowOverlapsInput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with any of the 6 inputs: writing the output would change what it is computed from.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the inputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">An input.</param>
    /// <param name="b">An input.</param>
    /// <param name="c">An input.</param>
    /// <param name="d">An input.</param>
    /// <param name="e">An input.</param>
    /// <param name="f">An input.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoInput(ReadOnlySpan<float> output, string name, string others, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, ReadOnlySpan<float> d, ReadOnlySpan<float> e, ReadOnlySpan<float> f)
    {
        if (Overlap(output, a) || Overlap(output, b) || Overlap(output, c) || Overlap(output, d) || Overlap(output, e) || Overlap(output, f))
        {
            ThrowOverlapsInput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with the other output: one output would overwrite another.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the outputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">Another output.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoOutput(ReadOnlySpan<double> output, string name, string others, ReadOnlySpan<double> a)
    {
        if (Overlap(output, a))
        {
            ThrowOverlapsOutput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with any of the 2 other outputs: one output would overwrite another.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the outputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">Another output.</param>
    /// <param name="b">Another output.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoOutput(ReadOnlySpan<double> output, string name, string others, ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (Overlap(output, a) || Overlap(output, b))
        {
            ThrowOverlapsOutput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with any of the 3 other outputs: one output would overwrite another.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the outputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">Another output.</param>
    /// <param name="b">Another output.</param>
    /// <param name="c">Another output.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoOutput(ReadOnlySpan<double> output, string name, string others, ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c)
    {
        if (Overlap(output, a) || Overlap(output, b) || Overlap(output, c))
        {
            ThrowOverlapsOutput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with any of the 4 other outputs: one output would overwrite another.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the outputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">Another output.</param>
    /// <param name="b">Another output.</param>
    /// <param name="c">Another output.</param>
    /// <param name="d">Another output.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoOutput(ReadOnlySpan<double> output, string name, string others, ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c, ReadOnlySpan<double> d)
    {
        if (Overlap(output, a) || Overlap(output, b) || Overlap(output, c) || Overlap(output, d))
        {
            ThrowOverlapsOutput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with any of the 5 other outputs: one output would overwrite another.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the outputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">Another output.</param>
    /// <param name="b">Another output.</param>
    /// <param name="c">Another output.</param>
    /// <param name="d">Another output.</param>
    /// <param name="e">Another output.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoOutput(ReadOnlySpan<double> output, string name, string others, ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c, ReadOnlySpan<double> d, ReadOnlySpan<double> e)
    {
        if (Overlap(output, a) || Overlap(output, b) || Overlap(output, c) || Overlap(output, d) || Overlap(output, e))
        {
            ThrowOverlapsOutput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with any of the 6 other outputs: one output would overwrite another.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the outputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">Another output.</param>
    /// <param name="b">Another output.</param>
    /// <param name="c">Another output.</param>
    /// <param name="d">Another output.</param>
    /// <param name="e">Another output.</param>
    /// <param name="f">Another output.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoOutput(ReadOnlySpan<double> output, string name, string others, ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c, ReadOnlySpan<double> d, ReadOnlySpan<double> e, ReadOnlySpan<double> f)
    {
        if (Overlap(output, a) || Overlap(output, b) || Overlap(output, c) || Overlap(output, d) || Overlap(output, e) || Overlap(output, f))
        {
            ThrowOverlapsOutput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with the other output: one output would overwrite another.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the outputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">Another output.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoOutput(ReadOnlySpan<float> output, string name, string others, ReadOnlySpan<float> a)
    {
        if (Overlap(output, a))
        {
            ThrowOverlapsOutput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with any of the 2 other outputs: one output would overwrite another.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the outputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">Another output.</param>
    /// <param name="b">Another output.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoOutput(ReadOnlySpan<float> output, string name, string others, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (Overlap(output, a) || Overlap(output, b))
        {
            ThrowOverlapsOutput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with any of the 3 other outputs: one output would overwrite another.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the outputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">Another output.</param>
    /// <param name="b">Another output.</param>
    /// <param name="c">Another output.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoOutput(ReadOnlySpan<float> output, string name, string others, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c)
    {
        if (Overlap(output, a) || Overlap(output, b) || Overlap(output, c))
        {
            ThrowOverlapsOutput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with any of the 4 other outputs: one output would overwrite another.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the outputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">Another output.</param>
    /// <param name="b">Another output.</param>
    /// <param name="c">Another output.</param>
    /// <param name="d">Another output.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoOutput(ReadOnlySpan<float> output, string name, string others, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, ReadOnlySpan<float> d)
    {
        if (Overlap(output, a) || Overlap(output, b) || Overlap(output, c) || Overlap(output, d))
        {
            ThrowOverlapsOutput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with any of the 5 other outputs: one output would overwrite another.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the outputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">Another output.</param>
    /// <param name="b">Another output.</param>
    /// <param name="c">Another output.</param>
    /// <param name="d">Another output.</param>
    /// <param name="e">Another output.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoOutput(ReadOnlySpan<float> output, string name, string others, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, ReadOnlySpan<float> d, ReadOnlySpan<float> e)
    {
        if (Overlap(output, a) || Overlap(output, b) || Overlap(output, c) || Overlap(output, d) || Overlap(output, e))
        {
            ThrowOverlapsOutput(name, others);
        }
    }

    /// <summary>Throws unless <paramref name="output"/> shares no element with any of the 6 other outputs: one output would overwrite another.</summary>
    /// <param name="output">The output span (a gradient, a product, a tangent).</param>
    /// <param name="name">The output's parameter name, the exception's <see cref="ArgumentException.ParamName"/>.</param>
    /// <param name="others">The names of all the outputs it must not overlap, comma-separated, for the message (a method with more than six calls this again with the rest and the same names).</param>
    /// <param name="a">Another output.</param>
    /// <param name="b">Another output.</param>
    /// <param name="c">Another output.</param>
    /// <param name="d">Another output.</param>
    /// <param name="e">Another output.</param>
    /// <param name="f">Another output.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> overlaps one of them.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OverlapsNoOutput(ReadOnlySpan<float> output, string name, string others, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, ReadOnlySpan<float> d, ReadOnlySpan<float> e, ReadOnlySpan<float> f)
    {
        if (Overlap(output, a) || Overlap(output, b) || Overlap(output, c) || Overlap(output, d) || Overlap(output, e) || Overlap(output, f))
        {
            ThrowOverlapsOutput(name, others);
        }
    }

    /// <summary>
    /// Whether two spans share an element: <see cref="MemoryExtensions.Overlaps{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>'s
    /// test written out so that it is inlined (the JIT left that method a call in the generated gradients), two unsigned
    /// comparisons of the byte offset between the spans' starts. Also the span primitives' test (<see cref="SpanGuard"/>),
    /// for any element type.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Overlap<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y)
    {
        if (x.IsEmpty || y.IsEmpty)
        {
            return false;
        }

        nint offset = Unsafe.ByteOffset(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y));
        return (nuint)offset < (nuint)((nint)x.Length * Unsafe.SizeOf<T>())
            || (nuint)offset > (nuint)(-((nint)y.Length * Unsafe.SizeOf<T>()));
    }
}
