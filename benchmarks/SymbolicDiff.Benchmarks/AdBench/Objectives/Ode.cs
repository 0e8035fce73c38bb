using SymbolicDiff;

namespace SymbolicDiff.Benchmarks.AdBench;

public static partial class AdBenchObjectives
{
    /// <summary>
    /// GradBench's <c>ode</c> (cpp/gradbench/evals/ode.hpp, after Brad Bell's cmpad): the system y₀' = x₀,
    /// yᵢ' = xᵢ yᵢ₋₁, from y = 0 at t = 0 to t = 2 in <paramref name="steps"/> classical Runge–Kutta steps; the loss is
    /// the last component of the final state, the output whose gradient GradBench asks for.
    /// </summary>
    [Differentiable(nameof(x))]
    public static double OdeFinalState(ReadOnlySpan<double> x, int steps)
    {
        int n = x.Length;
        Span<double> y = stackalloc double[n];
        Span<double> k1 = stackalloc double[n];
        Span<double> k2 = stackalloc double[n];
        Span<double> k3 = stackalloc double[n];
        Span<double> k4 = stackalloc double[n];
        Span<double> yStage = stackalloc double[n];
        double h = 2.0 / steps;
        for (int step = 0; step < steps; step++)
        {
            k1[0] = x[0];
            for (int i = 1; i < n; i++)
            {
                k1[i] = x[i] * y[i - 1];
            }

            for (int i = 0; i < n; i++)
            {
                yStage[i] = y[i] + h * k1[i] / 2;
            }

            k2[0] = x[0];
            for (int i = 1; i < n; i++)
            {
                k2[i] = x[i] * yStage[i - 1];
            }

            for (int i = 0; i < n; i++)
            {
                yStage[i] = y[i] + h * k2[i] / 2;
            }

            k3[0] = x[0];
            for (int i = 1; i < n; i++)
            {
                k3[i] = x[i] * yStage[i - 1];
            }

            for (int i = 0; i < n; i++)
            {
                yStage[i] = y[i] + h * k3[i];
            }

            k4[0] = x[0];
            for (int i = 1; i < n; i++)
            {
                k4[i] = x[i] * yStage[i - 1];
            }

            for (int i = 0; i < n; i++)
            {
                y[i] += h * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) / 6;
            }
        }

        return y[n - 1];
    }
}
