namespace SymbolicDiff.Tests.Generator.CodeFirst;

/// <summary>
/// The fifth round of forms people write first: the span and array methods that write a whole buffer
/// (<c>h.Fill(v)</c>, <c>h.Clear()</c>, <c>Array.Fill</c>, <c>Array.Clear</c>, <c>x.CopyTo(h)</c>), <c>foreach (ref readonly ...)</c>,
/// a slice written in the <c>foreach</c> or the <c>CopyTo</c> itself, <c>x.IsEmpty</c>, the generic-math twins of Math's
/// functions (<c>double.Abs</c>, <c>double.Max</c>) and <c>Math.CopySign</c>.
/// </summary>
public static partial class CodeFirstFunctions
{
    /// <summary>a²·Σx (h filled with a², computed once) plus a·x[0] (h cleared, then h[i] += x[i]).</summary>
    [Differentiable(SecondOrder = true)]
    public static double FilledAndCleared(ReadOnlySpan<double> x, double a)
    {
        Span<double> h = stackalloc double[x.Length];
        h.Fill(a * a);
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += h[i] * x[i];
        }

        h.Clear();
        for (int i = 0; i < x.Length; i++)
        {
            h[i] += x[i];
        }

        return s + h[0] * a;
    }

    /// <summary>
    /// w = (x[1], ..., x[n−1], a): filled with a, then x[1..] copied over it; a · Σ w[1..]², with the slice written in the
    /// foreach (<c>w.AsSpan(1)</c>: <c>w[1..]</c> of an array is a copy, not a view); w cleared before its first element is
    /// added. For n = 3: a·x2² + a³.
    /// </summary>
    [Differentiable(SecondOrder = true)]
    public static double ArrayFilledAndCopied(ReadOnlySpan<double> x, double a)
    {
        double[] w = new double[x.Length];
        Array.Fill(w, a);
        x.Slice(1).CopyTo(w);
        double s = 0;
        foreach (var v in w.AsSpan(1))
        {
            s += v * v * a;
        }

        Array.Clear(w);
        return s + w[0];
    }

    /// <summary>Σ (|v|·a + copysign(v², a)) over <c>foreach (ref readonly double v in x)</c>, at least 0; x must not be empty.</summary>
    [Differentiable(SecondOrder = true)]
    public static double ReadOnlyReferences(ReadOnlySpan<double> x, double a)
    {
        if (x.IsEmpty)
        {
            throw new ArgumentException("x is empty", nameof(x));
        }

        double s = 0;
        foreach (ref readonly double v in x)
        {
            s += double.Abs(v) * a + Math.CopySign(v * v, a);
        }

        return double.Max(s, 0);
    }

    /// <summary>r[i] = a² + a·x[i]: the output filled first, then updated.</summary>
    [Differentiable(nameof(x), nameof(a))]
    public static void FilledOutputs(ReadOnlySpan<double> x, double a, Span<double> r)
    {
        r.Fill(a * a);
        for (int i = 0; i < x.Length; i++)
        {
            r[i] += a * x[i];
        }
    }
}
