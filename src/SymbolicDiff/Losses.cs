using System;

namespace SymbolicDiff;

/// <summary>
/// Loss functions with declared derivatives, so that the SymbolicDiff generator can differentiate through
/// calls to them: of one prediction and one target, with partial derivatives with respect to both, and over
/// spans (mean reductions, as PyTorch's defaults), with vector-Jacobian products with respect to the
/// predictions or logits.
/// </summary>
/// <remarks>
/// <para>
/// The scalar methods are pure and never throw: a <see cref="double.NaN"/> argument gives a
/// <see cref="double.NaN"/> result. Where PyTorch rejects arguments (a probability or a target outside
/// [0, 1] in <c>F.binary_cross_entropy</c>), these functions do not check them; see each method.
/// </para>
/// <para>
/// The span overloads are SIMD-accelerated with <c>TensorPrimitives</c> and never allocate. They throw
/// <see cref="ArgumentException"/> for spans of different lengths, for empty input (where PyTorch's mean
/// gives NaN; a <see langword="null"/> array converts to an empty span), and for a gradient span that shares
/// memory with an input span; NaN elements give a NaN result. Their derivatives use the vector-Jacobian form described on
/// <see cref="Vectors"/>: a gradient method takes the loss's parameters, a seed ∂L/∂loss and a gradient span,
/// and adds seed·∂loss/∂x<sub>i</sub> to gradient[i].
/// </para>
/// </remarks>
public static partial class Losses
{
    /// <summary>
    /// The squared error (p − t)², which is the mean squared error of a single element (PyTorch's
    /// <c>F.mse_loss</c> with the default mean reduction over one element).
    /// </summary>
    /// <param name="prediction">The prediction p.</param>
    /// <param name="target">The target t.</param>
    /// <returns>(p − t)².</returns>
    [Derivative(nameof(prediction), nameof(MeanSquaredErrorPredictionDerivative))]
    [Derivative(nameof(target), nameof(MeanSquaredErrorTargetDerivative))]
    public static double MeanSquaredError(double prediction, double target)
    {
        double difference = prediction - target;
        return difference * difference;
    }

    /// <summary>The partial derivative of <see cref="MeanSquaredError(double, double)"/> with respect to the prediction: 2(p − t).</summary>
    /// <param name="prediction">The prediction p.</param>
    /// <param name="target">The target t.</param>
    /// <returns>2(p − t).</returns>
    [Derivative(nameof(prediction), nameof(MeanSquaredErrorCurvature))]
    [Derivative(nameof(target), nameof(MeanSquaredErrorMixedCurvature))]
    public static double MeanSquaredErrorPredictionDerivative(double prediction, double target) => 2.0 * (prediction - target);

    /// <summary>The partial derivative of <see cref="MeanSquaredError(double, double)"/> with respect to the target: −2(p − t).</summary>
    /// <param name="prediction">The prediction p.</param>
    /// <param name="target">The target t.</param>
    /// <returns>−2(p − t) = 2(t − p).</returns>
    [Derivative(nameof(prediction), nameof(MeanSquaredErrorMixedCurvature))]
    [Derivative(nameof(target), nameof(MeanSquaredErrorCurvature))]
    public static double MeanSquaredErrorTargetDerivative(double prediction, double target) => 2.0 * (target - prediction);

    /// <summary>
    /// Half the squared error, ½(p − t)², whose derivative with respect to the prediction is simply p − t.
    /// </summary>
    /// <param name="prediction">The prediction p.</param>
    /// <param name="target">The target t.</param>
    /// <returns>½(p − t)².</returns>
    [Derivative(nameof(prediction), nameof(HalfSquaredErrorPredictionDerivative))]
    [Derivative(nameof(target), nameof(HalfSquaredErrorTargetDerivative))]
    public static double HalfSquaredError(double prediction, double target)
    {
        double difference = prediction - target;
        return 0.5 * difference * difference;
    }

    /// <summary>The partial derivative of <see cref="HalfSquaredError(double, double)"/> with respect to the prediction: p − t.</summary>
    /// <param name="prediction">The prediction p.</param>
    /// <param name="target">The target t.</param>
    /// <returns>p − t.</returns>
    [Derivative(nameof(prediction), nameof(HalfSquaredErrorCurvature))]
    [Derivative(nameof(target), nameof(HalfSquaredErrorMixedCurvature))]
    public static double HalfSquaredErrorPredictionDerivative(double prediction, double target) => prediction - target;

    /// <summary>The partial derivative of <see cref="HalfSquaredError(double, double)"/> with respect to the target: −(p − t).</summary>
    /// <param name="prediction">The prediction p.</param>
    /// <param name="target">The target t.</param>
    /// <returns>t − p.</returns>
    [Derivative(nameof(prediction), nameof(HalfSquaredErrorMixedCurvature))]
    [Derivative(nameof(target), nameof(HalfSquaredErrorCurvature))]
    public static double HalfSquaredErrorTargetDerivative(double prediction, double target) => target - prediction;

    /// <summary>The clamp PyTorch applies to each logarithm of the binary cross-entropy: ln 0 = −∞ becomes −100.</summary>
    private const double LogClamp = -100.0;

    /// <summary>The lower bound PyTorch puts on p(1 − p) in the backward pass of the binary cross-entropy.</summary>
    private const double ProbabilityProductFloor = 1e-12;

    /// <summary>
    /// The binary cross-entropy of a predicted probability p and a target t,
    /// −[t·ln p + (1 − t)·ln(1 − p)], with each logarithm clamped below at −100 exactly as PyTorch's
    /// <c>F.binary_cross_entropy</c> does, so that p = 0 or p = 1 gives a finite loss (at most 100).
    /// </summary>
    /// <param name="probability">The predicted probability p, in [0, 1] (typically a <see cref="Activations.Sigmoid(double)"/> output).</param>
    /// <param name="target">The target t, in [0, 1] (typically the label 0 or 1).</param>
    /// <returns>
    /// (t − 1)·max(log1p(−p), −100) − t·max(ln p, −100): 0 for a confident correct prediction, 100 for a
    /// confident wrong one (p = 0, t = 1). A probability outside [0, 1] or a <see cref="double.NaN"/>
    /// gives <see cref="double.NaN"/> (PyTorch raises); a target outside [0, 1] is not checked and gives the
    /// value of the formula. For a logit, <see cref="BinaryCrossEntropyWithLogits(double, double)"/> is more
    /// accurate than this applied to σ(logit).
    /// </returns>
    /// <remarks>
    /// The partials are <see cref="BinaryCrossEntropyProbabilityDerivative(double, double)"/>, (p − t) / max(p(1 − p), 10<sup>−12</sup>),
    /// and <see cref="BinaryCrossEntropyTargetDerivative(double, double)"/>, ln(1 − p) − ln p with the same clamps.
    /// </remarks>
    [Derivative(nameof(probability), nameof(BinaryCrossEntropyProbabilityDerivative))]
    [Derivative(nameof(target), nameof(BinaryCrossEntropyTargetDerivative))]
    public static double BinaryCrossEntropy(double probability, double target)
    {
        double logProbability = Math.Max(Math.Log(probability), LogClamp);
        double logComplement = Math.Max(Numerics.Log1p(-probability), LogClamp);
        return (target - 1.0) * logComplement - target * logProbability;
    }

    /// <summary>
    /// The partial derivative of <see cref="BinaryCrossEntropy(double, double)"/> with respect to the
    /// probability: (p − t) / (p(1 − p)), with the denominator bounded below by 10<sup>−12</sup> as in PyTorch's
    /// backward pass, so that it is finite at p = 0 and p = 1 (±10<sup>12</sup> for a wrong label there).
    /// </summary>
    /// <param name="probability">The predicted probability p.</param>
    /// <param name="target">The target t.</param>
    /// <returns>
    /// (p − t) / max((1 − p)·p, 10<sup>−12</sup>): the exact derivative of the loss wherever p(1 − p) ≥ 10<sup>−12</sup>.
    /// Like PyTorch it ignores the −100 clamps of the forward pass, which only take effect for p or 1 − p below
    /// e<sup>−100</sup> ≈ 3.7·10<sup>−44</sup>.
    /// </returns>
    [Derivative(nameof(probability), nameof(BinaryCrossEntropyProbabilityCurvature))]
    [Derivative(nameof(target), nameof(BinaryCrossEntropyProbabilityTargetCurvature))]
    public static double BinaryCrossEntropyProbabilityDerivative(double probability, double target) =>
        (probability - target) / Math.Max((1.0 - probability) * probability, ProbabilityProductFloor);

    /// <summary>
    /// The partial derivative of <see cref="BinaryCrossEntropy(double, double)"/> with respect to the target:
    /// ln(1 − p) − ln p, each logarithm clamped below at −100 as in the loss itself.
    /// </summary>
    /// <param name="probability">The predicted probability p.</param>
    /// <param name="target">The target t (unused: the loss is linear in it).</param>
    /// <returns>
    /// max(log1p(−p), −100) − max(ln p, −100), the exact derivative of the clamped loss: finite everywhere on
    /// [0, 1], 100 at p = 0 and −100 at p = 1. (PyTorch's target gradient is −logit(p), the same value without
    /// the clamps, which is ±∞ at p = 0 and 1.)
    /// </returns>
    [Derivative(nameof(probability), nameof(BinaryCrossEntropyMixedCurvature))]
    [Derivative(nameof(target), nameof(BinaryCrossEntropyTargetCurvature))]
    public static double BinaryCrossEntropyTargetDerivative(double probability, double target) =>
        Math.Max(Numerics.Log1p(-probability), LogClamp) - Math.Max(Math.Log(probability), LogClamp);

    /// <summary>
    /// The binary cross-entropy of σ(x) for a logit x and a target t, −[t·ln σ(x) + (1 − t)·ln(1 − σ(x))],
    /// computed stably, as PyTorch's <c>F.binary_cross_entropy_with_logits</c>.
    /// </summary>
    /// <param name="logit">The logit x (the input of the sigmoid), any finite number.</param>
    /// <param name="target">The target t, in [0, 1] (typically the label 0 or 1); not checked.</param>
    /// <returns>
    /// max(x, 0) − x·t + log1p(e<sup>−|x|</sup>): finite for every finite logit (1000 for x = 1000, t = 0),
    /// accurate for large margins (4.25·10<sup>−18</sup> for x = 40, t = 1, where BCE(σ(40), 1) gives 0), and
    /// <see cref="double.NaN"/> for a <see cref="double.NaN"/> argument.
    /// </returns>
    /// <remarks>
    /// The terms max(x, 0) − x·t are summed before log1p(e<sup>−|x|</sup>) is added, so that a tiny loss is
    /// not lost against a large logit. The partials are <see cref="BinaryCrossEntropyWithLogitsLogitDerivative(double, double)"/>,
    /// σ(x) − t (computed without cancellation in the tails), and <see cref="BinaryCrossEntropyWithLogitsTargetDerivative(double, double)"/>, −x.
    /// </remarks>
    [Derivative(nameof(logit), nameof(BinaryCrossEntropyWithLogitsLogitDerivative))]
    [Derivative(nameof(target), nameof(BinaryCrossEntropyWithLogitsTargetDerivative))]
    public static double BinaryCrossEntropyWithLogits(double logit, double target) =>
        (Math.Max(logit, 0.0) - logit * target) + Numerics.Log1p(Math.Exp(-Math.Abs(logit)));

    /// <summary>
    /// The partial derivative of <see cref="BinaryCrossEntropyWithLogits(double, double)"/> with respect to the
    /// logit: σ(x) − t.
    /// </summary>
    /// <param name="logit">The logit x.</param>
    /// <param name="target">The target t.</param>
    /// <returns>
    /// σ(x) − t, finite for every finite logit and accurate in both tails for the labels 0 and 1: −4.2483542552915890·10<sup>−18</sup>
    /// for x = 40, t = 1 (where σ(40) rounds to 1 and σ(x) − t formed as written, as PyTorch does, gives 0), and
    /// 4.2483542552915890·10<sup>−18</sup> for x = −40, t = 0; <see cref="double.NaN"/> for a <see cref="double.NaN"/> argument.
    /// </returns>
    /// <remarks>
    /// Evaluated as (1 − t)·σ(x) − t·σ(−x), which equals σ(x) − t since σ(x) + σ(−x) = 1, with one exponential
    /// e = e<sup>−|x|</sup>: ((1 − t) − t·e) / (1 + e) for x ≥ 0 and ((1 − t)·e − t) / (1 + e) for x &lt; 0. For a
    /// label the one non-zero term has no cancellation; for a soft target (0 &lt; t &lt; 1) the subtraction cancels only
    /// where σ(x) is close to t, as it must.
    /// </remarks>
    [Derivative(nameof(logit), nameof(BinaryCrossEntropyWithLogitsCurvature))]
    [Derivative(nameof(target), nameof(BinaryCrossEntropyWithLogitsMixedCurvature))]
    public static double BinaryCrossEntropyWithLogitsLogitDerivative(double logit, double target)
    {
        double e = Math.Exp(-Math.Abs(logit));
        double numerator = logit >= 0 ? (1.0 - target) - target * e : (1.0 - target) * e - target;
        return numerator / (1.0 + e);
    }

    /// <summary>
    /// The partial derivative of <see cref="BinaryCrossEntropyWithLogits(double, double)"/> with respect to the
    /// target: −x.
    /// </summary>
    /// <param name="logit">The logit x.</param>
    /// <param name="target">The target t (unused: the loss is linear in it).</param>
    /// <returns>−x.</returns>
    [Derivative(nameof(logit), nameof(BinaryCrossEntropyWithLogitsMixedCurvature))]
    [Derivative(nameof(target), nameof(BinaryCrossEntropyWithLogitsTargetCurvature))]
    public static double BinaryCrossEntropyWithLogitsTargetDerivative(double logit, double target) => -logit;
}
