using System.Globalization;
using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator;

/// <summary>float methods compute in float with MathF, value and gradient alike.</summary>
public class FloatMethodTests
{
    private const string Source = """
        using System;
        using SymbolicDiff;

        public static partial class Single
        {
            [Differentiable]
            public static float Neuron(float x, float w, float b, int scale)
            {
                float z = x * w + b / scale;
                float a = 1f / (1f + MathF.Exp(-z));
                if (a > 0.5f)
                {
                    a = a * MathF.Sqrt(w * w + 1f);
                }

                return MathF.Log(1f + a * a) + MathF.Max(z, 0f) / 3f;
            }
        }
        """;

    [Fact]
    public void A_float_method_gets_a_float_gradient_written_with_MathF()
    {
        var run = GeneratorHarness.Run(Source).ShouldSucceed();
        string generated = run.Source("Single.Neuron.g.cs");
        Snapshot.Verify(generated);
        Assert.DoesNotContain("double", generated.Replace("ToDouble", string.Empty), StringComparison.Ordinal);
        Assert.DoesNotContain("System.Math.", generated, StringComparison.Ordinal);

        var type = run.Load().GetType("Single")!;
        foreach (var point in new[] { (0.5f, 2f, -1f), (1.5f, 0.8f, 0.3f), (-0.7f, 1.1f, 0.2f) })
        {
            object[] arguments = { point.Item1, point.Item2, point.Item3, 2 };
            float value = (float)type.GetMethod("Neuron")!.Invoke(null, arguments)!;
            object gradient = type.GetMethod("NeuronWithGradient")!.Invoke(null, arguments)!;
            Assert.Equal(value, (float)gradient.GetType().GetProperty("Value")!.GetValue(gradient)!);

            // Central differences of the float function evaluated in double precision would not exist; instead
            // compare with the same formula evaluated in double, differentiated by central differences: float
            // rounding (~1e-7 relative) bounds the agreement.
            foreach (var (name, index) in new[] { ("X", 0), ("W", 1), ("B", 2) })
            {
                double expected = CentralDifference(InDouble, new double[] { point.Item1, point.Item2, point.Item3 }, index);
                double actual = (float)gradient.GetType().GetProperty(name)!.GetValue(gradient)!;
                Assert.True(Math.Abs(actual - expected) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"∂/∂{name} at {point}: {actual} vs {expected}");
            }
        }
    }

    [Fact]
    public void A_float_method_with_a_loop_accepts_MathF_Sign_and_integer_literal_conditionals()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Single
            {
                [Differentiable]
                public static float SignedSum(float[] x, float scale)
                {
                    float total = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        total += MathF.Sign(x[i]) * x[i] * x[i] * scale + (x[i] > 0.5f ? 2 : -1) * x[i];
                    }

                    return total;
                }
            }
            """).ShouldSucceed();
        string generated = run.Source("Single.SignedSum.g.cs");
        Assert.Contains("MathF.Sign(", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("System.Math.", generated, StringComparison.Ordinal);

        // ∂/∂x[i] = 2·Sign(x[i])·x[i]·scale + (x[i] > 0.5 ? 2 : −1), ∂/∂scale = Σ Sign(x[i])·x[i]².
        float[] x = { 0.7f, -0.3f, 1.2f, 0.2f };
        object gradient = run.Load().GetType("Single")!.GetMethods().Single(m => m.Name == "SignedSumWithGradient" && m.GetParameters().Length == 2)
            .Invoke(null, new object[] { x, 1.5f })!;
        var dX = (float[])gradient.GetType().GetProperty("X")!.GetValue(gradient)!;
        float[] expectedX = { 2 * 0.7f * 1.5f + 2, 2 * -1 * -0.3f * 1.5f - 1, 2 * 1.2f * 1.5f + 2, 2 * 0.2f * 1.5f - 1 };
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(expectedX[i], dX[i], 1e-5f);
        }

        Assert.Equal(0.49f - 0.09f + 1.44f + 0.04f, (float)gradient.GetType().GetProperty("Scale")!.GetValue(gradient)!, 1e-5f);
    }

    [Fact]
    public void Double_arithmetic_inside_a_float_method_is_reported()
    {
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;
            public static partial class Single
            {
                [Differentiable]
                public static float F(float x, double d) => x * (float)d;
            }
            """);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0005", diagnostic.Id);
        Assert.StartsWith("A conversion to 'float' ('(float)d')", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    // The same function as Source, in double.
    private static double InDouble(double[] p)
    {
        double x = p[0], w = p[1], b = p[2];
        double z = x * w + b / 2;
        double a = 1 / (1 + Math.Exp(-z));
        if (a > 0.5)
        {
            a = a * Math.Sqrt(w * w + 1);
        }

        return Math.Log(1 + a * a) + Math.Max(z, 0) / 3;
    }

    private static double CentralDifference(Func<double[], double> f, double[] point, int index)
    {
        double h = 1e-6 * Math.Max(1, Math.Abs(point[index]));
        var plus = (double[])point.Clone();
        var minus = (double[])point.Clone();
        plus[index] += h;
        minus[index] -= h;
        return (f(plus) - f(minus)) / (2 * h);
    }
}
