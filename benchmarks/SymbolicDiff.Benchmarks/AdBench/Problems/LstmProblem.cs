namespace SymbolicDiff.Benchmarks.AdBench;

/// <summary>
/// <see cref="AdBenchObjectives.LstmObjective"/> with l layers of b cells over a sequence of c vectors, as ADBench's
/// generator draws them (parameters, state and sequence uniform; ADBench's lstm_l2_c1024 has l = 2, b = 14,
/// c = 1,024). Parameters: main (8bl) then extra (3b).
/// </summary>
public sealed class LstmProblem : AdBenchProblem
{
    private readonly double[] _state, _sequence;
    private readonly int _layers, _mainLength, _extraLength;

    public LstmProblem(int seed, int layers, int b, int c)
    {
        var random = new Random(seed);
        _layers = layers;
        double[] main = Uniform(random, 8 * b * layers, -1, 1);
        double[] extra = Uniform(random, 3 * b, -1, 1);
        _state = Uniform(random, 2 * b * layers, -1, 1);
        _sequence = Uniform(random, c * b, 0, 1);
        (_mainLength, _extraLength) = (main.Length, extra.Length);
        Parameters = [.. main, .. extra];
        Gradient = new double[Parameters.Length];
    }

    private ReadOnlySpan<double> Main => Parameters.AsSpan(0, _mainLength);

    private ReadOnlySpan<double> Extra => Parameters.AsSpan(_mainLength, _extraLength);

    public override double Objective() => AdBenchObjectives.LstmObjective(Main, Extra, _state, _sequence, _layers);

    public override double Generated() => AdBenchObjectives.LstmObjectiveWithGradient(
        Main, Extra, _state, _sequence, _layers, Gradient.AsSpan(0, _mainLength), Gradient.AsSpan(_mainLength, _extraLength));

    public override double HandWritten() => AdBenchHandWritten.LstmObjective(
        Main, Extra, _state, _sequence, _layers, Gradient.AsSpan(0, _mainLength), Gradient.AsSpan(_mainLength, _extraLength));

    /// <summary>The hand-written gradient with the generated code's accurate derivatives (<see cref="AdBenchHandWritten.LstmObjectiveAccurate"/>).</summary>
    public double HandWrittenAccurate() => AdBenchHandWritten.LstmObjectiveAccurate(
        Main, Extra, _state, _sequence, _layers, Gradient.AsSpan(0, _mainLength), Gradient.AsSpan(_mainLength, _extraLength));
}
