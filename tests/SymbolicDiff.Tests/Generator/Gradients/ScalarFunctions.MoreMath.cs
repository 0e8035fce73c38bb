namespace SymbolicDiff.Tests.Generator.Gradients;

/// <summary>The rest of <c>System.Math</c>: every built-in rule beyond the first nine, at least once.</summary>
public static partial class ScalarFunctions
{
    [Differentiable]
    public static double LogBases(double x, double b) => Math.Log(x, b) + Math.Log10(x * b) + Math.Log2(x + b);

    [Differentiable]
    public static double InverseTrigonometry(double x, double y) =>
        Math.Asin(x * 0.5) + Math.Acos(y * 0.4) + Math.Atan(x * y) + Math.Atan2(y, x + 3);

    [Differentiable]
    public static double Hyperbolic(double x, double y) => Math.Sinh(x) * Math.Cosh(y) + Math.Cbrt(x * y + 5);

    [Differentiable]
    public static double MaxMinClamp(double x, double y, double lo) =>
        Math.Max(x, y) + 2 * Math.Min(x * y, 1) + Math.Clamp(x + y, lo - 1, lo + 1);

    [Differentiable]
    public static double FusedMultiplyAdds(double a, double b, double c) =>
        Math.FusedMultiplyAdd(a, b, c) * Math.FusedMultiplyAdd(a, a, b);

    /// <summary>Floor, Ceiling, Round, Truncate and Sign have derivative 0: here d/dx = Floor(x) + Sign(x).</summary>
    [Differentiable]
    public static double PiecewiseConstantFactors(double x) =>
        Math.Floor(x) * x + Math.Ceiling(x) + Math.Round(x) * 2 + Math.Truncate(x) + Math.Sign(x) * x / 2.0;
}
