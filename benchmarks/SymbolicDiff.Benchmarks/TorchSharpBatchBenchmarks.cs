using BenchmarkDotNet.Attributes;
using TorchSharp;
using static TorchSharp.torch;

namespace SymbolicDiff.Benchmarks;

/// <summary>
/// The MLP sample's batch loss (<see cref="VectorFunctions.MlpBatchLoss"/>: 4 → 8 tanh → 3, mean softmax
/// cross-entropy, 67 parameters) at 16, 256 and 4,096 rows: the generated value + gradient (the baseline, into
/// preallocated arrays) against TorchSharp autograd computing the same numbers the way a PyTorch training step
/// does. The data and the parameters are tensors made once (a training loop keeps them); each call zeroes the
/// gradients, runs <c>linear</c>, <c>tanh</c>, <c>linear</c>, <c>cross_entropy</c> (mean), <c>backward()</c>, and
/// reads the loss; the gradients stay in the parameters' <c>grad</c> tensors, where an optimizer would use them.
/// Row-major <c>w1</c> (8 × 4) is exactly <c>linear</c>'s weight layout, so both sides do the same arithmetic.
/// LibTorch runs on one thread (<c>set_num_threads(1)</c>), as the generated code does.
/// In the benchmark host's process, like <see cref="TorchSharpBenchmarks"/>, for the same reasons.
/// </summary>
[InHostProcess]
[MemoryDiagnoser]
public class TorchSharpBatchBenchmarks
{
    private const int Inputs = 4, HiddenUnits = 8, Classes = 3;

    /// <summary>Rows in the batch: the sample's 16, and where a tensor library's per-operation overhead is spread over more work.</summary>
    [Params(16, 256, 4096)]
    public int Rows { get; set; }

    private double[] _features = Array.Empty<double>();
    private int[] _labels = Array.Empty<int>();
    private double[] _w1 = Array.Empty<double>(), _b1 = Array.Empty<double>(), _w2 = Array.Empty<double>(), _b2 = Array.Empty<double>();
    private double[] _dW1 = Array.Empty<double>(), _dB1 = Array.Empty<double>(), _dW2 = Array.Empty<double>(), _dB2 = Array.Empty<double>();
    private Tensor? _tFeatures, _tLabels, _tW1, _tB1, _tW2, _tB2;

    [GlobalSetup]
    public void Setup()
    {
        // One thread, as the generated code runs: the same arithmetic on the same core. (LibTorch's default uses
        // every core for large tensors; on this shared 2-core machine that only adds contention.)
        set_num_threads(1);
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

        _tFeatures = tensor(_features, new long[] { Rows, Inputs }, ScalarType.Float64);
        _tLabels = tensor(_labels.Select(label => (long)label).ToArray(), new long[] { Rows }, ScalarType.Int64);
        _tW1 = tensor(_w1, new long[] { HiddenUnits, Inputs }, ScalarType.Float64, requires_grad: true);
        _tB1 = tensor(_b1, new long[] { HiddenUnits }, ScalarType.Float64, requires_grad: true);
        _tW2 = tensor(_w2, new long[] { Classes, HiddenUnits }, ScalarType.Float64, requires_grad: true);
        _tB2 = tensor(_b2, new long[] { Classes }, ScalarType.Float64, requires_grad: true);

        // Both sides must compute the same numbers, or the comparison means nothing.
        double[] generated = [Generated(), .. _dW1, .. _dB1, .. _dW2, .. _dB2];
        double torchLoss = TorchSharpAutograd();
        double[] torch = [torchLoss, .. Gradient(_tW1), .. Gradient(_tB1), .. Gradient(_tW2), .. Gradient(_tB2)];
        Agreement.Check("TorchSharp autograd", generated, torch, 1e-10);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var t in new[] { _tFeatures, _tLabels, _tW1, _tB1, _tW2, _tB2 })
        {
            t?.Dispose();
        }
    }

    [Benchmark(Baseline = true)]
    public double Generated() =>
        VectorFunctions.MlpBatchLossWithGradient(_features, _labels, _w1, _b1, _w2, _b2, _dW1, _dB1, _dW2, _dB2);

    [Benchmark]
    public double TorchSharpAutograd()
    {
        using var scope = NewDisposeScope();
        foreach (var parameter in new[] { _tW1!, _tB1!, _tW2!, _tB2! })
        {
            parameter.grad?.zero_();
        }

        Tensor hidden = tanh(nn.functional.linear(_tFeatures!, _tW1!, _tB1!));
        Tensor logits = nn.functional.linear(hidden, _tW2!, _tB2!);
        Tensor loss = nn.functional.cross_entropy(logits, _tLabels!);
        loss.backward();
        return loss.item<double>();
    }

    private static double[] Gradient(Tensor? parameter)
    {
        using var scope = NewDisposeScope();
        return parameter!.grad!.data<double>().ToArray();
    }
}
