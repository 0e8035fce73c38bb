namespace SymbolicDiff.Tests.Generator.Slices;

/// <summary>
/// [Differentiable] methods that pass a slice where a function takes a span, as people write a row of a row-major
/// matrix first: <c>Vectors.Dot(w, x)</c> with <c>x = features.Slice(r * d, d)</c>, the slice written in the call, a span
/// loss over a slice of logits, and a [Differentiable] span method called on a slice. Differentiated by the generator as
/// part of this test project.
/// </summary>
public static partial class SliceArgumentFunctions
{
    /// <summary>
    /// <see cref="SliceFunctions.RowLoss"/> written with <c>Vectors.Dot</c> of the weights and a row slice, differentiated in
    /// both: L = (1/n) Σ_r (w · x_r − y_r)², x_r = features[r·d .. r·d + d).
    /// </summary>
    [Differentiable(nameof(w), nameof(features), SecondOrder = true)]
    public static double DotRowLoss(ReadOnlySpan<double> w, ReadOnlySpan<double> features, ReadOnlySpan<double> y)
    {
        int d = w.Length;
        double total = 0;
        for (int r = 0; r < y.Length; r++)
        {
            ReadOnlySpan<double> x = features.Slice(r * d, d);
            double error = Vectors.Dot(w, x) - y[r];
            total += error * error;
        }

        return total / y.Length;
    }

    /// <summary>The same loss with the row slice written in the call and the features data (constant): only w is differentiated.</summary>
    [Differentiable(nameof(w))]
    public static double InPlaceRowLoss(ReadOnlySpan<double> w, double[] features, ReadOnlySpan<double> y)
    {
        int d = w.Length;
        double total = 0;
        for (int r = 0; r < y.Length; r++)
        {
            double error = Vectors.Dot(w, features.AsSpan(r * d, d)) - y[r];
            total += error * error;
        }

        return total;
    }

    /// <summary>
    /// The mean softmax cross-entropy of n rows of c logits, each row a slice of the row-major logits:
    /// L = (1/n) Σ_k CE(logits[k·c .. k·c + c), labels[k]).
    /// </summary>
    [Differentiable(nameof(logits), SecondOrder = true)]
    public static double RowSoftmaxLoss(ReadOnlySpan<double> logits, ReadOnlySpan<int> labels)
    {
        int c = logits.Length / labels.Length;
        double total = 0;
        for (int k = 0; k < labels.Length; k++)
        {
            total += Losses.SoftmaxCrossEntropy(logits.Slice(k * c, c), labels[k]);
        }

        return total / labels.Length;
    }

    /// <summary>A [Differentiable] span method: Σ v_i⁴ / 4.</summary>
    [Differentiable(SecondOrder = true)]
    public static double QuarticSum(ReadOnlySpan<double> v)
    {
        double s = 0;
        for (int i = 0; i < v.Length; i++)
        {
            s += v[i] * v[i] * v[i] * v[i] / 4;
        }

        return s;
    }

    /// <summary>The weighted quartic sums of the rows of p (rows of d): F = Σ_r (r + 1) · QuarticSum(p[r·d .. r·d + d)).</summary>
    [Differentiable(nameof(p), SecondOrder = true)]
    public static double WeightedRowQuartics(ReadOnlySpan<double> p, int d)
    {
        double f = 0;
        for (int r = 0; r < p.Length / d; r++)
        {
            ReadOnlySpan<double> row = p.Slice(r * d, d);
            f += (r + 1) * QuarticSum(row);
        }

        return f;
    }

    /// <summary>A vector-valued method: z_i = w · m[i·d .. i·d + d), each row a slice passed to Vectors.Dot.</summary>
    [Differentiable(nameof(w), nameof(m))]
    public static void RowDots(ReadOnlySpan<double> w, ReadOnlySpan<double> m, Span<double> z)
    {
        int d = w.Length;
        for (int i = 0; i < z.Length; i++)
        {
            ReadOnlySpan<double> row = m.Slice(i * d, d);
            z[i] = Vectors.Dot(w, row);
        }
    }
}
