namespace SymbolicDiff.Tests.Generator.CodeFirst;

/// <summary>
/// <c>throw</c> as people write it first: argument guards at the top, a throw in a loop and in a branch, a static throw
/// helper, a throw expression, and a switch's <c>default: throw</c>.
/// </summary>
public static partial class CodeFirstFunctions
{
    /// <summary>a² · Σ x[i]², after two argument guards, with a throw in the loop once the sum passes a limit.</summary>
    [Differentiable(SecondOrder = true)]
    public static double GuardedSquares(ReadOnlySpan<double> x, double a)
    {
        if (x.Length < 2)
        {
            throw new ArgumentException($"x needs two values, not {x.Length}.", nameof(x));
        }

        if (a <= 0) throw new ArgumentOutOfRangeException(nameof(a), a, "a must be positive");

        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double t = a * x[i];
            s += t * t;
            if (s > 1e6)
            {
                throw new OverflowException("the sum passed 1e6 at x[" + i + "]");
            }
        }

        return s;
    }

    /// <summary>Σ x[i] · y[i] after the length check everyone writes first.</summary>
    [Differentiable(SecondOrder = true)]
    public static double CheckedDot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length) throw new ArgumentException("x and y must have the same length.", nameof(y));
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += x[i] * y[i];
        }

        return s;
    }

    /// <summary>a · Σ w[i] · x[i] over the first n, with .NET's throw helpers checking w and n.</summary>
    [Differentiable(nameof(x), nameof(a), SecondOrder = true)]
    public static double HelperGuards(double[] x, double a, double[] w, int n)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        double s = 0;
        for (int i = 0; i < n; i++)
        {
            s += a * w[i] * x[i];
        }

        return s;
    }

    /// <summary>The mean of x times a, its emptiness checked by a throw expression.</summary>
    [Differentiable(SecondOrder = true)]
    public static double MeanOrThrow(ReadOnlySpan<double> x, double a)
    {
        double s = 0;
        foreach (double v in x)
        {
            s += v;
        }

        double mean = x.Length > 0 ? s / x.Length : throw new ArgumentException("x is empty.", nameof(x));
        return a * mean;
    }

    /// <summary>a · x[0]ᵏ for k of 1, 2 or 3, any other k thrown at in the switch's default.</summary>
    [Differentiable(SecondOrder = true)]
    public static double PowerBySwitch(ReadOnlySpan<double> x, double a, int k)
    {
        double p;
        switch (k)
        {
            case 1:
                p = x[0];
                break;
            case 2:
                p = x[0] * x[0];
                break;
            case 3:
                p = x[0] * x[0] * x[0];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(k), k, "k is 1, 2 or 3.");
        }

        return a * p;
    }

    /// <summary>r[i] = a · x[i]: r's length checked first, and a throw once an output passes a limit (the earlier ones written).</summary>
    [Differentiable(nameof(x), nameof(a), SecondOrder = true)]
    public static void ScaledUnder(ReadOnlySpan<double> x, double a, double limit, Span<double> r)
    {
        if (r.Length != x.Length)
        {
            throw new ArgumentException("r must have x's length.", nameof(r));
        }

        for (int i = 0; i < x.Length; i++)
        {
            r[i] = a * x[i];
            if (r[i] > limit)
            {
                throw new InvalidOperationException($"r[{i}] passed {limit}.");
            }
        }
    }

    /// <summary>The float twin of <see cref="GuardedSquares"/>.</summary>
    [Differentiable]
    public static float GuardedSquaresF(ReadOnlySpan<float> x, float a)
    {
        if (x.Length < 2)
        {
            throw new ArgumentException($"x needs two values, not {x.Length}.", nameof(x));
        }

        if (a <= 0) throw new ArgumentOutOfRangeException(nameof(a), a, "a must be positive");

        float s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            float t = a * x[i];
            s += t * t;
            if (s > 1e6f)
            {
                throw new OverflowException("the sum passed 1e6 at x[" + i + "]");
            }
        }

        return s;
    }

    /// <summary>
    /// x[0]·x[1]·a + x[0]·x[2]²·2 with the weights a collection expression (<c>double[] w = [a, 2 * x[0], 3];</c>), the
    /// factors <c>Span&lt;double&gt; t = [1, 2];</c>, and the vector read as <c>x[k++] * x[k++]</c> and <c>x[k] * x[k++]</c>.
    /// </summary>
    [Differentiable(SecondOrder = true)]
    public static double CollectedPairs(ReadOnlySpan<double> x, double a)
    {
        double[] w = [a, 2 * x[0], 3];
        Span<double> t = [1, 2];
        int k = 0;
        double s = x[k++] * x[k++] * w[0] * t[0];
        s += x[k] * x[k++] * w[1] * t[1] / 2;
        return s;
    }

    /// <summary>The float twin of <see cref="CollectedPairs"/>.</summary>
    [Differentiable]
    public static float CollectedPairsF(ReadOnlySpan<float> x, float a)
    {
        float[] w = [a, 2 * x[0], 3];
        Span<float> t = [1, 2];
        int k = 0;
        float s = x[k++] * x[k++] * w[0] * t[0];
        s += x[k] * x[k++] * w[1] * t[1] / 2;
        return s;
    }

    /// <summary>r = (a·x[0]·x[1], 2·x[0]·x[2]²) written with a collection expression and steps read again in the statement.</summary>
    [Differentiable(nameof(x), nameof(a))]
    public static void CollectedPairRows(ReadOnlySpan<double> x, double a, Span<double> r)
    {
        double[] w = [a, 2 * x[0]];
        int k = 0;
        r[0] = x[k++] * x[k++] * w[0];
        r[1] = x[k] * x[k++] * w[1];
    }

    /// <summary>x² / y for scalars, the division guarded by a throw: a straight-line method with a throw.</summary>
    [Differentiable(SecondOrder = true)]
    public static double GuardedRatio(double x, double y)
    {
        if (y == 0) throw new DivideByZeroException("y is 0");
        return x * x / y;
    }
}
