using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// The code emitted for loops, locked by snapshots so that a change in its shape is seen in review: a reduction
/// (no saved values, the adjoint a second loop), a running product (each overwritten value saved), and a
/// one-hidden-layer network over a batch (a sum of per-row losses: each row's backward sweep runs right after its
/// forward sweep, so the buffers it rewrites are neither saved nor restored, and a span loss's vector-Jacobian product). A snapshot alone would lock in a wrong derivative, so each compiled method is also
/// checked against finite differences.
/// </summary>
public class LoopSnapshotTests
{
    private const string Reduction = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            [Differentiable(nameof(weights), nameof(bias))]
            public static double Logistic(double[] x, double[] weights, double bias, double y)
            {
                double z = bias;
                for (int i = 0; i < x.Length; i++)
                {
                    z += weights[i] * x[i];
                }

                return Losses.BinaryCrossEntropyWithLogits(z, y);
            }
        }
        """;

    private const string RunningProduct = """
        using SymbolicDiff;

        public static partial class Models
        {
            [Differentiable]
            public static double Product(double[] x)
            {
                double p = 1;
                foreach (double v in x)
                {
                    p *= v;
                }

                return p;
            }
        }
        """;

    private const string Network = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            [Differentiable(nameof(w1), nameof(b1), nameof(w2))]
            public static double Network(double[] features, double[] w1, double[] b1, double[] w2)
            {
                int hiddenCount = b1.Length;
                int d = w1.Length / hiddenCount;
                int classes = w2.Length / hiddenCount;
                int rows = features.Length / d;
                Span<double> hidden = stackalloc double[hiddenCount];
                Span<double> logits = stackalloc double[classes];
                double total = 0;
                for (int r = 0; r < rows; r++)
                {
                    for (int j = 0; j < hiddenCount; j++)
                    {
                        double a = b1[j];
                        for (int c = 0; c < d; c++)
                        {
                            a += w1[j * d + c] * features[r * d + c];
                        }

                        hidden[j] = Math.Tanh(a);
                    }

                    for (int k = 0; k < classes; k++)
                    {
                        double z = 0;
                        for (int j = 0; j < hiddenCount; j++)
                        {
                            z += w2[k * hiddenCount + j] * hidden[j];
                        }

                        logits[k] = z;
                    }

                    total += Losses.SoftmaxCrossEntropy(logits, r % classes);
                }

                return total / rows;
            }
        }
        """;

    [Fact]
    public void A_reduction_needs_no_saved_values_and_its_adjoint_is_a_second_loop()
    {
        var run = GeneratorHarness.Run(Reduction).ShouldSucceed();
        string generated = run.Source("Models.Logistic.g.cs");
        Snapshot.Verify(generated);
        Assert.DoesNotContain("SavedValues", generated, StringComparison.Ordinal);
        VectorFiniteDifferenceTests.Check(run.Load().GetType("Models")!, "Logistic", random => new[] { 4, 4 });
    }

    [Fact]
    public void A_running_product_saves_each_overwritten_value_and_says_why()
    {
        var run = GeneratorHarness.Run(RunningProduct).ShouldSucceed();
        string generated = run.Source("Models.Product.g.cs");
        Snapshot.Verify(generated);
        Assert.Contains("saved.Push(p); // saved:", generated, StringComparison.Ordinal);
        VectorFiniteDifferenceTests.Check(run.Load().GetType("Models")!, "Product", null);
    }

    [Fact]
    public void A_network_over_a_batch_is_differentiated_row_by_row_and_calls_the_losss_vector_product()
    {
        var run = GeneratorHarness.Run(Network).ShouldSucceed();
        string generated = run.Source("Models.Network.g.cs");
        Snapshot.Verify(generated);
        Assert.Contains("SoftmaxCrossEntropyLogitsGradient(", generated, StringComparison.Ordinal);
        Assert.Contains("This iteration's backward sweep, at once.", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("hidden[j] = saved.Pop()", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("logits[k] = saved.Pop()", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("for (int r = rows - 1", generated, StringComparison.Ordinal);
        // 2 rows of 3 features, 4 hidden units, 3 classes.
        VectorFiniteDifferenceTests.Check(run.Load().GetType("Models")!, "Network", random => new[] { 6, 12, 4, 12 });
    }
}
