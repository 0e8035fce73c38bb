using SymbolicDiff;

/// <summary>
/// A one-hidden-layer perceptron: d inputs → H tanh units → K logits, trained with softmax cross-entropy. The
/// loss over a whole mini-batch is one method, which the generator differentiates (it adds
/// <c>BatchLossWithGradient</c>, which is why the class is <see langword="partial"/>).
/// </summary>
/// <remarks>
/// Parameter shapes, all row-major: <c>w1</c> is H × d (row j holds the weights into hidden unit j), <c>b1</c> has H
/// elements, <c>w2</c> is K × H (row k holds the weights into logit k), <c>b2</c> has K elements. H and K are read from
/// the bias lengths and d = <c>w1.Length / H</c>.
/// </remarks>
public static partial class MlpModel
{
    /// <summary>
    /// The mean softmax cross-entropy of the network over a batch of rows:
    /// (1/n) Σ_r [log Σ_k exp(logit_rk) − logit_r,label_r], with h = tanh(W1·x + b1) and logits = W2·h + b2.
    /// </summary>
    /// <param name="features">The batch, row-major: row r is <c>features[r * d .. r * d + d]</c>.</param>
    /// <param name="labels">One class index per row, in [0, K).</param>
    /// <param name="w1">Input-to-hidden weights, H × d.</param>
    /// <param name="b1">Hidden biases, H.</param>
    /// <param name="w2">Hidden-to-output weights, K × H.</param>
    /// <param name="b2">Output biases, K.</param>
    /// <returns>The mean loss.</returns>
    [Differentiable(nameof(w1), nameof(b1), nameof(w2), nameof(b2))]
    public static double BatchLoss(
        ReadOnlySpan<double> features, ReadOnlySpan<int> labels,
        ReadOnlySpan<double> w1, ReadOnlySpan<double> b1, ReadOnlySpan<double> w2, ReadOnlySpan<double> b2)
    {
        Span<double> hidden = stackalloc double[b1.Length];
        Span<double> logits = stackalloc double[b2.Length];
        int hiddenCount = b1.Length;
        int classCount = b2.Length;
        int d = w1.Length / hiddenCount;
        double total = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            ReadOnlySpan<double> x = features.Slice(r * d, d);
            for (int j = 0; j < hiddenCount; j++)
            {
                double a = b1[j];
                for (int c = 0; c < d; c++)
                {
                    a += w1[j * d + c] * x[c];
                }

                hidden[j] = Math.Tanh(a);
            }

            for (int k = 0; k < classCount; k++)
            {
                double z = b2[k];
                for (int j = 0; j < hiddenCount; j++)
                {
                    z += w2[k * hiddenCount + j] * hidden[j];
                }

                logits[k] = z;
            }

            // Softmax cross-entropy of this row (log Σ exp(logit) − logit[label], stable for any logits): a
            // span loss whose gradient the runtime declares, so the generator calls it rather than unrolling it.
            total += Losses.SoftmaxCrossEntropy(logits, labels[r]);
        }

        return total / labels.Length;
    }

    /// <summary>The predicted class of one row: the index of its largest logit (the first one on a tie).</summary>
    public static int Predict(
        ReadOnlySpan<double> row, ReadOnlySpan<double> w1, ReadOnlySpan<double> b1, ReadOnlySpan<double> w2, ReadOnlySpan<double> b2)
    {
        int hiddenCount = b1.Length, d = row.Length;
        Span<double> hidden = stackalloc double[hiddenCount];
        for (int j = 0; j < hiddenCount; j++)
        {
            double a = b1[j];
            for (int c = 0; c < d; c++)
            {
                a += w1[j * d + c] * row[c];
            }

            hidden[j] = Math.Tanh(a);
        }

        int best = 0;
        double bestLogit = double.NegativeInfinity;
        for (int k = 0; k < b2.Length; k++)
        {
            double z = b2[k];
            for (int j = 0; j < hiddenCount; j++)
            {
                z += w2[k * hiddenCount + j] * hidden[j];
            }

            if (z > bestLogit)
            {
                (best, bestLogit) = (k, z);
            }
        }

        return best;
    }
}
