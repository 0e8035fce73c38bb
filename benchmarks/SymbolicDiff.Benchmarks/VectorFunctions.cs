using SymbolicDiff;

namespace SymbolicDiff.Benchmarks;

/// <summary>
/// The span models benchmarked (those of the samples, copied here so that the generator runs on them in this
/// project): it adds <c>LogisticLossWithGradient</c> and <c>MlpBatchLossWithGradient</c>.
/// </summary>
public static partial class VectorFunctions
{
    /// <summary>Logistic regression over d features, z = w·x + b, with the logit form of the binary cross-entropy.</summary>
    [Differentiable(nameof(weights), nameof(bias))]
    public static double LogisticLoss(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, double bias, double y)
    {
        double z = bias;
        for (int i = 0; i < x.Length; i++)
        {
            z += weights[i] * x[i];
        }

        return Losses.BinaryCrossEntropyWithLogits(z, y);
    }

    /// <summary>
    /// The MLP sample's loss (samples/Mlp/MlpModel.cs): the mean softmax cross-entropy over a batch of rows of a
    /// d → H tanh → K network. Row-major: <c>w1</c> is H × d, <c>w2</c> is K × H; H and K are the bias lengths.
    /// </summary>
    [Differentiable(nameof(w1), nameof(b1), nameof(w2), nameof(b2))]
    public static double MlpBatchLoss(
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

            total += Losses.SoftmaxCrossEntropy(logits, labels[r]);
        }

        return total / labels.Length;
    }
}
