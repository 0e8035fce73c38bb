namespace SymbolicDiff.Tests.Generator.CodeFirst;

/// <summary>
/// Loops and statements as people write them first: a <c>for</c> loop that steps by two or doubles its counter, <c>for (;;)</c>
/// left with <c>break</c>, two counters meeting in the middle, <c>x[^1]</c>, tuple assignments and <c>is</c> patterns; and
/// the while loops of a Hessian-vector product over spans and of a Jacobian.
/// </summary>
public static partial class CodeFirstFunctions
{
    /// <summary>a · Σ x[i]² over the even i: a for loop stepping by two.</summary>
    [Differentiable(SecondOrder = true)]
    public static double EvenSquares(ReadOnlySpan<double> x, double a)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i += 2)
        {
            s += a * x[i] * x[i];
        }

        return s;
    }

    /// <summary>The float twin of <see cref="EvenSquares"/>.</summary>
    [Differentiable]
    public static float EvenSquaresF(ReadOnlySpan<float> x, float a)
    {
        float s = 0;
        for (int i = 0; i < x.Length; i += 2)
        {
            s += a * x[i] * x[i];
        }

        return s;
    }

    /// <summary>x[1] · x[2] · x[4] · ...: the counter doubles.</summary>
    [Differentiable(SecondOrder = true)]
    public static double PowersOfTwoProduct(ReadOnlySpan<double> x)
    {
        double p = 1;
        for (int i = 1; i < x.Length; i *= 2)
        {
            p *= x[i];
        }

        return p;
    }

    /// <summary>Horner's rule Σ x[i] · a^(n−1−i) with for (;;) and a break, counting down with i -= 1.</summary>
    [Differentiable(SecondOrder = true)]
    public static double HornerUntilBreak(ReadOnlySpan<double> x, double a)
    {
        double s = 0;
        int i = 0;
        for (;;)
        {
            s = s * a + x[i];
            i++;
            if (i >= x.Length)
            {
                break;
            }
        }

        return s;
    }

    /// <summary>Σ x[i] · x[n−1−i] over the pairs that meet in the middle: two counters.</summary>
    [Differentiable(SecondOrder = true)]
    public static double OuterPairs(ReadOnlySpan<double> x)
    {
        double s = 0;
        for (int i = 0, j = x.Length - 1; i < j; i++, j--)
        {
            s += x[i] * x[j];
        }

        return s;
    }

    /// <summary>Σ x[i]³ over the even i where x[i] ≥ 0: a continue in a loop stepping by two still steps.</summary>
    [Differentiable(SecondOrder = true)]
    public static double EvenPositiveCubes(ReadOnlySpan<double> x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i += 2)
        {
            if (x[i] < 0)
            {
                continue;
            }

            s += x[i] * x[i] * x[i];
        }

        return s;
    }

    /// <summary>x[^1] · x[^2] + y[^1]² + the last element of a buffer written from the end.</summary>
    [Differentiable(SecondOrder = true)]
    public static double FromTheEnd(ReadOnlySpan<double> x, double[] y)
    {
        Span<double> h = stackalloc double[2];
        h[^1] = 3 * y[0];
        return x[^1] * x[^2] + y[^1] * y[^1] + h[^1];
    }

    /// <summary>The float twin of <see cref="FromTheEnd"/> without the buffer.</summary>
    [Differentiable]
    public static float FromTheEndF(ReadOnlySpan<float> x) => x[^1] * x[^2];

    /// <summary>A linear recurrence written with a tuple: (p, q) ← (q, p + a·q), n times from (1, b).</summary>
    [Differentiable(SecondOrder = true)]
    public static double Recurrence(double a, double b, int n)
    {
        double p = 1, q = b;
        for (int k = 0; k < n; k++)
        {
            (p, q) = (q, p + a * q);
        }

        return q;
    }

    /// <summary>A swap and a tuple declaration: (u, v) = (v, u) then u·v² + w.</summary>
    [Differentiable(SecondOrder = true)]
    public static double SwapAndDeclare(double x, double y)
    {
        var (u, v) = (x * 2, y);
        (u, v) = (v, u);
        double w;
        (w, u) = (u * u, u + 1);
        return u * v * v + w;
    }

    /// <summary>An 'is' pattern: x² inside (0, 1), 2 − x elsewhere, and a 'not' pattern on an int.</summary>
    [Differentiable(SecondOrder = true)]
    public static double InUnitInterval(double x, int k)
    {
        double y = x is > 0 and < 1 ? x * x : 2 - x;
        if (k is not 0)
        {
            y *= 3;
        }

        return y;
    }

    /// <summary>Horner's rule with a counted while loop, over spans: its Hessian-vector product runs the loop.</summary>
    [Differentiable(SecondOrder = true)]
    public static double HornerWhile(ReadOnlySpan<double> x, double a)
    {
        double s = 0;
        int i = 0;
        while (i < x.Length)
        {
            s = s * a + x[i];
            i++;
        }

        return s;
    }

    /// <summary>Doubles s = a · Σ x until it passes t: an uncounted while loop over spans, s² at the end.</summary>
    [Differentiable(nameof(x), nameof(a), SecondOrder = true)]
    public static double DoubleUntilPast(ReadOnlySpan<double> x, double a, double t)
    {
        double s = 0;
        foreach (double v in x)
        {
            s += a * v;
        }

        while (s < t)
        {
            s *= 2;
        }

        return s * s;
    }

    /// <summary>The running Horner values r[i] = Σ_{j ≤ i} x[j] a^(i−j), with a counted while loop.</summary>
    [Differentiable(nameof(x), nameof(a))]
    public static void RunningHorner(ReadOnlySpan<double> x, double a, Span<double> r)
    {
        double s = 0;
        int i = 0;
        while (i < x.Length)
        {
            s = s * a + x[i];
            r[i] = s;
            i++;
        }
    }

    /// <summary>r[0] = s after doubling s = a·x[0] until it passes t (an uncounted while loop), r[1] = s·x[1].</summary>
    [Differentiable(nameof(x), nameof(a))]
    public static void DoubledPair(ReadOnlySpan<double> x, double a, double t, Span<double> r)
    {
        double s = a * x[0];
        while (s < t)
        {
            s *= 2;
        }

        r[0] = s;
        r[1] = s * x[1];
    }

    /// <summary>The even elements scaled: r[i / 2] = a · x[i]² with a for loop stepping by two.</summary>
    [Differentiable(nameof(x), nameof(a))]
    public static void EvenScaled(ReadOnlySpan<double> x, double a, Span<double> r)
    {
        for (int i = 0; i < x.Length; i += 2)
        {
            r[i / 2] = a * x[i] * x[i];
        }
    }
}

/// <summary>Tests of double.IsNaN and its kin in conditions, as people guard their sums.</summary>
public static partial class FloatingTestFunctions
{
    /// <summary>Σ x[i]² over the elements that are neither NaN nor infinite, the others skipped.</summary>
    [Differentiable(SecondOrder = true)]
    public static double FiniteSquares(ReadOnlySpan<double> x)
    {
        double s = 0;
        foreach (double v in x)
        {
            if (double.IsNaN(v) || double.IsInfinity(v))
            {
                continue;
            }

            s += v * v;
        }

        return s;
    }

    /// <summary>The float twin, with float.IsFinite; +∞ and −∞ tested one by one.</summary>
    [Differentiable]
    public static float FiniteSquaresF(ReadOnlySpan<float> x)
    {
        float s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            bool finite = float.IsFinite(x[i]);
            if (finite && !float.IsPositiveInfinity(x[i]) && !float.IsNegativeInfinity(x[i]))
            {
                s += x[i] * x[i];
            }
        }

        return s;
    }
}

/// <summary>A for loop over time with a real counter, as an integrator is written.</summary>
public static partial class TimeLoopFunctions
{
    /// <summary>Euler steps of y' = −k·y from y0 over t = 0, 0.25, 0.5, 0.75: y0·(1 − k/4)⁴.</summary>
    [Differentiable(SecondOrder = true)]
    public static double Decay(double y0, double k)
    {
        double y = y0;
        for (double t = 0; t < 1; t += 0.25)
        {
            y -= 0.25 * k * y;
        }

        return y;
    }
}
