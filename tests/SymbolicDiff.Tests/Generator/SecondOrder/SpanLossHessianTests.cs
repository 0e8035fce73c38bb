using System.Reflection;
using Microsoft.CodeAnalysis.CSharp;
using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.SecondOrder;

/// <summary>
/// Second derivatives through the runtime's functions over vectors (Losses.SoftmaxCrossEntropy and the other span
/// losses, Vectors.Dot): the gradient calls their vector-Jacobian products, and the Hessian-vector product calls the
/// tangent method each product declares. Checked against the Hessian worked out by hand and against central
/// differences of the generated gradient along the direction.
/// </summary>
public class SpanLossHessianTests
{
    // A linear softmax classifier over a few rows: logits_r = W·x_r (W is K×d, row-major), mean cross-entropy.
    private const string Classifier = """
        using System;
        using SymbolicDiff;

        public static partial class Classifier
        {
            [Differentiable(nameof(weights), SecondOrder = true)]
            public static double Loss(ReadOnlySpan<double> weights, ReadOnlySpan<double> features, ReadOnlySpan<int> labels, int classes)
            {
                int d = weights.Length / classes;
                Span<double> logits = stackalloc double[classes];
                double total = 0;
                for (int r = 0; r < labels.Length; r++)
                {
                    for (int k = 0; k < classes; k++)
                    {
                        double z = 0;
                        for (int c = 0; c < d; c++)
                        {
                            z += weights[k * d + c] * features[r * d + c];
                        }

                        logits[k] = z;
                    }

                    total += Losses.SoftmaxCrossEntropy(logits, labels[r]);
                }

                return total / labels.Length;
            }
        }
        """;

    private const string Adapters = """
        using System;

        public static class Adapters
        {
            public static double Gradient(double[] w, double[] x, int[] labels, int classes, double[] gradient) => Classifier.LossWithGradient(w, x, labels, classes, gradient);

            public static double Product(double[] w, double[] x, int[] labels, int classes, double[] v, double[] gradient, double[] product) =>
                Classifier.LossHessianVectorProduct(w, x, labels, classes, v, gradient, product);

            public static double Dense(double[] w, double[] x, int[] labels, int classes, double[] hessian) => Classifier.LossHessian(w, x, labels, classes, hessian);

            public static long ProductAllocations(double[] w, double[] x, int[] labels, int classes, double[] v)
            {
                var gradient = new double[w.Length];
                var product = new double[w.Length];
                Classifier.LossHessianVectorProduct(w, x, labels, classes, v, gradient, product);
                // The fewest bytes over five calls: tiered compilation's one-off bookkeeping is not the call's.
                long allocated = long.MaxValue;
                for (int window = 0; window < 5; window++)
                {
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    Classifier.LossHessianVectorProduct(w, x, labels, classes, v, gradient, product);
                    allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
                }

                return allocated;
            }
        }
        """;

    private static Type Compile(string source, string adapters)
    {
        var run = GeneratorHarness.Run(source).ShouldSucceed();
        var compilation = run.Output.AddSyntaxTrees(CSharpSyntaxTree.ParseText(adapters, GeneratorHarness.ParseOptions));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var assembly = new System.Runtime.Loader.AssemblyLoadContext(null, isCollectible: true).LoadFromStream(new MemoryStream(stream.ToArray()));
        return assembly.GetType("Adapters")!;
    }

    /// <summary>
    /// By hand: ∂²L/∂W[k,c]∂W[k',c'] = (1/R)·Σ_r (p_rk·[k = k'] − p_rk·p_rk')·x_rc·x_rc', with p_r = softmax(W·x_r): the
    /// softmax cross-entropy's Hessian diag(p) − p·pᵀ in the logits, chained through the linear map twice.
    /// </summary>
    private static double[,] HessianByHand(double[] w, double[] x, int[] labels, int classes)
    {
        int d = w.Length / classes, n = w.Length, rows = labels.Length;
        var h = new double[n, n];
        for (int r = 0; r < rows; r++)
        {
            var z = Enumerable.Range(0, classes).Select(k => Enumerable.Range(0, d).Sum(c => w[k * d + c] * x[r * d + c])).ToArray();
            double max = z.Max();
            var e = z.Select(v => Math.Exp(v - max)).ToArray();
            var p = e.Select(v => v / e.Sum()).ToArray();
            for (int k = 0; k < classes; k++)
            {
                for (int k2 = 0; k2 < classes; k2++)
                {
                    double curvature = (k == k2 ? p[k] : 0.0) - p[k] * p[k2];
                    for (int c = 0; c < d; c++)
                    {
                        for (int c2 = 0; c2 < d; c2++)
                        {
                            h[k * d + c, k2 * d + c2] += curvature * x[r * d + c] * x[r * d + c2] / rows;
                        }
                    }
                }
            }
        }

        return h;
    }

    private static (double[] W, double[] X, int[] Labels) Problem(Random random, int classes, int d, int rows)
    {
        var w = Enumerable.Range(0, classes * d).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var x = Enumerable.Range(0, rows * d).Select(_ => random.NextDouble() * 3 - 1.5).ToArray();
        var labels = Enumerable.Range(0, rows).Select(_ => random.Next(classes)).ToArray();
        return (w, x, labels);
    }

    [Fact]
    public void A_softmax_classifiers_Hessian_vector_product_matches_the_hand_worked_Hessian_and_differences_of_the_gradient()
    {
        var adapters = Compile(Classifier, Adapters);
        var product = adapters.GetMethod("Product")!;
        var gradientMethod = adapters.GetMethod("Gradient")!;
        var random = new Random(3);
        foreach (var (classes, d, rows) in new[] { (2, 1, 1), (3, 2, 4), (4, 3, 5) })
        {
            var (w, x, labels) = Problem(random, classes, d, rows);
            int n = w.Length;
            var v = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            var gradient = new double[n];
            var hv = new double[n];
            double value = (double)product.Invoke(null, new object[] { w, x, labels, classes, v, gradient, hv })!;

            var expectedGradient = new double[n];
            Assert.Equal((double)gradientMethod.Invoke(null, new object[] { w, x, labels, classes, expectedGradient })!, value);
            Assert.Equal(expectedGradient, gradient);

            var h = HessianByHand(w, x, labels, classes);
            const double step = 1e-6;
            var plus = new double[n];
            var minus = new double[n];
            gradientMethod.Invoke(null, new object[] { w.Zip(v, (a, b) => a + step * b).ToArray(), x, labels, classes, plus });
            gradientMethod.Invoke(null, new object[] { w.Zip(v, (a, b) => a - step * b).ToArray(), x, labels, classes, minus });
            for (int i = 0; i < n; i++)
            {
                double byHand = Enumerable.Range(0, n).Sum(j => h[i, j] * v[j]);
                double differences = (plus[i] - minus[i]) / (2 * step);
                Assert.True(Math.Abs(byHand - hv[i]) <= 1e-12 * Math.Max(1, Math.Abs(byHand)), $"{classes}×{d}, {rows} rows, (Hv)[{i}]: by hand {byHand}, generated {hv[i]}");
                Assert.True(Math.Abs(differences - hv[i]) <= 1e-7 * Math.Max(1, Math.Abs(byHand)), $"{classes}×{d}, {rows} rows, (Hv)[{i}]: differences {differences}, generated {hv[i]}");
            }
        }
    }

    [Fact]
    public void A_softmax_classifiers_dense_Hessian_is_the_hand_worked_one_and_its_product_allocates_nothing()
    {
        var adapters = Compile(Classifier, Adapters);
        var random = new Random(8);
        var (w, x, labels) = Problem(random, 3, 2, 6);
        int n = w.Length;
        var hessian = new double[n * n];
        adapters.GetMethod("Dense")!.Invoke(null, new object[] { w, x, labels, 3, hessian });
        var h = HessianByHand(w, x, labels, 3);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                Assert.True(Math.Abs(h[i, j] - hessian[i * n + j]) <= 1e-12, $"H[{i},{j}]: by hand {h[i, j]}, generated {hessian[i * n + j]}");
            }
        }

        var v = Enumerable.Range(0, n).Select(i => 0.1 * i).ToArray();
        Assert.Equal(0L, (long)adapters.GetMethod("ProductAllocations")!.Invoke(null, new object[] { w, x, labels, 3, v })!);
    }

    [Fact]
    public void The_float_classifiers_product_is_written_in_float_and_agrees_with_the_double_one()
    {
        string floatSource = Classifier.Replace("Span<double>", "Span<float>").Replace("stackalloc double", "stackalloc float")
            .Replace("double z", "float z").Replace("double total", "float total").Replace("public static double Loss", "public static float Loss");
        const string floatAdapters = """
            using System;

            public static class Adapters
            {
                public static float Product(float[] w, float[] x, int[] labels, int classes, float[] v, float[] gradient, float[] product) =>
                    Classifier.LossHessianVectorProduct(w, x, labels, classes, v, gradient, product);
            }
            """;
        var run = GeneratorHarness.Run(floatSource).ShouldSucceed();
        Assert.Contains("global::SymbolicDiff.Losses.SoftmaxCrossEntropyLogitsGradientTangent(logits, labels[r], dLoss_dsoftmaxCrossEntropy, dLogits, 0f, dDLoss_dlogits)", run.Source("Classifier.Loss.g.cs"));
        var floats = Compile(floatSource, floatAdapters).GetMethod("Product")!;
        var doubles = Compile(Classifier, Adapters).GetMethod("Product")!;
        var random = new Random(21);
        var (w, x, labels) = Problem(random, 3, 4, 5);
        var v = Enumerable.Range(0, w.Length).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        static float[] F(double[] values) => values.Select(value => (float)value).ToArray();
        var hvFloat = new float[w.Length];
        floats.Invoke(null, new object[] { F(w), F(x), labels, 3, F(v), new float[w.Length], hvFloat });
        var hvDouble = new double[w.Length];
        doubles.Invoke(null, new object[] { F(w).Select(f => (double)f).ToArray(), F(x).Select(f => (double)f).ToArray(), labels, 3, F(v).Select(f => (double)f).ToArray(), new double[w.Length], hvDouble });
        for (int i = 0; i < w.Length; i++)
        {
            Assert.True(Math.Abs(hvDouble[i] - hvFloat[i]) <= 1e-5 * Math.Max(1, Math.Abs(hvDouble[i])), $"(Hv)[{i}]: double {hvDouble[i]}, float {hvFloat[i]}");
        }
    }

    [Fact]
    public void The_classifiers_product_calls_the_loss_products_tangent_beside_the_product()
    {
        var run = GeneratorHarness.Run(Classifier).ShouldSucceed();
        Snapshot.Verify(run.Source("Classifier.Loss.g.cs"));
    }

    // Other span functions: each method's Hessian-vector product against central differences of its gradient.
    [Theory]
    [InlineData("MeanSquaredError", """
        Span<double> predictions = stackalloc double[targets.Length];
        for (int i = 0; i < targets.Length; i++)
        {
            predictions[i] = Math.Sin(p[i]) * p[(i + 1) % p.Length];
        }

        return Losses.MeanSquaredError(predictions, targets);
        """)]
    [InlineData("BinaryCrossEntropyWithLogits", """
        Span<double> logits = stackalloc double[targets.Length];
        for (int i = 0; i < targets.Length; i++)
        {
            logits[i] = p[i] * p[i] - p[(i + 1) % p.Length];
        }

        return Losses.BinaryCrossEntropyWithLogits(logits, targets);
        """)]
    [InlineData("Dot, squared: the seed varies", """
        double s = Vectors.Dot(p, targets);
        return s * s + Vectors.Dot(p, p);
        """)]
    [InlineData("A local buffer and no span function (its adjoint buffer needs a tangent too)", """
        Span<double> squares = stackalloc double[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            squares[i] = p[i] * p[i] * targets[i];
        }

        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            sum += squares[i] * squares[(i + 1) % p.Length];
        }

        return sum;
        """)]
    [InlineData("SoftmaxCrossEntropy of a parameter, scaled by a varying value", """
        return p[0] * p[0] * Losses.SoftmaxCrossEntropy(p, 1);
        """)]
    public void Span_losses_Hessian_vector_products_match_differences_of_the_gradient(string name, string body)
    {
        string source = $$"""
            using System;
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable(nameof(p), SecondOrder = true)]
                public static double Loss(ReadOnlySpan<double> p, ReadOnlySpan<double> targets)
                {
            {{body}}
                }
            }
            """;
        const string adapters = """
            public static class Adapters
            {
                public static double Gradient(double[] p, double[] t, double[] gradient) => Model.LossWithGradient(p, t, gradient);

                public static double Product(double[] p, double[] t, double[] v, double[] gradient, double[] product) =>
                    Model.LossHessianVectorProduct(p, t, v, gradient, product);
            }
            """;
        var type = Compile(source, adapters);
        var product = type.GetMethod("Product")!;
        var gradientMethod = type.GetMethod("Gradient")!;
        var random = new Random(name.Length);
        const int n = 4;
        var p = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var t = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
        var v = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var hv = new double[n];
        product.Invoke(null, new object[] { p, t, v, new double[n], hv });
        Assert.Contains(hv, value => value != 0);

        const double step = 1e-6;
        var plus = new double[n];
        var minus = new double[n];
        gradientMethod.Invoke(null, new object[] { p.Zip(v, (a, b) => a + step * b).ToArray(), t, plus });
        gradientMethod.Invoke(null, new object[] { p.Zip(v, (a, b) => a - step * b).ToArray(), t, minus });
        for (int i = 0; i < n; i++)
        {
            double differences = (plus[i] - minus[i]) / (2 * step);
            Assert.True(Math.Abs(differences - hv[i]) <= 1e-7 * Math.Max(1, Math.Abs(differences)), $"{name}: (Hv)[{i}]: differences {differences}, generated {hv[i]}");
        }
    }
}
