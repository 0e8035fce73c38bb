using SymbolicDiff;
using SymbolicDiff.Optimizers;
using static System.FormattableString;

/// <summary>
/// Trains the two-feature classifier a = σ(w1·x1 + w2·x2 + b) by mini-batch gradient descent, using the
/// generated <see cref="Neuron.ClassifierLossWithGradient"/> for the per-example gradients.
/// </summary>
internal sealed class LogisticRegressionTrainer
{
    // Parameter layout shared by the parameter and gradient arrays handed to the optimizer.
    private const int W1 = 0, W2 = 1, B = 2;

    private readonly IOptimizer _optimizer;
    private readonly int _batchSize;
    private readonly Random _random;

    // Start at zero: with the squared-error loss the gradient at a = 0.5 is non-zero, so there is no
    // symmetry to break, and the run is reproducible without a second random draw.
    private readonly double[] _parameters = new double[3];

    public LogisticRegressionTrainer(IOptimizer optimizer, int batchSize, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _optimizer = optimizer;
        _batchSize = batchSize;
        _random = random;
    }

    public double Weight1 => _parameters[W1];
    public double Weight2 => _parameters[W2];
    public double Bias => _parameters[B];

    /// <summary>The mean training loss before training (index 0) and after each epoch.</summary>
    public List<double> LossHistory { get; } = [];

    /// <summary>
    /// Runs <paramref name="epochs"/> passes over <paramref name="training"/>, printing the mean loss and accuracy
    /// on the whole training set before training and after every epoch.
    /// </summary>
    public void Train(IReadOnlyList<Example> training, int epochs, TextWriter output)
    {
        Example[] order = training.ToArray();
        var gradient = new double[3];
        PrintProgress(output, "before training", training);
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            // Reshuffle every epoch so that mini-batches differ between passes (seeded, so still reproducible).
            _random.Shuffle(order);
            for (int start = 0; start < order.Length; start += _batchSize)
            {
                ReadOnlySpan<Example> batch = order.AsSpan(start, Math.Min(_batchSize, order.Length - start));
                AverageGradient(batch, gradient);
                _optimizer.Step(_parameters, gradient);
            }

            PrintProgress(output, Invariant($"epoch {epoch,3}"), training);
        }
    }

    private void PrintProgress(TextWriter output, string label, IReadOnlyList<Example> training)
    {
        double loss = MeanLoss(training);
        LossHistory.Add(loss);
        output.WriteLine(Invariant(
            $"  {label,-15}  mean train loss {loss:0.000000}   train accuracy {Percent(Accuracy(training))}"));
    }

    /// <summary>Formats a fraction as a percentage with two decimals, the same in every culture.</summary>
    public static string Percent(double fraction) => Invariant($"{100 * fraction:0.00}%");

    /// <summary>Probability of Gentoo (label 1) for standardised features; 0.5 and above is classified Gentoo.</summary>
    public double Predict(Example example) =>
        Activations.Sigmoid(example.X1 * Weight1 + example.X2 * Weight2 + Bias);

    public double Accuracy(IReadOnlyList<Example> examples) => (double)CountCorrect(examples) / examples.Count;

    public int CountCorrect(IReadOnlyList<Example> examples) =>
        examples.Count(e => (Predict(e) >= 0.5) == (e.Label == PenguinData.GentooLabel));

    public double MeanLoss(IReadOnlyList<Example> examples) =>
        examples.Average(e => Neuron.ClassifierLoss(e.X1, e.X2, Weight1, Weight2, Bias, e.Label));

    private void AverageGradient(ReadOnlySpan<Example> batch, Span<double> gradient)
    {
        gradient.Clear();
        foreach (Example e in batch)
        {
            Neuron.ClassifierLossGradient g = Neuron.ClassifierLossWithGradient(e.X1, e.X2, Weight1, Weight2, Bias, e.Label);
            gradient[W1] += g.W1;
            gradient[W2] += g.W2;
            gradient[B] += g.B;
        }

        // The batch loss is the mean of the example losses, so its gradient is the mean of theirs.
        for (int i = 0; i < gradient.Length; i++)
        {
            gradient[i] /= batch.Length;
        }
    }
}
