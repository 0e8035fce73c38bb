using SymbolicDiff;

namespace SymbolicDiff.Benchmarks;

/// <summary>The functions benchmarked, differentiated by the generator at build time.</summary>
public static partial class Functions
{
    /// <summary>The worked example: one sigmoid neuron with mean squared error.</summary>
    [Differentiable(nameof(w), nameof(b))]
    public static double Neuron(double x, double w, double b, double y)
    {
        double z = x * w + b;
        double a = Activations.Sigmoid(z);
        return Losses.MeanSquaredError(a, y);
    }

    /// <summary>Rosenbrock's banana function.</summary>
    [Differentiable]
    public static double Rosenbrock(double x, double y)
    {
        double u = 1 - x;
        double v = y - x * x;
        return u * u + 100 * v * v;
    }

    /// <summary>The log-density of a 5-dimensional Gaussian with diagonal covariance, differentiated in the point.</summary>
    [Differentiable(nameof(x1), nameof(x2), nameof(x3), nameof(x4), nameof(x5))]
    public static double GaussianLogDensity(double x1, double x2, double x3, double x4, double x5, double mu, double sigma)
    {
        double d1 = (x1 - mu) / sigma;
        double d2 = (x2 - mu) / sigma;
        double d3 = (x3 - mu) / sigma;
        double d4 = (x4 - mu) / sigma;
        double d5 = (x5 - mu) / sigma;
        double squares = d1 * d1 + d2 * d2 + d3 * d3 + d4 * d4 + d5 * d5;
        return -0.5 * squares - 5 * Math.Log(sigma) - 2.5 * Math.Log(2 * Math.PI);
    }

    /// <summary>A chain of softplus and sigmoid.</summary>
    [Differentiable]
    public static double SoftplusSigmoidChain(double x, double w)
    {
        double h = Activations.Softplus(x * w);
        double s = Activations.Sigmoid(h - 1);
        return Activations.Softplus(s * w) * s;
    }
}
