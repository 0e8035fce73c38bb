using System;

namespace SymbolicDiff;

// The float overloads of the activations, so that a float [Differentiable] method can call them. Each one
// computes in double and rounds once to float (the double function's error is far below a float ulp), and
// declares its derivative with the same [Derivative] attribute as the double overload: the generator
// resolves the derivative method by its parameter types, so it finds the float derivative.
public static partial class Activations
{
    /// <summary>The logistic sigmoid σ(z) = 1 / (1 + e<sup>−z</sup>) of a float, without overflow for any finite <paramref name="z"/>.</summary>
    /// <param name="z">The input.</param>
    /// <returns>
    /// σ(<paramref name="z"/>) rounded to float, in [0, 1]: exactly 1 from about z = 17 (where 1 − σ is below half a
    /// float ulp of 1), 0 below about z = −104 (where σ underflows float), <see cref="float.NaN"/> for <see cref="float.NaN"/>.
    /// </returns>
    /// <remarks>
    /// Computed as <see cref="Sigmoid(double)"/> and rounded once. With integer arguments only (<c>Sigmoid(0)</c>)
    /// C# picks this overload over the double one; write <c>Sigmoid(0.0)</c> for double.
    /// Its derivative is <see cref="SigmoidDerivative(float, float)"/>; <see cref="SigmoidWithDerivative(float, out float)"/> gives both.
    /// </remarks>
    [Derivative(nameof(SigmoidDerivative), WithValue = nameof(SigmoidWithDerivative))]
    public static float Sigmoid(float z) => (float)Sigmoid((double)z);

    /// <summary>
    /// The derivative of <see cref="Sigmoid(float)"/>: σ′(z) = σ(z)(1 − σ(z)) = σ(z)·σ(−z), accurate in both tails.
    /// </summary>
    /// <param name="z">The input at which the derivative is taken; its sign chooses the formula, as for <see cref="SigmoidDerivative(double, double)"/>.</param>
    /// <param name="sigmoid">The value σ(<paramref name="z"/>), as returned by <see cref="Sigmoid(float)"/>.</param>
    /// <returns>
    /// σ′(z) rounded to float, in [0, ¼]: e.g. 1.8048514·10<sup>−35</sup> at z = ±80, where σ(80) is 1 in float and
    /// σ(1 − σ) would be 0; <see cref="float.NaN"/> for <see cref="float.NaN"/>.
    /// </returns>
    [Derivative(nameof(z), nameof(SigmoidDerivativeZPartial))]
    [Derivative(nameof(sigmoid), nameof(SigmoidDerivativeSigmoidPartial))]
    public static float SigmoidDerivative(float z, float sigmoid) => (float)SigmoidDerivative((double)z, (double)sigmoid);

    /// <summary>The hyperbolic tangent of a float.</summary>
    /// <param name="x">The input.</param>
    /// <returns>tanh(<paramref name="x"/>) rounded to float, in [−1, 1]; <see cref="float.NaN"/> for <see cref="float.NaN"/>.</returns>
    /// <remarks>
    /// Computed as <see cref="Tanh(double)"/> and rounded once. Its derivative is <see cref="TanhDerivative(float, float)"/>,
    /// 1 − tanh²(x); <see cref="TanhWithDerivative(float, out float)"/> gives both.
    /// </remarks>
    [Derivative(nameof(TanhDerivative), WithValue = nameof(TanhWithDerivative))]
    public static float Tanh(float x) => (float)Tanh((double)x);

    /// <summary>The derivative of <see cref="Tanh(float)"/>: tanh′(x) = 1 − tanh²(x).</summary>
    /// <param name="x">The input at which the derivative is taken; for |x| &gt; 1 the derivative is computed from it.</param>
    /// <param name="tanh">The value tanh(<paramref name="x"/>), as returned by <see cref="Tanh(float)"/>; reused for |x| ≤ 1.</param>
    /// <returns>
    /// tanh′(x) as <see cref="TanhDerivative(double, double)"/> computes it, rounded once to float, in [0, 1]: accurate in
    /// the tails too (1.6993417·10<sup>−17</sup> at x = ±20, where tanh is ±1 in float).
    /// </returns>
    [Derivative(nameof(x), nameof(TanhDerivativeXPartial))]
    [Derivative(nameof(tanh), nameof(TanhDerivativeTanhPartial))]
    public static float TanhDerivative(float x, float tanh) => (float)TanhDerivative((double)x, (double)tanh);

    /// <summary>The rectified linear unit relu(x) = max(x, 0) of a float.</summary>
    /// <param name="x">The input.</param>
    /// <returns><paramref name="x"/> for x &gt; 0, otherwise 0; <see cref="float.NaN"/> for <see cref="float.NaN"/>.</returns>
    /// <remarks>Its derivative is <see cref="ReluDerivative(float)"/>: 1 for x &gt; 0, 0 for x ≤ 0 (PyTorch's convention at the kink).</remarks>
    [Derivative(nameof(ReluDerivative))]
    public static float Relu(float x) => x > 0 ? x : float.IsNaN(x) ? x : 0f;

    /// <summary>The derivative of <see cref="Relu(float)"/>: 1 for x &gt; 0, otherwise 0 (0 at the kink, as PyTorch).</summary>
    /// <param name="x">The input at which the derivative is taken.</param>
    /// <returns>1 for x &gt; 0, otherwise 0; <see cref="float.NaN"/> for <see cref="float.NaN"/>.</returns>
    [Derivative(nameof(ReluSecondDerivative))]
    public static float ReluDerivative(float x) => x > 0 ? 1f : float.IsNaN(x) ? x : 0f;

    /// <summary>
    /// The leaky rectified linear unit of a float: x for x &gt; 0, otherwise <paramref name="negativeSlope"/>·x
    /// (PyTorch's <c>F.leaky_relu</c>).
    /// </summary>
    /// <param name="x">The input.</param>
    /// <param name="negativeSlope">The slope for x ≤ 0; 0.01 by default. Any value is accepted, as in PyTorch.</param>
    /// <returns><paramref name="x"/> for x &gt; 0, otherwise <paramref name="negativeSlope"/>·<paramref name="x"/>; <see cref="float.NaN"/> for <see cref="float.NaN"/>.</returns>
    /// <remarks>
    /// The partial with respect to <paramref name="x"/> is <see cref="LeakyReluDerivative(float, float)"/>; none is
    /// declared with respect to <paramref name="negativeSlope"/>, a constant (passing it a differentiated value is SD0012).
    /// </remarks>
    [Derivative(nameof(x), nameof(LeakyReluDerivative))]
    public static float LeakyRelu(float x, float negativeSlope = 0.01f) => x > 0 ? x : negativeSlope * x;

    /// <summary>
    /// The partial derivative of <see cref="LeakyRelu(float, float)"/> with respect to <paramref name="x"/>: 1 for
    /// x &gt; 0, otherwise <paramref name="negativeSlope"/> (also at the kink, as PyTorch).
    /// </summary>
    /// <param name="x">The input at which the derivative is taken.</param>
    /// <param name="negativeSlope">The slope for x ≤ 0.</param>
    /// <returns>1 for x &gt; 0, otherwise <paramref name="negativeSlope"/>; <see cref="float.NaN"/> for a <see cref="float.NaN"/> <paramref name="x"/>.</returns>
    [Derivative(nameof(x), nameof(LeakyReluDerivativeXPartial))]
    [Derivative(nameof(negativeSlope), nameof(LeakyReluDerivativeSlopePartial))]
    public static float LeakyReluDerivative(float x, float negativeSlope) => x > 0 ? 1f : float.IsNaN(x) ? x : negativeSlope;

    /// <summary>The softplus function ln(1 + e<sup>x</sup>) of a float, without overflow or cancellation.</summary>
    /// <param name="x">The input.</param>
    /// <returns>
    /// softplus(<paramref name="x"/>) rounded to float: <paramref name="x"/> itself for large x, a tiny accurate positive
    /// number for moderately negative x (softplus(−40) ≈ 4.2483543·10<sup>−18</sup>), <see cref="float.NaN"/> for <see cref="float.NaN"/>.
    /// </returns>
    /// <remarks>Computed as <see cref="Softplus(double)"/> and rounded once. Its derivative is <see cref="SoftplusDerivative(float)"/>, σ(x).</remarks>
    [Derivative(nameof(SoftplusDerivative))]
    public static float Softplus(float x) => (float)Softplus((double)x);

    /// <summary>The derivative of <see cref="Softplus(float)"/>: σ(x).</summary>
    /// <param name="x">The input at which the derivative is taken.</param>
    /// <returns>σ(<paramref name="x"/>) as computed by <see cref="Sigmoid(float)"/>, in [0, 1].</returns>
    [Derivative(nameof(SoftplusSecondDerivative))]
    public static float SoftplusDerivative(float x) => Sigmoid(x);
}
