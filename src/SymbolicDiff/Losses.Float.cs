namespace SymbolicDiff;

// The float overloads of the scalar losses, so that a float [Differentiable] method can call them. Each one
// computes in double from the float arguments (a difference of two floats is exact in double) and rounds
// once to float, and declares its partials with the same [Derivative] attributes as the double overload: the
// generator resolves each derivative method by its parameter types, so it finds the float partials.
// With integer arguments only (MeanSquaredError(1, 0)) C# picks these overloads over the double ones.
public static partial class Losses
{
    /// <summary>The squared error (p − t)² of a float prediction and target.</summary>
    /// <param name="prediction">The prediction p.</param>
    /// <param name="target">The target t.</param>
    /// <returns>(p − t)², computed in double and rounded once to float.</returns>
    [Derivative(nameof(prediction), nameof(MeanSquaredErrorPredictionDerivative))]
    [Derivative(nameof(target), nameof(MeanSquaredErrorTargetDerivative))]
    public static float MeanSquaredError(float prediction, float target) => (float)MeanSquaredError((double)prediction, (double)target);

    /// <summary>The partial derivative of <see cref="MeanSquaredError(float, float)"/> with respect to the prediction: 2(p − t).</summary>
    /// <param name="prediction">The prediction p.</param>
    /// <param name="target">The target t.</param>
    /// <returns>2(p − t), rounded once to float.</returns>
    [Derivative(nameof(prediction), nameof(MeanSquaredErrorCurvature))]
    [Derivative(nameof(target), nameof(MeanSquaredErrorMixedCurvature))]
    public static float MeanSquaredErrorPredictionDerivative(float prediction, float target) => (float)MeanSquaredErrorPredictionDerivative((double)prediction, (double)target);

    /// <summary>The partial derivative of <see cref="MeanSquaredError(float, float)"/> with respect to the target: −2(p − t).</summary>
    /// <param name="prediction">The prediction p.</param>
    /// <param name="target">The target t.</param>
    /// <returns>2(t − p), rounded once to float.</returns>
    [Derivative(nameof(prediction), nameof(MeanSquaredErrorMixedCurvature))]
    [Derivative(nameof(target), nameof(MeanSquaredErrorCurvature))]
    public static float MeanSquaredErrorTargetDerivative(float prediction, float target) => (float)MeanSquaredErrorTargetDerivative((double)prediction, (double)target);

    /// <summary>Half the squared error, ½(p − t)², of a float prediction and target.</summary>
    /// <param name="prediction">The prediction p.</param>
    /// <param name="target">The target t.</param>
    /// <returns>½(p − t)², computed in double and rounded once to float.</returns>
    [Derivative(nameof(prediction), nameof(HalfSquaredErrorPredictionDerivative))]
    [Derivative(nameof(target), nameof(HalfSquaredErrorTargetDerivative))]
    public static float HalfSquaredError(float prediction, float target) => (float)HalfSquaredError((double)prediction, (double)target);

    /// <summary>The partial derivative of <see cref="HalfSquaredError(float, float)"/> with respect to the prediction: p − t.</summary>
    /// <param name="prediction">The prediction p.</param>
    /// <param name="target">The target t.</param>
    /// <returns>p − t, rounded once to float.</returns>
    [Derivative(nameof(prediction), nameof(HalfSquaredErrorCurvature))]
    [Derivative(nameof(target), nameof(HalfSquaredErrorMixedCurvature))]
    public static float HalfSquaredErrorPredictionDerivative(float prediction, float target) => (float)HalfSquaredErrorPredictionDerivative((double)prediction, (double)target);

    /// <summary>The partial derivative of <see cref="HalfSquaredError(float, float)"/> with respect to the target: t − p.</summary>
    /// <param name="prediction">The prediction p.</param>
    /// <param name="target">The target t.</param>
    /// <returns>t − p, rounded once to float.</returns>
    [Derivative(nameof(prediction), nameof(HalfSquaredErrorMixedCurvature))]
    [Derivative(nameof(target), nameof(HalfSquaredErrorCurvature))]
    public static float HalfSquaredErrorTargetDerivative(float prediction, float target) => (float)HalfSquaredErrorTargetDerivative((double)prediction, (double)target);

    /// <summary>
    /// The binary cross-entropy of a float probability p and target t, −[t·ln p + (1 − t)·ln(1 − p)], each logarithm
    /// clamped below at −100 as PyTorch's <c>F.binary_cross_entropy</c> does.
    /// </summary>
    /// <param name="probability">The predicted probability p, in [0, 1].</param>
    /// <param name="target">The target t, in [0, 1]; not checked.</param>
    /// <returns>
    /// The loss as <see cref="BinaryCrossEntropy(double, double)"/> computes it, rounded once to float: at most 100 for
    /// p in [0, 1]; <see cref="float.NaN"/> for a probability outside [0, 1] or a NaN.
    /// </returns>
    /// <remarks>
    /// The partials are <see cref="BinaryCrossEntropyProbabilityDerivative(float, float)"/> and
    /// <see cref="BinaryCrossEntropyTargetDerivative(float, float)"/>.
    /// </remarks>
    [Derivative(nameof(probability), nameof(BinaryCrossEntropyProbabilityDerivative))]
    [Derivative(nameof(target), nameof(BinaryCrossEntropyTargetDerivative))]
    public static float BinaryCrossEntropy(float probability, float target) => (float)BinaryCrossEntropy((double)probability, (double)target);

    /// <summary>
    /// The partial derivative of <see cref="BinaryCrossEntropy(float, float)"/> with respect to the probability:
    /// (p − t) / max(p(1 − p), 10<sup>−12</sup>), as PyTorch's backward pass.
    /// </summary>
    /// <param name="probability">The predicted probability p.</param>
    /// <param name="target">The target t.</param>
    /// <returns>The partial, computed in double and rounded once to float: ±10<sup>12</sup> for a wrong label at p = 0 or 1.</returns>
    [Derivative(nameof(probability), nameof(BinaryCrossEntropyProbabilityCurvature))]
    [Derivative(nameof(target), nameof(BinaryCrossEntropyProbabilityTargetCurvature))]
    public static float BinaryCrossEntropyProbabilityDerivative(float probability, float target) => (float)BinaryCrossEntropyProbabilityDerivative((double)probability, (double)target);

    /// <summary>
    /// The partial derivative of <see cref="BinaryCrossEntropy(float, float)"/> with respect to the target:
    /// ln(1 − p) − ln p, each logarithm clamped below at −100.
    /// </summary>
    /// <param name="probability">The predicted probability p.</param>
    /// <param name="target">The target t (unused: the loss is linear in it).</param>
    /// <returns>The partial, rounded once to float: 100 at p = 0 and −100 at p = 1.</returns>
    [Derivative(nameof(probability), nameof(BinaryCrossEntropyMixedCurvature))]
    [Derivative(nameof(target), nameof(BinaryCrossEntropyTargetCurvature))]
    public static float BinaryCrossEntropyTargetDerivative(float probability, float target) => (float)BinaryCrossEntropyTargetDerivative((double)probability, (double)target);

    /// <summary>
    /// The binary cross-entropy of σ(x) for a float logit x and target t, computed stably as
    /// max(x, 0) − x·t + log1p(e<sup>−|x|</sup>) (PyTorch's <c>F.binary_cross_entropy_with_logits</c>).
    /// </summary>
    /// <param name="logit">The logit x.</param>
    /// <param name="target">The target t, in [0, 1]; not checked.</param>
    /// <returns>
    /// The loss as <see cref="BinaryCrossEntropyWithLogits(double, double)"/> computes it, rounded once to float:
    /// finite for every finite logit, accurate for large margins (4.2483543·10<sup>−18</sup> for x = 40, t = 1).
    /// </returns>
    /// <remarks>
    /// The partials are <see cref="BinaryCrossEntropyWithLogitsLogitDerivative(float, float)"/>, σ(x) − t, and
    /// <see cref="BinaryCrossEntropyWithLogitsTargetDerivative(float, float)"/>, −x.
    /// </remarks>
    [Derivative(nameof(logit), nameof(BinaryCrossEntropyWithLogitsLogitDerivative))]
    [Derivative(nameof(target), nameof(BinaryCrossEntropyWithLogitsTargetDerivative))]
    public static float BinaryCrossEntropyWithLogits(float logit, float target) => (float)BinaryCrossEntropyWithLogits((double)logit, (double)target);

    /// <summary>
    /// The partial derivative of <see cref="BinaryCrossEntropyWithLogits(float, float)"/> with respect to the logit: σ(x) − t.
    /// </summary>
    /// <param name="logit">The logit x.</param>
    /// <param name="target">The target t.</param>
    /// <returns>
    /// σ(x) − t without cancellation in the tails, rounded once to float (−4.2483543·10<sup>−18</sup> for x = 40, t = 1,
    /// where σ(40) is 1 in float).
    /// </returns>
    [Derivative(nameof(logit), nameof(BinaryCrossEntropyWithLogitsCurvature))]
    [Derivative(nameof(target), nameof(BinaryCrossEntropyWithLogitsMixedCurvature))]
    public static float BinaryCrossEntropyWithLogitsLogitDerivative(float logit, float target) => (float)BinaryCrossEntropyWithLogitsLogitDerivative((double)logit, (double)target);

    /// <summary>
    /// The partial derivative of <see cref="BinaryCrossEntropyWithLogits(float, float)"/> with respect to the target: −x.
    /// </summary>
    /// <param name="logit">The logit x.</param>
    /// <param name="target">The target t (unused: the loss is linear in it).</param>
    /// <returns>−x.</returns>
    [Derivative(nameof(logit), nameof(BinaryCrossEntropyWithLogitsMixedCurvature))]
    [Derivative(nameof(target), nameof(BinaryCrossEntropyWithLogitsTargetCurvature))]
    public static float BinaryCrossEntropyWithLogitsTargetDerivative(float logit, float target) => -logit;
}
