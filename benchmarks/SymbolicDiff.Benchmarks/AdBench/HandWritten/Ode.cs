using SymbolicDiff.Runtime;
using System.Buffers;

namespace SymbolicDiff.Benchmarks.AdBench;

public static partial class AdBenchHandWritten
{
    /// <summary>
    /// The discrete adjoint of the Runge–Kutta integration in <see cref="AdBenchObjectives.OdeFinalState"/>.
    /// GradBench's manual gradient (tools/manual/ode.cpp) differentiates the exact solution, yₙ₋₁(2) = Πᵢ xᵢ 2ⁿ/n!,
    /// which only approximates the integrator's; here the integrator itself is differentiated, so the result is
    /// exact for the objective. The forward sweep keeps the state at the start of each step (steps × n values, from
    /// the array pool); the backward sweep rebuilds each step's stages from it and runs the stages backwards:
    /// with f(u)₀ = x₀, f(u)ᵢ = xᵢ uᵢ₋₁, each stage k = f(u) gives x̄ᵢ += k̄ᵢ uᵢ₋₁ and ūᵢ₋₁ = k̄ᵢ xᵢ, and each
    /// u = y + c·k passes ū to ȳ and c·ū to k̄.
    /// </summary>
    public static double OdeFinalState(ReadOnlySpan<double> x, int steps, Span<double> dX)
    {
        int n = x.Length;
        double h = 2.0 / steps;
        double[] history = ArrayPool<double>.Shared.Rent(steps * n);
        Span<double> work = n <= 64 ? stackalloc double[11 * n] : new double[11 * n];
        Zeroing.Clear(work);
        Span<double> y = work.Slice(0, n);
        Span<double> k1 = work.Slice(n, n);
        Span<double> k2 = work.Slice(2 * n, n);
        Span<double> k3 = work.Slice(3 * n, n);
        Span<double> u2 = work.Slice(4 * n, n);
        Span<double> u3 = work.Slice(5 * n, n);
        Span<double> u4 = work.Slice(6 * n, n);
        Span<double> yBar = work.Slice(7 * n, n);
        Span<double> k1Bar = work.Slice(8 * n, n);
        Span<double> k2Bar = work.Slice(9 * n, n);
        Span<double> k3Bar = work.Slice(10 * n, n);

        for (int step = 0; step < steps; step++)
        {
            y.CopyTo(history.AsSpan(step * n, n));
            Stages(x, y, h, k1, k2, k3, u2, u3, u4);
            y[0] += h * (k1[0] + 2 * k2[0] + 2 * k3[0] + x[0]) / 6;
            for (int i = n - 1; i >= 1; i--)
            {
                // k4ᵢ = xᵢ u4ᵢ₋₁, read before y changes (u4 does not alias y).
                y[i] += h * (k1[i] + 2 * k2[i] + 2 * k3[i] + x[i] * u4[i - 1]) / 6;
            }
        }

        double value = y[n - 1];

        Zeroing.Clear(dX);
        yBar[n - 1] = 1;
        for (int step = steps - 1; step >= 0; step--)
        {
            ReadOnlySpan<double> start = history.AsSpan(step * n, n);
            Stages(x, start, h, k1, k2, k3, u2, u3, u4);

            // y' = y + h/6 (k1 + 2 k2 + 2 k3 + k4): ȳ passes through; each k̄ is its weight times ȳ'.
            for (int i = 0; i < n; i++)
            {
                k1Bar[i] = h / 6 * yBar[i];
                k2Bar[i] = h / 3 * yBar[i];
                k3Bar[i] = h / 3 * yBar[i];
            }

            // k4 = f(u4), u4 = y + h k3. k̄4 = h/6 ȳ' is k̄1 before the stages below add to it (ȳ itself changes here).
            dX[0] += k1Bar[0];
            for (int i = n - 1; i >= 1; i--)
            {
                double k4Bar = k1Bar[i];
                dX[i] += k4Bar * u4[i - 1];
                double u4Bar = k4Bar * x[i];
                yBar[i - 1] += u4Bar;
                k3Bar[i - 1] += h * u4Bar;
            }

            // k3 = f(u3), u3 = y + h/2 k2.
            dX[0] += k3Bar[0];
            for (int i = 1; i < n; i++)
            {
                dX[i] += k3Bar[i] * u3[i - 1];
                double u3Bar = k3Bar[i] * x[i];
                yBar[i - 1] += u3Bar;
                k2Bar[i - 1] += h / 2 * u3Bar;
            }

            // k2 = f(u2), u2 = y + h/2 k1.
            dX[0] += k2Bar[0];
            for (int i = 1; i < n; i++)
            {
                dX[i] += k2Bar[i] * u2[i - 1];
                double u2Bar = k2Bar[i] * x[i];
                yBar[i - 1] += u2Bar;
                k1Bar[i - 1] += h / 2 * u2Bar;
            }

            // k1 = f(y).
            dX[0] += k1Bar[0];
            for (int i = 1; i < n; i++)
            {
                dX[i] += k1Bar[i] * start[i - 1];
                yBar[i - 1] += k1Bar[i] * x[i];
            }
        }

        ArrayPool<double>.Shared.Return(history);
        return value;
    }

    /// <summary>The first three stages of a step from y, and the points u2, u3, u4 the stages are taken at.</summary>
    private static void Stages(
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, double h,
        Span<double> k1, Span<double> k2, Span<double> k3, Span<double> u2, Span<double> u3, Span<double> u4)
    {
        int n = x.Length;
        k1[0] = x[0];
        for (int i = 1; i < n; i++)
        {
            k1[i] = x[i] * y[i - 1];
        }

        for (int i = 0; i < n; i++)
        {
            u2[i] = y[i] + h * k1[i] / 2;
        }

        k2[0] = x[0];
        for (int i = 1; i < n; i++)
        {
            k2[i] = x[i] * u2[i - 1];
        }

        for (int i = 0; i < n; i++)
        {
            u3[i] = y[i] + h * k2[i] / 2;
        }

        k3[0] = x[0];
        for (int i = 1; i < n; i++)
        {
            k3[i] = x[i] * u3[i - 1];
        }

        for (int i = 0; i < n; i++)
        {
            u4[i] = y[i] + h * k3[i];
        }
    }
}
