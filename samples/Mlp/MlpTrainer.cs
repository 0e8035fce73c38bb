using SymbolicDiff.Optimizers;
using static System.FormattableString;

/// <summary>
/// Holds the network's parameters as one vector and trains them by mini-batch gradient descent, calling
/// <see cref="MlpModel.BatchLossWithGradient"/> once per shuffled batch.
/// </summary>
internal sealed class MlpTrainer
{
    private readonly int _inputCount;
    private readonly int _hiddenCount;
    private readonly int _classCount;
    private readonly IOptimizer _optimizer;
    private readonly int _batchSize;
    private readonly Random _random;

    // w1 (H × d) | b1 (H) | w2 (K × H) | b2 (K), in one array so that one optimizer steps them all; the gradient
    // array has the same layout, and both are handed to the model as four slices.
    private readonly double[] _parameters;
    private readonly Range _w1, _b1, _w2, _b2;

    public MlpTrainer(int inputCount, int hiddenCount, int classCount, IOptimizer optimizer, int batchSize, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        (_inputCount, _hiddenCount, _classCount) = (inputCount, hiddenCount, classCount);
        _optimizer = optimizer;
        _batchSize = batchSize;
        _random = random;
        int w1 = hiddenCount * inputCount, b1 = hiddenCount, w2 = classCount * hiddenCount;
        (_w1, _b1, _w2, _b2) = (0..w1, w1..(w1 + b1), (w1 + b1)..(w1 + b1 + w2), (w1 + b1 + w2)..(w1 + b1 + w2 + classCount));
        _parameters = new double[ParameterCount];
        Initialise();
    }

    public int ParameterCount => _hiddenCount * _inputCount + _hiddenCount + _classCount * _hiddenCount + _classCount;

    /// <summary>The mean training loss before training (index 0) and after each epoch.</summary>
    public List<double> LossHistory { get; } = [];

    /// <summary>The training accuracy (a fraction) before training (index 0) and after each epoch.</summary>
    public List<double> AccuracyHistory { get; } = [];

    /// <summary>
    /// Runs <paramref name="epochs"/> passes over the training rows, printing one line per epoch: the mean loss
    /// and the accuracy on the whole training set.
    /// </summary>
    /// <param name="features">The training rows, row-major (n × d).</param>
    /// <param name="labels">One class index per row.</param>
    public void Train(double[] features, int[] labels, int epochs, TextWriter output)
    {
        int d = _inputCount;
        if (features.Length != labels.Length * d)
        {
            throw new ArgumentException($"{features.Length} feature values for {labels.Length} rows of {d}.", nameof(features));
        }

        int[] order = Enumerable.Range(0, labels.Length).ToArray();
        var batchFeatures = new double[_batchSize * d];
        var batchLabels = new int[_batchSize];
        var gradient = new double[_parameters.Length];

        output.WriteLine("  epoch  mean train loss  train accuracy");
        PrintProgress(output, 0, features, labels);
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            // Reshuffle every epoch so that mini-batches differ between passes (seeded, so still reproducible).
            _random.Shuffle(order);
            for (int start = 0; start < order.Length; start += _batchSize)
            {
                int rows = Math.Min(_batchSize, order.Length - start);
                for (int i = 0; i < rows; i++)
                {
                    int row = order[start + i];
                    features.AsSpan(row * d, d).CopyTo(batchFeatures.AsSpan(i * d, d));
                    batchLabels[i] = labels[row];
                }

                // The batch loss is the mean over its rows, so this is already the mean gradient; the last
                // batch of an epoch may be shorter.
                MlpModel.BatchLossWithGradient(
                    batchFeatures.AsSpan(0, rows * d), batchLabels.AsSpan(0, rows), W1, B1, W2, B2,
                    gradient.AsSpan(_w1), gradient.AsSpan(_b1), gradient.AsSpan(_w2), gradient.AsSpan(_b2));
                _optimizer.Step(_parameters, gradient);
            }

            PrintProgress(output, epoch, features, labels);
        }
    }

    /// <summary>The mean loss of the current network over the rows.</summary>
    public double MeanLoss(double[] features, int[] labels) => MlpModel.BatchLoss(features, labels, W1, B1, W2, B2);

    /// <summary>The predicted class of each row.</summary>
    public int[] Predict(double[] features)
    {
        int d = _inputCount;
        var predictions = new int[features.Length / d];
        for (int r = 0; r < predictions.Length; r++)
        {
            predictions[r] = MlpModel.Predict(features.AsSpan(r * d, d), W1, B1, W2, B2);
        }

        return predictions;
    }

    /// <summary>The number of rows whose predicted class is their label.</summary>
    public int CountCorrect(double[] features, int[] labels) =>
        Predict(features).Zip(labels).Count(pair => pair.First == pair.Second);

    private ReadOnlySpan<double> W1 => _parameters.AsSpan(_w1);

    private ReadOnlySpan<double> B1 => _parameters.AsSpan(_b1);

    private ReadOnlySpan<double> W2 => _parameters.AsSpan(_w2);

    private ReadOnlySpan<double> B2 => _parameters.AsSpan(_b2);

    /// <summary>
    /// Glorot (Xavier) uniform weights, U(−a, a) with a = √(6 / (fan-in + fan-out)), which keeps tanh units out of
    /// saturation at the start; zero biases. Random weights break the symmetry between hidden units.
    /// </summary>
    private void Initialise()
    {
        Fill(_parameters.AsSpan(_w1), Math.Sqrt(6.0 / (_inputCount + _hiddenCount)));
        Fill(_parameters.AsSpan(_w2), Math.Sqrt(6.0 / (_hiddenCount + _classCount)));

        void Fill(Span<double> weights, double limit)
        {
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = (2 * _random.NextDouble() - 1) * limit;
            }
        }
    }

    private void PrintProgress(TextWriter output, int epoch, double[] features, int[] labels)
    {
        double loss = MeanLoss(features, labels);
        double accuracy = (double)CountCorrect(features, labels) / labels.Length;
        LossHistory.Add(loss);
        AccuracyHistory.Add(accuracy);
        output.WriteLine(Invariant($"  {epoch,5}  {loss,15:0.000000}  {Percent(accuracy),14}"));
    }

    /// <summary>Formats a fraction as a percentage with two decimals, the same in every culture.</summary>
    public static string Percent(double fraction) => Invariant($"{100 * fraction:0.00}%");
}
