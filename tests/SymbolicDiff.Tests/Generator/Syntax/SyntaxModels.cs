using SymbolicDiff;

namespace SymbolicDiff.Tests.Generator.Syntax;

/// <summary>
/// Code people write first that the generator once rejected: <c>switch</c> statements and expressions, <c>do</c> loops, and
/// integer locals assigned (not stepped) inside a loop (an arg-min's index, a counter, a cyclic index). Each derivative is
/// worked out by hand in <see cref="SyntaxTests"/>.
/// </summary>
public static partial class SyntaxModels
{
    // ---- switch ----

    /// <summary>k = 0: x²; k = 1 or 2: k·sin x; k &lt; 0 with x &gt; 0: −x³; otherwise 3x.</summary>
    [Differentiable(SecondOrder = true)]
    public static double Piecewise(double x, int k)
    {
        double y = x;
        switch (k)
        {
            case 0:
                y = x * x;
                break;
            case 1:
            case 2:
                y = Math.Sin(x) * k;
                break;
            case < 0 when x > 0:
            {
                double cube = x * x * x;
                y = -cube;
                break;
            }

            default:
                y = 3 * x;
                break;
        }

        return y;
    }

    /// <summary>The brief's switch expression: k = 0: x², k = 1: sin x, otherwise x.</summary>
    [Differentiable(SecondOrder = true)]
    public static double Chosen(double x, int k) => k switch { 0 => x * x, 1 => Math.Sin(x), _ => x };

    /// <summary>A switch expression on a real with relational patterns: 0.1x below 0, x² on [0, 1), 2x − 1 from 1.</summary>
    [Differentiable(SecondOrder = true)]
    public static double Ramp(double x) => x switch { < 0 => 0.1 * x, >= 0 and < 1 => x * x, _ => 2 * x - 1 };

    /// <summary>An integer switch expression (the sign of k) scaling x², and a bool switch.</summary>
    [Differentiable(SecondOrder = true)]
    public static double Signed(double x, int k, bool doubled)
    {
        int sign = k switch { > 0 => 1, < 0 => -1, _ => 0 };
        double y = sign * x * x;
        switch (doubled)
        {
            case true:
                return 2 * y;
            default:
                return y;
        }
    }

    /// <summary>A switch inside a loop, with continue: kind 0 adds x², 1 multiplies by x, 2 skips the element, any other adds eˣ.</summary>
    [Differentiable(nameof(x))]
    public static double Mixed(ReadOnlySpan<double> x, ReadOnlySpan<int> kind)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            switch (kind[i])
            {
                case 0:
                    s += x[i] * x[i];
                    break;
                case 1:
                    s *= x[i];
                    break;
                case 2:
                    continue;
                default:
                    s += Math.Exp(x[i]);
                    break;
            }

            s += 0.5 * x[i];
        }

        return s;
    }

    // ---- do loops ----

    /// <summary>xⁿ for n ≥ 1, and x for n ≤ 0: a do loop runs its body once before testing.</summary>
    [Differentiable(SecondOrder = true)]
    public static double Repeated(double x, int n)
    {
        double p = 1;
        int i = 0;
        do
        {
            p *= x;
            i++;
        }
        while (i < n);

        return p;
    }

    /// <summary>Σ x[i]² from <c>start</c> to the end, at least x[start]²: a do loop over a span.</summary>
    [Differentiable(SecondOrder = true)]
    public static double Tail(ReadOnlySpan<double> x, int start)
    {
        double s = 0;
        int i = start;
        do
        {
            s += x[i] * x[i];
            i++;
        }
        while (i < x.Length);

        return s;
    }

    // ---- integer locals assigned in a loop ----

    /// <summary>The arg-min: the squared distance to the nearest element plus that element.</summary>
    [Differentiable(SecondOrder = true)]
    public static double Nearest(ReadOnlySpan<double> x, double q)
    {
        int best = 0;
        double bestD = double.MaxValue;
        for (int j = 0; j < x.Length; j++)
        {
            double d = (x[j] - q) * (x[j] - q);
            if (d < bestD)
            {
                bestD = d;
                best = j;
            }
        }

        return bestD + x[best];
    }

    /// <summary>A cyclic index and a counter assigned in the loop and read by it: s += (count + 1)·x[idx]².</summary>
    [Differentiable(nameof(x))]
    public static double Cyclic(ReadOnlySpan<double> x, int step, int rounds)
    {
        double s = 0;
        int idx = 0;
        int count = 0;
        for (int r = 0; r < rounds; r++)
        {
            s += (count + 1) * x[idx] * x[idx];
            idx = (idx + step) % x.Length;
            if (x[idx] > 0)
            {
                count = count + 1;
            }
        }

        return s + count;
    }

    /// <summary>y ← y·(x + sign), sign alternating 1, −1, 1, ... by sign = −sign: at n = 3, x(x + 1)²(x − 1).</summary>
    [Differentiable(SecondOrder = true)]
    public static double Alternating(double x, int n)
    {
        double y = x;
        int sign = 1;
        for (int i = 0; i < n; i++)
        {
            y = y * (x + sign);
            sign = -sign;
        }

        return y;
    }

    /// <summary>Σ over rows of the row's largest element squared: the arg-max declared in the row loop, assigned in the column loop.</summary>
    [Differentiable(nameof(x), SecondOrder = true)]
    public static double RowMaxSquares(ReadOnlySpan<double> x, int columns)
    {
        double total = 0;
        for (int r = 0; r < x.Length / columns; r++)
        {
            int best = 0;
            for (int c = 1; c < columns; c++)
            {
                if (x[r * columns + c] > x[r * columns + best])
                {
                    best = c;
                }
            }

            total += x[r * columns + best] * x[r * columns + best];
        }

        return total;
    }

    /// <summary>The first element above a threshold, squared (0 if none): an index assigned, then the loop left with break.</summary>
    [Differentiable(nameof(x))]
    public static double FirstAbove(ReadOnlySpan<double> x, double threshold)
    {
        int found = -1;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] > threshold)
            {
                found = i;
                break;
            }
        }

        return found < 0 ? 0 : x[found] * x[found];
    }

    /// <summary>Halves x until it is at most 1, at most <c>maxSteps</c> times and at least once: a do loop with a bound and a test.</summary>
    [Differentiable(SecondOrder = true)]
    public static double Halving(double x, int maxSteps)
    {
        double y = x;
        int i = 0;
        do
        {
            y = 0.5 * y;
            i++;
        }
        while (i < maxSteps && y > 1);

        return y;
    }

    /// <summary>y = cos(a·y) iterated from 1 until a step changes it by less than 1e-13 (at most 500 times).</summary>
    [Differentiable]
    public static double FixedPoint(double a)
    {
        double y = 1;
        double change = 1;
        int i = 0;
        do
        {
            double next = Math.Cos(a * y);
            change = Math.Abs(next - y);
            y = next;
            i++;
        }
        while (i < 500 && change > 1e-13);

        return y;
    }
}

