using SymbolicDiff;

/// <summary>
/// The differentiable functions of this sample. Each method is plain straight-line scalar code; the
/// SymbolicDiff generator adds <c>LossWithGradient</c>, <c>HalfLossWithGradient</c> and
/// <c>ClassifierLossWithGradient</c> (and their <c>...Gradient</c> record structs) at compile time, which is
/// why the class is <see langword="partial"/>; and <c>LossDerivation</c> and the others, the step-by-step traces
/// Part 1 prints.
/// </summary>
public static partial class Neuron
{
    [Differentiable(nameof(w), nameof(b))]
    public static double Loss(double x, double w, double b, double y)
    {
        double z = x * w + b;
        double a = Activations.Sigmoid(z);
        return Losses.MeanSquaredError(a, y);   // Losses.HalfSquaredError(a, y) is the textbook 1/2 form
    }

    /// <summary>
    /// The same neuron with the textbook loss ½(a − y)², whose factor ½ cancels the 2 of the power rule;
    /// kept beside <see cref="Loss"/> so the worked example can show both conventions.
    /// </summary>
    [Differentiable(nameof(w), nameof(b))]
    public static double HalfLoss(double x, double w, double b, double y)
    {
        double z = x * w + b;
        double a = Activations.Sigmoid(z);
        return Losses.HalfSquaredError(a, y);
    }

    /// <summary>
    /// Per-example loss of the two-feature logistic-regression classifier a = σ(w1·x1 + w2·x2 + b).
    /// Squared error on the sigmoid output rather than log-loss: it needs only the runtime primitives and
    /// stays finite even when the model is confidently wrong, at the cost of slower learning there.
    /// </summary>
    [Differentiable(nameof(w1), nameof(w2), nameof(b))]
    public static double ClassifierLoss(double x1, double x2, double w1, double w2, double b, double y)
    {
        double z = x1 * w1 + x2 * w2 + b;
        double a = Activations.Sigmoid(z);
        return Losses.MeanSquaredError(a, y);
    }
}
