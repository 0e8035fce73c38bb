using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace SymbolicDiff.Benchmarks;

/// <summary>
/// Per function: the plain function, the generated value + gradient (the baseline of its group), a hand-written
/// value + gradient, and central finite differences. Inputs are fields, so the JIT cannot fold them.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class RuntimeBenchmarks
{
    private const double H = 1e-6;

    private double _x = 0.5, _w = 2.0, _b = -1.0, _y = 1.0;
    private double _p = -1.2, _q = 1.0;
    private double _x1 = 0.3, _x2 = -0.7, _x3 = 1.1, _x4 = 0.05, _x5 = -1.4, _mu = 0.2, _sigma = 1.3;
    private readonly double[] _point = { 0.3, -0.7, 1.1, 0.05, -1.4 };
    private readonly double[] _gradient = new double[5];

    // ----- the worked-example neuron -----

    [Benchmark, BenchmarkCategory("Neuron")]
    public double NeuronFunction() => Functions.Neuron(_x, _w, _b, _y);

    [Benchmark(Baseline = true), BenchmarkCategory("Neuron")]
    public double NeuronGenerated()
    {
        var g = Functions.NeuronWithGradient(_x, _w, _b, _y);
        return g.Value + g.W + g.B;
    }

    [Benchmark, BenchmarkCategory("Neuron")]
    public double NeuronHandWritten()
    {
        var (value, w, b) = HandWritten.Neuron(_x, _w, _b, _y);
        return value + w + b;
    }

    [Benchmark, BenchmarkCategory("Neuron")]
    public double NeuronFiniteDifferences()
    {
        double value = Functions.Neuron(_x, _w, _b, _y);
        double w = (Functions.Neuron(_x, _w + H, _b, _y) - Functions.Neuron(_x, _w - H, _b, _y)) / (2 * H);
        double b = (Functions.Neuron(_x, _w, _b + H, _y) - Functions.Neuron(_x, _w, _b - H, _y)) / (2 * H);
        return value + w + b;
    }

    // ----- Rosenbrock -----

    [Benchmark, BenchmarkCategory("Rosenbrock")]
    public double RosenbrockFunction() => Functions.Rosenbrock(_p, _q);

    [Benchmark(Baseline = true), BenchmarkCategory("Rosenbrock")]
    public double RosenbrockGenerated()
    {
        var g = Functions.RosenbrockWithGradient(_p, _q);
        return g.Value + g.X + g.Y;
    }

    [Benchmark, BenchmarkCategory("Rosenbrock")]
    public double RosenbrockHandWritten()
    {
        var (value, x, y) = HandWritten.Rosenbrock(_p, _q);
        return value + x + y;
    }

    [Benchmark, BenchmarkCategory("Rosenbrock")]
    public double RosenbrockFiniteDifferences()
    {
        double value = Functions.Rosenbrock(_p, _q);
        double x = (Functions.Rosenbrock(_p + H, _q) - Functions.Rosenbrock(_p - H, _q)) / (2 * H);
        double y = (Functions.Rosenbrock(_p, _q + H) - Functions.Rosenbrock(_p, _q - H)) / (2 * H);
        return value + x + y;
    }

    // ----- 5-dimensional Gaussian log-density -----

    [Benchmark, BenchmarkCategory("Gaussian5")]
    public double GaussianFunction() => Functions.GaussianLogDensity(_x1, _x2, _x3, _x4, _x5, _mu, _sigma);

    [Benchmark(Baseline = true), BenchmarkCategory("Gaussian5")]
    public double GaussianGenerated()
    {
        var g = Functions.GaussianLogDensityWithGradient(_x1, _x2, _x3, _x4, _x5, _mu, _sigma);
        return g.Value + g.X1 + g.X2 + g.X3 + g.X4 + g.X5;
    }

    [Benchmark, BenchmarkCategory("Gaussian5")]
    public double GaussianHandWritten()
    {
        double value = HandWritten.GaussianLogDensity(_point, _mu, _sigma, _gradient);
        return value + _gradient[0] + _gradient[1] + _gradient[2] + _gradient[3] + _gradient[4];
    }

    [Benchmark, BenchmarkCategory("Gaussian5")]
    public double GaussianFiniteDifferences()
    {
        double total = Functions.GaussianLogDensity(_x1, _x2, _x3, _x4, _x5, _mu, _sigma);
        total += (Functions.GaussianLogDensity(_x1 + H, _x2, _x3, _x4, _x5, _mu, _sigma) - Functions.GaussianLogDensity(_x1 - H, _x2, _x3, _x4, _x5, _mu, _sigma)) / (2 * H);
        total += (Functions.GaussianLogDensity(_x1, _x2 + H, _x3, _x4, _x5, _mu, _sigma) - Functions.GaussianLogDensity(_x1, _x2 - H, _x3, _x4, _x5, _mu, _sigma)) / (2 * H);
        total += (Functions.GaussianLogDensity(_x1, _x2, _x3 + H, _x4, _x5, _mu, _sigma) - Functions.GaussianLogDensity(_x1, _x2, _x3 - H, _x4, _x5, _mu, _sigma)) / (2 * H);
        total += (Functions.GaussianLogDensity(_x1, _x2, _x3, _x4 + H, _x5, _mu, _sigma) - Functions.GaussianLogDensity(_x1, _x2, _x3, _x4 - H, _x5, _mu, _sigma)) / (2 * H);
        total += (Functions.GaussianLogDensity(_x1, _x2, _x3, _x4, _x5 + H, _mu, _sigma) - Functions.GaussianLogDensity(_x1, _x2, _x3, _x4, _x5 - H, _mu, _sigma)) / (2 * H);
        return total;
    }

    // ----- softplus/sigmoid chain -----

    [Benchmark, BenchmarkCategory("SoftplusSigmoid")]
    public double ChainFunction() => Functions.SoftplusSigmoidChain(_x, _w);

    [Benchmark(Baseline = true), BenchmarkCategory("SoftplusSigmoid")]
    public double ChainGenerated()
    {
        var g = Functions.SoftplusSigmoidChainWithGradient(_x, _w);
        return g.Value + g.X + g.W;
    }

    [Benchmark, BenchmarkCategory("SoftplusSigmoid")]
    public double ChainHandWritten()
    {
        var (value, x, w) = HandWritten.SoftplusSigmoidChain(_x, _w);
        return value + x + w;
    }

    [Benchmark, BenchmarkCategory("SoftplusSigmoid")]
    public double ChainFiniteDifferences()
    {
        double value = Functions.SoftplusSigmoidChain(_x, _w);
        double x = (Functions.SoftplusSigmoidChain(_x + H, _w) - Functions.SoftplusSigmoidChain(_x - H, _w)) / (2 * H);
        double w = (Functions.SoftplusSigmoidChain(_x, _w + H) - Functions.SoftplusSigmoidChain(_x, _w - H)) / (2 * H);
        return value + x + w;
    }
}
