namespace SymbolicDiff.Tests.Runtime;

/// <summary>Numerical derivatives to check declared derivatives against.</summary>
internal static class FiniteDifference
{
    /// <summary>The central difference (f(x + h) − f(x − h)) / 2h, whose error is O(h²).</summary>
    public static double Central(Func<double, double> f, double x, double h = 1e-5) => (f(x + h) - f(x - h)) / (2 * h);
}
