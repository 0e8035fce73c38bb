using System;

namespace SymbolicDiff;

// The value of an activation and its derivative from one exponential. A gradient's backward sweep cannot get the
// accurate derivative in a tail back from the value alone (σ(40) has rounded 1 − σ away; so has tanh(20) 1 − |tanh|),
// and forming it from the input costs the exponential the forward sweep already computed. So these compute both in
// the forward sweep, where that exponential is at hand; the generator calls them there (each is its function's
// [Derivative(..., WithValue = ...)]) and keeps the derivative for the backward sweep. The value each returns is the
// function's, bit for bit, so a gradient's value is the method's.
public static partial class Activations
{
    /// <summary>
    /// The logistic sigmoid σ(z) = 1 / (1 + e<sup>−z</sup>) and its derivative σ′(z) = σ(z)(1 − σ(z)), both from one
    /// exponential e = e<sup>−|z|</sup>.
    /// </summary>
    /// <param name="z">The input.</param>
    /// <param name="derivative">
    /// Receives σ′(<paramref name="z"/>) = e / (1 + e)², formed as e·r·r with r = 1/(1 + e), in [0, ¼]: to a few ulps for every z where it is a normal double
    /// (4.2483542552915890·10<sup>−18</sup> at z = ±40, 9.8596765437597709·10<sup>−305</sup> at z = ±700), 0 where it
    /// underflows and at ±∞, <see cref="double.NaN"/> for <see cref="double.NaN"/>.
    /// </param>
    /// <returns><see cref="Sigmoid(double)"/>'s value, bit for bit.</returns>
    /// <remarks>
    /// σ′ = e / (1 + e)² is σ(z)·σ(−z) written with the one exponential both share: no subtraction, so no cancellation in
    /// either tail (σ(1 − σ) from the value is 0 from z ≈ 37, where σ rounds to 1), no branch for the derivative, and one
    /// division for both (r = 1/(1 + e) is σ(|z|), e·r is σ(−|z|)).
    /// Costs one exponential, as <see cref="Sigmoid(double)"/> does, against two where the derivative is formed from z
    /// afterwards (<see cref="SigmoidDerivative(double, double)"/> beyond z = 1).
    /// </remarks>
    public static double SigmoidWithDerivative(double z, out double derivative)
    {
        double e = Math.Exp(-Math.Abs(z));
        double r = 1.0 / (1.0 + e);
        double er = e * r; // σ(−|z|)
        derivative = er * r;
        return z >= 0 ? r : er;
    }

    /// <summary>
    /// The hyperbolic tangent and its derivative tanh′(x) = 1 − tanh²(x), beyond |x| = 1 both from one exponential
    /// e = e<sup>−2|x|</sup>.
    /// </summary>
    /// <param name="x">The input.</param>
    /// <param name="derivative">
    /// Receives tanh′(<paramref name="x"/>), in [0, 1]: 1 at x = 0, to a few ulps wherever it is a normal double
    /// (1.6993417021166355·10<sup>−17</sup> at x = ±20, where tanh rounds to ±1), 0 where it underflows and at ±∞,
    /// <see cref="double.NaN"/> for <see cref="double.NaN"/>.
    /// </param>
    /// <returns><see cref="Tanh(double)"/>'s value, bit for bit.</returns>
    /// <remarks>
    /// For |x| ≤ 1, tanh from <see cref="Math.Tanh(double)"/> and 1 − tanh² (tanh² ≤ 0.58: no harmful cancellation).
    /// Beyond, tanh = sign(x)(1 − e)/(1 + e) and tanh′ = 4e/(1 + e)² (1 − e ≥ 0.86 there: no cancellation either), one
    /// exponential and one division for both, where <see cref="TanhDerivative(double, double)"/> after <see cref="Math.Tanh(double)"/>
    /// takes two.
    /// </remarks>
    public static double TanhWithDerivative(double x, out double derivative)
    {
        if (!(Math.Abs(x) > 1.0))
        {
            double tanh = Math.Tanh(x);
            derivative = 1.0 - tanh * tanh;
            return tanh;
        }

        double e = Math.Exp(-2.0 * Math.Abs(x));
        double r = 1.0 / (1.0 + e);
        derivative = 4.0 * e * r * r;
        return TanhTail(x, e, r);
    }

    /// <summary>tanh(x) for |x| &gt; 1 from e = e<sup>−2|x|</sup> and r = 1/(1 + e): sign(x)(1 − e)·r; shared so that <see cref="Tanh(double)"/> and <see cref="TanhWithDerivative(double, out double)"/> agree bit for bit.</summary>
    private static double TanhTail(double x, double e, double r)
    {
        double magnitude = (1.0 - e) * r;
        return x > 0 ? magnitude : -magnitude;
    }

    /// <summary>
    /// The logistic sigmoid of a float and its derivative, computed as <see cref="SigmoidWithDerivative(double, out double)"/>
    /// and each rounded once.
    /// </summary>
    /// <param name="z">The input.</param>
    /// <param name="derivative">Receives σ′(<paramref name="z"/>) rounded to float (1.8048514·10<sup>−35</sup> at z = ±80, where σ is 1 in float).</param>
    /// <returns><see cref="Sigmoid(float)"/>'s value, bit for bit.</returns>
    public static float SigmoidWithDerivative(float z, out float derivative)
    {
        double value = SigmoidWithDerivative((double)z, out double exact);
        derivative = (float)exact;
        return (float)value;
    }

    /// <summary>
    /// The hyperbolic tangent of a float and its derivative, computed as <see cref="TanhWithDerivative(double, out double)"/>
    /// and each rounded once.
    /// </summary>
    /// <param name="x">The input.</param>
    /// <param name="derivative">Receives tanh′(<paramref name="x"/>) rounded to float (1.6993417·10<sup>−17</sup> at x = ±20, where tanh is ±1 in float).</param>
    /// <returns><see cref="Tanh(float)"/>'s value, bit for bit.</returns>
    public static float TanhWithDerivative(float x, out float derivative)
    {
        double value = TanhWithDerivative((double)x, out double exact);
        derivative = (float)exact;
        return (float)value;
    }
}
