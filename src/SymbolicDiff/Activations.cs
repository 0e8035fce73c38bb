using System;

namespace SymbolicDiff;

/// <summary>
/// Activation functions with declared derivatives, so that the SymbolicDiff generator can differentiate
/// through calls to them.
/// </summary>
public static partial class Activations
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
    /// For z ≥ 0 it evaluates 1 / (1 + e<sup>−z</sup>); for z &lt; 0 it evaluates e<sup>z</sup> · (1 / (1 + e<sup>z</sup>)),
    /// which is the same function, so that the exponential is never of a large positive number.
    /// Its derivative is <see cref="SigmoidDerivative(double, double)"/>; <see cref="SigmoidWithDerivative(double, out double)"/>
    /// computes both from the one exponential, and a generated gradient calls it in its forward sweep.
    /// </remarks>
    [Derivative(nameof(SigmoidDerivative), WithValue = nameof(SigmoidWithDerivative))]
    public static double Sigmoid(double z)
    {
        if (z >= 0)
        {
            return 1.0 / (1.0 + Math.Exp(-z));
        }

        // e·(1/(1 + e)), as SigmoidWithDerivative forms it (one division for value and derivative), so the two agree bit for bit.
        double e = Math.Exp(z);
        return e * (1.0 / (1.0 + e));
    }

    /// <summary>
    /// The derivative of <see cref="Sigmoid(double)"/>: σ′(z) = σ(z)(1 − σ(z)) = σ(z)·σ(−z), accurate to a few
    /// ulps in both tails.
    /// </summary>
    /// <param name="z">The input at which the derivative is taken; it chooses the formula, and for z &gt; 1 it gives σ(−z).</param>
    /// <param name="sigmoid">The value σ(<paramref name="z"/>), as returned by <see cref="Sigmoid(double)"/>; it is reused rather than computed again.</param>
    /// <returns>
    /// σ′(z), in [0, ¼]: relative error of a few ulps for every finite z where the value is a normal double
    /// (e.g. 4.2483542552915890·10<sup>−18</sup> at z = ±40 and 9.8596765437597709·10<sup>−305</sup> at z = ±700),
    /// <see cref="double.NaN"/> for <see cref="double.NaN"/>.
    /// </returns>
    /// <remarks>
    /// For z ≤ 1 it evaluates σ(z)(1 − σ(z)): for z ≤ 0, σ(z) ≤ ½, so 1 − σ(z) is in [½, 1] and exact; for
    /// 0 &lt; z ≤ 1 the subtraction is exact too (σ(z) is in [½, 1)) and carries σ(z)'s own rounding error, relative
    /// to 1 − σ(z) at most σ(1)/(1 − σ(1)) = e ≈ 2.7 times larger, a few ulps (as tanh's derivative reads 1 − tanh²
    /// for |x| ≤ 1). For z &gt; 1 it evaluates σ(z)·σ(−z) with σ(−z) = e<sup>−z</sup> / (1 + e<sup>−z</sup>)
    /// computed afresh, because there 1 − σ(z) cancels: it would have 93% relative error at z = 36.7 and be 0 from
    /// about z = 37 on, where σ(z) rounds to 1, though the true value is about e<sup>−z</sup>. That costs one
    /// exponential for z &gt; 1 only (an LSTM's gates, whose pre-activations are mostly within ±1, rarely pay it).
    /// </remarks>
    [Derivative(nameof(z), nameof(SigmoidDerivativeZPartial))]
    [Derivative(nameof(sigmoid), nameof(SigmoidDerivativeSigmoidPartial))]
    public static double SigmoidDerivative(double z, double sigmoid) =>
        z > 1 ? sigmoid * Sigmoid(-z) : sigmoid * (1.0 - sigmoid);

    /// <summary>The hyperbolic tangent tanh(x) = (e<sup>x</sup> − e<sup>−x</sup>) / (e<sup>x</sup> + e<sup>−x</sup>).</summary>
    /// <param name="x">The input.</param>
    /// <returns>
    /// tanh(<paramref name="x"/>), in [−1, 1]: exactly ±1 for large inputs (e.g. ±1000, no overflow), and
    /// <see cref="double.NaN"/> for <see cref="double.NaN"/>.
    /// </returns>
    /// <remarks>
    /// For |x| ≤ 1 this is <see cref="Math.Tanh(double)"/>; beyond, sign(x)(1 − e)/(1 + e) with e = e<sup>−2|x|</sup>
    /// (to a few ulps, within an ulp or two of <see cref="Math.Tanh(double)"/>), so that
    /// <see cref="TanhWithDerivative(double, out double)"/> gives the same value with its derivative from that one
    /// exponential; a generated gradient calls that in its forward sweep. <see cref="Math.Tanh(double)"/>, which the
    /// generator also differentiates directly, forms its derivative in the backward sweep instead.
    /// Its derivative is <see cref="TanhDerivative(double, double)"/>, 1 − tanh²(x), computed from the value
    /// for |x| ≤ 1 and accurately from x beyond.
    /// </remarks>
    [Derivative(nameof(TanhDerivative), WithValue = nameof(TanhWithDerivative))]
    public static double Tanh(double x)
    {
        if (!(Math.Abs(x) > 1.0))
        {
            return Math.Tanh(x);
        }

        double e = Math.Exp(-2.0 * Math.Abs(x));
        return TanhTail(x, e, 1.0 / (1.0 + e));
    }

    /// <summary>The derivative of <see cref="Tanh(double)"/>: tanh′(x) = 1 − tanh²(x), accurate in both tails.</summary>
    /// <param name="x">The input at which the derivative is taken; for |x| &gt; 1 the derivative is computed from it.</param>
    /// <param name="tanh">The value tanh(<paramref name="x"/>), as returned by <see cref="Tanh(double)"/>; for |x| ≤ 1 it is reused rather than computed again.</param>
    /// <returns>
    /// tanh′(x), in [0, 1]: 1 at x = 0, and to a few ulps in the tails (1.6993417021166355·10<sup>−17</sup> at
    /// x = ±20, where tanh rounds to ±1 and 1 − tanh² would be 0); <see cref="double.NaN"/> for <see cref="double.NaN"/>.
    /// </returns>
    /// <remarks>
    /// For |x| ≤ 1, 1 − tanh² from the value (tanh² ≤ 0.58, no harmful cancellation). Beyond, where 1 − tanh²
    /// cancels (relative error growing like e<sup>2|x|</sup>, and 0 from |x| ≈ 19), it evaluates
    /// 4e / (1 + e)² with e = e<sup>−2|x|</sup>, which is the same function, at the cost of one exponential.
    /// </remarks>
    [Derivative(nameof(x), nameof(TanhDerivativeXPartial))]
    [Derivative(nameof(tanh), nameof(TanhDerivativeTanhPartial))]
    public static double TanhDerivative(double x, double tanh)
    {
        if (!(Math.Abs(x) > 1.0))
        {
            return 1.0 - tanh * tanh;
        }

        double e = Math.Exp(-2.0 * Math.Abs(x));
        double onePlus = 1.0 + e;
        return 4.0 * e / (onePlus * onePlus);
    }

    /// <summary>The rectified linear unit relu(x) = max(x, 0).</summary>
    /// <param name="x">The input.</param>
    /// <returns>
    /// <paramref name="x"/> for x &gt; 0, otherwise 0; <see cref="double.NaN"/> for <see cref="double.NaN"/>
    /// (it is not silently mapped to 0).
    /// </returns>
    /// <remarks>
    /// Its derivative is <see cref="ReluDerivative(double)"/>: 1 for x &gt; 0 and 0 for x ≤ 0. At the kink
    /// x = 0, where relu has no derivative, it follows PyTorch's convention and takes 0.
    /// </remarks>
    [Derivative(nameof(ReluDerivative))]
    public static double Relu(double x) => x > 0 ? x : double.IsNaN(x) ? x : 0.0;

    /// <summary>
    /// The derivative of <see cref="Relu(double)"/>: 1 for x &gt; 0, 0 for x &lt; 0, and by convention 0 at
    /// the kink x = 0 (as PyTorch's <c>torch.relu</c> backward).
    /// </summary>
    /// <param name="x">The input at which the derivative is taken.</param>
    /// <returns>
    /// 1 for x &gt; 0, otherwise 0; <see cref="double.NaN"/> for <see cref="double.NaN"/>, so that a NaN
    /// input shows up in the gradient too (PyTorch's backward would give 1 there).
    /// </returns>
    [Derivative(nameof(ReluSecondDerivative))]
    public static double ReluDerivative(double x) => x > 0 ? 1.0 : double.IsNaN(x) ? x : 0.0;

    /// <summary>
    /// The leaky rectified linear unit: x for x &gt; 0, otherwise <paramref name="negativeSlope"/>·x
    /// (PyTorch's <c>F.leaky_relu</c>, with the same default slope).
    /// </summary>
    /// <param name="x">The input.</param>
    /// <param name="negativeSlope">The slope for x ≤ 0; 0.01 by default. Any value is accepted, as in PyTorch.</param>
    /// <returns>
    /// <paramref name="x"/> for x &gt; 0, otherwise <paramref name="negativeSlope"/>·<paramref name="x"/>;
    /// <see cref="double.NaN"/> for <see cref="double.NaN"/>.
    /// </returns>
    /// <remarks>
    /// The partial derivative with respect to <paramref name="x"/> is
    /// <see cref="LeakyReluDerivative(double, double)"/>: 1 for x &gt; 0, <paramref name="negativeSlope"/> for
    /// x ≤ 0, so at the kink x = 0 it is <paramref name="negativeSlope"/>, as in PyTorch. No partial is
    /// declared with respect to <paramref name="negativeSlope"/>, which is meant to be a constant: passing it
    /// an expression that depends on a differentiated parameter is error SD0012.
    /// </remarks>
    [Derivative(nameof(x), nameof(LeakyReluDerivative))]
    public static double LeakyRelu(double x, double negativeSlope = 0.01) => x > 0 ? x : negativeSlope * x;

    /// <summary>
    /// The partial derivative of <see cref="LeakyRelu(double, double)"/> with respect to
    /// <paramref name="x"/>: 1 for x &gt; 0, <paramref name="negativeSlope"/> for x &lt; 0, and by convention
    /// <paramref name="negativeSlope"/> at the kink x = 0 (as PyTorch's backward).
    /// </summary>
    /// <param name="x">The input at which the derivative is taken.</param>
    /// <param name="negativeSlope">The slope for x ≤ 0.</param>
    /// <returns>
    /// 1 for x &gt; 0, otherwise <paramref name="negativeSlope"/>; <see cref="double.NaN"/> for a
    /// <see cref="double.NaN"/> <paramref name="x"/>.
    /// </returns>
    [Derivative(nameof(x), nameof(LeakyReluDerivativeXPartial))]
    [Derivative(nameof(negativeSlope), nameof(LeakyReluDerivativeSlopePartial))]
    public static double LeakyReluDerivative(double x, double negativeSlope) => x > 0 ? 1.0 : double.IsNaN(x) ? x : negativeSlope;

    /// <summary>
    /// The softplus function ln(1 + e<sup>x</sup>), a smooth approximation of <see cref="Relu(double)"/>,
    /// computed without overflow or cancellation for any finite <paramref name="x"/>.
    /// </summary>
    /// <param name="x">The input.</param>
    /// <returns>
    /// softplus(<paramref name="x"/>), positive: <paramref name="x"/> itself for large x (softplus(1000) =
    /// 1000), a tiny but accurate positive number for moderately negative x (softplus(−40) ≈ 4.25e-18),
    /// 0 where the true value underflows (softplus(−1000)), and <see cref="double.NaN"/> for
    /// <see cref="double.NaN"/>.
    /// </returns>
    /// <remarks>
    /// Evaluated as max(x, 0) + log1p(e<sup>−|x|</sup>), which equals ln(1 + e<sup>x</sup>) but never
    /// exponentiates a positive number, with an accurate log1p. Unlike <c>torch.nn.Softplus</c>, which
    /// switches to the identity above x = 20 (its <c>threshold</c>), it is accurate everywhere.
    /// Its derivative is <see cref="SoftplusDerivative(double)"/>, the logistic sigmoid σ(x).
    /// </remarks>
    [Derivative(nameof(SoftplusDerivative))]
    public static double Softplus(double x) => Math.Max(x, 0.0) + Numerics.Log1p(Math.Exp(-Math.Abs(x)));

    /// <summary>The derivative of <see cref="Softplus(double)"/>: softplus′(x) = σ(x) = 1 / (1 + e<sup>−x</sup>).</summary>
    /// <param name="x">The input at which the derivative is taken.</param>
    /// <returns>σ(<paramref name="x"/>) as computed by <see cref="Sigmoid(double)"/>, in [0, 1].</returns>
    [Derivative(nameof(SoftplusSecondDerivative))]
    public static double SoftplusDerivative(double x) => Sigmoid(x);
}
