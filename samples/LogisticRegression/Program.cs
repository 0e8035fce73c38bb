using SymbolicDiff.Optimizers;
using static System.FormattableString;

// SymbolicDiff sample: Part 1 works one sigmoid neuron through by hand and checks the generated gradients
// against the chain rule; Part 2 trains a two-feature logistic-regression classifier on the Palmer penguins
// data, one example at a time; Part 3 trains one on all four measurements with a model method that takes a
// whole mini-batch.
// Usage: dotnet run --project samples/LogisticRegression [-- [--plot <file.png|file.jpg>] [path/to/penguins.csv] | --help]

const int Seed = 42;
const double TrainFraction = 0.8;
const int Epochs = 40;
const int BatchSize = 32;
const double LearningRate = 0.05;

// Part 3: its own seed for the mini-batch shuffles, so Part 2's numbers do not depend on Part 3 and vice versa.
const int BatchSeed = 43;
const int BatchEpochs = 20;
const int SmallBatchSize = 16;
const double BatchLearningRate = 0.05;

CommandLine? commandLine = CommandLine.Parse(args, out string? usageError);
if (commandLine is null)
{
    Console.Error.WriteLine($"error: {usageError}");
    Console.Error.WriteLine(CommandLine.Usage("LogisticRegression"));
    return 2;
}

if (commandLine.HelpRequested)
{
    Console.Out.WriteLine(CommandLine.Help("LogisticRegression", "Works one sigmoid neuron through by hand (Part 1), then trains logistic-regression classifiers\nfor Adelie vs Gentoo penguins with gradients generated at compile time (Parts 2 and 3)."));
    return 0;
}

TextWriter output = Console.Out;
WorkedExample.Print(output);
output.WriteLine();

string path = commandLine.DataPath ?? Path.Combine(AppContext.BaseDirectory, "data", "penguins.csv");
PenguinDataSet data;
try
{
    data = PenguinData.Load(path);
}
catch (PenguinDataException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

output.WriteLine("Part 2 - logistic regression on the Palmer penguins: Adelie (0) vs Gentoo (1)");
output.WriteLine($"  data: {path}");
output.WriteLine(Invariant($"  rows: {data.RowsRead} read, {data.ChinstrapRowsExcluded} Chinstrap excluded, {data.RowsWithMissingValues} skipped for NA"));
output.WriteLine(Invariant($"        {data.Examples.Count} usable: {data.AdelieCount} Adelie, {data.GentooCount} Gentoo"));

// One seeded generator drives both the split and Part 2's per-epoch shuffles, so every run prints the same
// numbers. Part 3 uses the same split.
var random = new Random(Seed);
Penguin[] shuffled = data.Examples.ToArray();
random.Shuffle(shuffled);
int trainCount = (int)Math.Round(shuffled.Length * TrainFraction);
Penguin[] trainRows = shuffled[..trainCount];
Penguin[] testRows = shuffled[trainCount..];

FeatureScaler scaler = FeatureScaler.Fit(trainRows.Select(p => new[] { p.TwoFeatures.X1, p.TwoFeatures.X2 }).ToArray());
Example[] train = trainRows.Select(p => Standardise(p.TwoFeatures)).ToArray();
Example[] test = testRows.Select(p => Standardise(p.TwoFeatures)).ToArray();

output.WriteLine(Invariant($"  split: {train.Length} train / {test.Length} test (seed {Seed}); standardised with the train mean and std:"));
output.WriteLine(Invariant($"    x1 = {PenguinData.Feature1}: mean {scaler.Means[0]:0.###}, std {scaler.Stds[0]:0.###}"));
output.WriteLine(Invariant($"    x2 = {PenguinData.Feature2}: mean {scaler.Means[1]:0.###}, std {scaler.Stds[1]:0.###}"));
output.WriteLine(Invariant(
    $"  model: a = sigmoid(w1*x1 + w2*x2 + b), loss (a - y)^2, Adam lr {LearningRate}, batch {BatchSize}, {Epochs} epochs"));

var trainer = new LogisticRegressionTrainer(new Adam(LearningRate), BatchSize, random);
trainer.Train(train, Epochs, output);

output.WriteLine(Invariant($"  learned: w1 = {trainer.Weight1:0.####}, w2 = {trainer.Weight2:0.####}, b = {trainer.Bias:0.####}"));
output.WriteLine(Invariant($"  final train accuracy {LogisticRegressionTrainer.Percent(trainer.Accuracy(train))} ({trainer.CountCorrect(train)}/{train.Length})"));
output.WriteLine(Invariant($"  final test accuracy  {LogisticRegressionTrainer.Percent(trainer.Accuracy(test))} ({trainer.CountCorrect(test)}/{test.Length})"));
output.WriteLine();

// Part 3: the same split, all four measurements, standardised with the train means and stds.
FeatureScaler scaler4 = FeatureScaler.Fit(trainRows.Select(p => p.Measurements).ToArray());
(double[] trainFeatures, double[] trainLabels) = Flatten(trainRows, scaler4);
(double[] testFeatures, double[] testLabels) = Flatten(testRows, scaler4);
int d = scaler4.Count;

output.WriteLine("Part 3 - all four measurements, one model method over a whole mini-batch: Adelie (0) vs Gentoo (1)");
output.WriteLine(Invariant($"  same split: {trainRows.Length} train / {testRows.Length} test; standardised with the train mean and std:"));
for (int c = 0; c < d; c++)
{
    output.WriteLine(Invariant($"    x{c + 1} = {PenguinData.MeasurementColumns[c]}: mean {scaler4.Means[c]:0.###}, std {scaler4.Stds[c]:0.###}"));
}

output.WriteLine("  model: LogisticModel.BatchLoss(features, labels, weights, bias) = mean over the batch of");
output.WriteLine("         BinaryCrossEntropyWithLogits(w . x + b, y); features row-major (batch x 4), weights a span of 4");
output.WriteLine("  gradient: LogisticModel.BatchLossWithGradient, generated from BatchLoss's loops at compile time");
output.WriteLine(Invariant(
    $"  Adam lr {BatchLearningRate}, batch {SmallBatchSize}, {BatchEpochs} epochs, rows shuffled every epoch (seed {BatchSeed})"));

var batchTrainer = new BatchTrainer(d, new Adam(BatchLearningRate), SmallBatchSize, new Random(BatchSeed));
batchTrainer.Train(trainFeatures, trainLabels, BatchEpochs, output);

string learnedWeights = string.Join(", ", batchTrainer.Weights.ToArray().Select(w => Invariant($"{w:0.####}")));
output.WriteLine(Invariant($"  learned: w = ({learnedWeights}), b = {batchTrainer.Bias:0.####}"));
int trainCorrect4 = batchTrainer.CountCorrect(trainFeatures, trainLabels);
int testCorrect4 = batchTrainer.CountCorrect(testFeatures, testLabels);
output.WriteLine(Invariant(
    $"  four features: train accuracy {LogisticRegressionTrainer.Percent((double)trainCorrect4 / trainLabels.Length)} ({trainCorrect4}/{trainLabels.Length})"));
output.WriteLine(Invariant(
    $"  four features: test accuracy  {LogisticRegressionTrainer.Percent((double)testCorrect4 / testLabels.Length)} ({testCorrect4}/{testLabels.Length})"));

if (commandLine.PlotPath is { } plotPath)
{
    string? failure = LossCurvePlot.TrySave(
        plotPath,
        "Palmer penguins, Adelie vs Gentoo: training loss",
        "mean train loss",
        new LossCurvePlot.Curve("Part 2: two features, squared error, batch 32", trainer.LossHistory),
        new LossCurvePlot.Curve("Part 3: four features, cross-entropy, batch 16", batchTrainer.LossHistory));
    if (failure is null)
    {
        output.WriteLine();
        output.WriteLine($"Loss curves written to {plotPath}");
    }
    else
    {
        Console.Error.WriteLine($"warning: the plot was not written to {plotPath}: {failure}");
    }
}

return 0;

// Standardises the two features of Part 2 with Part 2's scaler.
Example Standardise(Example e)
{
    double[] scaled = scaler.Transform([e.X1, e.X2]);
    return e with { X1 = scaled[0], X2 = scaled[1] };
}

// The rows as one row-major feature buffer (n x 4, standardised) and a label per row, as BatchLoss takes them.
static (double[] Features, double[] Labels) Flatten(Penguin[] rows, FeatureScaler scaler)
{
    var features = new double[rows.Length * scaler.Count];
    var labels = new double[rows.Length];
    for (int r = 0; r < rows.Length; r++)
    {
        scaler.Transform(rows[r].Measurements).CopyTo(features, r * scaler.Count);
        labels[r] = rows[r].Label;
    }

    return (features, labels);
}
