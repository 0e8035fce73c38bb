using SymbolicDiff;

/// <summary>
/// The residuals of the six NIST StRD models, each a vector-valued method: for the parameters b (b[0] is NIST's b1) it
/// writes rᵢ = f(b, xᵢ) − yᵢ for every data point into <c>r</c>, with f written as NIST writes the formula.
/// <c>[Differentiable(nameof(b))]</c> makes the generator add <c>&lt;Model&gt;Jacobian(b, x, y, r, jacobian)</c>, which
/// writes the residuals and their m × k Jacobian ∂rᵢ/∂bⱼ row-major, as Levenberg–Marquardt takes it: by k forward sweeps,
/// since there are more data points than parameters.
/// </summary>
public static partial class NistModels
{
    /// <summary>Misra1a: y = b1·(1 − exp(−b2·x)).</summary>
    [Differentiable(nameof(b))]
    public static void Misra1a(ReadOnlySpan<double> b, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> r)
    {
        for (int i = 0; i < x.Length; i++)
        {
            r[i] = b[0] * (1 - Math.Exp(-b[1] * x[i])) - y[i];
        }
    }

    /// <summary>Chwirut2: y = exp(−b1·x) / (b2 + b3·x).</summary>
    [Differentiable(nameof(b))]
    public static void Chwirut2(ReadOnlySpan<double> b, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> r)
    {
        for (int i = 0; i < x.Length; i++)
        {
            r[i] = Math.Exp(-b[0] * x[i]) / (b[1] + b[2] * x[i]) - y[i];
        }
    }

    /// <summary>DanWood: y = b1·x^b2.</summary>
    [Differentiable(nameof(b))]
    public static void DanWood(ReadOnlySpan<double> b, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> r)
    {
        for (int i = 0; i < x.Length; i++)
        {
            r[i] = b[0] * Math.Pow(x[i], b[1]) - y[i];
        }
    }

    /// <summary>Thurber: y = (b1 + b2·x + b3·x² + b4·x³) / (1 + b5·x + b6·x² + b7·x³).</summary>
    [Differentiable(nameof(b))]
    public static void Thurber(ReadOnlySpan<double> b, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> r)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double x1 = x[i];
            double x2 = x1 * x1;
            double x3 = x2 * x1;
            r[i] = (b[0] + b[1] * x1 + b[2] * x2 + b[3] * x3) / (1 + b[4] * x1 + b[5] * x2 + b[6] * x3) - y[i];
        }
    }

    /// <summary>MGH09: y = b1·(x² + x·b2) / (x² + x·b3 + b4).</summary>
    [Differentiable(nameof(b))]
    public static void Mgh09(ReadOnlySpan<double> b, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> r)
    {
        for (int i = 0; i < x.Length; i++)
        {
            r[i] = b[0] * (x[i] * x[i] + x[i] * b[1]) / (x[i] * x[i] + x[i] * b[2] + b[3]) - y[i];
        }
    }

    /// <summary>Eckerle4: y = (b1/b2)·exp(−½((x − b3)/b2)²).</summary>
    [Differentiable(nameof(b))]
    public static void Eckerle4(ReadOnlySpan<double> b, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> r)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double z = (x[i] - b[2]) / b[1];
            r[i] = b[0] / b[1] * Math.Exp(-0.5 * z * z) - y[i];
        }
    }
}
