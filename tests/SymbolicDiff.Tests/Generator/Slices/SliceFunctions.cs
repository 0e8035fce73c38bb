namespace SymbolicDiff.Tests.Generator.Slices;

/// <summary>
/// [Differentiable] methods that read (and write) through slices, as people write them first: a row of a row-major
/// matrix (<c>features.Slice(r * d, d)</c>), ranges, a slice of a slice, a slice of a local buffer written through.
/// Differentiated by the generator as part of this test project.
/// </summary>
public static partial class SliceFunctions
{
    /// <summary>
    /// Least squares over the rows of a row-major matrix, each row read through a slice declared inside the loop:
    /// L = (1/n) Σ_r (w · x_r − y_r)², x_r = features[r·d .. r·d + d).
    /// </summary>
    [Differentiable(nameof(w), nameof(features), SecondOrder = true)]
    public static double RowLoss(ReadOnlySpan<double> w, ReadOnlySpan<double> features, ReadOnlySpan<double> y)
    {
        int d = w.Length;
        double total = 0;
        for (int r = 0; r < y.Length; r++)
        {
            ReadOnlySpan<double> x = features.Slice(r * d, d);
            double z = 0;
            for (int c = 0; c < x.Length; c++)
            {
                z += w[c] * x[c];
            }

            double error = z - y[r];
            total += error * error;
        }

        return total / y.Length;
    }

    /// <summary>
    /// The other ways to write a slice, outside any loop: p[..2], p.Slice(2), a range of a slice with ^1, and a slice of
    /// a local buffer written through. For p of length 6: head = (p0, p1), tail = (p2..p5), inner = (p3, p4), so
    /// F = p0·p1 + p3²·p2 + sin(p4).
    /// </summary>
    [Differentiable]
    public static double Forms(ReadOnlySpan<double> p)
    {
        ReadOnlySpan<double> head = p[..2];
        ReadOnlySpan<double> tail = p.Slice(2);
        ReadOnlySpan<double> inner = tail[1..^1];
        Span<double> squares = stackalloc double[4];
        Span<double> half = squares.Slice(2, 2);
        half[0] = head[0] * head[1];
        half[1] = inner[0] * inner[0];
        return squares[2] + squares[3] * tail[0] + Math.Sin(inner[inner.Length - 1]);
    }

    /// <summary>x = p.Slice(1, 2) read at a run-time index k: C# throws IndexOutOfRangeException for k ∉ {0, 1}, even where p[1 + k] exists.</summary>
    [Differentiable(nameof(p))]
    public static double At(ReadOnlySpan<double> p, int k)
    {
        ReadOnlySpan<double> x = p.Slice(1, 2);
        return x[k] * x[k];
    }

    /// <summary>The row sums of a row-major matrix (rows of d), each row read through a slice: r_i = Σ_c m[i·d + c]².</summary>
    [Differentiable(nameof(m))]
    public static void RowSquares(ReadOnlySpan<double> m, int d, Span<double> sums)
    {
        for (int i = 0; i < sums.Length; i++)
        {
            ReadOnlySpan<double> row = m.Slice(i * d, d);
            double s = 0;
            for (int c = 0; c < d; c++)
            {
                s += row[c] * row[c];
            }

            sums[i] = s;
        }
    }

    /// <summary>foreach over a slice: the sum of the cubes of row <paramref name="row"/> (rows of d).</summary>
    [Differentiable(nameof(p))]
    public static double RowCubes(ReadOnlySpan<double> p, int row, int d)
    {
        ReadOnlySpan<double> x = p.Slice(row * d, d);
        double s = 0;
        foreach (double v in x)
        {
            s += v * v * v;
        }

        return s;
    }

    /// <summary>
    /// Slices of arrays: an array parameter's AsSpan(1, 2) read, and an array buffer's AsSpan(2) written through.
    /// F = (a1·a2 + 0) · (a1 + a2) with buffer h = (0, 0, a1·a2, a1 + a2), so F = a1·a2·(a1 + a2).
    /// </summary>
    [Differentiable]
    public static double ArraySlices(double[] a)
    {
        ReadOnlySpan<double> x = a.AsSpan(1, 2);
        double[] h = new double[4];
        Span<double> tail = h.AsSpan(2);
        tail[0] = x[0] * x[1];
        tail[1] = x[0] + x[1];
        return (h[2] + h[0]) * h[3];
    }

    /// <summary>The float RowLoss: a slice of a float span in a float method.</summary>
    [Differentiable(nameof(w))]
    public static float FloatRowLoss(ReadOnlySpan<float> w, ReadOnlySpan<float> features, ReadOnlySpan<float> y)
    {
        int d = w.Length;
        float total = 0;
        for (int r = 0; r < y.Length; r++)
        {
            ReadOnlySpan<float> x = features.Slice(r * d, d);
            float z = 0;
            for (int c = 0; c < d; c++)
            {
                z += w[c] * x[c];
            }

            float error = z - y[r];
            total += error * error;
        }

        return total / y.Length;
    }
}
