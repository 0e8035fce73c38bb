using SymbolicDiff;

namespace SymbolicDiff.Benchmarks;

/// <summary>Value and gradient written by hand, the way a careful person would: the reference for "as fast as by hand".</summary>
public static class HandWritten
{
    public static (double Value, double W, double B) Neuron(double x, double w, double b, double y)
    {
        double z = x * w + b;
        double a = Activations.Sigmoid(z);
        double r = a - y;
        double dz = 2 * r * a * (1 - a);
        return (r * r, dz * x, dz);
    }

    public static (double Value, double X, double Y) Rosenbrock(double x, double y)
    {
        double u = 1 - x;
        double v = y - x * x;
        return (u * u + 100 * v * v, -2 * u - 400 * v * x, 200 * v);
    }

    public static double GaussianLogDensity(ReadOnlySpan<double> x, double mu, double sigma, Span<double> gradient)
    {
        double squares = 0;
        double inverseVariance = 1 / (sigma * sigma);
        for (int i = 0; i < 5; i++)
        {
            double d = x[i] - mu;
            squares += d * d;
            gradient[i] = -d * inverseVariance;
        }

        return -0.5 * squares * inverseVariance - 5 * Math.Log(sigma) - 2.5 * Math.Log(2 * Math.PI);
    }

    public static (double Value, double X, double W) SoftplusSigmoidChain(double x, double w)
    {
        double h = Activations.Softplus(x * w);
        double dh = Activations.Sigmoid(x * w);
        double s = Activations.Sigmoid(h - 1);
        double ds = s * (1 - s);
        double outer = Activations.Softplus(s * w);
        double dOuter = Activations.Sigmoid(s * w);
        double value = outer * s;
        double dValueDs = dOuter * w * s + outer;
        double dValueDh = dValueDs * ds;
        return (value, dValueDh * dh * w, dValueDh * dh * x + dOuter * s * s);
    }
}
