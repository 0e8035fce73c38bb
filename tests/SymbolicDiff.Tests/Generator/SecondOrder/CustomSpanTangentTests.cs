using Microsoft.CodeAnalysis.CSharp;

namespace SymbolicDiff.Tests.Generator.SecondOrder;

/// <summary>
/// A user's own function over vectors gets second derivatives the way the runtime's losses do: its vector-Jacobian
/// product declares a tangent method with [Derivative], which the Hessian-vector product calls.
/// </summary>
public class CustomSpanTangentTests
{
    private const string Source = """
        using System;
        using SymbolicDiff;

        public static partial class Energy
        {
            /// <summary>s(x) = Σ xᵢ³.</summary>
            [Derivative(nameof(values), nameof(SumOfCubesValuesGradient))]
            public static double SumOfCubes(ReadOnlySpan<double> values)
            {
                double sum = 0;
                foreach (double v in values) sum += v * v * v;
                return sum;
            }

            /// <summary>Adds seed · 3xᵢ² into gradient[i].</summary>
            [Derivative(nameof(SumOfCubesValuesGradientTangent))]
            public static void SumOfCubesValuesGradient(ReadOnlySpan<double> values, double seed, Span<double> gradient)
            {
                for (int i = 0; i < values.Length; i++) gradient[i] += seed * 3 * values[i] * values[i];
            }

            /// <summary>Adds seed · 6xᵢ·dxᵢ + dseed · 3xᵢ² into gradientTangent[i]; an empty valuesTangent is 0.</summary>
            public static void SumOfCubesValuesGradientTangent(ReadOnlySpan<double> values, double seed, ReadOnlySpan<double> valuesTangent, double seedTangent, Span<double> gradientTangent)
            {
                for (int i = 0; i < values.Length; i++)
                {
                    double dx = valuesTangent.IsEmpty ? 0 : valuesTangent[i];
                    gradientTangent[i] += seed * 6 * values[i] * dx + seedTangent * 3 * values[i] * values[i];
                }
            }

            [Differentiable(nameof(x), SecondOrder = true)]
            public static double Wave(ReadOnlySpan<double> x) => Math.Sin(SumOfCubes(x));
        }

        public static class Adapters
        {
            public static double Gradient(double[] x, double[] gradient) => Energy.WaveWithGradient(x, gradient);

            public static double Product(double[] x, double[] v, double[] gradient, double[] product) => Energy.WaveHessianVectorProduct(x, v, gradient, product);
        }
        """;

    [Fact]
    public void A_users_span_function_with_a_declared_tangent_has_the_hand_worked_Hessian_vector_product()
    {
        var run = GeneratorHarness.Run(Source).ShouldSucceed();
        Assert.Contains("Energy.SumOfCubesValuesGradientTangent(x, dWave_dsumOfCubes, vX, ", run.Source("Energy.Wave.g.cs"));
        using var stream = new MemoryStream();
        var emitted = run.Output.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var adapters = new System.Runtime.Loader.AssemblyLoadContext(null, isCollectible: true).LoadFromStream(new MemoryStream(stream.ToArray())).GetType("Adapters")!;

        double[] x = [0.5, -0.8, 0.3];
        double[] v = [1.0, 0.5, -2.0];
        var hv = new double[3];
        adapters.GetMethod("Product")!.Invoke(null, new object[] { x, v, new double[3], hv });

        // f = sin(s), s = Σ xᵢ³, g = ∇s = 3x²: H = −sin(s)·g·gᵀ + cos(s)·diag(6x).
        double s = x.Sum(value => value * value * value);
        var g = x.Select(value => 3 * value * value).ToArray();
        double gv = g.Zip(v, (a, b) => a * b).Sum();
        var byHand = x.Select((value, i) => -Math.Sin(s) * g[i] * gv + Math.Cos(s) * 6 * value * v[i]).ToArray();

        const double step = 1e-6;
        var plus = new double[3];
        var minus = new double[3];
        var gradient = adapters.GetMethod("Gradient")!;
        gradient.Invoke(null, new object[] { x.Zip(v, (a, b) => a + step * b).ToArray(), plus });
        gradient.Invoke(null, new object[] { x.Zip(v, (a, b) => a - step * b).ToArray(), minus });
        for (int i = 0; i < 3; i++)
        {
            Assert.True(Math.Abs(byHand[i] - hv[i]) <= 1e-13, $"(Hv)[{i}]: by hand {byHand[i]}, generated {hv[i]}");
            Assert.True(Math.Abs((plus[i] - minus[i]) / (2 * step) - hv[i]) <= 1e-7, $"(Hv)[{i}]: differences {(plus[i] - minus[i]) / (2 * step)}, generated {hv[i]}");
        }
    }
}
