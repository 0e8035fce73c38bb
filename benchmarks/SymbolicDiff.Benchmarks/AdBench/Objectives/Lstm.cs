using SymbolicDiff;

namespace SymbolicDiff.Benchmarks.AdBench;

public static partial class AdBenchObjectives
{
    /// <summary>
    /// ADBench's <c>lstm_objective</c> (microsoft/ADBench src/cpp/shared/lstm.h; GradBench cpp/gradbench/evals/lstm.hpp):
    /// <paramref name="layers"/> stacked LSTM layers of b cells (b = extraParams.Length / 3) run over a sequence of
    /// c one-hot-like vectors of length b, predicting each next vector; the loss is minus the mean of
    /// ygold · (ypred − log(Σ exp(ypred) + 2)) (ADBench's logsumexp adds 2). Per layer, <paramref name="mainParams"/>
    /// holds 4b weights then 4b biases (forget, input, output gate, change); <paramref name="extraParams"/> the input
    /// weights, output weights and output biases; <paramref name="state"/> each layer's hidden then cell values, which
    /// the objective copies and updates over the sequence.
    /// </summary>
    [Differentiable(nameof(mainParams), nameof(extraParams))]
    public static double LstmObjective(
        ReadOnlySpan<double> mainParams, ReadOnlySpan<double> extraParams, ReadOnlySpan<double> state,
        ReadOnlySpan<double> sequence, int layers)
    {
        int b = extraParams.Length / 3;
        int c = sequence.Length / b;
        Span<double> s = stackalloc double[state.Length];
        Span<double> layerInput = stackalloc double[b];
        Span<double> prediction = stackalloc double[b];
        for (int i = 0; i < state.Length; i++)
        {
            s[i] = state[i];
        }

        double total = 0;
        for (int t = 0; t < c - 1; t++)
        {
            for (int i = 0; i < b; i++)
            {
                layerInput[i] = sequence[t * b + i] * extraParams[i];
            }

            for (int layer = 0; layer < layers; layer++)
            {
                int weight = layer * 8 * b;
                int bias = weight + 4 * b;
                int hidden = layer * 2 * b;
                int cell = hidden + b;
                for (int i = 0; i < b; i++)
                {
                    double forget = Activations.Sigmoid(layerInput[i] * mainParams[weight + i] + mainParams[bias + i]);
                    double ingate = Activations.Sigmoid(s[hidden + i] * mainParams[weight + b + i] + mainParams[bias + b + i]);
                    double outgate = Activations.Sigmoid(layerInput[i] * mainParams[weight + 2 * b + i] + mainParams[bias + 2 * b + i]);
                    double change = Math.Tanh(s[hidden + i] * mainParams[weight + 3 * b + i] + mainParams[bias + 3 * b + i]);
                    s[cell + i] = s[cell + i] * forget + ingate * change;
                    s[hidden + i] = outgate * Math.Tanh(s[cell + i]);
                }

                for (int i = 0; i < b; i++)
                {
                    layerInput[i] = s[hidden + i];
                }
            }

            for (int i = 0; i < b; i++)
            {
                prediction[i] = layerInput[i] * extraParams[b + i] + extraParams[2 * b + i];
            }

            double sumExp = 0;
            for (int i = 0; i < b; i++)
            {
                sumExp += Math.Exp(prediction[i]);
            }

            double logSumExp = Math.Log(sumExp + 2);
            for (int i = 0; i < b; i++)
            {
                total += sequence[(t + 1) * b + i] * (prediction[i] - logSumExp);
            }
        }

        return -total / ((c - 1) * b);
    }
}
