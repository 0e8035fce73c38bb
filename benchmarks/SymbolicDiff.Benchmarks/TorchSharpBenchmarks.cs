using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace SymbolicDiff.Benchmarks;

/// <summary>
/// TorchSharp autograd on the CPU against the generated value + gradient (the baseline of each group, measured
/// again here so that the ratio comes from one run), for the functions of <see cref="RuntimeBenchmarks"/>.
/// Program.cs leaves this class out, saying why, when TorchSharp's native library does not load
/// (<see cref="TorchSharpProbe"/>).
/// These run in the process that probed, so that what was decided there holds where it is measured (and the
/// work-around for an old libstdc++ applies), rather than in a process of their own that BenchmarkDotNet builds
/// anew, copying all of LibTorch again. Allocated bytes are managed ones: tensors live in native memory.
/// </summary>
[InHostProcess]
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class TorchSharpBenchmarks
{
    private double _x = 0.5, _w = 2.0, _b = -1.0, _y = 1.0;
    private double _p = -1.2, _q = 1.0;
    private double _x1 = 0.3, _x2 = -0.7, _x3 = 1.1, _x4 = 0.05, _x5 = -1.4, _mu = 0.2, _sigma = 1.3;
    private readonly double[] _gradient = new double[5];

    /// <summary>Both sides must compute the same numbers, or the comparison means nothing.</summary>
    [GlobalSetup]
    public void CheckAgreement()
    {
        var neuron = Functions.NeuronWithGradient(_x, _w, _b, _y);
        Check("neuron", [neuron.Value, neuron.W, neuron.B], TorchFunctions.Neuron(_x, _w, _b, _y));

        var rosenbrock = Functions.RosenbrockWithGradient(_p, _q);
        Check("Rosenbrock", [rosenbrock.Value, rosenbrock.X, rosenbrock.Y], TorchFunctions.Rosenbrock(_p, _q));

        var gaussian = Functions.GaussianLogDensityWithGradient(_x1, _x2, _x3, _x4, _x5, _mu, _sigma);
        double value = TorchFunctions.GaussianLogDensity(_x1, _x2, _x3, _x4, _x5, _mu, _sigma, _gradient);
        Check("Gaussian", [gaussian.Value, gaussian.X1, gaussian.X2, gaussian.X3, gaussian.X4, gaussian.X5],
            [value, .. _gradient]);

        var chain = Functions.SoftplusSigmoidChainWithGradient(_x, _w);
        Check("softplus/sigmoid chain", [chain.Value, chain.X, chain.W], TorchFunctions.SoftplusSigmoidChain(_x, _w));
    }

    private static void Check(string name, double[] generated, (double, double, double) torch) =>
        Check(name, generated, [torch.Item1, torch.Item2, torch.Item3]);

    private static void Check(string name, double[] generated, double[] torch)
    {
        for (int i = 0; i < generated.Length; i++)
        {
            if (Math.Abs(generated[i] - torch[i]) > 1e-12 * Math.Max(1, Math.Abs(generated[i])))
            {
                throw new InvalidOperationException(
                    $"{name}: TorchSharp gives [{string.Join(", ", torch)}], the generated code [{string.Join(", ", generated)}]");
            }
        }
    }

    // ----- the worked-example neuron -----

    [Benchmark(Baseline = true), BenchmarkCategory("Neuron")]
    public double NeuronGenerated()
    {
        var g = Functions.NeuronWithGradient(_x, _w, _b, _y);
        return g.Value + g.W + g.B;
    }

    [Benchmark, BenchmarkCategory("Neuron")]
    public double NeuronTorchSharp()
    {
        var (value, w, b) = TorchFunctions.Neuron(_x, _w, _b, _y);
        return value + w + b;
    }

    // ----- Rosenbrock -----

    [Benchmark(Baseline = true), BenchmarkCategory("Rosenbrock")]
    public double RosenbrockGenerated()
    {
        var g = Functions.RosenbrockWithGradient(_p, _q);
        return g.Value + g.X + g.Y;
    }

    [Benchmark, BenchmarkCategory("Rosenbrock")]
    public double RosenbrockTorchSharp()
    {
        var (value, x, y) = TorchFunctions.Rosenbrock(_p, _q);
        return value + x + y;
    }

    // ----- 5-dimensional Gaussian log-density -----

    [Benchmark(Baseline = true), BenchmarkCategory("Gaussian5")]
    public double GaussianGenerated()
    {
        var g = Functions.GaussianLogDensityWithGradient(_x1, _x2, _x3, _x4, _x5, _mu, _sigma);
        return g.Value + g.X1 + g.X2 + g.X3 + g.X4 + g.X5;
    }

    [Benchmark, BenchmarkCategory("Gaussian5")]
    public double GaussianTorchSharp()
    {
        double value = TorchFunctions.GaussianLogDensity(_x1, _x2, _x3, _x4, _x5, _mu, _sigma, _gradient);
        return value + _gradient[0] + _gradient[1] + _gradient[2] + _gradient[3] + _gradient[4];
    }

    // ----- softplus/sigmoid chain -----

    [Benchmark(Baseline = true), BenchmarkCategory("SoftplusSigmoid")]
    public double ChainGenerated()
    {
        var g = Functions.SoftplusSigmoidChainWithGradient(_x, _w);
        return g.Value + g.X + g.W;
    }

    [Benchmark, BenchmarkCategory("SoftplusSigmoid")]
    public double ChainTorchSharp()
    {
        var (value, x, w) = TorchFunctions.SoftplusSigmoidChain(_x, _w);
        return value + x + w;
    }
}

/// <summary>Runs a class's benchmarks in the host process (BenchmarkDotNet's in-process toolchain), with whatever job
/// the command line asks for (<c>--job short</c>, say): a mutator changes the toolchain of every job, and nothing else.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class InHostProcessAttribute : JobMutatorConfigBaseAttribute
{
    public InHostProcessAttribute()
        : base(Job.Default.WithToolchain(InProcessEmitToolchain.Instance))
    {
    }
}
