namespace SymbolicDiff;

// The float overloads of the activations' second-order partials (Activations.SecondOrder.cs), declared with
// [Derivative] on the float derivative methods as the double ones are, so that a float method's second derivatives
// (MWithHessian, MHessianVectorProduct) differentiate through SigmoidDerivative(float, float) and the like. Each
// computes in double and rounds once, as the float activations do.
public static partial class Activations
{
    /// <summary>The float overload of <see cref="SigmoidDerivativeZPartial(double, double)"/>, computed in double and rounded once.</summary>
    /// <param name="z">As in the double overload.</param>
    /// <param name="sigmoid">As in the double overload.</param>
    /// <returns>The partial derivative, rounded to float.</returns>
    [Derivative(nameof(z), nameof(SigmoidDerivativeZPartialZPartial))]
    [Derivative(nameof(sigmoid), nameof(SigmoidDerivativeMixedPartial))]
    public static float SigmoidDerivativeZPartial(float z, float sigmoid) => (float)SigmoidDerivativeZPartial((double)z, (double)sigmoid);

    /// <summary>The float overload of <see cref="SigmoidDerivativeSigmoidPartial(double, double)"/>, computed in double and rounded once.</summary>
    /// <param name="z">As in the double overload.</param>
    /// <param name="sigmoid">As in the double overload.</param>
    /// <returns>The partial derivative, rounded to float.</returns>
    [Derivative(nameof(z), nameof(SigmoidDerivativeMixedPartial))]
    [Derivative(nameof(sigmoid), nameof(SigmoidDerivativeSigmoidPartialSigmoidPartial))]
    public static float SigmoidDerivativeSigmoidPartial(float z, float sigmoid) => (float)SigmoidDerivativeSigmoidPartial((double)z, (double)sigmoid);

    /// <summary>The float overload of <see cref="SigmoidDerivativeZPartialZPartial(double, double)"/>, computed in double and rounded once.</summary>
    /// <param name="z">As in the double overload.</param>
    /// <param name="sigmoid">As in the double overload.</param>
    /// <returns>The partial derivative, rounded to float.</returns>
    public static float SigmoidDerivativeZPartialZPartial(float z, float sigmoid) => (float)SigmoidDerivativeZPartialZPartial((double)z, (double)sigmoid);

    /// <summary>The float overload of <see cref="SigmoidDerivativeSigmoidPartialSigmoidPartial(double, double)"/>.</summary>
    /// <param name="z">As in the double overload.</param>
    /// <param name="sigmoid">As in the double overload.</param>
    /// <returns>The partial derivative.</returns>
    public static float SigmoidDerivativeSigmoidPartialSigmoidPartial(float z, float sigmoid) => (float)SigmoidDerivativeSigmoidPartialSigmoidPartial((double)z, (double)sigmoid);

    /// <summary>The float overload of <see cref="SigmoidDerivativeMixedPartial(double, double)"/>, computed in double and rounded once.</summary>
    /// <param name="z">As in the double overload.</param>
    /// <param name="sigmoid">As in the double overload.</param>
    /// <returns>The partial derivative, rounded to float.</returns>
    public static float SigmoidDerivativeMixedPartial(float z, float sigmoid) => (float)SigmoidDerivativeMixedPartial((double)z, (double)sigmoid);

    /// <summary>The float overload of <see cref="TanhDerivativeXPartial(double, double)"/>, computed in double and rounded once.</summary>
    /// <param name="x">As in the double overload.</param>
    /// <param name="tanh">As in the double overload.</param>
    /// <returns>The partial derivative, rounded to float.</returns>
    [Derivative(nameof(x), nameof(TanhDerivativeXPartialXPartial))]
    [Derivative(nameof(tanh), nameof(TanhDerivativeMixedPartial))]
    public static float TanhDerivativeXPartial(float x, float tanh) => (float)TanhDerivativeXPartial((double)x, (double)tanh);

    /// <summary>The float overload of <see cref="TanhDerivativeTanhPartial(double, double)"/>, computed in double and rounded once.</summary>
    /// <param name="x">As in the double overload.</param>
    /// <param name="tanh">As in the double overload.</param>
    /// <returns>The partial derivative, rounded to float.</returns>
    [Derivative(nameof(x), nameof(TanhDerivativeMixedPartial))]
    [Derivative(nameof(tanh), nameof(TanhDerivativeTanhPartialTanhPartial))]
    public static float TanhDerivativeTanhPartial(float x, float tanh) => (float)TanhDerivativeTanhPartial((double)x, (double)tanh);

    /// <summary>The float overload of <see cref="TanhDerivativeXPartialXPartial(double, double)"/>, computed in double and rounded once.</summary>
    /// <param name="x">As in the double overload.</param>
    /// <param name="tanh">As in the double overload.</param>
    /// <returns>The partial derivative, rounded to float.</returns>
    public static float TanhDerivativeXPartialXPartial(float x, float tanh) => (float)TanhDerivativeXPartialXPartial((double)x, (double)tanh);

    /// <summary>The float overload of <see cref="TanhDerivativeTanhPartialTanhPartial(double, double)"/>.</summary>
    /// <param name="x">As in the double overload.</param>
    /// <param name="tanh">As in the double overload.</param>
    /// <returns>The partial derivative.</returns>
    public static float TanhDerivativeTanhPartialTanhPartial(float x, float tanh) => (float)TanhDerivativeTanhPartialTanhPartial((double)x, (double)tanh);

    /// <summary>The float overload of <see cref="TanhDerivativeMixedPartial(double, double)"/>: 0.</summary>
    /// <param name="x">As in the double overload.</param>
    /// <param name="tanh">As in the double overload.</param>
    /// <returns>0.</returns>
    public static float TanhDerivativeMixedPartial(float x, float tanh) => 0f;

    /// <summary>The float overload of <see cref="ReluSecondDerivative(double)"/>, computed in double and rounded once.</summary>
    /// <param name="x">As in the double overload.</param>
    /// <returns>The partial derivative, rounded to float.</returns>
    public static float ReluSecondDerivative(float x) => (float)ReluSecondDerivative((double)x);

    /// <summary>The float overload of <see cref="LeakyReluDerivativeXPartial(double, double)"/>, computed in double and rounded once.</summary>
    /// <param name="x">As in the double overload.</param>
    /// <param name="negativeSlope">As in the double overload.</param>
    /// <returns>The partial derivative, rounded to float.</returns>
    public static float LeakyReluDerivativeXPartial(float x, float negativeSlope) => (float)LeakyReluDerivativeXPartial((double)x, (double)negativeSlope);

    /// <summary>The float overload of <see cref="LeakyReluDerivativeSlopePartial(double, double)"/>, computed in double and rounded once.</summary>
    /// <param name="x">As in the double overload.</param>
    /// <param name="negativeSlope">As in the double overload.</param>
    /// <returns>The partial derivative, rounded to float.</returns>
    public static float LeakyReluDerivativeSlopePartial(float x, float negativeSlope) => (float)LeakyReluDerivativeSlopePartial((double)x, (double)negativeSlope);

    /// <summary>The float overload of <see cref="SoftplusSecondDerivative(double)"/>, computed in double and rounded once.</summary>
    /// <param name="x">As in the double overload.</param>
    /// <returns>The partial derivative, rounded to float.</returns>
    [Derivative(nameof(SoftplusThirdDerivative))]
    public static float SoftplusSecondDerivative(float x) => (float)SoftplusSecondDerivative((double)x);

    /// <summary>The float overload of <see cref="SoftplusThirdDerivative(double)"/>, computed in double and rounded once.</summary>
    /// <param name="x">As in the double overload.</param>
    /// <returns>The third derivative of softplus, rounded to float.</returns>
    public static float SoftplusThirdDerivative(float x) => (float)SoftplusThirdDerivative((double)x);
}
