namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// In a sum over rows differentiated row by row, a local that an inner loop's backward sweep reads as each of its
/// iterations left it (a pre-activation, which tanh's rule reads) is kept in a buffer indexed by the counter instead of
/// being pushed and popped, and that backward loop counts up; where the inner loop's bound is not a length, the stack
/// stays. Each case is checked against the gradient worked out by hand and central differences.
/// </summary>
public class KeptValuesTests
{
    private const string Models = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            // One tanh layer of `units` units over rows of d features, summed into a squared output per row.
            [Differentiable(nameof(w), nameof(b))]
            public static double Layer(double[] features, double[] w, double[] b, double[] v)
            {
                Span<double> hidden = stackalloc double[b.Length];
                int units = b.Length;
                int d = w.Length / units;
                double total = 0;
                for (int r = 0; r < features.Length / d; r++)
                {
                    for (int j = 0; j < units; j++)
                    {
                        double a = b[j];
                        for (int c = 0; c < d; c++)
                        {
                            a += w[j * d + c] * features[r * d + c];
                        }

                        hidden[j] = Math.Tanh(a);
                    }

                    double y = 0;
                    for (int j = 0; j < units; j++)
                    {
                        y += v[j] * hidden[j];
                    }

                    total += y * y;
                }

                return total;
            }

            // The last unit left out of the loop: its bound, units - 1, is not a length, and the stack stays.
            [Differentiable(nameof(b))]
            public static double AllButLast(double[] features, double[] b)
            {
                int units = b.Length;
                double total = 0;
                for (int r = 0; r < features.Length; r++)
                {
                    double y = 0;
                    for (int j = 0; j < units - 1; j++)
                    {
                        double a = b[j];
                        a += features[r] * (j + 1);
                        y += Math.Tanh(a);
                    }

                    total += y * y;
                }

                return total;
            }
        }
        """;

    [Fact]
    public void A_pre_activation_is_kept_per_unit_and_its_backward_loop_counts_up()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string layer = GradientMethod(run.Source("Models.Layer.g.cs"), "LayerWithGradient");
        Assert.Contains("aValues[j] = a;", layer, StringComparison.Ordinal);
        Assert.Contains("double a = aValues[j];", layer, StringComparison.Ordinal);
        Assert.Contains("StackStorage.For(units)", layer, StringComparison.Ordinal);
        Assert.DoesNotContain("SavedValues", layer, StringComparison.Ordinal);
        Assert.DoesNotContain("for (int j = units - 1; j >= 0; j--)", layer, StringComparison.Ordinal);

        // 2 rows of d = 2 features, 3 units, a = 0.4 to 2.1 in size (both sides of tanh's |a| = 1). By hand:
        // y = Σ v_j·tanh(a_j), L = Σ_r y², ∂L/∂a_j = 2y·v_j·(1 − tanh²a_j), ∂L/∂b_j = Σ_r ∂L/∂a_j, ∂L/∂w_jc = Σ_r ∂L/∂a_j·x_rc.
        double[] features = { 0.5, -1.0, 2.0, 0.25 };
        double[] w = { 0.3, -0.2, 0.9, 0.4, -0.5, 0.6 };
        double[] b = { 0.1, -0.3, 1.2 };
        double[] v = { 1.5, -0.7, 0.4 };
        var expectedW = new double[6];
        var expectedB = new double[3];
        double expectedValue = 0;
        for (int r = 0; r < 2; r++)
        {
            var a = new double[3];
            double y = 0;
            for (int j = 0; j < 3; j++)
            {
                a[j] = b[j] + w[j * 2] * features[r * 2] + w[j * 2 + 1] * features[r * 2 + 1];
                y += v[j] * Math.Tanh(a[j]);
            }

            expectedValue += y * y;
            for (int j = 0; j < 3; j++)
            {
                double cosh = Math.Cosh(a[j]);
                double da = 2 * y * v[j] / (cosh * cosh);
                expectedB[j] += da;
                expectedW[j * 2] += da * features[r * 2];
                expectedW[j * 2 + 1] += da * features[r * 2 + 1];
            }
        }

        var type = run.Load().GetType("Models")!;
        var withGradient = type.GetMethods().Single(m => m.Name == "LayerWithGradient" && m.GetParameters().Length == 4);
        object result = withGradient.Invoke(null, new object[] { features, w, b, v })!;
        Assert.Equal(expectedValue, (double)result.GetType().GetProperty("Value")!.GetValue(result)!, 13);
        double[] dW = (double[])result.GetType().GetProperty("W")!.GetValue(result)!;
        double[] dB = (double[])result.GetType().GetProperty("B")!.GetValue(result)!;
        AssertClose(expectedW, dW, 1e-13);
        AssertClose(expectedB, dB, 1e-13);

        var value = type.GetMethod("Layer")!;
        AssertClose(CentralDifferences(p => (double)value.Invoke(null, new object[] { features, p, b, v })!, w), dW, 1e-7);
        AssertClose(CentralDifferences(p => (double)value.Invoke(null, new object[] { features, w, p, v })!, b), dB, 1e-7);
    }

    [Fact]
    public void A_loop_whose_bound_is_not_a_length_keeps_the_stack_of_saved_values()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string allButLast = GradientMethod(run.Source("Models.AllButLast.g.cs"), "AllButLastWithGradient");
        Assert.Contains("saved.Push(a);", allButLast, StringComparison.Ordinal);
        Assert.DoesNotContain("aValues", allButLast, StringComparison.Ordinal);

        // By hand: y = Σ_{j < 2} tanh(b_j + x_r·(j + 1)), ∂L/∂b_j = Σ_r 2y·(1 − tanh²), ∂L/∂b_2 = 0.
        double[] features = { 0.5, -1.5, 0.8 };
        double[] b = { 0.2, -0.4, 0.9 };
        var expected = new double[3];
        foreach (double x in features)
        {
            double y = Math.Tanh(b[0] + x) + Math.Tanh(b[1] + 2 * x);
            expected[0] += 2 * y / Math.Pow(Math.Cosh(b[0] + x), 2);
            expected[1] += 2 * y / Math.Pow(Math.Cosh(b[1] + 2 * x), 2);
        }

        var type = run.Load().GetType("Models")!;
        var withGradient = type.GetMethods().Single(m => m.Name == "AllButLastWithGradient" && m.GetParameters().Length == 2);
        object result = withGradient.Invoke(null, new object[] { features, b })!;
        double[] dB = (double[])result.GetType().GetProperty("B")!.GetValue(result)!;
        AssertClose(expected, dB, 1e-13);
        var value = type.GetMethod("AllButLast")!;
        AssertClose(CentralDifferences(p => (double)value.Invoke(null, new object[] { features, p })!, b), dB, 1e-7);
    }

    /// <summary>The span overload <c>name(...)</c>'s body: from its signature to the next generated member.</summary>
    private static string GradientMethod(string source, string name)
    {
        int start = source.IndexOf("public static double " + name + "(", StringComparison.Ordinal);
        Assert.True(start >= 0, name + " not found");
        int end = source.IndexOf("/// <summary>", start, StringComparison.Ordinal);
        return end < 0 ? source[start..] : source[start..end];
    }

    /// <summary>(f(p + h·eᵢ) − f(p − h·eᵢ)) / 2h for each element i.</summary>
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

    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
