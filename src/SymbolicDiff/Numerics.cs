using System;

namespace SymbolicDiff;

/// <summary>Numerical helpers shared by the runtime's primitives.</summary>
internal static class Numerics
{
    /// <summary>
    /// ln(1 + <paramref name="x"/>), accurate to a few ulps also where <paramref name="x"/> is tiny (where
    /// <c>Math.Log(1 + x)</c> loses every digit: ln(1 + 1e-18) would be 0). .NET has no accurate log1p:
    /// <c>double.LogP1(x)</c> is <c>Math.Log(x + 1)</c>.
    /// </summary>
    /// <remarks>
    /// With u = fl(1 + x), ln(u)·x / (u − 1) corrects for the rounding of 1 + x (Goldberg, "What every
    /// computer scientist should know about floating-point arithmetic", theorem 4). Gives x itself when
    /// u = 1 (including ±0), −∞ at x = −1, NaN below −1 and for NaN.
    /// </remarks>
    public static double Log1p(double x)
    {
        double u = 1.0 + x;
        if (u == 1.0)
        {
            return x;
        }

        if (double.IsPositiveInfinity(u))
        {
            return u;
        }

        return Math.Log(u) * (x / (u - 1.0));
    }
}
