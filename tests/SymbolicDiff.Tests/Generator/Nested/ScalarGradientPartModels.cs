using System;
using SymbolicDiff;

namespace SymbolicDiff.Tests.Generator.Nested;

/// <summary>
/// [Differentiable] methods that read the scalar part of a gradient over spans,
/// <c>CubicEnergyWithGradient(v, b, a, gradient, out double dB)</c>, differentiated by the generator through the
/// energy's Hessian-vector product with ∂L/∂dB as the direction for b.
/// </summary>
public static partial class ScalarGradientPartModels
{
    /// <summary>
    /// U(v, b) = ½ b² Σᵢ aᵢ vᵢ² + ⅓ b³: ∇ᵥU = b² a∘v, ∂U/∂b = b Σᵢ aᵢ vᵢ² + b²; ∂²U/∂vᵢ∂b = 2b aᵢ vᵢ,
    /// ∂²U/∂b² = Σᵢ aᵢ vᵢ² + 2b.
    /// </summary>
    [Differentiable(nameof(v), nameof(b), SecondOrder = true)]
    public static double CubicEnergy(ReadOnlySpan<double> v, double b, ReadOnlySpan<double> a)
    {
        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            sum += a[i] * v[i] * v[i];
        }

        return 0.5 * b * b * sum + b * b * b / 3;
    }

    /// <summary>(∂U/∂b)²: only the scalar part of the gradient is read.</summary>
    [Differentiable(nameof(v), nameof(b))]
    public static double SquaredScalarPart(ReadOnlySpan<double> v, double b, ReadOnlySpan<double> a)
    {
        Span<double> gradient = stackalloc double[v.Length];
        CubicEnergyWithGradient(v, b, a, gradient, out double dB);
        return dB * dB;
    }

    /// <summary>∂U/∂b · Σᵢ ∂U/∂vᵢ: both parts of the gradient are read.</summary>
    [Differentiable(nameof(v), nameof(b))]
    public static double BothParts(ReadOnlySpan<double> v, double b, ReadOnlySpan<double> a)
    {
        Span<double> gradient = stackalloc double[v.Length];
        CubicEnergyWithGradient(v, b, a, gradient, out double dB);
        double total = 0;
        for (int i = 0; i < v.Length; i++)
        {
            total += gradient[i];
        }

        return dB * total;
    }

    /// <summary>U · ∂U/∂b: the value the call returns and the scalar part.</summary>
    [Differentiable(nameof(v), nameof(b))]
    public static double ValueTimesScalarPart(ReadOnlySpan<double> v, double b, ReadOnlySpan<double> a)
    {
        Span<double> gradient = stackalloc double[v.Length];
        double u = CubicEnergyWithGradient(v, b, a, gradient, out var dB);
        return u * dB;
    }

    /// <summary>
    /// Σᵢ vᵢ² + c² after <paramref name="steps"/> steps of gradient descent on U in both v and c, from
    /// (<paramref name="start"/>, <paramref name="b"/>): v ← v − η ∇ᵥU(v, c), c ← c − η ∂U/∂c.
    /// </summary>
    [Differentiable(nameof(start), nameof(b), nameof(eta))]
    public static double JointDescent(ReadOnlySpan<double> start, double b, ReadOnlySpan<double> a, double eta, int steps)
    {
        Span<double> v = stackalloc double[start.Length];
        Span<double> gradient = stackalloc double[start.Length];
        for (int i = 0; i < start.Length; i++)
        {
            v[i] = start[i];
        }

        double c = b;
        for (int s = 0; s < steps; s++)
        {
            CubicEnergyWithGradient(v, c, a, gradient, out double dC);
            for (int i = 0; i < v.Length; i++)
            {
                v[i] -= eta * gradient[i];
            }

            c -= eta * dC;
        }

        double sum = c * c;
        for (int i = 0; i < v.Length; i++)
        {
            sum += v[i] * v[i];
        }

        return sum;
    }
}
