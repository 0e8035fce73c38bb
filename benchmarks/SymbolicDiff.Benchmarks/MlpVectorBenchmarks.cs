using BenchmarkDotNet.Attributes;

namespace SymbolicDiff.Benchmarks;

/// <summary>
/// The MLP sample's loss (<see cref="VectorFunctions.MlpBatchLoss"/>: 4 → 8 tanh → 3, softmax cross-entropy) over
/// a batch of 16 rows, 67 parameters: the plain function, the generated value + gradient into preallocated outputs
/// (the baseline), backpropagation written by hand, and central finite differences (2 · 67 evaluations for the
/// gradient, one more for the value). Inputs are fields set in <see cref="Setup"/>; gradients go into fields' arrays.
/// </summary>
[MemoryDiagnoser, MinColumn, MedianColumn]
public class MlpVectorBenchmarks
{
    private const double H = 1e-6;
    private const int Rows = 16, Inputs = 4, HiddenUnits = 8, Classes = 3;

    private double[] _features = Array.Empty<double>();
    private int[] _labels = Array.Empty<int>();
    private double[] _w1 = Array.Empty<double>(), _b1 = Array.Empty<double>(), _w2 = Array.Empty<double>(), _b2 = Array.Empty<double>();
    private double[] _dW1 = Array.Empty<double>(), _dB1 = Array.Empty<double>(), _dW2 = Array.Empty<double>(), _dB2 = Array.Empty<double>();

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        double[] Uniform(int count, double scale) => Enumerable.Range(0, count).Select(_ => (random.NextDouble() * 2 - 1) * scale).ToArray();
        _features = Uniform(Rows * Inputs, 1.5);
        _labels = Enumerable.Range(0, Rows).Select(_ => random.Next(Classes)).ToArray();
        _w1 = Uniform(HiddenUnits * Inputs, 1 / Math.Sqrt(Inputs));
        _b1 = Uniform(HiddenUnits, 0.1);
        _w2 = Uniform(Classes * HiddenUnits, 1 / Math.Sqrt(HiddenUnits));
        _b2 = Uniform(Classes, 0.1);
        _dW1 = new double[_w1.Length];
        _dB1 = new double[_b1.Length];
        _dW2 = new double[_w2.Length];
        _dB2 = new double[_b2.Length];

        // The rows must compute the same thing: generated and hand-written to rounding, finite differences to 1e-6.
        double[] generated = [MlpGenerated(), .. _dW1, .. _dB1, .. _dW2, .. _dB2];
        Agreement.Check("hand-written", generated, [MlpHandWritten(), .. _dW1, .. _dB1, .. _dW2, .. _dB2], 1e-12);
        Agreement.Check("finite differences", generated, [MlpFiniteDifferences(), .. _dW1, .. _dB1, .. _dW2, .. _dB2], 1e-6);
    }

    [Benchmark]
    public double MlpFunction() => VectorFunctions.MlpBatchLoss(_features, _labels, _w1, _b1, _w2, _b2);

    [Benchmark(Baseline = true)]
    public double MlpGenerated() =>
        VectorFunctions.MlpBatchLossWithGradient(_features, _labels, _w1, _b1, _w2, _b2, _dW1, _dB1, _dW2, _dB2);

    [Benchmark]
    public double MlpHandWritten() =>
        HandWrittenVectors.MlpBatchLoss(_features, _labels, _w1, _b1, _w2, _b2, _dW1, _dB1, _dW2, _dB2);

    [Benchmark]
    public double MlpFiniteDifferences()
    {
        Differentiate(_w1, _dW1);
        Differentiate(_b1, _dB1);
        Differentiate(_w2, _dW2);
        Differentiate(_b2, _dB2);
        return MlpFunction();
    }

    /// <summary>Central differences in each element of one parameter array, perturbed in place and restored.</summary>
    private void Differentiate(double[] parameter, double[] gradient)
    {
        for (int i = 0; i < parameter.Length; i++)
        {
            double original = parameter[i];
            parameter[i] = original + H;
            double plus = MlpFunction();
            parameter[i] = original - H;
            double minus = MlpFunction();
            parameter[i] = original;
            gradient[i] = (plus - minus) / (2 * H);
        }
    }
}
