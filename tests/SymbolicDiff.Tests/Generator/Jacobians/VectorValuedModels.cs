using SymbolicDiff;

namespace SymbolicDiff.Tests.Generator.Jacobians;

/// <summary>
/// Vector-valued [Differentiable] methods, differentiated by the generator as part of this test project: each writes
/// its results into <c>Span&lt;double&gt;</c> outputs, and gets <c>MWithDerivative</c> (a tangent per output),
/// <c>MVectorJacobianProduct</c> and <c>MJacobian</c>. Each exercises one shape; the tests hold their Jacobians worked
/// out by hand.
/// </summary>
public static partial class VectorValuedModels
{
    /// <summary>NIST StRD Misra1a's residuals, straight: rᵢ = b₁(1 − e^(−b₂xᵢ)) − yᵢ.</summary>
    [Differentiable(nameof(b))]
    public static void Misra1a(ReadOnlySpan<double> b, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> r)
    {
        for (int i = 0; i < x.Length; i++)
        {
            r[i] = b[0] * (1 - Math.Exp(-b[1] * x[i])) - y[i];
        }
    }

    /// <summary>
    /// Loop-carried state writing two outputs: explicit Euler steps of x' = −kx from x₀, recording each position
    /// and the velocity that moved it. Position i is x₀(1 − k·dt)^(i+1), velocity i is −k·x₀(1 − k·dt)^i.
    /// </summary>
    [Differentiable(nameof(k), nameof(x0), nameof(dt))]
    public static void Decay(double k, double x0, double dt, Span<double> positions, Span<double> velocities)
    {
        double x = x0;
        for (int i = 0; i < positions.Length; i++)
        {
            double v = -k * x;
            x += dt * v;
            positions[i] = x;
            velocities[i] = v;
        }
    }

    /// <summary>
    /// A scalar and a vector differentiated, two results and a returned value read back from the outputs:
    /// m₀ = s·Σwᵢ, m₁ = s²·Σwᵢ², returning m₀ + m₁.
    /// </summary>
    [Differentiable(nameof(s), nameof(w))]
    public static double Moments(double s, ReadOnlySpan<double> w, Span<double> m)
    {
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < w.Length; i++)
        {
            sum += w[i];
            squares += w[i] * w[i];
        }

        m[0] = s * sum;
        m[1] = s * s * squares;
        return m[0] + m[1];
    }

    /// <summary>An output updated after its first write (<c>r[i] += e</c>) and an array output: rᵢ = aᵢ² + a₍ᵢ₊₁₎ mod n, tᵢ = rᵢ·c.</summary>
    [Differentiable(nameof(a), nameof(c))]
    public static void Updated(double[] a, double c, Span<double> r, double[] t)
    {
        for (int i = 0; i < a.Length; i++)
        {
            r[i] = a[i] * a[i];
            r[i] += a[(i + 1) % a.Length];
        }

        for (int i = 0; i < t.Length; i++)
        {
            t[i] = r[i] * c;
        }
    }
}
