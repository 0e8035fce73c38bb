using SymbolicDiff.Runtime;
using System.Buffers;

namespace SymbolicDiff.Benchmarks.AdBench;

public static partial class AdBenchHandWritten
{
    private const int LstmSaved = 8;

    /// <summary>
    /// Backpropagation through time for <see cref="AdBenchObjectives.LstmObjective"/>, as ADBench's manual LSTM
    /// gradient (microsoft/ADBench src/cpp/shared/lstm_d.cpp; GradBench tools/manual/lstm_d.cpp) does it: the
    /// forward pass keeps, per step, layer and cell, the layer's input, the previous hidden and cell values, the
    /// four gates and tanh of the new cell (8 values, from the array pool); the backward pass runs the steps and
    /// layers in reverse, carrying the adjoints of each layer's hidden and cell state from one step to the one
    /// before. With the cells independent (ADBench's LSTM multiplies elementwise), per cell: ō = h̄ tanh c,
    /// c̄ += h̄ o (1 − tanh² c), then f̄ = c̄ c₋, ī = c̄ ĉ, ĉ̄ = c̄ i, c̄₋ = c̄ f, and each gate's pre-activation
    /// adjoint (σ' = σ(1 − σ), tanh' = 1 − tanh², as ADBench's; see <see cref="LstmObjectiveAccurate"/> for the
    /// derivatives the generated code takes) goes to its weight (times its input), its bias, and its input.
    /// </summary>
    public static double LstmObjective(
        ReadOnlySpan<double> mainParams, ReadOnlySpan<double> extraParams, ReadOnlySpan<double> state,
        ReadOnlySpan<double> sequence, int layers, Span<double> dMainParams, Span<double> dExtraParams) =>
        LstmObjective<FromValues>(mainParams, extraParams, state, sequence, layers, dMainParams, dExtraParams);

    /// <summary>
    /// The gradient of <see cref="LstmObjective(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, Span{double}, Span{double})"/>
    /// with the activations' derivatives given by <typeparamref name="TDerivatives"/> (a struct, so the JIT compiles one
    /// copy per rule and the plain rule pays nothing for the other's pre-activations).
    /// </summary>
    private static double LstmObjective<TDerivatives>(
        ReadOnlySpan<double> mainParams, ReadOnlySpan<double> extraParams, ReadOnlySpan<double> state,
        ReadOnlySpan<double> sequence, int layers, Span<double> dMainParams, Span<double> dExtraParams)
        where TDerivatives : struct, ILstmDerivatives
    {
        int b = extraParams.Length / 3;
        int c = sequence.Length / b;
        int steps = c - 1;
        double[] saved = ArrayPool<double>.Shared.Rent(steps * layers * b * LstmSaved);
        double[] work = ArrayPool<double>.Shared.Rent(2 * state.Length + 3 * b);
        Span<double> s = work.AsSpan(0, state.Length);
        Span<double> stateBar = work.AsSpan(state.Length, state.Length);
        Span<double> layerInput = work.AsSpan(2 * state.Length, b);
        Span<double> prediction = work.AsSpan(2 * state.Length + b, b);
        Span<double> inputBar = work.AsSpan(2 * state.Length + 2 * b, b);
        state.CopyTo(s);

        double total = 0;
        for (int t = 0; t < steps; t++)
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
                int record = (t * layers + layer) * b * LstmSaved;
                for (int i = 0; i < b; i++)
                {
                    double input = layerInput[i];
                    double hiddenBefore = s[hidden + i];
                    double cellBefore = s[cell + i];
                    double forget = Sigmoid(input * mainParams[weight + i] + mainParams[bias + i]);
                    double ingate = Sigmoid(hiddenBefore * mainParams[weight + b + i] + mainParams[bias + b + i]);
                    double outgate = Sigmoid(input * mainParams[weight + 2 * b + i] + mainParams[bias + 2 * b + i]);
                    double change = Math.Tanh(hiddenBefore * mainParams[weight + 3 * b + i] + mainParams[bias + 3 * b + i]);
                    double cellAfter = cellBefore * forget + ingate * change;
                    double tanhCell = Math.Tanh(cellAfter);
                    s[cell + i] = cellAfter;
                    s[hidden + i] = outgate * tanhCell;
                    layerInput[i] = outgate * tanhCell;
                    Span<double> r = saved.AsSpan(record + i * LstmSaved, LstmSaved);
                    r[0] = input;
                    r[1] = hiddenBefore;
                    r[2] = cellBefore;
                    r[3] = forget;
                    r[4] = ingate;
                    r[5] = outgate;
                    r[6] = change;
                    r[7] = tanhCell;
                }
            }

            double sumExp = 0;
            for (int i = 0; i < b; i++)
            {
                prediction[i] = layerInput[i] * extraParams[b + i] + extraParams[2 * b + i];
                sumExp += Math.Exp(prediction[i]);
            }

            double logSumExp = Math.Log(sumExp + 2);
            for (int i = 0; i < b; i++)
            {
                total += sequence[(t + 1) * b + i] * (prediction[i] - logSumExp);
            }
        }

        double scale = -1.0 / (steps * b);
        Zeroing.Clear(dMainParams);
        Zeroing.Clear(dExtraParams);
        Zeroing.Clear(stateBar);
        int last = layers - 1;
        for (int t = steps - 1; t >= 0; t--)
        {
            // The prediction from the last layer's output, recomputed from what was saved.
            int lastRecord = (t * layers + last) * b * LstmSaved;
            double sumExp = 0;
            double goldSum = 0;
            for (int i = 0; i < b; i++)
            {
                double output = saved[lastRecord + i * LstmSaved + 5] * saved[lastRecord + i * LstmSaved + 7];
                prediction[i] = output * extraParams[b + i] + extraParams[2 * b + i];
                sumExp += Math.Exp(prediction[i]);
                goldSum += sequence[(t + 1) * b + i];
            }

            // loss = scale Σ gold (pred − log(Σ exp pred + 2)).
            int lastHidden = last * 2 * b;
            for (int i = 0; i < b; i++)
            {
                double output = saved[lastRecord + i * LstmSaved + 5] * saved[lastRecord + i * LstmSaved + 7];
                double predictionBar = scale * (sequence[(t + 1) * b + i] - goldSum * Math.Exp(prediction[i]) / (sumExp + 2));
                dExtraParams[b + i] += predictionBar * output;
                dExtraParams[2 * b + i] += predictionBar;
                stateBar[lastHidden + i] += predictionBar * extraParams[b + i];
            }

            for (int layer = last; layer >= 0; layer--)
            {
                int weight = layer * 8 * b;
                int bias = weight + 4 * b;
                int hidden = layer * 2 * b;
                int cell = hidden + b;
                int record = (t * layers + layer) * b * LstmSaved;
                for (int i = 0; i < b; i++)
                {
                    ReadOnlySpan<double> r = saved.AsSpan(record + i * LstmSaved, LstmSaved);
                    double input = r[0], hiddenBefore = r[1], cellBefore = r[2];
                    double forget = r[3], ingate = r[4], outgate = r[5], change = r[6], tanhCell = r[7];
                    double hiddenBar = stateBar[hidden + i];
                    double outgateBar = hiddenBar * tanhCell;
                    // The pre-activations, for a rule that reads them (TDerivatives.ReadsPreActivations is a constant per copy).
                    double forgetIn = 0, ingateIn = 0, outgateIn = 0, changeIn = 0, cellAfter = 0;
                    if (TDerivatives.ReadsPreActivations)
                    {
                        forgetIn = input * mainParams[weight + i] + mainParams[bias + i];
                        ingateIn = hiddenBefore * mainParams[weight + b + i] + mainParams[bias + b + i];
                        outgateIn = input * mainParams[weight + 2 * b + i] + mainParams[bias + 2 * b + i];
                        changeIn = hiddenBefore * mainParams[weight + 3 * b + i] + mainParams[bias + 3 * b + i];
                        cellAfter = cellBefore * forget + ingate * change;
                    }

                    double cellBar = stateBar[cell + i] + hiddenBar * outgate * TDerivatives.Tanh(cellAfter, tanhCell);
                    double forgetZ = cellBar * cellBefore * TDerivatives.Sigmoid(forgetIn, forget);
                    double ingateZ = cellBar * change * TDerivatives.Sigmoid(ingateIn, ingate);
                    double changeZ = cellBar * ingate * TDerivatives.Tanh(changeIn, change);
                    double outgateZ = outgateBar * TDerivatives.Sigmoid(outgateIn, outgate);
                    dMainParams[weight + i] += forgetZ * input;
                    dMainParams[bias + i] += forgetZ;
                    dMainParams[weight + b + i] += ingateZ * hiddenBefore;
                    dMainParams[bias + b + i] += ingateZ;
                    dMainParams[weight + 2 * b + i] += outgateZ * input;
                    dMainParams[bias + 2 * b + i] += outgateZ;
                    dMainParams[weight + 3 * b + i] += changeZ * hiddenBefore;
                    dMainParams[bias + 3 * b + i] += changeZ;
                    stateBar[cell + i] = cellBar * forget;
                    stateBar[hidden + i] = ingateZ * mainParams[weight + b + i] + changeZ * mainParams[weight + 3 * b + i];
                    inputBar[i] = forgetZ * mainParams[weight + i] + outgateZ * mainParams[weight + 2 * b + i];
                }

                if (layer > 0)
                {
                    // This layer's input is the layer below's output at the same step.
                    int below = (layer - 1) * 2 * b;
                    for (int i = 0; i < b; i++)
                    {
                        stateBar[below + i] += inputBar[i];
                    }
                }
                else
                {
                    for (int i = 0; i < b; i++)
                    {
                        dExtraParams[i] += inputBar[i] * sequence[t * b + i];
                    }
                }
            }
        }

        ArrayPool<double>.Shared.Return(saved);
        ArrayPool<double>.Shared.Return(work);
        return -total / (steps * b);
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    /// <summary>ADBench's derivatives, from the values alone: σ(1 − σ) and 1 − tanh², which lose relative accuracy in the tails.</summary>
    private readonly struct FromValues : ILstmDerivatives
    {
        public static bool ReadsPreActivations => false;

        public static double Sigmoid(double z, double sigmoid) => sigmoid * (1 - sigmoid);

        public static double Tanh(double u, double tanh) => 1 - tanh * tanh;
    }
}
