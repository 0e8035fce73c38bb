using SymbolicDiff;

/// <summary>
/// The four-feature logistic-regression model of Part 3, written as one method over a whole mini-batch: the
/// generator adds <c>BatchLossWithGradient</c>, which is why the class is <see langword="partial"/>.
/// </summary>
public static partial class LogisticModel
{
    /// <summary>
    /// The mean binary cross-entropy of the logistic-regression model z = w·x + b over a batch of rows.
    /// </summary>
    /// <param name="features">The batch, row-major: row r is <c>features[r * d .. r * d + d]</c>, with d = <c>weights.Length</c>.</param>
    /// <param name="labels">One label per row: 1 for Gentoo, 0 for Adelie.</param>
    /// <param name="weights">One weight per feature.</param>
    /// <param name="bias">The bias b.</param>
    /// <returns>(1/n) Σ BCE(z_r, y_r), with the logit form of the loss (stable for any margin).</returns>
    [Differentiable(nameof(weights), nameof(bias))]
    public static double BatchLoss(ReadOnlySpan<double> features, ReadOnlySpan<double> labels, ReadOnlySpan<double> weights, double bias)
    {
        int d = weights.Length;
        double total = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            double z = bias;
            for (int c = 0; c < d; c++)
            {
                z += weights[c] * features[r * d + c];
            }

            total += Losses.BinaryCrossEntropyWithLogits(z, labels[r]);
        }

        return total / labels.Length;
    }

    /// <summary>The logit z = w·x + b of one row; z ≥ 0 (σ(z) ≥ 0.5) is classified Gentoo.</summary>
    public static double Logit(ReadOnlySpan<double> row, ReadOnlySpan<double> weights, double bias)
    {
        double z = bias;
        for (int c = 0; c < weights.Length; c++)
        {
            z += weights[c] * row[c];
        }

        return z;
    }
}
