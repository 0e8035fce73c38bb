using System.Reflection;

namespace SymbolicDiff.Tests.Generator.Jacobians;

/// <summary>
/// Vector-valued methods in the other shapes the parser accepts: a float method (float outputs, tangents and Jacobian,
/// written with MathF) and an instance method reading a field (its generated methods are instance methods too, and a
/// double-returning one's Jacobian calls the method on the same object). Each Jacobian is checked against the one
/// worked out by hand. And a loop-free one (the structured transform takes it, its outputs being buffers).
/// </summary>
public class VectorValuedShapeTests
{
    [Fact]
    public void A_float_method_gets_a_float_Jacobian()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Models
            {
                [Differentiable]
                public static void Growth(float s, ReadOnlySpan<float> v, Span<float> o)
                {
                    for (int i = 0; i < v.Length; i++)
                    {
                        o[i] = MathF.Exp(s * v[i]);
                    }
                }
            }

            public static class Driver
            {
                public static float[] Jacobian(float s, float[] v)
                {
                    var jacobian = new float[v.Length * (1 + v.Length)];
                    Models.GrowthJacobian(s, v, new float[v.Length], jacobian);
                    return jacobian;
                }
            }
            """).ShouldSucceed();
        Assert.Contains("global::System.Span<float> jacobian", run.Source("Models.Growth.g.cs"), StringComparison.Ordinal);

        // Columns (s, v₀, v₁, v₂): ∂oᵢ/∂s = vᵢ·e^(s·vᵢ), ∂oᵢ/∂vⱼ = s·e^(s·vᵢ) where j = i, else 0. m = 3 < n = 4: reverse sweeps.
        const float s = 0.7f;
        float[] v = { 0.5f, -1.0f, 2.0f };
        var jacobian = (float[])Method(run, "Jacobian").Invoke(null, new object[] { s, v })!;
        for (int i = 0; i < 3; i++)
        {
            float e = MathF.Exp(s * v[i]);
            Assert.Equal(v[i] * e, jacobian[i * 4], 5);
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(j == i ? s * e : 0f, jacobian[i * 4 + 1 + j], 5);
            }
        }
    }

    [Fact]
    public void An_instance_method_gets_instance_Jacobian_methods_that_read_its_fields()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public partial class Model
            {
                private readonly double _offset;

                public Model(double offset) => _offset = offset;

                [Differentiable(nameof(a), nameof(k))]
                public double Residuals(double a, double k, ReadOnlySpan<double> x, Span<double> r)
                {
                    for (int i = 0; i < x.Length; i++)
                    {
                        r[i] = a * Math.Exp(-k * x[i]) - _offset;
                    }

                    return r[0];
                }
            }

            public static class Driver
            {
                public static double[] Jacobian(double offset, double a, double k, double[] x)
                {
                    var r = new double[x.Length];
                    var jacobian = new double[x.Length * 2];
                    double value = new Model(offset).ResidualsJacobian(a, k, x, r, jacobian);
                    return new[] { value }.Concat(jacobian).ToArray();
                }
            }
            """.Replace("using System;", "using System;\nusing System.Linq;")).ShouldSucceed();

        const double offset = 0.25, a = 3, k = 0.4;
        foreach (var x in new[] { new[] { 0.0, 1.0, 2.5 }, new[] { 1.5 } }) // m = 3 > n = 2: forward; m = 1 < 2: reverse
        {
            var result = (double[])Method(run, "Jacobian").Invoke(null, new object[] { offset, a, k, x })!;
            Assert.Equal(a * Math.Exp(-k * x[0]) - offset, result[0], 14); // the returned value, r[0]
            for (int i = 0; i < x.Length; i++)
            {
                double e = Math.Exp(-k * x[i]);
                Assert.Equal(e, result[1 + i * 2], 14);
                Assert.Equal(-a * x[i] * e, result[1 + i * 2 + 1], 14);
            }
        }
    }

    [Fact]
    public void A_loop_free_vector_valued_method_gets_its_Jacobian_by_either_sweep()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Models
            {
                [Differentiable]
                public static void Polar(double radius, double angle, Span<double> xy)
                {
                    xy[0] = radius * Math.Cos(angle);
                    xy[1] = radius * Math.Sin(angle);
                }

                [Differentiable]
                public static void Norm(double x, double y, double z, Span<double> n)
                {
                    n[0] = Math.Sqrt(x * x + y * y + z * z);
                }
            }

            public static class Driver
            {
                public static double[] Polar(double radius, double angle)
                {
                    var jacobian = new double[4];
                    Models.PolarJacobian(radius, angle, new double[2], jacobian);
                    return jacobian;
                }

                public static double[] Norm(double x, double y, double z)
                {
                    var jacobian = new double[3];
                    Models.NormJacobian(x, y, z, new double[1], jacobian);
                    return jacobian;
                }
            }
            """).ShouldSucceed();

        // m = n = 2, forward sweeps: [[cos θ, −r·sin θ], [sin θ, r·cos θ]].
        const double radius = 1.7, angle = 0.6;
        var polar = (double[])Method(run, "Polar").Invoke(null, new object[] { radius, angle })!;
        double[] expected = { Math.Cos(angle), -radius * Math.Sin(angle), Math.Sin(angle), radius * Math.Cos(angle) };
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(expected[i], polar[i], 14);
        }

        // m = 1 < n = 3, a reverse sweep: (x, y, z) / ‖(x, y, z)‖.
        var norm = (double[])Method(run, "Norm").Invoke(null, new object[] { 1.0, -2.0, 2.0 })!;
        Assert.Equal(1.0 / 3, norm[0], 14);
        Assert.Equal(-2.0 / 3, norm[1], 14);
        Assert.Equal(2.0 / 3, norm[2], 14);
    }

    private static MethodInfo Method(GeneratorRun run, string name) =>
        run.Load().GetType("Driver")!.GetMethod(name, BindingFlags.Public | BindingFlags.Static)!;
}
