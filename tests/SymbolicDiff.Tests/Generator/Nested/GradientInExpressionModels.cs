using System;
using SymbolicDiff;

namespace SymbolicDiff.Tests.Generator.Nested;

/// <summary>
/// A [Differentiable] method that reads the value of a call which writes into spans inside a larger expression
/// (<c>x * EnergyWithGradient(v, a, gradient)</c>): the parser hoists the call into a hidden local just before its
/// statement, where the user's code runs it. U(v) = Σᵢ ½ aᵢ vᵢ², ∇U = a∘v.
/// </summary>
public static partial class GradientInExpressionModels
{
    /// <summary>U(v) = Σᵢ ½ aᵢ vᵢ².</summary>
    [Differentiable(nameof(v), SecondOrder = true)]
    public static double Energy(ReadOnlySpan<double> v, ReadOnlySpan<double> a)
    {
        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            sum += 0.5 * a[i] * v[i] * v[i];
        }

        return sum;
    }

    /// <summary>x·U(v) + ‖∇U(v)‖², the value read inside a product.</summary>
    [Differentiable(nameof(v), nameof(x))]
    public static double WeightedEnergy(ReadOnlySpan<double> v, ReadOnlySpan<double> a, double x)
    {
        Span<double> gradient = stackalloc double[v.Length];
        double total = x * EnergyWithGradient(v, a, gradient);
        for (int i = 0; i < v.Length; i++)
        {
            total += gradient[i] * gradient[i];
        }

        return total;
    }

    /// <summary>log(1 + U(v)), the value read as the argument of a function in a return.</summary>
    [Differentiable(nameof(v))]
    public static double LogEnergy(ReadOnlySpan<double> v, ReadOnlySpan<double> a)
    {
        Span<double> gradient = stackalloc double[v.Length];
        return Math.Log(1 + EnergyWithGradient(v, a, gradient));
    }

    /// <summary>η Σₛ U(vₛ) along gradient descent: the value added in with <c>+=</c> inside the loop.</summary>
    [Differentiable(nameof(start), nameof(eta))]
    public static double ScaledEnergyAlongDescent(ReadOnlySpan<double> start, ReadOnlySpan<double> a, double eta, int steps)
    {
        Span<double> v = stackalloc double[start.Length];
        Span<double> gradient = stackalloc double[start.Length];
        for (int i = 0; i < start.Length; i++)
        {
            v[i] = start[i];
        }

        double total = 0;
        for (int s = 0; s < steps; s++)
        {
            total += eta * EnergyWithGradient(v, a, gradient);
            for (int i = 0; i < v.Length; i++)
            {
                v[i] -= eta * gradient[i];
            }
        }

        return total;
    }

    /// <summary>s Σᵢ ∂U/∂vᵢ · vᵢ = s Σᵢ aᵢ vᵢ², with s = ½ where U(v) &gt; 1 (the call in an if's condition), else 1.</summary>
    [Differentiable(nameof(v))]
    public static double Clipped(ReadOnlySpan<double> v, ReadOnlySpan<double> a)
    {
        Span<double> gradient = stackalloc double[v.Length];
        double scale = 1;
        if (EnergyWithGradient(v, a, gradient) > 1)
        {
            scale = 0.5;
        }

        double sum = 0;
        for (int i = 0; i < v.Length; i++)
            sum += scale * gradient[i] * v[i];

        return sum;
    }

    /// <summary>A vector-valued helper: m = (s w₀, s w₁), returning m₀ + m₁.</summary>
    [Differentiable(nameof(s), nameof(w))]
    public static double Moments(double s, ReadOnlySpan<double> w, Span<double> m)
    {
        m[0] = s * w[0];
        m[1] = s * w[1];
        return m[0] + m[1];
    }

    /// <summary>2 s (w₀ + w₁) · s w₀, the helper's value read inside a product.</summary>
    [Differentiable(nameof(s), nameof(w))]
    public static double TwiceMoments(double s, ReadOnlySpan<double> w)
    {
        Span<double> buffer = stackalloc double[2];
        double v = 2 * Moments(s, w, buffer);
        return v * buffer[0];
    }
}
