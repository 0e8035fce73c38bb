using SymbolicDiff;

namespace SymbolicDiff.Tests.Generator.OutputCalls;

/// <summary>
/// [Differentiable] methods that call vector-valued helpers as statements (<c>Decay(x, k, rate);</c>), differentiated
/// by the generator as part of this test project: ODE integrators (Euler, RK4) in the shape AD benchmarks use, a
/// vector-valued caller, and a buffer whose earlier values the backward sweep reads after a helper overwrote it.
/// </summary>
public static partial class OutputCallModels
{
    /// <summary>x' = −k·x, component by component: rateᵢ = −k·stateᵢ.</summary>
    [Differentiable(nameof(state), nameof(k))]
    public static void Decay(ReadOnlySpan<double> state, double k, Span<double> rate)
    {
        for (int i = 0; i < state.Length; i++)
        {
            rate[i] = -k * state[i];
        }
    }

    /// <summary>One explicit Euler step of x' = −k·x: nextᵢ = stateᵢ + h·(−k·stateᵢ).</summary>
    [Differentiable(nameof(state), nameof(k), nameof(h))]
    public static void EulerStep(ReadOnlySpan<double> state, double k, double h, Span<double> next)
    {
        for (int i = 0; i < state.Length; i++)
        {
            next[i] = state[i] - h * k * state[i];
        }
    }

    /// <summary>The logistic equation x' = r·x·(1 − x), component by component.</summary>
    [Differentiable(nameof(state), nameof(r))]
    public static void Logistic(ReadOnlySpan<double> state, double r, Span<double> rate)
    {
        for (int i = 0; i < state.Length; i++)
        {
            rate[i] = r * state[i] * (1 - state[i]);
        }
    }

    /// <summary>Σᵢ xᵢ after <paramref name="steps"/> Euler steps of x' = −k·x from x0, updating x in place from the helper's rates: Σx0·(1 − h·k)ⁿ.</summary>
    [Differentiable(nameof(x0), nameof(k))]
    public static double EulerDecay(ReadOnlySpan<double> x0, double k, double h, int steps)
    {
        Span<double> x = stackalloc double[x0.Length];
        Span<double> rate = stackalloc double[x0.Length];
        for (int i = 0; i < x0.Length; i++)
        {
            x[i] = x0[i];
        }

        for (int s = 0; s < steps; s++)
        {
            Decay(x, k, rate);
            for (int i = 0; i < x.Length; i++)
            {
                x[i] += h * rate[i];
            }
        }

        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += x[i];
        }

        return sum;
    }

    /// <summary>The same integral with a step helper writing a second buffer, copied back after each step, and the rate given as an expression (k·scale).</summary>
    [Differentiable(nameof(x0), nameof(k), nameof(scale))]
    public static double EulerCopied(ReadOnlySpan<double> x0, double k, double scale, double h, int steps)
    {
        Span<double> current = stackalloc double[x0.Length];
        Span<double> next = stackalloc double[x0.Length];
        for (int i = 0; i < x0.Length; i++)
        {
            current[i] = x0[i];
        }

        for (int s = 0; s < steps; s++)
        {
            EulerStep(current, k * scale, h, next);
            for (int i = 0; i < next.Length; i++)
            {
                current[i] = next[i];
            }
        }

        double sum = 0;
        for (int i = 0; i < current.Length; i++)
        {
            sum += current[i];
        }

        return sum;
    }

    /// <summary>Classic RK4 on the logistic equation, four helper calls a step, the stage input buffer reused three times: Σᵢ xᵢ(T).</summary>
    [Differentiable(nameof(x0), nameof(r))]
    public static double LogisticRk4(ReadOnlySpan<double> x0, double r, double h, int steps)
    {
        int n = x0.Length;
        Span<double> x = stackalloc double[n];
        Span<double> stage = stackalloc double[n];
        Span<double> k1 = stackalloc double[n];
        Span<double> k2 = stackalloc double[n];
        Span<double> k3 = stackalloc double[n];
        Span<double> k4 = stackalloc double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = x0[i];
        }

        for (int s = 0; s < steps; s++)
        {
            Logistic(x, r, k1);
            for (int i = 0; i < n; i++)
            {
                stage[i] = x[i] + 0.5 * h * k1[i];
            }

            Logistic(stage, r, k2);
            for (int i = 0; i < n; i++)
            {
                stage[i] = x[i] + 0.5 * h * k2[i];
            }

            Logistic(stage, r, k3);
            for (int i = 0; i < n; i++)
            {
                stage[i] = x[i] + h * k3[i];
            }

            Logistic(stage, r, k4);
            for (int i = 0; i < n; i++)
            {
                x[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
            }
        }

        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += x[i];
        }

        return sum;
    }

    /// <summary>
    /// Σ over the steps of |rate|² of the step before, the rate buffer overwritten by the helper after it is read: the
    /// backward sweep needs each step's rates after the next step replaced them, so they are saved whole.
    /// With a = 1 − h·k: k²·Σx0²·Σₜ₌₀ⁿ⁻² a²ᵗ.
    /// </summary>
    [Differentiable(nameof(x0), nameof(k))]
    public static double RateEnergy(ReadOnlySpan<double> x0, double k, double h, int steps)
    {
        Span<double> x = stackalloc double[x0.Length];
        Span<double> rate = stackalloc double[x0.Length];
        for (int i = 0; i < x0.Length; i++)
        {
            x[i] = x0[i];
        }

        double energy = 0;
        for (int s = 0; s < steps; s++)
        {
            for (int i = 0; i < rate.Length; i++)
            {
                energy += rate[i] * rate[i];
            }

            Decay(x, k, rate);
            for (int i = 0; i < x.Length; i++)
            {
                x[i] += h * rate[i];
            }
        }

        return energy;
    }

    /// <summary>A vector-valued caller: the first component after each Euler step, positionsₛ = x0₀·(1 − h·k)ˢ⁺¹.</summary>
    [Differentiable(nameof(x0), nameof(k))]
    public static void Trajectory(ReadOnlySpan<double> x0, double k, double h, Span<double> positions)
    {
        Span<double> x = stackalloc double[x0.Length];
        Span<double> next = stackalloc double[x0.Length];
        for (int i = 0; i < x0.Length; i++)
        {
            x[i] = x0[i];
        }

        for (int s = 0; s < positions.Length; s++)
        {
            EulerStep(x, k, h, next);
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = next[i];
            }

            positions[s] = x[0];
        }
    }

    /// <summary>A vector-valued caller whose output the helper writes directly: r = −k·x.</summary>
    [Differentiable(nameof(x), nameof(k))]
    public static void Rates(ReadOnlySpan<double> x, double k, Span<double> r)
    {
        Decay(x, k, r);
    }

    /// <summary>
    /// An output read (element by element, and whole by a function over vectors) and then overwritten: r₀ = a⁴ + a,
    /// r₁ = a⁴ + a². The reverse sweep must restore r's earlier values, which it did not for a method's outputs before
    /// they were known to the to-be-recorded analysis (it gave 2(a⁴ + a)·2a + 1 for ∂r₀/∂a).
    /// </summary>
    [Differentiable(nameof(a))]
    public static void OverwrittenOutput(double a, Span<double> r)
    {
        r[0] = a * a;
        r[1] = a;
        double t = r[0] * r[0];
        double n = Vectors.Dot(r, r);
        r[0] = t + a;
        r[1] = n;
    }

    /// <summary>An Euler step that also returns the step's energy k·Σ stateᵢ².</summary>
    [Differentiable(nameof(state), nameof(k))]
    public static double StepWithEnergy(ReadOnlySpan<double> state, double k, double h, Span<double> next)
    {
        double energy = 0;
        for (int i = 0; i < state.Length; i++)
        {
            next[i] = state[i] - h * k * state[i];
            energy += k * state[i] * state[i];
        }

        return energy;
    }

    /// <summary>The energies the steps return, summed, plus the final x₀: k·Σx0²·Σₛ a²ˢ + x0₀·aⁿ with a = 1 − h·k.</summary>
    [Differentiable(nameof(x0), nameof(k))]
    public static double EnergyAndPosition(ReadOnlySpan<double> x0, double k, double h, int steps)
    {
        Span<double> x = stackalloc double[x0.Length];
        Span<double> next = stackalloc double[x0.Length];
        for (int i = 0; i < x0.Length; i++)
        {
            x[i] = x0[i];
        }

        double total = 0;
        for (int s = 0; s < steps; s++)
        {
            double energy = StepWithEnergy(x, k, h, next);
            total += energy;
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = next[i];
            }
        }

        return total + x[0];
    }

    /// <summary>The final x₀ of the same steps, each step's energy declared but never read: x0₀·aⁿ with a = 1 − h·k.</summary>
    [Differentiable(nameof(x0), nameof(k))]
    public static double PositionIgnoringEnergies(ReadOnlySpan<double> x0, double k, double h, int steps)
    {
        Span<double> x = stackalloc double[x0.Length];
        Span<double> next = stackalloc double[x0.Length];
        for (int i = 0; i < x0.Length; i++)
        {
            x[i] = x0[i];
        }

        for (int s = 0; s < steps; s++)
        {
            double unused = StepWithEnergy(x, k, h, next);
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = next[i];
            }
        }

        return x[0];
    }

    /// <summary>r = k·w, returning k²; differentiated only for k, so its gradient is the struct overload.</summary>
    [Differentiable(nameof(k))]
    public static double Scale(ReadOnlySpan<double> w, double k, Span<double> r)
    {
        for (int i = 0; i < w.Length; i++)
        {
            r[i] = k * w[i];
        }

        return k * k;
    }

    /// <summary>q + r₀·r₁ with (q, r) = Scale(w, 3k): 9k²·(1 + w₀w₁).</summary>
    [Differentiable(nameof(k))]
    public static double UsesScale(ReadOnlySpan<double> w, double k)
    {
        Span<double> r = stackalloc double[w.Length];
        double q = Scale(w, k * 3, r);
        return q + r[0] * r[1];
    }

    /// <summary>GradBench's ode system, y₀' = x₀, yᵢ' = xᵢ·yᵢ₋₁: the right-hand side the AD-bench objective writes out four times.</summary>
    [Differentiable(nameof(x), nameof(y))]
    public static void GradBenchRate(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> rate)
    {
        rate[0] = x[0];
        for (int i = 1; i < x.Length; i++)
        {
            rate[i] = x[i] * y[i - 1];
        }
    }

    /// <summary>
    /// <see cref="SymbolicDiff.Benchmarks.AdBench.AdBenchObjectives.OdeFinalState"/> as it is naturally written, with the
    /// right-hand side a helper called once per RK4 stage.
    /// </summary>
    [Differentiable(nameof(x))]
    public static double GradBenchOde(ReadOnlySpan<double> x, int steps)
    {
        int n = x.Length;
        Span<double> y = stackalloc double[n];
        Span<double> k1 = stackalloc double[n];
        Span<double> k2 = stackalloc double[n];
        Span<double> k3 = stackalloc double[n];
        Span<double> k4 = stackalloc double[n];
        Span<double> stage = stackalloc double[n];
        double h = 2.0 / steps;
        for (int step = 0; step < steps; step++)
        {
            GradBenchRate(x, y, k1);
            for (int i = 0; i < n; i++)
            {
                stage[i] = y[i] + h * k1[i] / 2;
            }

            GradBenchRate(x, stage, k2);
            for (int i = 0; i < n; i++)
            {
                stage[i] = y[i] + h * k2[i] / 2;
            }

            GradBenchRate(x, stage, k3);
            for (int i = 0; i < n; i++)
            {
                stage[i] = y[i] + h * k3[i];
            }

            GradBenchRate(x, stage, k4);
            for (int i = 0; i < n; i++)
            {
                y[i] += h * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) / 6;
            }
        }

        return y[n - 1];
    }

    /// <summary>Σ rateᵢ² for rate = Decay(w, k): k²·Σw², w held constant (the helper differentiates it, so forward mode passes it a zero tangent).</summary>
    [Differentiable(nameof(k))]
    public static double RateNorm(ReadOnlySpan<double> w, double k)
    {
        Span<double> rate = stackalloc double[w.Length];
        Decay(w, k, rate);
        double sum = 0;
        for (int i = 0; i < rate.Length; i++)
        {
            sum += rate[i] * rate[i];
        }

        return sum;
    }
}
