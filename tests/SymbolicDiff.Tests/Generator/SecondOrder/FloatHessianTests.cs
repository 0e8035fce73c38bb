using System.Reflection;
using Microsoft.CodeAnalysis.CSharp;
using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.SecondOrder;

/// <summary>
/// Second derivatives of float methods (MWithHessian, MHessianVectorProduct, MHessian in float, with MathF and the
/// runtime's float primitives). Each float method has a double twin in the same source; the float results are checked
/// against Hessians worked out by hand (in double) and against central differences of the double twin's generated
/// gradient, with float tolerances: the float code rounds every intermediate to about 6e-8 relative.
/// </summary>
public class FloatHessianTests
{
    private const string Source = """
        using System;
        using SymbolicDiff;

        public static partial class Model
        {
            [Differentiable(nameof(w), nameof(b), SecondOrder = true)]
            public static float Loss(float x, float w, float b, float y)
            {
                float z = x * w + b;
                float a = Activations.Sigmoid(z);
                return Losses.MeanSquaredError(a, y) + MathF.Log(1 + w * w) * MathF.Exp(b);
            }

            [Differentiable(nameof(w), nameof(b))]
            public static double LossTwin(double x, double w, double b, double y)
            {
                double z = x * w + b;
                double a = Activations.Sigmoid(z);
                return Losses.MeanSquaredError(a, y) + Math.Log(1 + w * w) * Math.Exp(b);
            }

            [Differentiable(SecondOrder = true)]
            public static float Primitives(float u, float v)
            {
                return Activations.Tanh(u * v) + Activations.Softplus(u - v) + Losses.BinaryCrossEntropyWithLogits(u, 0.25f)
                    + Activations.LeakyRelu(v, 0.1f) * u + Losses.HalfSquaredError(MathF.Sin(u), v);
            }

            [Differentiable]
            public static double PrimitivesTwin(double u, double v)
            {
                return Activations.Tanh(u * v) + Activations.Softplus(u - v) + Losses.BinaryCrossEntropyWithLogits(u, 0.25)
                    + Activations.LeakyRelu(v, 0.1) * u + Losses.HalfSquaredError(Math.Sin(u), v);
            }

            [Differentiable(SecondOrder = true)]
            public static float Rosenbrock(ReadOnlySpan<float> x)
            {
                float sum = 0;
                for (int i = 0; i < x.Length - 1; i++)
                {
                    float a = 1 - x[i];
                    float b = x[i + 1] - x[i] * x[i];
                    sum += a * a + 100 * b * b;
                }

                return sum;
            }
        }
        """;

    // Arrays in, arrays out: reflection cannot pass spans.
    private const string Adapters = """
        public static class Adapters
        {
            public static float Product(float[] x, float[] v, float[] gradient, float[] product) => Model.RosenbrockHessianVectorProduct(x, v, gradient, product);

            public static float Gradient(float[] x, float[] gradient) => Model.RosenbrockWithGradient(x, gradient);

            public static float Dense(float[] x, float[] hessian) => Model.RosenbrockHessian(x, hessian);
        }
        """;

    private static (GeneratorRun Run, Assembly Assembly) Compile()
    {
        var run = GeneratorHarness.Run(Source).ShouldSucceed();
        var compilation = run.Output.AddSyntaxTrees(CSharpSyntaxTree.ParseText(Adapters, GeneratorHarness.ParseOptions));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        return (run, new System.Runtime.Loader.AssemblyLoadContext(null, isCollectible: true).LoadFromStream(new MemoryStream(stream.ToArray())));
    }

    /// <summary>The float struct form: value, the two partials and the 2×2 Hessian, widened to double.</summary>
    private static (double Value, double[] Gradient, double[,] Hessian) FloatWithHessian(Type model, string name, float[] point)
    {
        var method = model.GetMethods().Single(m => m.Name == name + "WithHessian" && m.GetParameters().Length == point.Length);
        object result = method.Invoke(null, point.Cast<object>().ToArray())!;
        var properties = result.GetType().GetProperties();
        Assert.Equal(typeof(float), properties.Single(p => p.Name == "Value").PropertyType);
        var hessian = (float[,])properties.Single(p => p.Name == "Hessian").GetValue(result)!;
        var widened = new double[hessian.GetLength(0), hessian.GetLength(1)];
        for (int i = 0; i < widened.GetLength(0); i++)
        {
            for (int j = 0; j < widened.GetLength(1); j++)
            {
                widened[i, j] = hessian[i, j];
            }
        }

        return ((float)properties.Single(p => p.Name == "Value").GetValue(result)!,
            properties.Where(p => p.Name is not ("Value" or "Hessian")).Select(p => (double)(float)p.GetValue(result)!).ToArray(),
            widened);
    }

    [Fact]
    public void A_float_neurons_Hessian_matches_the_hand_worked_one_and_differences_of_its_double_twins_gradient()
    {
        var (run, assembly) = Compile();
        var model = assembly.GetType("Model")!;
        var twin = new HessianHarness(run, "Model", "LossTwin", withHessian: false);
        foreach (var (x, w, b, y) in new[] { (0.5f, 2.0f, -1.0f, 1.0f), (-1.5f, 0.3f, 0.8f, 0.0f), (2.0f, -0.7f, 0.25f, 0.2f) })
        {
            var (value, gradient, hessian) = FloatWithHessian(model, "Loss", new[] { x, w, b, y });

            // L = (σ(z) − y)² + ln(1 + w²)·e^b, z = xw + b. With a = σ(z) and C = d²(a − y)²/dz² = 2a(1 − a)[a(1 − a) + (a − y)(1 − 2a)]:
            // ∂²L/∂w² = x²C + e^b·2(1 − w²)/(1 + w²)², ∂²L/∂w∂b = xC + e^b·2w/(1 + w²), ∂²L/∂b² = C + ln(1 + w²)·e^b.
            double a = 1 / (1 + Math.Exp(-((double)x * w + b)));
            double c = 2 * a * (1 - a) * (a * (1 - a) + (a - y) * (1 - 2 * a));
            double e = Math.Exp(b), q = 1 + (double)w * w;
            var byHand = new[,] { { x * x * c + e * 2 * (1 - (double)w * w) / (q * q), x * c + e * 2 * w / q }, { x * c + e * 2 * w / q, c + Math.Log(q) * e } };
            HessianHarness.AssertClose(byHand, hessian, 2e-5, "float Hessian against the one worked out by hand");

            double[] point = { x, w, b, y };
            HessianHarness.AssertClose(twin.FiniteDifferenceHessian(point, new[] { 1, 2 }), hessian, 2e-5, "float Hessian against central differences of the double twin's gradient");
            HessianHarness.AssertSymmetric(hessian);

            // The value and the gradient are the float gradient's, exactly (the same float code computes them).
            var floatGradient = model.GetMethods().Single(m => m.Name == "LossWithGradient" && m.GetParameters().Length == 4).Invoke(null, new object[] { x, w, b, y })!;
            var gradientProperties = floatGradient.GetType().GetProperties();
            Assert.Equal((float)gradientProperties.Single(p => p.Name == "Value").GetValue(floatGradient)!, (float)value);
            Assert.Equal(new[] { (float)gradientProperties.Single(p => p.Name == "W").GetValue(floatGradient)!, (float)gradientProperties.Single(p => p.Name == "B").GetValue(floatGradient)! }, gradient.Select(g => (float)g).ToArray());
        }
    }

    [Fact]
    public void Float_primitives_second_derivatives_come_from_their_float_declarations()
    {
        // Tanh, Softplus, BinaryCrossEntropyWithLogits, LeakyRelu and HalfSquaredError in float: each derivative
        // method the gradient calls is differentiated through its float [Derivative] declarations.
        var (run, assembly) = Compile();
        var model = assembly.GetType("Model")!;
        var twin = new HessianHarness(run, "Model", "PrimitivesTwin", withHessian: false);
        foreach (var (u, v) in new[] { (0.4f, -0.9f), (-1.3f, 0.6f), (2.2f, 1.7f) })
        {
            var (_, _, hessian) = FloatWithHessian(model, "Primitives", new[] { u, v });

            // By hand: tanh(uv) gives t'' = −2t(1 − t²) times (v², uv, u²) plus (1 − t²) on the mixed term; softplus(u − v)
            // gives s = σ(u − v)(1 − σ(u − v)) times (1, −1, 1); BCE with logits in u adds σ(u)(1 − σ(u)) to ∂²/∂u²;
            // leakyrelu(v)·u adds its slope to the mixed term; ½(sin u − v)² adds cos²u − (sin u − v)sin u, −cos u, 1.
            double t = Math.Tanh((double)u * v), t2 = -2 * t * (1 - t * t);
            double sp = 1 / (1 + Math.Exp(-((double)u - v))), s = sp * (1 - sp);
            double su = 1 / (1 + Math.Exp(-(double)u)), bce = su * (1 - su);
            double slope = v > 0 ? 1 : 0.1;
            double sin = Math.Sin(u), cos = Math.Cos(u);
            double huu = t2 * v * v + s + bce + cos * cos - (sin - v) * sin;
            double huv = t2 * u * v + (1 - t * t) - s + slope - cos;
            double hvv = t2 * u * u + s + 1;
            var byHand = new[,] { { huu, huv }, { huv, hvv } };
            HessianHarness.AssertClose(byHand, hessian, 2e-5, "float Hessian against the one worked out by hand");
            HessianHarness.AssertClose(twin.FiniteDifferenceHessian(new double[] { u, v }, new[] { 0, 1 }), hessian, 2e-5, "float Hessian against central differences of the double twin's gradient");
        }
    }

    [Fact]
    public void A_float_Rosenbrocks_Hessian_vector_product_and_dense_Hessian_match_the_hand_worked_Hessian()
    {
        var (_, assembly) = Compile();
        var adapters = assembly.GetType("Adapters")!;
        var random = new Random(31);
        foreach (int n in new[] { 2, 5, 12 })
        {
            var x = Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 3 - 1.5)).ToArray();
            var v = Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var gradient = new float[n];
            var product = new float[n];
            float value = (float)adapters.GetMethod("Product")!.Invoke(null, new object[] { x, v, gradient, product })!;

            var expectedGradient = new float[n];
            Assert.Equal((float)adapters.GetMethod("Gradient")!.Invoke(null, new object[] { x, expectedGradient })!, value);
            Assert.Equal(expectedGradient, gradient);

            // The Hessian of Σ (1 − xᵢ)² + 100(xᵢ₊₁ − xᵢ²)², by hand, in double at the float point; entries reach about 2,000,
            // so the float product is compared relative to the largest |H|·|v| term.
            var h = new double[n, n];
            for (int i = 0; i < n - 1; i++)
            {
                h[i, i] += 2 - 400 * (x[i + 1] - (double)x[i] * x[i]) + 800 * (double)x[i] * x[i];
                h[i, i + 1] += -400.0 * x[i];
                h[i + 1, i] += -400.0 * x[i];
                h[i + 1, i + 1] += 200;
            }

            for (int i = 0; i < n; i++)
            {
                double expected = 0, scale = 1;
                for (int j = 0; j < n; j++)
                {
                    expected += h[i, j] * v[j];
                    scale += Math.Abs(h[i, j] * v[j]);
                }

                Assert.True(Math.Abs(expected - product[i]) <= 1e-5 * scale, $"n = {n}: (Hv)[{i}] expected {expected:R}, got {product[i]:R}");
            }

            var dense = new float[n * n];
            Assert.Equal(value, (float)adapters.GetMethod("Dense")!.Invoke(null, new object[] { x, dense })!);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    Assert.True(Math.Abs(h[i, j] - dense[i * n + j]) <= 1e-5 * Math.Max(1, Math.Abs(h[i, j])), $"n = {n}: H[{i},{j}] expected {h[i, j]:R}, got {dense[i * n + j]:R}");
                    Assert.Equal(dense[i * n + j], dense[j * n + i]);
                }
            }
        }
    }

    [Fact]
    public void The_float_neurons_second_derivatives_are_written_in_float_with_MathF()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Neuron
            {
                [Differentiable(nameof(w), nameof(b), SecondOrder = true)]
                public static float Loss(float x, float w, float b, float y)
                {
                    float z = x * w + b;
                    float a = Activations.Sigmoid(z);
                    return Losses.MeanSquaredError(a, y) + MathF.Log(1 + w * w) * MathF.Exp(b);
                }
            }
            """).ShouldSucceed();
        string source = run.Source("Neuron.Loss.g.cs");
        Snapshot.Verify(source);
        Assert.DoesNotContain("double", source, StringComparison.Ordinal);
        Assert.DoesNotContain("global::System.Math.", source, StringComparison.Ordinal);
    }
}
