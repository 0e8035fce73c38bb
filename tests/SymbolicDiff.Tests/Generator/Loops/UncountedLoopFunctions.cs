namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// Loops written without a counter, as people write an iteration to convergence: <c>while (Math.Abs(step) &gt; 1e-12)</c>,
/// <c>do { ... } while (y &gt; threshold);</c>, a trip count that depends on a parameter, one nested in a counted loop, one
/// left with <c>break</c> or <c>return</c>, one inside a branch; and the counted forms that are read as uncounted ones
/// (a <c>continue</c> that skips the counter's step, a <c>do</c> loop's test that reads the counter).
/// </summary>
public static partial class UncountedLoopFunctions
{
    /// <summary>Newton's square root, x ← (x + a/x)/2 from x = a until a step is below 1e-12.</summary>
    [Differentiable(SecondOrder = true)]
    public static double NewtonSqrt(double a)
    {
        double x = a;
        double step = 1;
        while (Math.Abs(step) > 1e-12)
        {
            double next = (x + a / x) / 2;
            step = next - x;
            x = next;
        }

        return x;
    }

    /// <summary>Halves y = x until it is at most the threshold (at least once: a do loop), then y² + threshold.</summary>
    [Differentiable(SecondOrder = true)]
    public static double Halve(double x, double threshold)
    {
        double y = x;
        do
        {
            y = y / 2;
        }
        while (y > threshold);

        return y * y + threshold;
    }

    /// <summary>
    /// Compound growth until the balance reaches the target: the trip count depends on every parameter. The target moves
    /// the result only where it changes the count, a jump, so its derivative is 0 (SD0017 if differentiated).
    /// </summary>
    [Differentiable(nameof(principal), nameof(rate))]
    public static double Grow(double principal, double rate, double target)
    {
        double balance = principal;
        while (balance < target)
        {
            balance *= 1 + rate;
        }

        return balance;
    }

    /// <summary>Σ √aᵢ³ with each square root by Newton's method: an uncounted loop in a counted one.</summary>
    [Differentiable]
    public static double SumOfRootsCubed(double[] a)
    {
        double total = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double x = a[i];
            double step = 1;
            while (Math.Abs(step) > 1e-12)
            {
                double next = (x + a[i] / x) / 2;
                step = next - x;
                x = next;
            }

            total += x * x * x;
        }

        return total;
    }

    /// <summary>
    /// Σ aᵢ³ with each aᵢ above 1 first replaced by its square root (Newton): an uncounted loop in a branch inside a
    /// counted loop, which the transforms keep as a branch around the loop.
    /// </summary>
    [Differentiable]
    public static double RootsCubedAboveOne(double[] a)
    {
        double total = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double x = a[i];
            if (a[i] > 1)
            {
                double step = 1;
                while (Math.Abs(step) > 1e-12)
                {
                    double next = (x + a[i] / x) / 2;
                    step = next - x;
                    x = next;
                }
            }

            total += x * x * x;
        }

        return total;
    }

    /// <summary>Newton's square root in <c>while (true)</c>, left with break when two iterates agree.</summary>
    [Differentiable]
    public static double NewtonWithBreak(double a)
    {
        double x = a;
        while (true)
        {
            double next = (x + a / x) / 2;
            if (Math.Abs(next - x) < 1e-13)
            {
                break;
            }

            x = next;
        }

        return x;
    }

    /// <summary>Squares y = x while below 100, returning 2y as soon as it passes 10 (for x &gt; 1; at x ≤ 1 it never ends, as in C#).</summary>
    [Differentiable]
    public static double SquareUntilLarge(double x)
    {
        double y = x;
        while (y < 100)
        {
            if (y > 10)
            {
                return 2 * y;
            }

            y = y * y;
        }

        return y;
    }

    /// <summary>A contraction y ← y/2 + a/10 while y &gt; a, run only where a &gt; 0; x·a otherwise.</summary>
    [Differentiable]
    public static double ContractInBranch(double x, double a)
    {
        double y = x;
        if (a > 0)
        {
            while (y > a)
            {
                y = y * 0.5 + a * 0.1;
            }
        }
        else
        {
            return x * a;
        }

        return y;
    }

    /// <summary>Σ v² over the non-negative elements, with a continue that skips the rest of the body after the counter's step.</summary>
    [Differentiable]
    public static double SquaresOfNonNegatives(ReadOnlySpan<double> x)
    {
        double s = 0;
        int i = 0;
        while (i < x.Length)
        {
            double v = x[i];
            i++;
            if (v < 0)
            {
                continue;
            }

            s += v * v;
        }

        return s;
    }

    /// <summary>Halves y = x while i &lt; n and y &gt; i: a do loop whose test reads its counter (C# tests it after the step).</summary>
    [Differentiable]
    public static double HalveWhileAboveCount(double x, int n)
    {
        double y = x;
        int i = 0;
        do
        {
            y = y * 0.5;
            i++;
        }
        while (i < n && y > i);

        return y;
    }

    /// <summary>Newton's square root in float.</summary>
    [Differentiable]
    public static float NewtonSqrtSingle(float a)
    {
        float x = a;
        float step = 1;
        while (MathF.Abs(step) > 1e-5f)
        {
            float next = (x + a / x) / 2;
            step = next - x;
            x = next;
        }

        return x;
    }
}
