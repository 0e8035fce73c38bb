using SymbolicDiff;

// TEMPORARY STAND-IN AND TEST ORACLE.
//
// LogisticModel.BatchLoss has loops and spans, which the generator does not differentiate yet (issue 4), so
// its [Differentiable] attribute is commented out and nothing generates BatchLossWithGradient. Until then:
//
// - LogisticModel.BatchLossWithGradient below stands in for the generated method, with exactly the signature
//   the generator will emit, so that the trainer is already written against the generated API. When the
//   attribute is enabled, delete that one method (the generator then emits it) and nothing else changes.
// - LogisticModel.HandWritten.BatchLossWithGradient is the gradient derived by hand. It stays after the
//   generator lands: it is the independent oracle that the tests compare the generated gradient against
//   (today they check it against central finite differences, tests/SymbolicDiff.Tests/Samples).
public static partial class LogisticModel
{
    /// <summary>
    /// Stand-in for the generated gradient of <see cref="BatchLoss"/> (delete when [Differentiable] is enabled):
    /// returns the loss, overwrites <paramref name="dWeights"/> with ∂loss/∂weights and sets <paramref name="dBias"/>.
    /// </summary>
    public static double BatchLossWithGradient(
        ReadOnlySpan<double> features, ReadOnlySpan<double> labels, ReadOnlySpan<double> weights, double bias,
        Span<double> dWeights, out double dBias) =>
        HandWritten.BatchLossWithGradient(features, labels, weights, bias, dWeights, out dBias);

    /// <summary>Gradients of this model's methods derived by hand: the oracle for the generated ones.</summary>
    public static class HandWritten
    {
        /// <summary>
        /// <see cref="BatchLoss"/> and its gradient. With z_r = b + Σ_c w_c·x_rc and the loss
        /// L = (1/n) Σ_r BCE(z_r, y_r), ∂BCE/∂z = σ(z) − y, so
        /// ∂L/∂w_c = (1/n) Σ_r (σ(z_r) − y_r)·x_rc and ∂L/∂b = (1/n) Σ_r (σ(z_r) − y_r).
        /// </summary>
        /// <returns>The loss, as <see cref="BatchLoss"/> computes it.</returns>
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
}
