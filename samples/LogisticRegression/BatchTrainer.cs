using SymbolicDiff.Optimizers;
using static System.FormattableString;

/// <summary>
/// Trains the four-feature <see cref="LogisticModel"/> by mini-batch gradient descent: each step gathers a
/// shuffled batch of rows into one row-major buffer and calls <see cref="LogisticModel.BatchLossWithGradient"/>
/// once for the whole batch.
/// </summary>
internal sealed class BatchTrainer
{
    private readonly IOptimizer _optimizer;
    private readonly int _batchSize;
    private readonly Random _random;

    // The weights followed by the bias: one vector, so one optimizer steps them all; the gradient has the same layout.
    // Zero is a fine start: the loss is convex in them, and there is no symmetry to break.
    private readonly double[] _parameters;

    public BatchTrainer(int featureCount, IOptimizer optimizer, int batchSize, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _parameters = new double[featureCount + 1];
        _optimizer = optimizer;
        _batchSize = batchSize;
        _random = random;
    }

    public int FeatureCount => _parameters.Length - 1;

    public ReadOnlySpan<double> Weights => _parameters.AsSpan(0, FeatureCount);

    public double Bias => _parameters[FeatureCount];

    /// <summary>The mean training loss before training (index 0) and after each epoch.</summary>
    public List<double> LossHistory { get; } = [];

    /// <summary>
    /// Runs <paramref name="epochs"/> passes over the training rows, printing one line per epoch: the mean
    /// loss and accuracy on the whole training set.
    /// </summary>
    /// <param name="features">The training rows, row-major (n × <see cref="FeatureCount"/>).</param>
    /// <param name="labels">One 0/1 label per row.</param>
    public void Train(double[] features, double[] labels, int epochs, TextWriter output)
    {
        int d = FeatureCount;
        if (features.Length != labels.Length * d)
        {
            throw new ArgumentException($"{features.Length} feature values for {labels.Length} rows of {d}.", nameof(features));
        }

        int[] order = Enumerable.Range(0, labels.Length).ToArray();
        var batchFeatures = new double[_batchSize * d];
        var batchLabels = new double[_batchSize];
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

                // The batch loss is already the mean over its rows, so its gradient is the mean gradient: no
                // division by the batch size here. The last batch of an epoch may be shorter.
                LogisticModel.BatchLossWithGradient(
                    batchFeatures.AsSpan(0, rows * d), batchLabels.AsSpan(0, rows), Weights, Bias,
                    gradient.AsSpan(0, d), out gradient[d]);
                _optimizer.Step(_parameters, gradient);
            }

            PrintProgress(output, epoch, features, labels);
        }
    }

    /// <summary>The number of rows classified correctly: Gentoo (1) where the logit is at least 0.</summary>
    public int CountCorrect(double[] features, double[] labels)
    {
        int d = FeatureCount, correct = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            bool gentoo = LogisticModel.Logit(features.AsSpan(r * d, d), Weights, Bias) >= 0;
            if (gentoo == (labels[r] == PenguinData.GentooLabel))
            {
                correct++;
            }
        }

        return correct;
    }

    private void PrintProgress(TextWriter output, int epoch, double[] features, double[] labels)
    {
        double loss = LogisticModel.BatchLoss(features, labels, Weights, Bias);
        LossHistory.Add(loss);
        double accuracy = (double)CountCorrect(features, labels) / labels.Length;
        output.WriteLine(Invariant($"  {epoch,5}  {loss,15:0.000000}  {LogisticRegressionTrainer.Percent(accuracy),14}"));
    }
}
