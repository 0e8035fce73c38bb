using SymbolicDiff;

namespace SymbolicDiff.Tests.Samples;

// The gradient of the LogisticRegression sample's model derived by hand, with the derivation in its comments: the
// independent oracle that the generated LogisticModel.BatchLossWithGradient is compared against (and both against
// central finite differences) in HandWrittenGradientTests.
/// <summary>Gradients of this model's methods derived by hand: the oracle for the generated ones.</summary>
public static class LogisticModelHandWritten
{
    /// <summary>
    /// <see cref="LogisticModel.BatchLoss"/> and its gradient. With z_r = b + Σ_c w_c·x_rc and the loss
    /// L = (1/n) Σ_r BCE(z_r, y_r), ∂BCE/∂z = σ(z) − y, so
    /// ∂L/∂w_c = (1/n) Σ_r (σ(z_r) − y_r)·x_rc and ∂L/∂b = (1/n) Σ_r (σ(z_r) − y_r).
    /// </summary>
    /// <returns>The loss, as <see cref="LogisticModel.BatchLoss"/> computes it.</returns>
    /// <exception cref="ArgumentException"><paramref name="dWeights"/> is not as long as <paramref name="weights"/>.</exception>
    public static double BatchLossWithGradient(
        ReadOnlySpan<double> features, ReadOnlySpan<double> labels, ReadOnlySpan<double> weights, double bias,
        Span<double> dWeights, out double dBias)
    {
        if (dWeights.Length != weights.Length)
        {
            throw new ArgumentException(
                $"dWeights has {dWeights.Length} elements; it must have one per weight ({weights.Length}).", nameof(dWeights));
        }

        int d = weights.Length;
        int n = labels.Length;
        dWeights.Clear();
        dBias = 0;
        double total = 0;
        for (int r = 0; r < n; r++)
        {
            ReadOnlySpan<double> row = features.Slice(r * d, d);
            double z = bias;
            for (int c = 0; c < d; c++)
            {
                z += weights[c] * row[c];
            }

            total += Losses.BinaryCrossEntropyWithLogits(z, labels[r]);

            double dz = (Activations.Sigmoid(z) - labels[r]) / n;
            for (int c = 0; c < d; c++)
            {
                dWeights[c] += dz * row[c];
            }

            dBias += dz;
        }

        return total / n;
    }
}
