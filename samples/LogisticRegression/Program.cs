using SymbolicDiff.Optimizers;
using static System.FormattableString;

// SymbolicDiff sample: Part 1 works one sigmoid neuron through by hand and checks the generated gradients
// against the chain rule; Part 2 trains a logistic-regression classifier on the Palmer penguins data.
// Usage: dotnet run --project samples/LogisticRegression [path/to/penguins.csv]

const int Seed = 42;
const double TrainFraction = 0.8;
const int Epochs = 40;
const int BatchSize = 32;
const double LearningRate = 0.05;

if (args.Length > 1)
{
    Console.Error.WriteLine("usage: LogisticRegression [path/to/penguins.csv]");
    return 2;
}

TextWriter output = Console.Out;
WorkedExample.Print(output);
output.WriteLine();

string path = args.Length == 1 ? args[0] : Path.Combine(AppContext.BaseDirectory, "data", "penguins.csv");
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

// One seeded generator drives both the split and the per-epoch shuffles, so every run prints the same numbers.
var random = new Random(Seed);
Example[] shuffled = data.Examples.ToArray();
random.Shuffle(shuffled);
int trainCount = (int)Math.Round(shuffled.Length * TrainFraction);
FeatureScaler scaler = FeatureScaler.Fit(shuffled[..trainCount]);
Example[] train = scaler.Transform(shuffled[..trainCount]);
Example[] test = scaler.Transform(shuffled[trainCount..]);

output.WriteLine(Invariant($"  split: {train.Length} train / {test.Length} test (seed {Seed}); standardised with the train mean and std:"));
output.WriteLine(Invariant($"    x1 = {PenguinData.Feature1}: mean {scaler.Mean1:0.###}, std {scaler.Std1:0.###}"));
output.WriteLine(Invariant($"    x2 = {PenguinData.Feature2}: mean {scaler.Mean2:0.###}, std {scaler.Std2:0.###}"));
output.WriteLine(Invariant(
    $"  model: a = sigmoid(w1*x1 + w2*x2 + b), loss (a - y)^2, Adam lr {LearningRate}, batch {BatchSize}, {Epochs} epochs"));

var trainer = new LogisticRegressionTrainer(new Adam(LearningRate), BatchSize, random);
trainer.Train(train, Epochs, output);

output.WriteLine(Invariant($"  learned: w1 = {trainer.Weight1:0.####}, w2 = {trainer.Weight2:0.####}, b = {trainer.Bias:0.####}"));
output.WriteLine(Invariant($"  final train accuracy {LogisticRegressionTrainer.Percent(trainer.Accuracy(train))} ({trainer.CountCorrect(train)}/{train.Length})"));
output.WriteLine(Invariant($"  final test accuracy  {LogisticRegressionTrainer.Percent(trainer.Accuracy(test))} ({trainer.CountCorrect(test)}/{test.Length})"));
return 0;
