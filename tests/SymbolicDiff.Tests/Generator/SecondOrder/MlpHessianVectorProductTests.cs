using System.Diagnostics;
using Microsoft.CodeAnalysis.CSharp;

namespace SymbolicDiff.Tests.Generator.SecondOrder;

/// <summary>
/// The MLP sample's loss (tanh hidden layer, softmax cross-entropy over a batch) with <c>SecondOrder = true</c>: the
/// Hessian-vector product a Newton–CG solver wants, through the loss's vector-Jacobian product and the hidden and logits
/// buffers, checked against central differences of the generated gradient along the direction.
/// </summary>
public class MlpHessianVectorProductTests
{
    private const string Source = """
        using System;
        using SymbolicDiff;

        public static partial class Mlp
        {
            [Differentiable(nameof(w1), nameof(b1), nameof(w2), nameof(b2), SecondOrder = true)]
            public static double BatchLoss(
                ReadOnlySpan<double> features, ReadOnlySpan<int> labels,
                ReadOnlySpan<double> w1, ReadOnlySpan<double> b1, ReadOnlySpan<double> w2, ReadOnlySpan<double> b2)
            {
                Span<double> hidden = stackalloc double[b1.Length];
                Span<double> logits = stackalloc double[b2.Length];
                int hiddenCount = b1.Length;
                int classCount = b2.Length;
                int d = w1.Length / hiddenCount;
                double total = 0;
                for (int r = 0; r < labels.Length; r++)
                {
                    int row = r * d;
                    for (int j = 0; j < hiddenCount; j++)
                    {
                        double a = b1[j];
                        for (int c = 0; c < d; c++)
                        {
                            a += w1[j * d + c] * features[row + c];
                        }

                        hidden[j] = Math.Tanh(a);
                    }

                    for (int k = 0; k < classCount; k++)
                    {
                        double z = b2[k];
                        for (int j = 0; j < hiddenCount; j++)
                        {
                            z += w2[k * hiddenCount + j] * hidden[j];
                        }

                        logits[k] = z;
                    }

                    total += Losses.SoftmaxCrossEntropy(logits, labels[r]);
                }

                return total / labels.Length;
            }
        }

        public static class Adapters
        {
            // The parameters packed in one array: w1, b1, w2, b2.
            public static double Gradient(double[] x, int[] labels, int hidden, int classes, double[] p, double[] gradient)
            {
                int d = x.Length / labels.Length, a = hidden * d, b = a + hidden, c = b + classes * hidden;
                var g = gradient.AsSpan();
                return Mlp.BatchLossWithGradient(x, labels, p.AsSpan(0, a), p.AsSpan(a, hidden), p.AsSpan(b, classes * hidden), p.AsSpan(c, classes),
                    g.Slice(0, a), g.Slice(a, hidden), g.Slice(b, classes * hidden), g.Slice(c, classes));
            }

            public static double Product(double[] x, int[] labels, int hidden, int classes, double[] p, double[] v, double[] gradient, double[] product)
            {
                int d = x.Length / labels.Length, a = hidden * d, b = a + hidden, c = b + classes * hidden;
                var g = gradient.AsSpan();
                var h = product.AsSpan();
                return Mlp.BatchLossHessianVectorProduct(x, labels, p.AsSpan(0, a), p.AsSpan(a, hidden), p.AsSpan(b, classes * hidden), p.AsSpan(c, classes),
                    v.AsSpan(0, a), v.AsSpan(a, hidden), v.AsSpan(b, classes * hidden), v.AsSpan(c, classes),
                    g.Slice(0, a), g.Slice(a, hidden), g.Slice(b, classes * hidden), g.Slice(c, classes),
                    h.Slice(0, a), h.Slice(a, hidden), h.Slice(b, classes * hidden), h.Slice(c, classes));
            }
        }
        """;

    [Fact]
    public void The_MLP_losss_Hessian_vector_product_matches_differences_of_its_gradient()
    {
        var run = GeneratorHarness.Run(Source).ShouldSucceed();
        using var stream = new MemoryStream();
        var emitted = run.Output.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var adapters = new System.Runtime.Loader.AssemblyLoadContext(null, isCollectible: true).LoadFromStream(new MemoryStream(stream.ToArray())).GetType("Adapters")!;
        var product = adapters.GetMethod("Product")!;
        var gradientMethod = adapters.GetMethod("Gradient")!;

        var random = new Random(17);
        const int rows = 6, d = 3, hidden = 4, classes = 3;
        int n = hidden * d + hidden + classes * hidden + classes;
        var x = Enumerable.Range(0, rows * d).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var labels = Enumerable.Range(0, rows).Select(_ => random.Next(classes)).ToArray();
        var p = Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
        var v = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var hv = new double[n];
        var gradient = new double[n];
        double value = (double)product.Invoke(null, new object[] { x, labels, hidden, classes, p, v, gradient, hv })!;
        var expectedGradient = new double[n];
        Assert.Equal((double)gradientMethod.Invoke(null, new object[] { x, labels, hidden, classes, p, expectedGradient })!, value);
        Assert.Equal(expectedGradient, gradient);

        const double step = 1e-6;
        var plus = new double[n];
        var minus = new double[n];
        gradientMethod.Invoke(null, new object[] { x, labels, hidden, classes, p.Zip(v, (a, b) => a + step * b).ToArray(), plus });
        gradientMethod.Invoke(null, new object[] { x, labels, hidden, classes, p.Zip(v, (a, b) => a - step * b).ToArray(), minus });
        for (int i = 0; i < n; i++)
        {
            double differences = (plus[i] - minus[i]) / (2 * step);
            Assert.True(Math.Abs(differences - hv[i]) <= 1e-7 * Math.Max(1, Math.Abs(differences)), $"(Hv)[{i}]: differences {differences}, generated {hv[i]}");
        }

        Assert.Contains(hv, entry => Math.Abs(entry) > 1e-3);
    }
}
