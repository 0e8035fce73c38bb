using System;
using SymbolicDiff;

namespace SymbolicDiff.Tests.Generator.Nested;

/// <summary>
/// A [Differentiable] method that calls the generated gradient of a method over spans as a statement
/// (<c>EnergyWithGradient(v, a, gradient);</c>), differentiated by the generator as part of this test project through
/// the energy's Hessian-vector product.
/// </summary>
public static partial class GradientOverSpansModels
{
    /// <summary>U(v) = Σᵢ ½ aᵢ vᵢ²: ∂U/∂vᵢ = aᵢ vᵢ, and the Hessian is diag(a).</summary>
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

    /// <summary>Σᵢ vᵢ² after <paramref name="steps"/> steps of gradient descent v ← v − η·∇U(v) from <paramref name="start"/>.</summary>
    [Differentiable(nameof(start), nameof(eta))]
    public static double Descend(ReadOnlySpan<double> start, ReadOnlySpan<double> a, double eta, int steps)
    {
        Span<double> v = stackalloc double[start.Length];
        Span<double> gradient = stackalloc double[start.Length];
        for (int i = 0; i < start.Length; i++)
        {
            v[i] = start[i];
        }

        for (int s = 0; s < steps; s++)
        {
            EnergyWithGradient(v, a, gradient);
            for (int i = 0; i < v.Length; i++)
            {
                v[i] -= eta * gradient[i];
            }
        }

        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            sum += v[i] * v[i];
        }

        return sum;
    }

    /// <summary>
    /// Σₛ U(vₛ) over the points <paramref name="steps"/> steps of gradient descent pass through: each step reads both the
    /// value U(v) and the gradient the same call writes.
    /// </summary>
    [Differentiable(nameof(start), nameof(eta))]
    public static double EnergyAlongDescent(ReadOnlySpan<double> start, ReadOnlySpan<double> a, double eta, int steps)
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
            double u = EnergyWithGradient(v, a, gradient);
            total += u;
            for (int i = 0; i < v.Length; i++)
            {
                v[i] -= eta * gradient[i];
            }
        }

        return total;
    }

    /// <summary>U(v)², read from the value of the gradient call alone (the gradient it writes is not read).</summary>
    [Differentiable(nameof(v))]
    public static double SquaredEnergy(ReadOnlySpan<double> v, ReadOnlySpan<double> a)
    {
        Span<double> gradient = stackalloc double[v.Length];
        double u = EnergyWithGradient(v, a, gradient);
        return u * u;
    }

    /// <summary>U(v) itself, returned from the gradient call.</summary>
    [Differentiable(nameof(v))]
    public static double ReturnedEnergy(ReadOnlySpan<double> v, ReadOnlySpan<double> a)
    {
        Span<double> gradient = stackalloc double[v.Length];
        return EnergyWithGradient(v, a, gradient);
    }

    /// <summary>‖∇U(v)‖², the value of the call declared but never read.</summary>
    [Differentiable(nameof(v))]
    public static double GradientNormSquared(ReadOnlySpan<double> v, ReadOnlySpan<double> a)
    {
        Span<double> gradient = stackalloc double[v.Length];
        double unused = EnergyWithGradient(v, a, gradient);
        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            sum += gradient[i] * gradient[i];
        }

        return sum;
    }

    /// <summary>U(v, b) = b Σᵢ ½ aᵢ vᵢ² + ½ b²: ∇ᵥU = b a∘v and ∂U/∂b = Σᵢ ½ aᵢ vᵢ² + b, so ∂(∇ᵥU)/∂b = a∘v.</summary>
    [Differentiable(nameof(v), nameof(b), SecondOrder = true)]
    public static double ScaledEnergy(ReadOnlySpan<double> v, double b, ReadOnlySpan<double> a)
    {
        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            sum += 0.5 * b * a[i] * v[i] * v[i];
        }

        return sum + 0.5 * b * b;
    }

    /// <summary>Σᵢ vᵢ² after descent on the scaled energy, its scalar gradient discarded (<c>out _</c>).</summary>
    [Differentiable(nameof(start), nameof(b), nameof(eta))]
    public static double ScaledDescend(ReadOnlySpan<double> start, ReadOnlySpan<double> a, double b, double eta, int steps)
    {
        Span<double> v = stackalloc double[start.Length];
        Span<double> gradient = stackalloc double[start.Length];
        for (int i = 0; i < start.Length; i++)
        {
            v[i] = start[i];
        }

        for (int s = 0; s < steps; s++)
        {
            ScaledEnergyWithGradient(v, b, a, gradient, out _);
            for (int i = 0; i < v.Length; i++)
            {
                v[i] -= eta * gradient[i];
            }
        }

        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            sum += v[i] * v[i];
        }

        return sum;
    }

    /// <summary>Σₛ U(vₛ, b) along the same descent: the value of each call is read too.</summary>
    [Differentiable(nameof(start), nameof(b), nameof(eta))]
    public static double ScaledEnergyAlongDescent(ReadOnlySpan<double> start, ReadOnlySpan<double> a, double b, double eta, int steps)
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
            double u = ScaledEnergyWithGradient(v, b, a, gradient, out _);
            total += u;
            for (int i = 0; i < v.Length; i++)
            {
                v[i] -= eta * gradient[i];
            }
        }

        return total;
    }

    /// <summary>U(v, b)², from the value alone: ∂/∂b is 2U · ∂U/∂b, the scalar part the call discards.</summary>
    [Differentiable(nameof(v), nameof(b))]
    public static double SquaredScaledEnergy(ReadOnlySpan<double> v, double b, ReadOnlySpan<double> a)
    {
        Span<double> gradient = stackalloc double[v.Length];
        double u = ScaledEnergyWithGradient(v, b, a, gradient, out _);
        return u * u;
    }
}
