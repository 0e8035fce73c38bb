using System;

namespace SymbolicDiff;

// The derivatives of the activations' derivative methods, declared on them with [Derivative], so that second
// derivatives (forward mode over a generated gradient, which calls SigmoidDerivative and the like) can differentiate
// through them. Each is the partial of the derivative method as it is written, a function of its own parameters held
// independent (SigmoidDerivative(z, s) of z with s fixed, and of s with z fixed): along s = σ(z) their sum is the
// second derivative, whichever branch the method takes.
public static partial class Activations
{
    /// <summary>∂/∂z of <see cref="SigmoidDerivative(double, double)"/> with <paramref name="sigmoid"/> held fixed: −s·σ(−z)·(1 − σ(−z)) for z &gt; 1, else 0.</summary>
    /// <param name="z">The input of the sigmoid.</param>
    /// <param name="sigmoid">The value σ(z).</param>
    /// <returns>The partial derivative.</returns>
    [Derivative(nameof(z), nameof(SigmoidDerivativeZPartialZPartial))]
    [Derivative(nameof(sigmoid), nameof(SigmoidDerivativeMixedPartial))]
    public static double SigmoidDerivativeZPartial(double z, double sigmoid)
    {
        if (!(z > 1))
        {
            return 0.0;
        }

        double complement = Sigmoid(-z);
        return -sigmoid * complement * (1.0 - complement);
    }

    /// <summary>∂/∂σ of <see cref="SigmoidDerivative(double, double)"/> with <paramref name="z"/> held fixed: σ(−z) for z &gt; 1, else 1 − 2σ.</summary>
    /// <param name="z">The input of the sigmoid.</param>
    /// <param name="sigmoid">The value σ(z).</param>
    /// <returns>The partial derivative.</returns>
    [Derivative(nameof(z), nameof(SigmoidDerivativeMixedPartial))]
    [Derivative(nameof(sigmoid), nameof(SigmoidDerivativeSigmoidPartialSigmoidPartial))]
    public static double SigmoidDerivativeSigmoidPartial(double z, double sigmoid) =>
        z > 1 ? Sigmoid(-z) : 1.0 - 2.0 * sigmoid;

    // The partials of the two partials above, declared on them so that third derivatives (ThirdOrder = true: forward
    // mode over a Hessian, which calls them) differentiate through Activations.Sigmoid. With s = σ(z) and c = σ(−z) = 1 − s,
    // on either side of z = 1 the chain rule over them, ZZ + 2·ZS·σ′ + SS·σ′² + S·σ″, is σ‴ = σ(1 − σ)(1 − 6σ + 6σ²):
    // for z ≤ 1, 0 + 0 − 2σ′² + (1 − 2s)·σ′(1 − 2s) = σ′(1 − 6s + 6s²); for z > 1, with σ′ = sc,
    // s·sc(1 − 2c) − 2·sc·sc + c·sc(1 − 2s) = sc(s + c − 6sc) = sc(1 − 6sc).

    /// <summary>
    /// ∂/∂z of <see cref="SigmoidDerivativeZPartial(double, double)"/>: 0 for z ≤ 1, else s·c(1 − c)(1 − 2c) with
    /// c = σ(−z), the derivative of −s·c(1 − c) as c′ = −c(1 − c).
    /// </summary>
    /// <param name="z">The input of the sigmoid.</param>
    /// <param name="sigmoid">The value σ(z).</param>
    /// <returns>The partial derivative.</returns>
    public static double SigmoidDerivativeZPartialZPartial(double z, double sigmoid)
    {
        if (!(z > 1))
        {
            return 0.0;
        }

        double complement = Sigmoid(-z);
        return sigmoid * complement * (1.0 - complement) * (1.0 - 2.0 * complement);
    }

    /// <summary>∂/∂σ of <see cref="SigmoidDerivativeSigmoidPartial(double, double)"/>: −2 for z ≤ 1, else 0.</summary>
    /// <param name="z">The input of the sigmoid.</param>
    /// <param name="sigmoid">The value σ(z).</param>
    /// <returns>The partial derivative.</returns>
    public static double SigmoidDerivativeSigmoidPartialSigmoidPartial(double z, double sigmoid) => z > 1 ? 0.0 : -2.0;

    /// <summary>
    /// ∂/∂σ of <see cref="SigmoidDerivativeZPartial(double, double)"/> and ∂/∂z of
    /// <see cref="SigmoidDerivativeSigmoidPartial(double, double)"/>, which are equal: 0 for z ≤ 1 (there the first is 0
    /// and the second 1 − 2σ), else −c(1 − c) with c = σ(−z) (the first is −σ·c(1 − c), the second c).
    /// </summary>
    /// <param name="z">The input of the sigmoid.</param>
    /// <param name="sigmoid">The value σ(z).</param>
    /// <returns>The partial derivative.</returns>
    public static double SigmoidDerivativeMixedPartial(double z, double sigmoid)
    {
        if (!(z > 1))
        {
            return 0.0;
        }

        double complement = Sigmoid(-z);
        return -complement * (1.0 - complement);
    }

    /// <summary>
    /// ∂/∂x of <see cref="TanhDerivative(double, double)"/> with <paramref name="tanh"/> held fixed: 0 where it is
    /// 1 − tanh² (|x| ≤ 1), else the derivative of 4e/(1 + e)² with e = e^(−2|x|), −8·sign(x)·e(1 − e)/(1 + e)³.
    /// </summary>
    /// <param name="x">The input of tanh.</param>
    /// <param name="tanh">The value tanh(x).</param>
    /// <returns>The partial derivative.</returns>
    [Derivative(nameof(x), nameof(TanhDerivativeXPartialXPartial))]
    [Derivative(nameof(tanh), nameof(TanhDerivativeMixedPartial))]
    public static double TanhDerivativeXPartial(double x, double tanh)
    {
        if (!(Math.Abs(x) > 1.0))
        {
            return 0.0;
        }

        double e = Math.Exp(-2.0 * Math.Abs(x));
        double onePlus = 1.0 + e;
        return -8.0 * Math.Sign(x) * e * (1.0 - e) / (onePlus * onePlus * onePlus);
    }

    /// <summary>∂/∂tanh of <see cref="TanhDerivative(double, double)"/> with <paramref name="x"/> held fixed: −2·tanh for |x| ≤ 1, else 0.</summary>
    /// <param name="x">The input of tanh.</param>
    /// <param name="tanh">The value tanh(x).</param>
    /// <returns>The partial derivative.</returns>
    [Derivative(nameof(x), nameof(TanhDerivativeMixedPartial))]
    [Derivative(nameof(tanh), nameof(TanhDerivativeTanhPartialTanhPartial))]
    public static double TanhDerivativeTanhPartial(double x, double tanh) =>
        !(Math.Abs(x) > 1.0) ? -2.0 * tanh : 0.0;

    // The partials of the two partials above, declared on them so that third derivatives (ThirdOrder = true: forward
    // mode over a Hessian, which calls them) differentiate through Math.Tanh and Activations.Tanh. Along tanh = tanh(x)
    // they sum to tanh''' = (1 − tanh²)(6 tanh² − 2) on either side of |x| = 1.

    /// <summary>
    /// ∂/∂x of <see cref="TanhDerivativeXPartial(double, double)"/>: 0 for |x| ≤ 1, else 16e(1 − 4e + e²)/(1 + e)⁴ with
    /// e = e^(−2|x|), which is tanh‴(x) there.
    /// </summary>
    /// <param name="x">The input of tanh.</param>
    /// <param name="tanh">The value tanh(x).</param>
    /// <returns>The partial derivative.</returns>
    public static double TanhDerivativeXPartialXPartial(double x, double tanh)
    {
        if (!(Math.Abs(x) > 1.0))
        {
            return 0.0;
        }

        double e = Math.Exp(-2.0 * Math.Abs(x));
        double onePlus = 1.0 + e;
        double squared = onePlus * onePlus;
        return 16.0 * e * (1.0 - 4.0 * e + e * e) / (squared * squared);
    }

    /// <summary>∂/∂tanh of <see cref="TanhDerivativeTanhPartial(double, double)"/>: −2 for |x| ≤ 1, else 0.</summary>
    /// <param name="x">The input of tanh.</param>
    /// <param name="tanh">The value tanh(x).</param>
    /// <returns>The partial derivative.</returns>
    public static double TanhDerivativeTanhPartialTanhPartial(double x, double tanh) => !(Math.Abs(x) > 1.0) ? -2.0 : 0.0;

    /// <summary>
    /// ∂/∂tanh of <see cref="TanhDerivativeXPartial(double, double)"/> and ∂/∂x of
    /// <see cref="TanhDerivativeTanhPartial(double, double)"/>: both 0, as each is, on either side of |x| = 1, a
    /// function of one of its parameters only.
    /// </summary>
    /// <param name="x">The input of tanh.</param>
    /// <param name="tanh">The value tanh(x).</param>
    /// <returns>0.</returns>
    public static double TanhDerivativeMixedPartial(double x, double tanh) => 0.0;

    /// <summary>The derivative of <see cref="ReluDerivative(double)"/>: 0 (it is piecewise constant); NaN for NaN.</summary>
    /// <param name="x">The input.</param>
    /// <returns>0, or NaN.</returns>
    public static double ReluSecondDerivative(double x) => double.IsNaN(x) ? x : 0.0;

    /// <summary>∂/∂x of <see cref="LeakyReluDerivative(double, double)"/>: 0 (it is piecewise constant in x); NaN for NaN.</summary>
    /// <param name="x">The input.</param>
    /// <param name="negativeSlope">The slope for x ≤ 0.</param>
    /// <returns>0, or NaN.</returns>
    public static double LeakyReluDerivativeXPartial(double x, double negativeSlope) => double.IsNaN(x) ? x : 0.0;

    /// <summary>∂/∂negativeSlope of <see cref="LeakyReluDerivative(double, double)"/>: 1 for x ≤ 0, 0 for x &gt; 0; NaN for NaN.</summary>
    /// <param name="x">The input.</param>
    /// <param name="negativeSlope">The slope for x ≤ 0.</param>
    /// <returns>The partial derivative.</returns>
    public static double LeakyReluDerivativeSlopePartial(double x, double negativeSlope) => x > 0 ? 0.0 : double.IsNaN(x) ? x : 1.0;

    /// <summary>The derivative of <see cref="SoftplusDerivative(double)"/> (= σ(x)): σ′(x) = σ(x)(1 − σ(x)).</summary>
    /// <param name="x">The input.</param>
    /// <returns>The second derivative of softplus.</returns>
    [Derivative(nameof(SoftplusThirdDerivative))]
    public static double SoftplusSecondDerivative(double x) => SigmoidDerivative(x, Sigmoid(x));

    /// <summary>
    /// The derivative of <see cref="SoftplusSecondDerivative(double)"/>, for third derivatives through
    /// <see cref="Softplus(double)"/>: σ″(x) = σ′(x)(1 − 2σ(x)).
    /// </summary>
    /// <param name="x">The input.</param>
    /// <returns>The third derivative of softplus.</returns>
    public static double SoftplusThirdDerivative(double x)
    {
        double sigmoid = Sigmoid(x);
        return SigmoidDerivative(x, sigmoid) * (1.0 - 2.0 * sigmoid);
    }
}
