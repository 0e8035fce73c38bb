using System;
using SymbolicDiff;

namespace SymbolicDiff.Tests.Generator.Nested;

/// <summary>
/// The gradient of a method over spans whose parameters are not all <c>ReadOnlySpan&lt;double&gt;</c>: arrays, a
/// <c>Span&lt;double&gt;</c> it only reads, and an integer, read by another [Differentiable] method. U(v) = Σ_{i&lt;n} ½ aᵢ vᵢ².
/// </summary>
public static partial class GradientOverArraysModels
{
    /// <summary>U(v) = Σ_{i&lt;n} ½ aᵢ vᵢ², over arrays and the first <paramref name="n"/> entries.</summary>
    [Differentiable(nameof(v), SecondOrder = true)]
    public static double Energy(double[] v, double[] a, int n)
    {
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += 0.5 * a[i] * v[i] * v[i];
        }

        return sum;
    }

    /// <summary>Σᵢ vᵢ² after <paramref name="steps"/> steps of gradient descent on U, over arrays.</summary>
    [Differentiable(nameof(start), nameof(eta))]
    public static double Descend(double[] start, double[] a, double eta, int steps)
    {
        double[] v = new double[start.Length];
        double[] gradient = new double[start.Length];
        for (int i = 0; i < start.Length; i++)
        {
            v[i] = start[i];
        }

        for (int s = 0; s < steps; s++)
        {
            EnergyWithGradient(v, a, v.Length, gradient);
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

    /// <summary>U(v) = Σᵢ ½ aᵢ vᵢ², over a span it only reads.</summary>
    [Differentiable(nameof(v), SecondOrder = true)]
    public static double SpanEnergy(Span<double> v, ReadOnlySpan<double> a)
    {
        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            sum += 0.5 * a[i] * v[i] * v[i];
        }

        return sum;
    }

    /// <summary>x U(v) + ‖∇U(v)‖², v a stackalloc copy of <paramref name="start"/> passed as a <c>Span&lt;double&gt;</c>.</summary>
    [Differentiable(nameof(start), nameof(x))]
    public static double WeightedSpanEnergy(ReadOnlySpan<double> start, ReadOnlySpan<double> a, double x)
    {
        Span<double> v = stackalloc double[start.Length];
        Span<double> gradient = stackalloc double[start.Length];
        for (int i = 0; i < start.Length; i++)
        {
            v[i] = start[i];
        }

        double u = SpanEnergyWithGradient(v, a, gradient);
        double total = x * u;
        for (int i = 0; i < v.Length; i++)
        {
            total += gradient[i] * gradient[i];
        }

        return total;
    }
}
