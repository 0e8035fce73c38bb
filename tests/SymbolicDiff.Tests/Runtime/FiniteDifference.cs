namespace SymbolicDiff.Tests.Runtime;

/// <summary>Numerical derivatives to check declared derivatives against.</summary>
internal static class FiniteDifference
{
    /// <summary>The central difference (f(x + h) − f(x − h)) / 2h, whose error is O(h²).</summary>
    public static double Central(Func<double, double> f, double x, double h = 1e-5) => (f(x + h) - f(x - h)) / (2 * h);

    /// <summary>The gradient of a function of a vector, one central difference per element (the others held fixed).</summary>
    public static double[] CentralGradient(Func<double[], double> f, double[] x, double h = 1e-5)
    {
        var probe = (double[])x.Clone();
        var gradient = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            probe[i] = x[i] + h;
            double up = f(probe);
            probe[i] = x[i] - h;
            double down = f(probe);
            probe[i] = x[i];
            gradient[i] = (up - down) / (2 * h);
        }

        return gradient;
    }

    /// <summary>
    /// The same for a float function, differenced in float: with h = 1e-2 the rounding error of a value near 1
    /// is about 6e-8 / 1e-2 and the truncation error h²·f‴/6, so expect agreement to about 1e-4, not better.
    /// </summary>
    public static float[] CentralGradient(Func<float[], float> f, float[] x, float h = 1e-2f)
    {
        var probe = (float[])x.Clone();
        var gradient = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            probe[i] = x[i] + h;
            float up = f(probe);
            probe[i] = x[i] - h;
            float down = f(probe);
            probe[i] = x[i];
            gradient[i] = (up - down) / ((x[i] + h) - (x[i] - h));
        }

        return gradient;
    }
}
