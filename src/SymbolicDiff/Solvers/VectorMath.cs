using System;

namespace SymbolicDiff.Solvers;

/// <summary>The few dense vector operations the solvers share, on spans of the solvers' small, fixed sizes.</summary>
internal static class VectorMath
{
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int j = 0; j < a.Length; j++)
        {
            sum += a[j] * b[j];
        }

        return sum;
    }

    /// <summary>y ← y + a·x.</summary>
    public static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        for (int j = 0; j < x.Length; j++)
        {
            y[j] += a * x[j];
        }
    }

    /// <summary>‖v‖∞, the largest absolute element (NaN if an element is NaN).</summary>
    public static double MaxAbs(ReadOnlySpan<double> values)
    {
        double max = 0;
        foreach (double v in values)
        {
            max = Math.Max(max, Math.Abs(v));
        }

        return max;
    }
}
