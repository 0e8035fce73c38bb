using System.Globalization;
using SymbolicDiff.Benchmarks.AdBench;

namespace SymbolicDiff.Benchmarks;

/// <summary>
/// Generated against hand-written gradients on a loaded machine, where BenchmarkDotNet's means move by several times
/// between runs: the two calls alternate in rounds inside one process (<see cref="AlternatingRounds"/>, which says how a
/// round is timed and why), so both see the same disturbance; each one's fastest round is reported, with their ratio,
/// and the median and quartiles of the round-by-round ratios.
/// <c>dotnet benchmarks/SymbolicDiff.Benchmarks/bin/Release/net10.0/SymbolicDiff.Benchmarks.dll --alternating [rounds]</c>.
/// </summary>
public static class AlternatingComparison
{
    /// <summary>Runs the comparison for the MLP batch loss, the 5-D Gaussian log-density, the logistic loss at d = 4, ADBench's LSTM (against the plain hand-written gradient and against one of equal accuracy), the ODE and the determinant, and prints one line each.</summary>
    /// <param name="rounds">How many rounds of each call; a few hundred.</param>
    /// <param name="only">The comparisons to run, by the start of their keys (<c>neuron</c>, only when named; <c>mlp</c>, <c>gaussian</c>, <c>logistic</c>, <c>lstm</c>, <c>ode</c>, <c>determinant</c>); all when empty.</param>
    public static void Run(int rounds, IReadOnlyCollection<string>? only = null)
    {
        bool Wanted(string key) => only is null || only.Count == 0 || only.Any(key.StartsWith);
        if (only is not null && only.Contains("neuron"))
        {
            // Only on request: the scalar neuron's gradient, a method with no argument checks (a control when timing them).
            var neuron = new RuntimeBenchmarks();
            Compare("worked-example neuron", rounds, 100_000, neuron.NeuronGenerated, neuron.NeuronHandWritten);
        }

        if (Wanted("mlp"))
        {
            RunMlp(rounds);
        }

        if (Wanted("gaussian"))
        {
            // RuntimeBenchmarks' 5-D Gaussian log-density: the generated value + gradient against the hand-written one.
            var gaussian = new RuntimeBenchmarks();
            Compare("5-D Gaussian log-density", rounds, 100_000, gaussian.GaussianGenerated, gaussian.GaussianHandWritten);
        }

        if (Wanted("logistic"))
        {
            var logistic = new LogisticVectorBenchmarks { Features = 4 };
            logistic.Setup();
            Compare("logistic loss, d = 4", rounds, 20_000, () => logistic.LogisticGenerated(), () => logistic.LogisticHandWritten());
        }

        if (Wanted("lstm"))
        {
            RunLstm(rounds);
        }

        // Two AD-benchmark objectives whose gradients are still above 4 times the objective (docs/performance.md).
        if (Wanted("ode"))
        {
            var ode = new AdBench.OdeProblem(seed: 1, n: 32, steps: 100);
            Compare("ODE, RK4 (n = 32, 100 steps)", rounds, 20, ode.Generated, ode.HandWritten);
        }

        if (Wanted("determinant"))
        {
            var determinant = new AdBench.DeterminantProblem(seed: 1, ell: 10);
            Compare("determinant by minors (10 × 10)", rounds, 10, determinant.Generated, determinant.HandWritten);
        }
    }

    private static void RunMlp(int rounds)
    {
        var mlp = new MlpVectorBenchmarks();
        mlp.Setup(); // checks that both compute the same value and gradient
        Compare("MLP, 16 rows", rounds, 500, () => mlp.MlpGenerated(), () => mlp.MlpHandWritten());
    }

    private static void RunLstm(int rounds)
    {
        // ADBench's lstm_l2_c1024, as LstmBenchmarks; its setup checks that both gradients agree.
        var lstm = new LstmBenchmarks();
        lstm.Setup();
        Compare("LSTM, l = 2, b = 14, c = 1,024", Math.Max(1, rounds / 5), 3, lstm.Generated, lstm.HandWritten);
        // The same against a hand-written gradient with the generated code's accurate σ′ and tanh′ (one more exponential
        // in each tail), and that reference against the plain one: the price of the accuracy, written by hand.
        var lstmProblem = new LstmProblem(seed: 1, layers: 2, b: 14, c: 1024);
        Compare("LSTM against the hand-written gradient of equal accuracy", Math.Max(1, rounds / 5), 3, lstmProblem.Generated, lstmProblem.HandWrittenAccurate, "generated", "hand-written of equal accuracy");
        Compare("LSTM, hand-written of equal accuracy against the plain one", Math.Max(1, rounds / 5), 3, lstmProblem.HandWrittenAccurate, lstmProblem.HandWritten, "accurate", "plain");
    }

    private static void Compare(string name, int rounds, int callsPerRound, Func<double> generated, Func<double> handWritten, string first = "generated", string second = "hand-written")
    {
        var (times, sink) = AlternatingRounds.Measure([generated, handWritten], rounds, callsPerRound);
        double[] generatedTimes = times[0], handWrittenTimes = times[1];
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{name}: {first} {generatedTimes.Min():F1} ns, {second} {handWrittenTimes.Min():F1} ns ({AlternatingRounds.Clock}, fastest of {rounds} rounds of {callsPerRound} calls each), {AlternatingRounds.FormatRatio($"{first} / {second}", generatedTimes, handWrittenTimes)}; load average {AlternatingRounds.LoadAverage} (value sum {sink:E2})"));
    }
}
