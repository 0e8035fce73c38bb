using SymbolicDiff;

/// <summary>
/// The six NIST StRD models, each an ordinary method of the parameters b (b[0] is NIST's b1) and one predictor value x,
/// written as NIST writes the formula. <c>[Differentiable(nameof(b))]</c> makes the generator add
/// <c>&lt;Model&gt;WithGradient(b, x, dB)</c>, which returns the model's value and writes ∂f/∂b into <c>dB</c>: row i of the
/// residuals' Jacobian is that gradient at the data point xᵢ.
/// </summary>
public static partial class NistModels
{
    /// <summary>Misra1a: y = b1·(1 − exp(−b2·x)).</summary>
    [Differentiable(nameof(b))]
    public static double Misra1a(ReadOnlySpan<double> b, double x) => b[0] * (1 - Math.Exp(-b[1] * x));

    /// <summary>Chwirut2: y = exp(−b1·x) / (b2 + b3·x).</summary>
    [Differentiable(nameof(b))]
    public static double Chwirut2(ReadOnlySpan<double> b, double x) => Math.Exp(-b[0] * x) / (b[1] + b[2] * x);

    /// <summary>DanWood: y = b1·x^b2.</summary>
    [Differentiable(nameof(b))]
    public static double DanWood(ReadOnlySpan<double> b, double x) => b[0] * Math.Pow(x, b[1]);

    /// <summary>Thurber: y = (b1 + b2·x + b3·x² + b4·x³) / (1 + b5·x + b6·x² + b7·x³).</summary>
    [Differentiable(nameof(b))]
    public static double Thurber(ReadOnlySpan<double> b, double x)
    {
        double x2 = x * x;
        double x3 = x2 * x;
        return (b[0] + b[1] * x + b[2] * x2 + b[3] * x3) / (1 + b[4] * x + b[5] * x2 + b[6] * x3);
    }

    /// <summary>MGH09: y = b1·(x² + x·b2) / (x² + x·b3 + b4).</summary>
    [Differentiable(nameof(b))]
    public static double Mgh09(ReadOnlySpan<double> b, double x) => b[0] * (x * x + x * b[1]) / (x * x + x * b[2] + b[3]);

    /// <summary>Eckerle4: y = (b1/b2)·exp(−½((x − b3)/b2)²).</summary>
    [Differentiable(nameof(b))]
    public static double Eckerle4(ReadOnlySpan<double> b, double x)
    {
        double z = (x - b[2]) / b[1];
        return b[0] / b[1] * Math.Exp(-0.5 * z * z);
    }
}
