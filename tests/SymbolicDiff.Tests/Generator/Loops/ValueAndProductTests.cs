namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// In a sum over rows differentiated row by row, a loss whose [Derivative] declares a <c>WithValue</c> method
/// (<c>Losses.SoftmaxCrossEntropyWithGradient</c>) is called once for its value and its vector-Jacobian product, where its
/// seed is known at the call; where the seed reads the row's own values, the two calls stay. Each case is checked against
/// the gradient worked out by hand (softmax minus one-hot, computed here from <c>Math.Exp</c>) and central differences
/// (step 10⁻⁶, to 10⁻⁸).
/// </summary>
public class ValueAndProductTests
{
    private const string Models = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            // A linear softmax classifier over a batch: logits = W·x + b per row, the mean cross-entropy.
            [Differentiable(nameof(w), nameof(b))]
            public static double Classifier(double[] features, int[] labels, double[] w, double[] b)
            {
                int classes = b.Length;
                int d = w.Length / classes;
                Span<double> logits = stackalloc double[classes];
                double total = 0;
                for (int r = 0; r < labels.Length; r++)
                {
                    for (int k = 0; k < classes; k++)
                    {
                        double z = b[k];
                        for (int c = 0; c < d; c++)
                        {
                            z += w[k * d + c] * features[r * d + c];
                        }

                        logits[k] = z;
                    }

                    total += Losses.SoftmaxCrossEntropy(logits, labels[r]);
                }

                return total / labels.Length;
            }

            // The row's loss squared: its seed, 2·loss·∂L/∂total, reads the row's own loss, known only after the call.
            [Differentiable(nameof(b))]
            public static double Squared(int[] labels, double[] b)
            {
                Span<double> logits = stackalloc double[b.Length];
                double total = 0;
                for (int r = 0; r < labels.Length; r++)
                {
                    for (int k = 0; k < b.Length; k++)
                    {
                        logits[k] = b[k] * (r + 1);
                    }

                    double loss = Losses.SoftmaxCrossEntropy(logits, labels[r]);
                    total += loss * loss;
                }

                return total;
            }
        }
        """;

    [Fact]
    public void A_loss_with_a_known_seed_is_called_once_for_its_value_and_its_product()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string classifier = GradientMethod(run.Source("Models.Classifier.g.cs"), "ClassifierWithGradient");
        Assert.Contains("= global::SymbolicDiff.Losses.SoftmaxCrossEntropyWithGradient(logits, labels[r], dClassifier_dsoftmaxCrossEntropy, dClassifier_dlogits);", classifier, StringComparison.Ordinal);
        Assert.DoesNotContain("SoftmaxCrossEntropyLogitsGradient(", classifier, StringComparison.Ordinal);
        Assert.DoesNotContain("Losses.SoftmaxCrossEntropy(", classifier, StringComparison.Ordinal);

        // 2 rows of d = 2 features, 3 classes. By hand: p = softmax(W·x + b) per row, g = (p − onehot(label)) / n,
        // ∂L/∂b_k = Σ_r g_rk, ∂L/∂W_kc = Σ_r g_rk·x_rc.
        double[] features = { 0.5, -1.0, 2.0, 0.25 };
        int[] labels = { 2, 0 };
        double[] w = { 0.3, -0.2, 0.1, 0.4, -0.5, 0.6 };
        double[] b = { 0.1, -0.3, 0.2 };
        var expectedW = new double[6];
        var expectedB = new double[3];
        double expectedLoss = 0;
        for (int r = 0; r < 2; r++)
        {
            var logits = new double[3];
            for (int k = 0; k < 3; k++)
            {
                logits[k] = b[k] + w[k * 2] * features[r * 2] + w[k * 2 + 1] * features[r * 2 + 1];
            }

            double sum = logits.Sum(Math.Exp);
            expectedLoss += (Math.Log(sum) - logits[labels[r]]) / 2;
            for (int k = 0; k < 3; k++)
            {
                double g = (Math.Exp(logits[k]) / sum - (k == labels[r] ? 1 : 0)) / 2;
                expectedB[k] += g;
                expectedW[k * 2] += g * features[r * 2];
                expectedW[k * 2 + 1] += g * features[r * 2 + 1];
            }
        }

        var type = run.Load().GetType("Models")!;
        var withGradient = type.GetMethods().Single(m => m.Name == "ClassifierWithGradient" && m.GetParameters().Length == 4);
        object result = withGradient.Invoke(null, new object[] { features, labels, w, b })!;
        Assert.Equal(expectedLoss, (double)result.GetType().GetProperty("Value")!.GetValue(result)!, 14);
        AssertClose(expectedW, (double[])result.GetType().GetProperty("W")!.GetValue(result)!);
        AssertClose(expectedB, (double[])result.GetType().GetProperty("B")!.GetValue(result)!);

        var value = type.GetMethod("Classifier")!;
        AssertClose(CentralDifferences(v => (double)value.Invoke(null, new object[] { features, labels, v, b })!, w), (double[])result.GetType().GetProperty("W")!.GetValue(result)!, 1e-8);
        AssertClose(CentralDifferences(v => (double)value.Invoke(null, new object[] { features, labels, w, v })!, b), (double[])result.GetType().GetProperty("B")!.GetValue(result)!, 1e-8);
    }

    [Fact]
    public void A_loss_whose_seed_reads_the_row_keeps_the_value_call_and_the_product_call()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string squared = GradientMethod(run.Source("Models.Squared.g.cs"), "SquaredWithGradient");
        Assert.DoesNotContain("SoftmaxCrossEntropyWithGradient(", squared, StringComparison.Ordinal);
        Assert.Contains("SoftmaxCrossEntropyLogitsGradient(", squared, StringComparison.Ordinal);

        // By hand: ∂L/∂b_k = Σ_r 2·loss_r·(p_rk − onehot)·(r + 1).
        int[] labels = { 1, 0, 2 };
        double[] b = { 0.2, -0.4, 0.7 };
        var expected = new double[3];
        for (int r = 0; r < 3; r++)
        {
            var logits = b.Select(v => v * (r + 1)).ToArray();
            double sum = logits.Sum(Math.Exp);
            double loss = Math.Log(sum) - logits[labels[r]];
            for (int k = 0; k < 3; k++)
            {
                expected[k] += 2 * loss * (Math.Exp(logits[k]) / sum - (k == labels[r] ? 1 : 0)) * (r + 1);
            }
        }

        var type = run.Load().GetType("Models")!;
        var withGradient = type.GetMethods().Single(m => m.Name == "SquaredWithGradient" && m.GetParameters().Length == 2);
        object result = withGradient.Invoke(null, new object[] { labels, b })!;
        AssertClose(expected, (double[])result.GetType().GetProperty("B")!.GetValue(result)!);
        var value = type.GetMethod("Squared")!;
        AssertClose(CentralDifferences(v => (double)value.Invoke(null, new object[] { labels, v })!, b), (double[])result.GetType().GetProperty("B")!.GetValue(result)!, 1e-8);
    }

    /// <summary>(f(v + h·eᵢ) − f(v − h·eᵢ)) / 2h for each element i.</summary>
    private static double[] CentralDifferences(Func<double[], double> f, double[] at)
    {
        const double h = 1e-6;
        var result = new double[at.Length];
        for (int i = 0; i < at.Length; i++)
        {
            var plus = (double[])at.Clone();
            var minus = (double[])at.Clone();
            plus[i] += h;
            minus[i] -= h;
            result[i] = (f(plus) - f(minus)) / (2 * h);
        }

        return result;
    }

    /// <summary>The span overload <c>name(...)</c>'s body: from its signature to the next generated member.</summary>
    private static string GradientMethod(string source, string name)
    {
        int start = source.IndexOf("public static double " + name + "(", StringComparison.Ordinal);
        Assert.True(start >= 0, name + " not found");
        int end = source.IndexOf("/// <summary>", start, StringComparison.Ordinal);
        return end < 0 ? source[start..] : source[start..end];
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance = 1e-14)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
