namespace SymbolicDiff;

/// <summary>
/// Loss functions of one prediction and one target, with declared partial derivatives with respect to
/// both, so that the SymbolicDiff generator can differentiate through calls to them.
/// </summary>
/// <remarks>
/// All methods are pure and never throw: a <see cref="double.NaN"/> argument gives a
/// <see cref="double.NaN"/> result.
/// </remarks>
public static class Losses
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
    public static double MeanSquaredErrorPredictionDerivative(double prediction, double target) => 2.0 * (prediction - target);

    /// <summary>The partial derivative of <see cref="MeanSquaredError(double, double)"/> with respect to the target: −2(p − t).</summary>
    /// <param name="prediction">The prediction p.</param>
    /// <param name="target">The target t.</param>
    /// <returns>−2(p − t) = 2(t − p).</returns>
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
    public static double HalfSquaredErrorPredictionDerivative(double prediction, double target) => prediction - target;

    /// <summary>The partial derivative of <see cref="HalfSquaredError(double, double)"/> with respect to the target: −(p − t).</summary>
    /// <param name="prediction">The prediction p.</param>
    /// <param name="target">The target t.</param>
    /// <returns>t − p.</returns>
    public static double HalfSquaredErrorTargetDerivative(double prediction, double target) => target - prediction;
}
