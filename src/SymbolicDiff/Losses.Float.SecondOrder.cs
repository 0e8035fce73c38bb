namespace SymbolicDiff;

// The float overloads of the losses' second-order partials (Losses.SecondOrder.cs), declared with [Derivative] on the
// float partial-derivative methods as the double ones are. Each computes in double and rounds once.
public static partial class Losses
{
    /// <summary>The float overload of <see cref="MeanSquaredErrorCurvature(double, double)"/>, computed in double and rounded once.</summary>
    /// <param name="prediction">As in the double overload.</param>
    /// <param name="target">As in the double overload.</param>
    /// <returns>The partial derivative, rounded to float.</returns>
    public static float MeanSquaredErrorCurvature(float prediction, float target) => (float)MeanSquaredErrorCurvature((double)prediction, (double)target);

    /// <summary>The float overload of <see cref="MeanSquaredErrorMixedCurvature(double, double)"/>, computed in double and rounded once.</summary>
    /// <param name="prediction">As in the double overload.</param>
    /// <param name="target">As in the double overload.</param>
    /// <returns>The partial derivative, rounded to float.</returns>
    public static float MeanSquaredErrorMixedCurvature(float prediction, float target) => (float)MeanSquaredErrorMixedCurvature((double)prediction, (double)target);

    /// <summary>The float overload of <see cref="HalfSquaredErrorCurvature(double, double)"/>, computed in double and rounded once.</summary>
    /// <param name="prediction">As in the double overload.</param>
    /// <param name="target">As in the double overload.</param>
    /// <returns>The partial derivative, rounded to float.</returns>
    public static float HalfSquaredErrorCurvature(float prediction, float target) => (float)HalfSquaredErrorCurvature((double)prediction, (double)target);

    /// <summary>The float overload of <see cref="HalfSquaredErrorMixedCurvature(double, double)"/>, computed in double and rounded once.</summary>
    /// <param name="prediction">As in the double overload.</param>
    /// <param name="target">As in the double overload.</param>
    /// <returns>The partial derivative, rounded to float.</returns>
    public static float HalfSquaredErrorMixedCurvature(float prediction, float target) => (float)HalfSquaredErrorMixedCurvature((double)prediction, (double)target);

    /// <summary>The float overload of <see cref="BinaryCrossEntropyProbabilityCurvature(double, double)"/>, computed in double and rounded once.</summary>
    /// <param name="probability">As in the double overload.</param>
    /// <param name="target">As in the double overload.</param>
    /// <returns>The partial derivative, rounded to float.</returns>
    public static float BinaryCrossEntropyProbabilityCurvature(float probability, float target) => (float)BinaryCrossEntropyProbabilityCurvature((double)probability, (double)target);

    /// <summary>The float overload of <see cref="BinaryCrossEntropyProbabilityTargetCurvature(double, double)"/>, computed in double and rounded once.</summary>
    /// <param name="probability">As in the double overload.</param>
    /// <param name="target">As in the double overload.</param>
    /// <returns>The partial derivative, rounded to float.</returns>
    public static float BinaryCrossEntropyProbabilityTargetCurvature(float probability, float target) => (float)BinaryCrossEntropyProbabilityTargetCurvature((double)probability, (double)target);

    /// <summary>The float overload of <see cref="BinaryCrossEntropyMixedCurvature(double, double)"/>, computed in double and rounded once.</summary>
    /// <param name="probability">As in the double overload.</param>
    /// <param name="target">As in the double overload.</param>
    /// <returns>The partial derivative, rounded to float.</returns>
    public static float BinaryCrossEntropyMixedCurvature(float probability, float target) => (float)BinaryCrossEntropyMixedCurvature((double)probability, (double)target);

    /// <summary>The float overload of <see cref="BinaryCrossEntropyTargetCurvature(double, double)"/>, computed in double and rounded once.</summary>
    /// <param name="probability">As in the double overload.</param>
    /// <param name="target">As in the double overload.</param>
    /// <returns>The partial derivative, rounded to float.</returns>
    public static float BinaryCrossEntropyTargetCurvature(float probability, float target) => (float)BinaryCrossEntropyTargetCurvature((double)probability, (double)target);

    /// <summary>The float overload of <see cref="BinaryCrossEntropyWithLogitsCurvature(double, double)"/>, computed in double and rounded once.</summary>
    /// <param name="logit">As in the double overload.</param>
    /// <param name="target">As in the double overload.</param>
    /// <returns>The partial derivative, rounded to float.</returns>
    public static float BinaryCrossEntropyWithLogitsCurvature(float logit, float target) => (float)BinaryCrossEntropyWithLogitsCurvature((double)logit, (double)target);

    /// <summary>The float overload of <see cref="BinaryCrossEntropyWithLogitsMixedCurvature(double, double)"/>, computed in double and rounded once.</summary>
    /// <param name="logit">As in the double overload.</param>
    /// <param name="target">As in the double overload.</param>
    /// <returns>The partial derivative, rounded to float.</returns>
    public static float BinaryCrossEntropyWithLogitsMixedCurvature(float logit, float target) => (float)BinaryCrossEntropyWithLogitsMixedCurvature((double)logit, (double)target);

    /// <summary>The float overload of <see cref="BinaryCrossEntropyWithLogitsTargetCurvature(double, double)"/>, computed in double and rounded once.</summary>
    /// <param name="logit">As in the double overload.</param>
    /// <param name="target">As in the double overload.</param>
    /// <returns>The partial derivative, rounded to float.</returns>
    public static float BinaryCrossEntropyWithLogitsTargetCurvature(float logit, float target) => (float)BinaryCrossEntropyWithLogitsTargetCurvature((double)logit, (double)target);
}
