using System;

namespace SymbolicDiff;

// The derivatives of the losses' partial-derivative methods, declared on them with [Derivative], so that second
// derivatives (forward mode over a generated gradient) can differentiate through them. Where a loss is quadratic
// they are constants; each takes the loss's parameters, as [Derivative] requires.
public static partial class Losses
{
    /// <summary>∂²/∂prediction² (and ∂²/∂target²) of <see cref="MeanSquaredError(double, double)"/>: 2.</summary>
    /// <param name="prediction">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <returns>2.</returns>
    public static double MeanSquaredErrorCurvature(double prediction, double target) => 2.0;

    /// <summary>∂²/∂prediction∂target of <see cref="MeanSquaredError(double, double)"/>: −2.</summary>
    /// <param name="prediction">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <returns>−2.</returns>
    public static double MeanSquaredErrorMixedCurvature(double prediction, double target) => -2.0;

    /// <summary>∂²/∂prediction² (and ∂²/∂target²) of <see cref="HalfSquaredError(double, double)"/>: 1.</summary>
    /// <param name="prediction">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <returns>1.</returns>
    public static double HalfSquaredErrorCurvature(double prediction, double target) => 1.0;

    /// <summary>∂²/∂prediction∂target of <see cref="HalfSquaredError(double, double)"/>: −1.</summary>
    /// <param name="prediction">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <returns>−1.</returns>
    public static double HalfSquaredErrorMixedCurvature(double prediction, double target) => -1.0;

    /// <summary>
    /// ∂/∂probability of <see cref="BinaryCrossEntropyProbabilityDerivative(double, double)"/>, (p − t)/q with
    /// q = max(p(1 − p), 10⁻¹²): (q − (p − t)(1 − 2p))/q² where q is not clamped, else 1/q.
    /// </summary>
    /// <param name="probability">The predicted probability p.</param>
    /// <param name="target">The target t.</param>
    /// <returns>The partial derivative.</returns>
    public static double BinaryCrossEntropyProbabilityCurvature(double probability, double target)
    {
        double product = (1.0 - probability) * probability;
        if (!(product > ProbabilityProductFloor))
        {
            return 1.0 / ProbabilityProductFloor;
        }

        return (product - (probability - target) * (1.0 - 2.0 * probability)) / (product * product);
    }

    /// <summary>∂/∂target of <see cref="BinaryCrossEntropyProbabilityDerivative(double, double)"/>: −1/max(p(1 − p), 10⁻¹²).</summary>
    /// <param name="probability">The predicted probability p.</param>
    /// <param name="target">The target t.</param>
    /// <returns>The partial derivative.</returns>
    public static double BinaryCrossEntropyProbabilityTargetCurvature(double probability, double target) =>
        -1.0 / Math.Max((1.0 - probability) * probability, ProbabilityProductFloor);

    /// <summary>
    /// ∂/∂probability of <see cref="BinaryCrossEntropyTargetDerivative(double, double)"/>: the derivative of each
    /// clamped logarithm, −1/(1 − p) − 1/p = −1/(p(1 − p)) where neither clamp acts.
    /// </summary>
    /// <param name="probability">The predicted probability p.</param>
    /// <param name="target">The target t.</param>
    /// <returns>The partial derivative.</returns>
    public static double BinaryCrossEntropyMixedCurvature(double probability, double target)
    {
        double fromComplement = Numerics.Log1p(-probability) > LogClamp ? -1.0 / (1.0 - probability) : 0.0;
        double fromProbability = Math.Log(probability) > LogClamp ? 1.0 / probability : 0.0;
        return fromComplement - fromProbability;
    }

    /// <summary>∂/∂target of <see cref="BinaryCrossEntropyTargetDerivative(double, double)"/>: 0 (the loss is linear in the target).</summary>
    /// <param name="probability">The predicted probability.</param>
    /// <param name="target">The target.</param>
    /// <returns>0.</returns>
    public static double BinaryCrossEntropyTargetCurvature(double probability, double target) => 0.0;

    /// <summary>∂²/∂logit² of <see cref="BinaryCrossEntropyWithLogits(double, double)"/>: σ(x)(1 − σ(x)).</summary>
    /// <param name="logit">The logit x.</param>
    /// <param name="target">The target.</param>
    /// <returns>The second derivative.</returns>
    public static double BinaryCrossEntropyWithLogitsCurvature(double logit, double target) =>
        Activations.SigmoidDerivative(logit, Activations.Sigmoid(logit));

    /// <summary>∂²/∂logit∂target of <see cref="BinaryCrossEntropyWithLogits(double, double)"/>: −1.</summary>
    /// <param name="logit">The logit.</param>
    /// <param name="target">The target.</param>
    /// <returns>−1.</returns>
    public static double BinaryCrossEntropyWithLogitsMixedCurvature(double logit, double target) => -1.0;

    /// <summary>∂²/∂target² of <see cref="BinaryCrossEntropyWithLogits(double, double)"/>: 0.</summary>
    /// <param name="logit">The logit.</param>
    /// <param name="target">The target.</param>
    /// <returns>0.</returns>
    public static double BinaryCrossEntropyWithLogitsTargetCurvature(double logit, double target) => 0.0;
}
