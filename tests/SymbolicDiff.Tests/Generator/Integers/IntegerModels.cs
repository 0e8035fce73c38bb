using SymbolicDiff;

namespace SymbolicDiff.Tests.Generator.Integers;

/// <summary>
/// Integer code written as people write it first (issue 9): bit operations and shifts, an integer <c>?:</c>, a
/// converted real, static index tables, a callee's int parameter and running indices. Differentiated by the generator
/// as part of this test project; <see cref="IntegerCodeTests"/> holds their derivatives worked out by hand.
/// </summary>
public static partial class IntegerModels
{
    private static readonly int[] Order = { 2, 0, 3, 1 };

    private static ReadOnlySpan<int> Weights => [3, 1, 2, 1];

    // ---- bit operations ----

    /// <summary>m = (n &amp; 3) | (n &lt;&lt; 1) ^ (n &gt;&gt; 1), k = ~n, w = ((long)n &lt;&lt; 33) &gt;&gt; 32 = 2n: f = m·x + k·x² + w·x.</summary>
    [Differentiable(SecondOrder = true)]
    public static double BitMix(double x, int n)
    {
        int m = (n & 3) | (n << 1) ^ (n >> 1);
        long k = ~(long)n;
        long w = ((long)n << 33) >> 32;
        return m * x + k * x * x + w * x;
    }

    /// <summary>Every mix of C#'s integer precedence levels, as written; the generated value must be the method's own.</summary>
    [Differentiable]
    public static double Precedence(double x, int n)
    {
        int a = n + 1 << 2 & 0xF ^ n | n >> 1 + 1;
        int b = n * 3 >> 1 ^ ~n & n - 1;
        int c = (n | 1) * (n & 6) >>> 1;
        long d = ~(long)n << 3 | (long)n * n ^ 5L;
        int e = -n % 5 ^ -(n & 3) << (n & 7);
        bool small = (n & 4) == 0 && (n ^ 2) < 5 || n >> 2 != 1;
        return x * (a + b) + x * x * c + d * 0.001 + e * x * x * x + (small ? x : 2 * x);
    }

    // ---- an integer ?: ----

    /// <summary>sign = ±1 by x's sign, j = i − 1 (0 at i = 0): f = sign·x² + j·x.</summary>
    [Differentiable(SecondOrder = true)]
    public static double IntegerConditional(double x, int i)
    {
        int sign = x > 0 ? 1 : -1;
        int j = i == 0 ? 0 : i - 1;
        return sign * x * x + j * x;
    }

    /// <summary>
    /// s ← s + dir·s·a/2, n times, dir = −1 where s &gt; 1 and +1 elsewhere: dir reads the s this iteration overwrites, so
    /// the backward sweep must use the forward dir, not one computed again from the final s.
    /// </summary>
    [Differentiable(SecondOrder = true)]
    public static double Wobble(double x, double a, int n)
    {
        double s = x;
        for (int i = 0; i < n; i++)
        {
            int dir = s > 1 ? -1 : 1;
            s = s + dir * s * a * 0.5;
        }

        return s;
    }

    // ---- a real converted to an integer ----

    /// <summary>cell = (int)(x·n), whole = (long)x: f = cell·x² + whole·x + cell; the conversions have derivative 0.</summary>
    [Differentiable(SecondOrder = true)]
    public static double Cells(double x, int n)
    {
        int cell = (int)(x * n);
        long whole = (long)x;
        return cell * x * x + whole * x + cell;
    }

    /// <summary>s ← s + level·s·a, n times, level = (int)(2s): level reads the s this iteration overwrites.</summary>
    [Differentiable(SecondOrder = true)]
    public static double Levels(double x, double a, int n)
    {
        double s = x;
        for (int i = 0; i < n; i++)
        {
            int level = (int)(s * 2);
            s = s + level * s * a;
        }

        return s;
    }

    /// <summary>
    /// s ← s·(xᵢ + upᵢ) + levelᵢ·a with upᵢ = (xᵢ &gt; a ? 1 : 0) and levelᵢ = (int)(a·(i + 1)): integer code that reads only
    /// inputs nothing writes, so the backward sweep computes it again rather than saving it.
    /// </summary>
    [Differentiable]
    public static double Steps(ReadOnlySpan<double> x, double a)
    {
        double s = 1;
        for (int i = 0; i < x.Length; i++)
        {
            int up = x[i] > a ? 1 : 0;
            int level = (int)(a * (i + 1));
            s = s * x[i] + up * s + level * a;
        }

        return s;
    }

    // ---- index tables of the type ----

    /// <summary>Σᵢ Weights[i] · x[Order[i]] · x[i]: a static readonly array and a ReadOnlySpan property, read by index.</summary>
    [Differentiable(SecondOrder = true)]
    public static double Tabled(ReadOnlySpan<double> x)
    {
        double total = 0;
        for (int i = 0; i < Order.Length; i++)
        {
            total += Weights[i] * x[Order[i]] * x[i];
        }

        return total;
    }

    // ---- a loop of integer code ----

    /// <summary>
    /// Σᵢ sign(i)·xᵢ·x(i ^ 1) + xᵢ·x(i == 0 ? 0 : i − 1)·(i &amp; 2): parity signs, XOR partners and a conditional index.
    /// </summary>
    [Differentiable(SecondOrder = true)]
    public static double Parity(ReadOnlySpan<double> x)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            int sign = (i & 1) == 0 ? 1 : -1;
            int previous = i == 0 ? 0 : i - 1;
            total += sign * x[i] * x[i ^ 1] + x[i] * x[previous] * (i & 2);
        }

        return total;
    }

    // ---- running indices over a packed triangle ----

    /// <summary>Σ over the packed lower triangle (row i has i + 1 entries) of (j + 1)·t², the index declared in the row loop.</summary>
    [Differentiable(nameof(t))]
    public static double TriangleInside(ReadOnlySpan<double> t, int n)
    {
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            int k = i * (i + 1) / 2;
            for (int j = 0; j <= i; j++)
            {
                total += (j + 1) * t[k] * t[k];
                k++;
            }
        }

        return total;
    }

    /// <summary>The same sum, with a long index declared before the loops and stepped by the row's length.</summary>
    [Differentiable(nameof(t))]
    public static double TriangleOutside(ReadOnlySpan<double> t, int n)
    {
        double total = 0;
        long k = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                total += (j + 1) * t[(int)(k + j)] * t[(int)(k + j)];
            }

            k += i + 1;
        }

        return total;
    }

    /// <summary>The same sum, with the row's start read from a running index before the step that moves it on.</summary>
    [Differentiable(nameof(t))]
    public static double TriangleRows(ReadOnlySpan<double> t, int n)
    {
        double total = 0;
        int k = 0;
        for (int i = 0; i < n; i++)
        {
            int row = k;
            for (int j = 0; j <= i; j++)
            {
                total += (j + 1) * t[row + j] * t[row + j];
            }

            k += i + 1;
        }

        return total;
    }

    /// <summary>Σ (j + 1)·x[k]² over a rows × 3 grid, the flat index read into a local before the step in the same loop.</summary>
    [Differentiable]
    public static double Grid(ReadOnlySpan<double> x, int rows)
    {
        double total = 0;
        int k = 0;
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                int index = k;
                k++;
                total += (j + 1) * x[index] * x[index];
            }
        }

        return total;
    }

    /// <summary>A running index declared in a row loop, stepped by a stride in the inner loop: Σᵢ Σⱼ x[i + j·stride]·x[i].</summary>
    [Differentiable(nameof(x))]
    public static double Strided(ReadOnlySpan<double> x, int rows, int stride)
    {
        double total = 0;
        for (int i = 0; i < rows; i++)
        {
            int k = i;
            for (int j = 0; j < x.Length / stride; j++)
            {
                total += x[k] * x[i];
                k += stride;
            }
        }

        return total;
    }

    // ---- vector-valued ----

    /// <summary>yᵢ = sᵢ·xᵢ·x₍ₙ₋₁₋ᵢ₎ + Lᵢ·xᵢ, sᵢ = +1 for even i and −1 for odd, Lᵢ = (int)(2xᵢ): a Jacobian of integer code.</summary>
    [Differentiable(nameof(x))]
    public static void Mirrored(ReadOnlySpan<double> x, Span<double> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            int mirror = x.Length - 1 ^ i;
            int sign = (i & 1) == 0 ? 1 : -1;
            int level = (int)(x[i] * 2);
            y[i] = sign * x[i] * x[mirror] + level * x[i];
        }
    }

    // ---- a callee with an int, long or bool parameter ----

    /// <summary>xⁿ by repeated multiplication: a [Differentiable] method with an int parameter.</summary>
    [Differentiable]
    public static double Power(double x, int n)
    {
        double result = 1;
        for (int i = 0; i < n; i++)
        {
            result *= x;
        }

        return result;
    }

    /// <summary>x²·scale, negated when asked: a bool and a long parameter.</summary>
    [Differentiable]
    public static double Scaled(double x, long scale, bool negate) => negate ? -x * x * scale : x * x * scale;

    /// <summary>Σᵢ Power(xᵢ, i + 1) + Scaled(xᵢ, i + 1, xᵢ &lt; 0): the callees' int, long and bool arguments inside a loop.</summary>
    [Differentiable]
    public static double SumOfPowers(ReadOnlySpan<double> x)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            total += Power(x[i], i + 1) + Scaled(x[i], i + 1, x[i] < 0);
        }

        return total;
    }

    /// <summary>x³ + (x + y)ⁿ + Scaled(y, 4, x &lt; 0): the int, long and bool arguments are passed through, with no partial.</summary>
    [Differentiable]
    public static double CallsWithIntegers(double x, double y, int n) => Power(x, 3) + Power(x + y, n) + Scaled(y, 4, x < 0);
}
