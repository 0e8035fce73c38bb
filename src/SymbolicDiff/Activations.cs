using System;

namespace SymbolicDiff;

/// <summary>
/// Activation functions with declared derivatives, so that the SymbolicDiff generator can differentiate
/// through calls to them.
/// </summary>
public static class Activations
{
    /// <summary>
    /// The logistic sigmoid σ(z) = 1 / (1 + e<sup>−z</sup>), computed without overflow for any finite
    /// <paramref name="z"/>.
    /// </summary>
    /// <param name="z">The input.</param>
    /// <returns>
    /// σ(<paramref name="z"/>), in [0, 1]: exactly 1 for large positive inputs (e.g. 1000), a tiny
    /// non-negative number or 0 for large negative ones (e.g. −1000), and <see cref="double.NaN"/> for
    /// <see cref="double.NaN"/>.
    /// </returns>
    /// <remarks>
    /// For z ≥ 0 it evaluates 1 / (1 + e<sup>−z</sup>); for z &lt; 0 it evaluates e<sup>z</sup> / (1 + e<sup>z</sup>),
    /// which is the same function, so that the exponential is never of a large positive number.
    /// Its derivative is <see cref="SigmoidDerivative(double, double)"/>.
    /// </remarks>
    [Derivative(nameof(SigmoidDerivative))]
    public static double Sigmoid(double z)
    {
        if (z >= 0)
        {
            return 1.0 / (1.0 + Math.Exp(-z));
        }

        double e = Math.Exp(z);
        return e / (1.0 + e);
    }

    /// <summary>
    /// The derivative of <see cref="Sigmoid(double)"/>: σ′(z) = σ(z)(1 − σ(z)).
    /// </summary>
    /// <param name="z">The input at which the derivative is taken (unused: the derivative is computed from the value).</param>
    /// <param name="sigmoid">The value σ(<paramref name="z"/>), as returned by <see cref="Sigmoid(double)"/>; it is reused rather than computed again.</param>
    /// <returns>σ(z)(1 − σ(z)), in [0, ¼].</returns>
    public static double SigmoidDerivative(double z, double sigmoid) => sigmoid * (1.0 - sigmoid);
}
