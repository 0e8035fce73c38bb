using BenchmarkDotNet.Attributes;

namespace SymbolicDiff.Benchmarks;

/// <summary>
/// Logistic regression over d features (<see cref="VectorFunctions.LogisticLoss"/>), for d = 4, 100 and 10,000: the
/// plain function, the generated value + gradient into preallocated outputs (the baseline of each d), the closed
/// form written by hand, and central finite differences (2d + 2 evaluations for the gradient, one more for the
/// value). Inputs are fields set in <see cref="Setup"/>, so the JIT cannot fold them; the gradient goes into a
/// field's array, whose writes the JIT cannot drop, and the value and dBias are returned.
/// </summary>
[MemoryDiagnoser, MinColumn, MedianColumn]
public class LogisticVectorBenchmarks
{
    private const double H = 1e-6;

    private double[] _x = Array.Empty<double>();
    private double[] _weights = Array.Empty<double>();
    private double[] _dWeights = Array.Empty<double>();
    private double _bias = 0.3, _y = 1.0;

    [Params(4, 100, 10_000)]
    public int Features { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(Features);
        _x = Enumerable.Range(0, Features).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        _weights = Enumerable.Range(0, Features).Select(_ => (random.NextDouble() * 2 - 1) / Math.Sqrt(Features)).ToArray();
        _dWeights = new double[Features];

        // The rows must compute the same thing: generated and hand-written to rounding, finite differences to 1e-6.
        double value = VectorFunctions.LogisticLossWithGradient(_x, _weights, _bias, _y, _dWeights, out double dBias);
        double[] generated = [value, dBias, .. _dWeights];
        value = HandWrittenVectors.LogisticLoss(_x, _weights, _bias, _y, _dWeights, out dBias);
        Agreement.Check("hand-written", generated, [value, dBias, .. _dWeights], 1e-12);
        value = LogisticFiniteDifferences(out dBias);
        Agreement.Check("finite differences", generated, [value, dBias, .. _dWeights], 1e-6);
    }

    [Benchmark]
    public double LogisticFunction() => VectorFunctions.LogisticLoss(_x, _weights, _bias, _y);

    [Benchmark(Baseline = true)]
    public double LogisticGenerated()
    {
        double value = VectorFunctions.LogisticLossWithGradient(_x, _weights, _bias, _y, _dWeights, out double dBias);
        return value + dBias;
    }

    [Benchmark]
    public double LogisticHandWritten()
    {
        double value = HandWrittenVectors.LogisticLoss(_x, _weights, _bias, _y, _dWeights, out double dBias);
        return value + dBias;
    }

    [Benchmark]
    public double LogisticFiniteDifferences()
    {
        double value = LogisticFiniteDifferences(out double dBias);
        return value + dBias;
    }

    private double LogisticFiniteDifferences(out double dBias)
    {
        double[] w = _weights;
        for (int i = 0; i < w.Length; i++)
        {
            double original = w[i];
            w[i] = original + H;
            double plus = VectorFunctions.LogisticLoss(_x, w, _bias, _y);
            w[i] = original - H;
            double minus = VectorFunctions.LogisticLoss(_x, w, _bias, _y);
            w[i] = original;
            _dWeights[i] = (plus - minus) / (2 * H);
        }

        dBias = (VectorFunctions.LogisticLoss(_x, w, _bias + H, _y) - VectorFunctions.LogisticLoss(_x, w, _bias - H, _y)) / (2 * H);
        return VectorFunctions.LogisticLoss(_x, w, _bias, _y);
    }
}

/// <summary>The check each vector benchmark's setup makes: that its rows compute the same value and gradient.</summary>
internal static class Agreement
{
    /// <param name="row">The row checked, for the message.</param>
    /// <param name="generated">The generated row's value and gradient, flattened.</param>
    /// <param name="other">The other row's, in the same order.</param>
    /// <param name="tolerance">The largest absolute difference allowed.</param>
    public static void Check(string row, double[] generated, double[] other, double tolerance)
    {
        double worst = 0;
        for (int i = 0; i < generated.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(generated[i] - other[i]));
        }

        if (!(worst <= tolerance))
        {
            throw new InvalidOperationException($"The {row} row differs from the generated one by {worst:G3} (more than {tolerance:G3}).");
        }
    }
}
