namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// A gradient output element that several statements of one iteration contribute to, and nothing else touches, is
/// stored once as the sum of the contributions at the last of them (<c>dW[i] = -(…) + … + …</c>), not cleared and then
/// added to three times (LoopDifferentiator.StoreOnce.cs): bundle adjustment's weights. Checked against the closed form
/// and central differences, with outputs that arrive full of garbage; and two shapes the rule must leave alone.
/// </summary>
public class StoredSumTests
{
    private const string Models = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            // Bundle adjustment's weighted residuals: each weight and each a[i] reach the total through three terms.
            [Differentiable(nameof(w), nameof(a))]
            public static double Weighted(double[] w, double[] a, double[] f)
            {
                double total = 0;
                for (int i = 0; i < w.Length; i++)
                {
                    double errorX = w[i] * (a[i] - f[i]);
                    double errorY = w[i] * (a[i] * a[i] - f[i]);
                    double weightError = 1 - w[i] * w[i];
                    total += errorX * errorX + errorY * errorY + weightError * weightError;
                }

                return total;
            }

            // A local written twice: the adjoint an earlier contribution reads is scaled before the next one.
            [Differentiable(nameof(w))]
            public static double Rewritten(double[] w)
            {
                double total = 0;
                for (int i = 0; i < w.Length; i++)
                {
                    double x = w[i];
                    x = x * x + w[i];
                    total += x * x;
                }

                return total;
            }

            // Neighbours: an iteration contributes to w[i] and to w[i + 1], so no element is formed in one iteration.
            [Differentiable(nameof(w))]
            public static double Neighbours(double[] w)
            {
                double total = 0;
                for (int i = 0; i < w.Length - 1; i++)
                {
                    total += w[i] * w[i + 1];
                }

                return total;
            }

            public static double WeightedIntoArrays(double[] w, double[] a, double[] f, double[] dW, double[] dA) => WeightedWithGradient(w, a, f, dW, dA);

            public static double RewrittenIntoArray(double[] w, double[] dW) => RewrittenWithGradient(w, dW);
        }
        """;

    [Fact]
    public void Three_contributions_to_a_weight_are_stored_as_one_sum()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string weighted = GradientMethod(run.Source("Models.Weighted.g.cs"), "Weighted");
        Assert.Contains("Zeroing.ClearFrom(dW, w.Length);", weighted, StringComparison.Ordinal);
        Assert.DoesNotContain("dW[i] +=", weighted, StringComparison.Ordinal);
        Assert.DoesNotContain("dW[i] -=", weighted, StringComparison.Ordinal);
        Assert.Single(Lines(weighted, "dW[i] = "));
        Assert.Contains(" + ", Lines(weighted, "dW[i] = ").Single().Split("//")[0], StringComparison.Ordinal);

        // By hand: ∂/∂wᵢ = 2wᵢ(aᵢ − fᵢ)² + 2wᵢ(aᵢ² − fᵢ)² − 4wᵢ(1 − wᵢ²), ∂/∂aᵢ = 2wᵢ²(aᵢ − fᵢ) + 4aᵢwᵢ²(aᵢ² − fᵢ),
        // into outputs full of garbage.
        var type = run.Load().GetType("Models")!;
        var gradient = (Func<double[], double[], double[], double[], double[], double>)Delegate.CreateDelegate(
            typeof(Func<double[], double[], double[], double[], double[], double>), type.GetMethod("WeightedIntoArrays")!);
        double[] w = { 0.5, -1.5, 2.0 }, a = { 1.0, 0.25, -2.0 }, f = { 0.5, 1.0, 3.0 };
        double[] dW = { double.NaN, double.NaN, double.NaN }, dA = { double.NaN, double.NaN, double.NaN };
        double value = gradient(w, a, f, dW, dA);
        double expectedValue = 0;
        for (int i = 0; i < w.Length; i++)
        {
            double x = a[i] - f[i], y = a[i] * a[i] - f[i], e = 1 - w[i] * w[i];
            expectedValue += w[i] * w[i] * (x * x + y * y) + e * e;
            Assert.Equal(2 * w[i] * x * x + 2 * w[i] * y * y - 4 * w[i] * e, dW[i], 12);
            Assert.Equal(2 * w[i] * w[i] * x + 4 * a[i] * w[i] * w[i] * y, dA[i], 12);
        }

        Assert.Equal(expectedValue, value, 12);
        VectorFiniteDifferenceTests.Check(type, "Weighted", null);
    }

    [Fact]
    public void Contributions_with_a_rewritten_adjoint_between_them_or_to_another_element_are_added()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        var type = run.Load().GetType("Models")!;

        // By hand: x = wᵢ² + wᵢ, ∂(x²)/∂wᵢ = 2x(2wᵢ + 1); w = (0.5, −2): x = (0.75, 2), gradient (3, −12).
        var rewritten = (Func<double[], double[], double>)Delegate.CreateDelegate(
            typeof(Func<double[], double[], double>), type.GetMethod("RewrittenIntoArray")!);
        double[] dW = { double.NaN, double.NaN };
        Assert.Equal(0.5625 + 4, rewritten(new[] { 0.5, -2.0 }, dW), 14);
        Assert.Equal(new[] { 3.0, -12.0 }, dW);
        VectorFiniteDifferenceTests.Check(type, "Rewritten", null);
        string rewrittenCode = GradientMethod(run.Source("Models.Rewritten.g.cs"), "Rewritten");
        Assert.Equal(2, Lines(rewrittenCode, "dW[i] += ").Count);
        Assert.Contains("Zeroing.Clear(dW);", rewrittenCode, StringComparison.Ordinal);

        // Each iteration adds into w[i] and w[i + 1]: the output is cleared and added to.
        string neighbours = GradientMethod(run.Source("Models.Neighbours.g.cs"), "Neighbours");
        Assert.Contains("Zeroing.Clear(dW);", neighbours, StringComparison.Ordinal);
        Assert.Contains("dW[i] += ", neighbours, StringComparison.Ordinal);
        Assert.Contains("dW[i + 1] += ", neighbours, StringComparison.Ordinal);
        VectorFiniteDifferenceTests.Check(type, "Neighbours", null);
    }

    /// <summary>The gradient that writes into spans: the method from its signature to the next method's documentation.</summary>
    private static string GradientMethod(string source, string method)
    {
        int start = source.IndexOf($"public static double {method}WithGradient(", StringComparison.Ordinal);
        int end = source.IndexOf("/// <summary>", start, StringComparison.Ordinal);
        return source[start..(end < 0 ? source.Length : end)];
    }

    private static List<string> Lines(string source, string fragment) =>
        source.Split('\n').Where(line => line.Contains(fragment, StringComparison.Ordinal)).ToList();
}
