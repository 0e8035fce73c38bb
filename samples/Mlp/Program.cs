using SymbolicDiff.Optimizers;
using static System.FormattableString;

// SymbolicDiff sample: a one-hidden-layer perceptron (4 inputs, 8 tanh units, 3 logits, softmax cross-entropy)
// classifying the three Palmer penguin species from their four measurements, trained with Adam on mini-batches.
// The whole batch loss is one method, MlpModel.BatchLoss, and its gradient is MlpModel.BatchLossWithGradient.
// Usage: dotnet run --project samples/Mlp [-- [--plot <file.png|file.jpg>] [path/to/penguins.csv] | --help]

const int Seed = 42;
const double TrainFraction = 0.8;
const int HiddenUnits = 8;
const int Epochs = 30;
const int BatchSize = 16;
const double LearningRate = 0.01;

CommandLine? commandLine = CommandLine.Parse(args, out string? usageError);
if (commandLine is null)
{
    Console.Error.WriteLine($"error: {usageError}");
    Console.Error.WriteLine(CommandLine.Usage("Mlp"));
    return 2;
}

if (commandLine.HelpRequested)
{
    Console.Out.WriteLine(CommandLine.Help("Mlp", "Trains a one-hidden-layer perceptron (4 inputs, 8 tanh units, 3 logits) to tell the three\npenguin species apart, with the batch loss's gradient generated at compile time."));
    return 0;
}

TextWriter output = Console.Out;
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

int classCount = PenguinData.Species.Count;
int[] counts = data.CountsBySpecies();
output.WriteLine("A one-hidden-layer perceptron classifying the Palmer penguins: Adelie (0), Chinstrap (1), Gentoo (2)");
output.WriteLine($"  data: {path}");
output.WriteLine(Invariant($"  rows: {data.RowsRead} read, {data.RowsWithMissingValues} skipped for NA, {data.Examples.Count} usable: ")
    + string.Join(", ", PenguinData.Species.Select((name, s) => Invariant($"{counts[s]} {name}"))));

// One seeded generator drives the split, the initial weights and the per-epoch shuffles, so every run prints
// the same numbers.
var random = new Random(Seed);
Penguin[] shuffled = data.Examples.ToArray();
random.Shuffle(shuffled);
int trainCount = (int)Math.Round(shuffled.Length * TrainFraction);
Penguin[] trainRows = shuffled[..trainCount];
Penguin[] testRows = shuffled[trainCount..];
FeatureScaler scaler = FeatureScaler.Fit(trainRows.Select(p => p.Measurements).ToArray());
(double[] trainFeatures, int[] trainLabels) = Flatten(trainRows, scaler);
(double[] testFeatures, int[] testLabels) = Flatten(testRows, scaler);
int d = scaler.Count;

output.WriteLine(Invariant($"  split: {trainRows.Length} train / {testRows.Length} test (seed {Seed}); standardised with the train mean and std:"));
for (int c = 0; c < d; c++)
{
    output.WriteLine(Invariant($"    x{c + 1} = {PenguinData.MeasurementColumns[c]}: mean {scaler.Means[c]:0.###}, std {scaler.Stds[c]:0.###}"));
}

var trainer = new MlpTrainer(d, HiddenUnits, classCount, new Adam(LearningRate), BatchSize, random);
output.WriteLine(Invariant(
    $"  model: {d} inputs -> {HiddenUnits} tanh units -> {classCount} logits, softmax cross-entropy ({trainer.ParameterCount} parameters)"));
output.WriteLine("         MlpModel.BatchLoss(features, labels, w1, b1, w2, b2): the mean loss of a row-major batch");
output.WriteLine("  gradient: MlpModel.BatchLossWithGradient, generated from BatchLoss's loops at compile time");
output.WriteLine(Invariant(
    $"  Adam lr {LearningRate}, batch {BatchSize}, {Epochs} epochs, Glorot-uniform initial weights, rows shuffled every epoch"));

trainer.Train(trainFeatures, trainLabels, Epochs, output);

int trainCorrect = trainer.CountCorrect(trainFeatures, trainLabels);
int testCorrect = trainer.CountCorrect(testFeatures, testLabels);
output.WriteLine(Invariant($"  final train accuracy {MlpTrainer.Percent((double)trainCorrect / trainLabels.Length)} ({trainCorrect}/{trainLabels.Length})"));
output.WriteLine(Invariant($"  final test accuracy  {MlpTrainer.Percent((double)testCorrect / testLabels.Length)} ({testCorrect}/{testLabels.Length})"));
PrintConfusion(output, testLabels, trainer.Predict(testFeatures));

if (commandLine.PlotPath is { } plotPath)
{
    string? failure = LossCurvePlot.TrySave(
        plotPath, "Palmer penguins, three species: 4-8-3 tanh MLP", trainer.LossHistory, trainer.AccuracyHistory);
    if (failure is null)
    {
        output.WriteLine($"Training curves written to {plotPath}");
    }
    else
    {
        Console.Error.WriteLine($"warning: the plot was not written to {plotPath}: {failure}");
    }
}

return 0;

// The rows as one row-major feature buffer (n x 4, standardised) and a class index per row, as BatchLoss takes them.
static (double[] Features, int[] Labels) Flatten(Penguin[] rows, FeatureScaler scaler)
{
    var features = new double[rows.Length * scaler.Count];
    var labels = new int[rows.Length];
    for (int r = 0; r < rows.Length; r++)
    {
        scaler.Transform(rows[r].Measurements).CopyTo(features, r * scaler.Count);
        labels[r] = rows[r].Label;
    }

    return (features, labels);
}

// Test-set confusion matrix: one line per true species, counting what it was predicted as.
static void PrintConfusion(TextWriter output, int[] labels, int[] predictions)
{
    IReadOnlyList<string> species = PenguinData.Species;
    output.WriteLine("  test set, true species (rows) by predicted species (columns):");
    output.WriteLine("    " + new string(' ', 10) + string.Concat(species.Select(name => $"{name,10}")));
    for (int actual = 0; actual < species.Count; actual++)
    {
        var row = new int[species.Count];
        for (int r = 0; r < labels.Length; r++)
        {
            if (labels[r] == actual)
            {
                row[predictions[r]]++;
            }
        }

        output.WriteLine("    " + Invariant($"{species[actual],-10}") + string.Concat(row.Select(count => Invariant($"{count,10}"))));
    }
}
