using SymbolicDiff;

namespace SymbolicDiff.Tests.Generator.OutputCalls;

/// <summary>
/// A span-writing helper that is not [Differentiable] but declares its vector-Jacobian products with [Derivative]
/// (a damped oscillator's right-hand side, written by hand), and methods that call it: an Euler integrator, and a
/// vector-valued caller whose Jacobian goes through the declared products (forward sweeps build the helper's tangents
/// one output element at a time from them).
/// </summary>
public static partial class DeclaredHelperModels
{
    /// <summary>x'' = −ω²·x − c·x' as a first-order system: rate = (v, −ω²·x − c·v) for state = (x, v).</summary>
    [Derivative(nameof(state), nameof(OscillatorStateGradient))]
    [Derivative(nameof(omega), nameof(OscillatorOmegaGradient))]
    [Derivative(nameof(damping), nameof(OscillatorDampingGradient))]
    public static void Oscillator(ReadOnlySpan<double> state, double omega, double damping, Span<double> rate)
    {
        rate[0] = state[1];
        rate[1] = -omega * omega * state[0] - damping * state[1];
    }

    /// <summary>Adds cᵀ·∂rate/∂state: row 0 is (0, 1), row 1 is (−ω², −c).</summary>
    public static void OscillatorStateGradient(ReadOnlySpan<double> state, double omega, double damping, ReadOnlySpan<double> rateCotangent, Span<double> gradient)
    {
        gradient[0] += -omega * omega * rateCotangent[1];
        gradient[1] += rateCotangent[0] - damping * rateCotangent[1];
    }

    /// <summary>cᵀ·∂rate/∂ω = c₁·(−2ω·x).</summary>
    public static double OscillatorOmegaGradient(ReadOnlySpan<double> state, double omega, double damping, ReadOnlySpan<double> rateCotangent) =>
        rateCotangent[1] * -2 * omega * state[0];

    /// <summary>cᵀ·∂rate/∂c = c₁·(−v).</summary>
    public static double OscillatorDampingGradient(ReadOnlySpan<double> state, double omega, double damping, ReadOnlySpan<double> rateCotangent) =>
        -rateCotangent[1] * state[1];

    /// <summary>The position after <paramref name="steps"/> Euler steps from (x0, v0), ω and c differentiated.</summary>
    [Differentiable(nameof(x0), nameof(v0), nameof(omega), nameof(damping))]
    public static double Position(double x0, double v0, double omega, double damping, double h, int steps)
    {
        Span<double> state = stackalloc double[2];
        Span<double> rate = stackalloc double[2];
        state[0] = x0;
        state[1] = v0;
        for (int s = 0; s < steps; s++)
        {
            Oscillator(state, omega, damping, rate);
            for (int i = 0; i < 2; i++)
            {
                state[i] += h * rate[i];
            }
        }

        return state[0];
    }

    /// <summary>The positions after each Euler step: a vector-valued caller, so its Jacobian goes through the declared products.</summary>
    [Differentiable(nameof(omega), nameof(damping))]
    public static void Positions(double x0, double v0, double omega, double damping, double h, Span<double> positions)
    {
        Span<double> state = stackalloc double[2];
        Span<double> rate = stackalloc double[2];
        state[0] = x0;
        state[1] = v0;
        for (int s = 0; s < positions.Length; s++)
        {
            Oscillator(state, omega, damping, rate);
            for (int i = 0; i < 2; i++)
            {
                state[i] += h * rate[i];
            }

            positions[s] = state[0];
        }
    }
}
