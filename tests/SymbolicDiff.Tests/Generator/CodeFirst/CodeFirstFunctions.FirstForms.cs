namespace SymbolicDiff.Tests.Generator.CodeFirst;

/// <summary>
/// The forms that were still rejected: an integer local declared without a value (<c>int k; for (k = 0; ...)</c>), a
/// step inside an index (<c>x[k++]</c>, <c>x[--m]</c>, <c>h[k++] = ...</c>), and integer <c>Math.Min</c>, <c>Max</c>,
/// <c>Abs</c> and <c>Clamp</c> in bounds and indices.
/// </summary>
public static partial class CodeFirstFunctions
{
    /// <summary>a · Σ x[k]², counting with a local declared without a value and read only by the loop.</summary>
    [Differentiable(SecondOrder = true)]
    public static double UnassignedCounter(ReadOnlySpan<double> x, double a)
    {
        double s = 0;
        int k;
        for (k = 0; k < x.Length; k++)
        {
            s += a * x[k] * x[k];
        }

        return s;
    }

    /// <summary>
    /// a · (x[0]² + ... + x[k−1]²) · x[i], with k assigned in both branches of an if and i, declared without a value,
    /// read after its loop (where it equals k).
    /// </summary>
    [Differentiable(SecondOrder = true)]
    public static double UnassignedIndex(ReadOnlySpan<double> x, double a)
    {
        int k;
        if (a > 0)
        {
            k = x.Length - 1;
        }
        else
        {
            k = 0;
        }

        double s = 0;
        int i;
        for (i = 0; i < k; i++)
        {
            s += x[i] * x[i];
        }

        return a * s * x[i];
    }

    /// <summary>a · Σ x² packed with <c>h[k++] = ...</c>, read back with <c>h[k++]</c> and <c>x[++j]</c>, plus x[n−1]³ read as <c>x[--m]</c>.</summary>
    [Differentiable(SecondOrder = true)]
    public static double SteppedIndices(ReadOnlySpan<double> x, double a)
    {
        Span<double> h = stackalloc double[x.Length];
        int k = 0;
        foreach (var v in x)
        {
            h[k++] = v * a;
        }

        double s = 0;
        int j = -1;
        k = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += h[k++] * x[++j];
        }

        int m = x.Length;
        double last = x[--m];
        return s + last * last * last;
    }

    /// <summary>r = a · x² in reverse order, written with <c>r[k++] = ...</c>.</summary>
    [Differentiable(nameof(x), nameof(a))]
    public static void SteppedOutputs(ReadOnlySpan<double> x, double a, Span<double> r)
    {
        int k = 0;
        for (int i = x.Length - 1; i >= 0; i--)
        {
            r[k++] = a * x[i] * x[i];
        }
    }

    /// <summary>
    /// a · Σ |i − 1| x[i] over the first three elements (<c>Math.Min</c> bound, <c>Math.Abs</c> weight), plus Σ x[i + 1] · x[i]
    /// over the last two, the index clamped to the last element (<c>Math.Max</c> start, <c>Math.Clamp</c> index).
    /// </summary>
    [Differentiable(SecondOrder = true)]
    public static double FirstFew(ReadOnlySpan<double> x, double a)
    {
        double s = 0;
        for (int i = 0; i < Math.Min(3, x.Length); i++)
        {
            s += x[i] * a * Math.Abs(i - 1);
        }

        for (int i = Math.Max(0, x.Length - 2); i < x.Length; i++)
        {
            s += x[Math.Clamp(i + 1, 0, x.Length - 1)] * x[i];
        }

        return s;
    }

    /// <summary>r[k] = a · x[k] for k below Math.Min(2, x.Length), k declared without a value.</summary>
    [Differentiable(nameof(x), nameof(a))]
    public static void FirstOutputs(ReadOnlySpan<double> x, double a, Span<double> r)
    {
        int k;
        for (k = 0; k < Math.Min(2, x.Length); k++)
        {
            r[k] = a * x[k];
        }
    }

    /// <summary>The float method with all three: a · Σ x[k]² over the first three, k declared without a value, plus x[n−1] read as <c>x[--j]</c>.</summary>
    [Differentiable]
    public static float FirstFormsF(ReadOnlySpan<float> x, float a)
    {
        float s = 0;
        int k;
        for (k = 0; k < Math.Min(3, x.Length); k++)
        {
            s += a * x[k] * x[k];
        }

        int j = x.Length;
        s += x[--j];
        return s;
    }

    /// <summary>Σ Coefficients[i] · a^i · x[0] by Horner's rule, over a static readonly table of coefficients (1, −2, 3).</summary>
    [Differentiable(SecondOrder = true)]
    public static double HornerTable(ReadOnlySpan<double> x, double a)
    {
        double s = 0;
        for (int i = Coefficients.Length - 1; i >= 0; i--)
        {
            s = s * a + Coefficients[i] * x[0];
        }

        return s;
    }

    private static readonly double[] Coefficients = { 1, -2, 3 };

    /// <summary>a · Σ w[i] · x[i] over a local array of weights (0.5, 1, 2), plus p[0] · p[1] of a stack buffer declared with values that read the parameters.</summary>
    [Differentiable(SecondOrder = true)]
    public static double LocalWeights(ReadOnlySpan<double> x, double a)
    {
        double[] w = { 0.5, 1, 2 };
        Span<double> p = stackalloc double[] { a * x[0], x[1] };
        double s = 0;
        for (int i = 0; i < w.Length; i++)
        {
            s += w[i] * x[i];
        }

        return s * a + p[0] * p[1];
    }

    /// <summary>a · Σ w[i] · x[i] in float, the weights <c>float[] w = { 1, 2, 3 };</c> declared inside the loop's body.</summary>
    [Differentiable]
    public static float LocalWeightsF(ReadOnlySpan<float> x, float a)
    {
        float s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            float[] w = { 1, 2, 3 };
            s += w[i] * x[i] * a;
        }

        return s;
    }
}
