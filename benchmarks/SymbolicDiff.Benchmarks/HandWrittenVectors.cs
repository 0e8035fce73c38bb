using SymbolicDiff.Runtime;
using SymbolicDiff;

namespace SymbolicDiff.Benchmarks;

/// <summary>
/// Value and gradient of the span models in <see cref="VectorFunctions"/>, written by hand as a person would (the
/// MLP adapted from the tests' oracle, tests/SymbolicDiff.Tests/Samples/MlpModelHandWritten.cs): the reference for
/// "as fast as by hand". Same contract as the generated span overloads: the gradient is overwritten, lengths checked.
/// Buffers are zeroed with <see cref="Zeroing.Clear{T}"/>, as the generated code does, not <c>Span.Clear</c>: on .NET 10
/// the latter leaves the vector registers dirty and every later <c>Math.Exp</c> or <c>Math.Tanh</c> pays the AVX–SSE
/// transition penalty (docs/jacobians.md), which made this reference 6.8 times slower than the generated gradient.
/// The AD-bench references in AdBench/HandWritten do the same.
/// </summary>
public static class HandWrittenVectors
{
    /// <summary>Logistic regression: with z = w·x + b, ∂BCE/∂z = σ(z) − y, so ∂L/∂w = (σ(z) − y)·x and ∂L/∂b = σ(z) − y.</summary>
    public static double LogisticLoss(
        ReadOnlySpan<double> x, ReadOnlySpan<double> weights, double bias, double y, Span<double> dWeights, out double dBias)
    {
        if (dWeights.Length != weights.Length)
        {
            throw new ArgumentException($"dWeights has {dWeights.Length} elements; it must have {weights.Length}.", nameof(dWeights));
        }

        double z = bias;
        for (int i = 0; i < x.Length; i++)
        {
            z += weights[i] * x[i];
        }

        double residual = Activations.Sigmoid(z) - y;
        for (int i = 0; i < x.Length; i++)
        {
            dWeights[i] = residual * x[i];
        }

        dBias = residual;
        return Losses.BinaryCrossEntropyWithLogits(z, y);
    }

    /// <summary>
    /// <see cref="VectorFunctions.MlpBatchLoss"/> and its gradient by backpropagation, row by row (forward, then
    /// backward, so nothing is saved across rows). Per row, with p = softmax(logits) and g_k = (p_k − [k = label]) / n:
    /// ∂/∂b2_k += g_k, ∂/∂w2_kj += g_k·h_j; δ_j = (Σ_k g_k·w2_kj)·(1 − h_j²), ∂/∂b1_j += δ_j, ∂/∂w1_jc += δ_j·x_c.
    /// </summary>
    public static double MlpBatchLoss(
        ReadOnlySpan<double> features, ReadOnlySpan<int> labels,
        ReadOnlySpan<double> w1, ReadOnlySpan<double> b1, ReadOnlySpan<double> w2, ReadOnlySpan<double> b2,
        Span<double> dW1, Span<double> dB1, Span<double> dW2, Span<double> dB2)
    {
        CheckLength(dW1, w1, nameof(dW1));
        CheckLength(dB1, b1, nameof(dB1));
        CheckLength(dW2, w2, nameof(dW2));
        CheckLength(dB2, b2, nameof(dB2));

        int hiddenCount = b1.Length;
        int classCount = b2.Length;
        int d = w1.Length / hiddenCount;
        int n = labels.Length;
        Span<double> hidden = stackalloc double[hiddenCount];
        Span<double> logits = stackalloc double[classCount];
        Span<double> dHidden = stackalloc double[hiddenCount];
        Zeroing.Clear(dW1);
        Zeroing.Clear(dB1);
        Zeroing.Clear(dW2);
        Zeroing.Clear(dB2);

        double total = 0;
        for (int r = 0; r < n; r++)
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

            double m = logits[0];
            for (int k = 1; k < classCount; k++)
            {
                m = Math.Max(m, logits[k]);
            }

            double sum = 0;
            for (int k = 0; k < classCount; k++)
            {
                sum += Math.Exp(logits[k] - m);
            }

            int label = labels[r];
            total += Math.Log(sum) + m - logits[label];

            // Output layer: the shift m cancels out of the loss, so it has no gradient of its own.
            Zeroing.Clear(dHidden);
            for (int k = 0; k < classCount; k++)
            {
                double g = (Math.Exp(logits[k] - m) / sum - (k == label ? 1.0 : 0.0)) / n;
                dB2[k] += g;
                for (int j = 0; j < hiddenCount; j++)
                {
                    dW2[k * hiddenCount + j] += g * hidden[j];
                    dHidden[j] += g * w2[k * hiddenCount + j];
                }
            }

            // Hidden layer, through tanh' = 1 − tanh².
            for (int j = 0; j < hiddenCount; j++)
            {
                double delta = dHidden[j] * (1 - hidden[j] * hidden[j]);
                dB1[j] += delta;
                for (int c = 0; c < d; c++)
                {
                    dW1[j * d + c] += delta * x[c];
                }
            }
        }

        return total / n;
    }

    private static void CheckLength(Span<double> gradient, ReadOnlySpan<double> parameter, string name)
    {
        if (gradient.Length != parameter.Length)
        {
            throw new ArgumentException($"{name} has {gradient.Length} elements; it must have {parameter.Length}.", name);
        }
    }
}
