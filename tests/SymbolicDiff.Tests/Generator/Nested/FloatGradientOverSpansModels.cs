using System;
using SymbolicDiff;

namespace SymbolicDiff.Tests.Generator.Nested;

/// <summary>
/// The float twins of <c>GradientOverSpansModels</c>: a float [Differentiable] method that calls the generated
/// gradient of a float method over <c>ReadOnlySpan&lt;float&gt;</c>, differentiated through the callee's float
/// Hessian-vector product. U(v) = Σᵢ ½ aᵢ vᵢ², so ∇U = a∘v and the Hessian is diag(a).
/// </summary>
public static partial class FloatGradientOverSpansModels
{
    /// <summary>U(v) = Σᵢ ½ aᵢ vᵢ², in float.</summary>
    [Differentiable(nameof(v), SecondOrder = true)]
    public static float Energy(ReadOnlySpan<float> v, ReadOnlySpan<float> a)
    {
        float sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            sum += 0.5f * a[i] * v[i] * v[i];
        }

        return sum;
    }

    /// <summary>Σᵢ vᵢ² after <paramref name="steps"/> steps of gradient descent v ← v − η·∇U(v), in float.</summary>
    [Differentiable(nameof(start), nameof(eta))]
    public static float Descend(ReadOnlySpan<float> start, ReadOnlySpan<float> a, float eta, int steps)
    {
        Span<float> v = stackalloc float[start.Length];
        Span<float> gradient = stackalloc float[start.Length];
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

        float sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            sum += v[i] * v[i];
        }

        return sum;
    }

    /// <summary>Σₛ U(vₛ) along the same descent: each step reads the value U(v) and the gradient of one call.</summary>
    [Differentiable(nameof(start), nameof(eta))]
    public static float EnergyAlongDescent(ReadOnlySpan<float> start, ReadOnlySpan<float> a, float eta, int steps)
    {
        Span<float> v = stackalloc float[start.Length];
        Span<float> gradient = stackalloc float[start.Length];
        for (int i = 0; i < start.Length; i++)
        {
            v[i] = start[i];
        }

        float total = 0;
        for (int s = 0; s < steps; s++)
        {
            float u = EnergyWithGradient(v, a, gradient);
            total += u;
            for (int i = 0; i < v.Length; i++)
            {
                v[i] -= eta * gradient[i];
            }
        }

        return total;
    }

    /// <summary>U(v, b) = b Σᵢ ½ aᵢ vᵢ² + ½ b², in float: ∇ᵥU = b a∘v, ∂U/∂b = Σᵢ ½ aᵢ vᵢ² + b.</summary>
    [Differentiable(nameof(v), nameof(b), SecondOrder = true)]
    public static float ScaledEnergy(ReadOnlySpan<float> v, float b, ReadOnlySpan<float> a)
    {
        float sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            sum += 0.5f * b * a[i] * v[i] * v[i];
        }

        return sum + 0.5f * b * b;
    }

    /// <summary>Σᵢ vᵢ² after descent on the scaled energy, its scalar gradient discarded (<c>out _</c>), in float.</summary>
    [Differentiable(nameof(start), nameof(b), nameof(eta))]
    public static float ScaledDescend(ReadOnlySpan<float> start, ReadOnlySpan<float> a, float b, float eta, int steps)
    {
        Span<float> v = stackalloc float[start.Length];
        Span<float> gradient = stackalloc float[start.Length];
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

        float sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            sum += v[i] * v[i];
        }

        return sum;
    }
}
