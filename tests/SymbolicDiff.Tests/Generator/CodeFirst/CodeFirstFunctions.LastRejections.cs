namespace SymbolicDiff.Tests.Generator.CodeFirst;

/// <summary>
/// The last forms people write first that were rejected: <c>return;</c> in a void method writing spans, a <c>long</c>
/// counter, a loop condition calling a function over vectors, and a <c>ref</c> local aliasing a vector element.
/// </summary>
public static partial class CodeFirstFunctions
{
    /// <summary>r[i] = a · x[0] ⋯ x[i], left with <c>return;</c> once the product passes the limit: later outputs keep what they held.</summary>
    [Differentiable(nameof(x), nameof(a), SecondOrder = true)]
    public static void RunningProductUntil(ReadOnlySpan<double> x, double a, double limit, Span<double> r)
    {
        double p = a;
        for (int i = 0; i < x.Length; i++)
        {
            p *= x[i];
            r[i] = p;
            if (p > limit)
            {
                return;
            }
        }
    }

    /// <summary>r = (a·x0, a·x0·x1) unless a·x0 is negative, where <c>return;</c> leaves r[1] as it was.</summary>
    [Differentiable(nameof(x), nameof(a))]
    public static void PairUnlessNegative(ReadOnlySpan<double> x, double a, Span<double> r)
    {
        r[0] = a * x[0];
        if (r[0] < 0)
        {
            return;
        }

        r[1] = r[0] * x[1];
    }

    /// <summary>Σ r over <see cref="RunningProductUntil"/>'s outputs (from 0): a scalar method whose helper returns early.</summary>
    [Differentiable(SecondOrder = true)]
    public static double SumOfRunningProducts(ReadOnlySpan<double> x, double a)
    {
        Span<double> r = stackalloc double[3];
        RunningProductUntil(x, a, 5, r);
        return r[0] + r[1] + r[2];
    }

    /// <summary>a · Σ i · x[i] with a long counter, read as a real and converted where it indexes.</summary>
    [Differentiable(SecondOrder = true)]
    public static double LongWeighted(ReadOnlySpan<double> x, double a)
    {
        double s = 0;
        for (long i = 0; i < x.Length; i++)
        {
            s += x[(int)i] * a * i;
        }

        return s;
    }

    /// <summary>Σ x[i]² over the even i of an array, with a long counter stepping by two and indexing the array as it is.</summary>
    [Differentiable]
    public static double LongEvenSquares(double[] x)
    {
        double s = 0;
        for (long i = 0; i < x.Length; i += 2)
        {
            s += x[i] * x[i];
        }

        return s;
    }

    /// <summary>The float twin of <see cref="LongWeighted"/>.</summary>
    [Differentiable]
    public static float LongWeightedF(ReadOnlySpan<float> x, float a)
    {
        float s = 0;
        for (long i = 0; i < x.Length; i++)
        {
            s += x[(int)i] * a * i;
        }

        return s;
    }

    /// <summary>The Euclidean norm, called in the conditions below.</summary>
    [Differentiable]
    public static double Norm(ReadOnlySpan<double> v)
    {
        double s = 0;
        for (int i = 0; i < v.Length; i++)
        {
            s += v[i] * v[i];
        }

        return Math.Sqrt(s);
    }

    /// <summary>v = a·x halved while its norm passes 1 (a condition calling a function over vectors); v[0]·v[1].</summary>
    [Differentiable(SecondOrder = true)]
    public static double HalvedUntilShort(ReadOnlySpan<double> x, double a)
    {
        Span<double> v = stackalloc double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            v[i] = a * x[i];
        }

        while (Norm(v) > 1)
        {
            for (int i = 0; i < v.Length; i++)
            {
                v[i] *= 0.5;
            }
        }

        return v[0] * v[1];
    }

    /// <summary>The same with a do loop, which halves once before its first test.</summary>
    [Differentiable(SecondOrder = true)]
    public static double HalvedUntilShortDo(ReadOnlySpan<double> x, double a)
    {
        Span<double> v = stackalloc double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            v[i] = a * x[i];
        }

        do
        {
            for (int i = 0; i < v.Length; i++)
            {
                v[i] *= 0.5;
            }
        }
        while (Norm(v) > 1);

        return v[0] * v[1];
    }

    /// <summary>r = a·x halved while the norm of r passes 1: a Jacobian whose loop tests its own outputs.</summary>
    [Differentiable(nameof(x), nameof(a))]
    public static void HalvedRows(ReadOnlySpan<double> x, double a, Span<double> r)
    {
        for (int i = 0; i < x.Length; i++)
        {
            r[i] = a * x[i];
        }

        while (Norm(r) > 1)
        {
            for (int i = 0; i < r.Length; i++)
            {
                r[i] *= 0.5;
            }
        }
    }

    /// <summary>a · Σ x[i]², accumulated through <c>ref double acc = ref h[0];</c>, plus x[0] read through <c>ref readonly</c>.</summary>
    [Differentiable(SecondOrder = true)]
    public static double ThroughRefs(ReadOnlySpan<double> x, double a)
    {
        Span<double> h = stackalloc double[1];
        ref double acc = ref h[0];
        for (int i = 0; i < x.Length; i++)
        {
            acc += a * x[i] * x[i];
        }

        ref readonly double first = ref x[0];
        return h[0] + first;
    }

    /// <summary>r[i] = (a·x[i])², written through <c>ref double e = ref r[i];</c> in the loop.</summary>
    [Differentiable(nameof(x), nameof(a))]
    public static void SquaresThroughRef(ReadOnlySpan<double> x, double a, Span<double> r)
    {
        for (int i = 0; i < x.Length; i++)
        {
            ref double e = ref r[i];
            e = a * x[i];
            e *= e;
        }
    }
}
