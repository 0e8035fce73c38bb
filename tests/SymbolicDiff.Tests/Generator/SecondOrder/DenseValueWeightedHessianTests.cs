using System.Reflection;
using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.SecondOrder;

/// <summary>
/// The dense weighted Hessian of a vector-valued method that also returns a real f, with the value's weight c₀ (issue 11):
/// <c>MHessian(&lt;M's parameters&gt;, rCotangent, valueCotangent, hessian)</c> = Σᵢ cᵢ ∇²rᵢ + c₀ ∇²f, n×n row-major, from n
/// of the products with c₀. Each matrix is worked out by hand in closed form and checked against central differences of
/// the vector-Jacobian product with c₀ (whose derivative it is); c₀ = 0 gives the overload without c₀. A straight-line
/// method of scalars and a loop over a span with a scalar beside it, in double and float.
/// </summary>
public class DenseValueWeightedHessianTests
{
    // HelperValueSecondOrderTests' models (Pair, PairF, Scaled: vector-valued methods returning a real, SecondOrder = true),
    // with a float Scaled beside them and a driver of their dense Hessians.
    private const string Source = HelperValueSecondOrderTests.Source + """

        public static partial class Models
        {
            [Differentiable(nameof(p), nameof(k), SecondOrder = true)]
            public static float ScaledF(ReadOnlySpan<float> p, float k, Span<float> r)
            {
                float total = 0;
                for (int i = 0; i < p.Length; i++)
                {
                    r[i] = k * p[i] * p[i];
                    total += k * p[i];
                }

                return total;
            }
        }

        public static class DenseDriver
        {
            public static double[] PairHessian(double a, double b, double[] w, double c0, double[] r)
            {
                var hessian = new double[4];
                Models.PairHessian(a, b, r, w, c0, hessian);
                return hessian;
            }

            public static double[] PairHessianWithoutValue(double a, double b, double[] w)
            {
                var hessian = new double[4];
                Models.PairHessian(a, b, new double[2], w, hessian);
                return hessian;
            }

            public static double[] PairProductWithValue(double a, double b, double[] w, double c0)
            {
                Models.PairVectorJacobianProduct(a, b, new double[2], w, c0, out double dA, out double dB);
                return new[] { dA, dB };
            }

            public static double[] PairFHessian(float a, float b, float[] w, float c0)
            {
                var hessian = new float[4];
                Models.PairFHessian(a, b, new float[2], w, c0, hessian);
                return Array.ConvertAll(hessian, x => (double)x);
            }

            public static double[] ScaledHessian(double[] p, double k, double[] w, double c0, double[] r)
            {
                var hessian = new double[(p.Length + 1) * (p.Length + 1)];
                Models.ScaledHessian(p, k, r, w, c0, hessian);
                return hessian;
            }

            public static double[] ScaledHessianWithoutValue(double[] p, double k, double[] w)
            {
                var hessian = new double[(p.Length + 1) * (p.Length + 1)];
                Models.ScaledHessian(p, k, new double[p.Length], w, hessian);
                return hessian;
            }

            public static double[] ScaledVectorJacobianProduct(double[] p, double k, double[] w, double c0)
            {
                var dP = new double[p.Length + 1];
                Models.ScaledVectorJacobianProduct(p, k, new double[p.Length], w, c0, dP.AsSpan(0, p.Length), out dP[p.Length]);
                return dP;
            }

            public static double[] ScaledFHessian(float[] p, float k, float[] w, float c0)
            {
                var hessian = new float[(p.Length + 1) * (p.Length + 1)];
                Models.ScaledFHessian(p, k, new float[p.Length], w, c0, hessian);
                return Array.ConvertAll(hessian, x => (double)x);
            }

            public static void ScaledHessianOfLength(int length)
            {
                Models.ScaledHessian(new double[2], 1.0, new double[2], new double[2], 1.0, new double[length]);
            }

            public static void ScaledHessianWithWeightsOfLength(int length)
            {
                Models.ScaledHessian(new double[2], 1.0, new double[2], new double[length], 1.0, new double[9]);
            }
        }
        """;

    private static readonly Lazy<GeneratorRun> Compiled = new(() => GeneratorHarness.Run(Source).ShouldSucceed());

    private static T Call<T>(string name, params object[] arguments)
    {
        try
        {
            return (T)Compiled.Value.Load().GetType("DenseDriver")!.GetMethod(name, BindingFlags.Public | BindingFlags.Static)!.Invoke(null, arguments)!;
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            throw exception.InnerException;
        }
    }

    /// <summary>w0 ∇²(ab) + w1 ∇²(sin a) + c0 ∇²(a²b) = [[−w1 sin a + 2b c0, w0 + 2a c0], [w0 + 2a c0, 0]], row-major.</summary>
    private static double[] PairByHand(double a, double b, double[] w, double c0)
    {
        double haa = (-w[1] * Math.Sin(a)) + (2 * b * c0), hab = w[0] + (2 * a * c0);
        return new[] { haa, hab, hab, 0 };
    }

    /// <summary>
    /// Σᵢ wᵢ ∇²(k pᵢ²) + c0 ∇²(k Σ pᵢ) over (p₀ … pₙ₋₁, k): 2k wⱼ on the diagonal of the p block, 2pⱼwⱼ + c0 in k's row
    /// and column, 0 at (k, k).
    /// </summary>
    private static double[] ScaledByHand(double[] p, double k, double[] w, double c0)
    {
        int n = p.Length, size = n + 1;
        var hessian = new double[size * size];
        for (int j = 0; j < n; j++)
        {
            hessian[(j * size) + j] = 2 * k * w[j];
            hessian[(j * size) + n] = (2 * p[j] * w[j]) + c0;
            hessian[(n * size) + j] = (2 * p[j] * w[j]) + c0;
        }

        return hessian;
    }

    [Theory]
    [InlineData(0.7, -1.3, 0.5, -2.0, 1.5)]
    [InlineData(-2.0, 0.4, 0.0, 0.0, 1.0)]
    [InlineData(1.1, 2.9, 1.0, 2.0, -0.7)]
    public void A_straight_line_methods_dense_Hessian_with_the_values_weight_is_the_weighted_sum_worked_out_by_hand(double a, double b, double w0, double w1, double c0)
    {
        double[] w = { w0, w1 }, r = new double[2];
        var actual = Call<double[]>("PairHessian", a, b, w, c0, r);
        var byHand = PairByHand(a, b, w, c0);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(byHand[i], actual[i], 13);
        }

        // It writes the outputs, as every method of M does.
        Assert.Equal(a * b, r[0], 15);
        Assert.Equal(Math.Sin(a), r[1], 15);
    }

    [Theory]
    [InlineData(0.9, -0.6, 0.3, -1.2, 1.7)]
    [InlineData(-0.4, 1.8, 2.0, 0.5, -3.0)]
    public void A_straight_line_methods_dense_Hessian_with_the_values_weight_is_the_derivative_of_its_product_by_central_differences(double a, double b, double w0, double w1, double c0)
    {
        double[] w = { w0, w1 }, point = { a, b };
        var actual = Call<double[]>("PairHessian", a, b, w, c0, new double[2]);
        const double h = 1e-5;
        for (int j = 0; j < 2; j++)
        {
            var plus = (double[])point.Clone();
            var minus = (double[])point.Clone();
            plus[j] += h;
            minus[j] -= h;
            var gPlus = Call<double[]>("PairProductWithValue", plus[0], plus[1], w, c0);
            var gMinus = Call<double[]>("PairProductWithValue", minus[0], minus[1], w, c0);
            for (int l = 0; l < 2; l++)
            {
                Assert.Equal((gPlus[l] - gMinus[l]) / (2 * h), actual[(l * 2) + j], 8);
            }
        }
    }

    [Theory]
    [InlineData(0.7, -1.3, 0.5, -2.0)]
    [InlineData(1.1, 2.9, 1.0, 2.0)]
    public void With_a_zero_value_weight_a_straight_line_methods_dense_Hessian_is_the_one_without(double a, double b, double w0, double w1)
    {
        double[] w = { w0, w1 };
        var with = Call<double[]>("PairHessian", a, b, w, 0.0, new double[2]);
        var without = Call<double[]>("PairHessianWithoutValue", a, b, w);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(without[i], with[i], 15);
        }

        // And the c₀ part is what the value adds: c₀ ∇²(a²b) = c₀ [[2b, 2a], [2a, 0]].
        var weighted = Call<double[]>("PairHessian", a, b, w, 2.0, new double[2]);
        Assert.Equal(without[0] + (4 * b), weighted[0], 13);
        Assert.Equal(without[1] + (4 * a), weighted[1], 13);
        Assert.Equal(without[3], weighted[3], 13);
    }

    [Fact]
    public void A_loop_methods_dense_Hessian_with_the_values_weight_is_worked_out_by_hand_and_by_central_differences()
    {
        double[] p = { 0.7, -1.3, 0.4 }, w = { 0.5, -2.0, 1.5 }, r = new double[3];
        const double k = 1.3, c0 = -0.8, h = 1e-5;
        int size = p.Length + 1;
        var actual = Call<double[]>("ScaledHessian", p, k, w, c0, r);
        var byHand = ScaledByHand(p, k, w, c0);
        for (int i = 0; i < byHand.Length; i++)
        {
            Assert.Equal(byHand[i], actual[i], 12);
        }

        for (int i = 0; i < p.Length; i++)
        {
            Assert.Equal(k * p[i] * p[i], r[i], 15);
        }

        // Column j: the derivative of cᵀJ + c₀ ∇T along pⱼ (or k), from the vector-Jacobian product with c₀.
        for (int j = 0; j < size; j++)
        {
            var pPlus = (double[])p.Clone();
            var pMinus = (double[])p.Clone();
            double kPlus = k, kMinus = k;
            if (j < p.Length)
            {
                pPlus[j] += h;
                pMinus[j] -= h;
            }
            else
            {
                kPlus += h;
                kMinus -= h;
            }

            var gPlus = Call<double[]>("ScaledVectorJacobianProduct", pPlus, kPlus, w, c0);
            var gMinus = Call<double[]>("ScaledVectorJacobianProduct", pMinus, kMinus, w, c0);
            for (int l = 0; l < size; l++)
            {
                Assert.Equal((gPlus[l] - gMinus[l]) / (2 * h), actual[(l * size) + j], 7);
            }
        }
    }

    [Fact]
    public void With_a_zero_value_weight_a_loop_methods_dense_Hessian_is_the_one_without()
    {
        double[] p = { 0.7, -1.3, 0.4 }, w = { 0.5, -2.0, 1.5 };
        const double k = 1.3;
        var with = Call<double[]>("ScaledHessian", p, k, w, 0.0, new double[3]);
        var without = Call<double[]>("ScaledHessianWithoutValue", p, k, w);
        Assert.Equal(without.Length, with.Length);
        for (int i = 0; i < with.Length; i++)
        {
            Assert.Equal(without[i], with[i], 15);
        }

        // The value's part is c₀ in k's row and column: k Σ p is linear in each pᵢ and in k.
        var weighted = Call<double[]>("ScaledHessian", p, k, w, 1.5, new double[3]);
        Assert.Equal(without[3] + 1.5, weighted[3], 13);
        Assert.Equal(without[(3 * 4) + 1] + 1.5, weighted[(3 * 4) + 1], 13);
        Assert.Equal(without[0], weighted[0], 13);
    }

    [Theory]
    [InlineData(0.7f, -1.3f, 0.5f, -2.0f, 1.5f)]
    [InlineData(-1.1f, 0.4f, 1.0f, 2.0f, -0.7f)]
    public void The_float_straight_line_methods_dense_Hessian_with_the_values_weight_is_worked_out_by_hand(float a, float b, float w0, float w1, float c0)
    {
        var actual = Call<double[]>("PairFHessian", a, b, new[] { w0, w1 }, c0);
        var byHand = PairByHand(a, b, new double[] { w0, w1 }, c0);
        for (int i = 0; i < 4; i++)
        {
            Assert.True(Math.Abs(byHand[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(byHand[i])), $"element {i}: by hand {byHand[i]:R}, float {actual[i]:R}");
        }
    }

    [Fact]
    public void The_float_loop_methods_dense_Hessian_with_the_values_weight_is_worked_out_by_hand()
    {
        float[] p = { 0.7f, -1.3f, 0.4f }, w = { 0.5f, -2.0f, 1.5f };
        const float k = 1.3f, c0 = -0.8f;
        var actual = Call<double[]>("ScaledFHessian", p, k, w, c0);
        var byHand = ScaledByHand(Array.ConvertAll(p, x => (double)x), k, Array.ConvertAll(w, x => (double)x), c0);
        for (int i = 0; i < byHand.Length; i++)
        {
            Assert.True(Math.Abs(byHand[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(byHand[i])), $"element {i}: by hand {byHand[i]:R}, float {actual[i]:R}");
        }
    }

    [Fact]
    public void A_matrix_or_weights_of_the_wrong_length_are_argument_exceptions_naming_them()
    {
        // n = 3 (two elements of p and k): the matrix needs 9 elements, the weights r's 2.
        var matrix = Assert.Throws<ArgumentException>(() => Call<object>("ScaledHessianOfLength", 8));
        Assert.Equal("hessian", matrix.ParamName);
        var weights = Assert.ThrowsAny<ArgumentException>(() => Call<object>("ScaledHessianWithWeightsOfLength", 3));
        Assert.Equal("rCotangent", weights.ParamName);
    }

    [Fact]
    public void The_loop_methods_dense_Hessian_with_the_values_weight_calls_the_product_with_c0_once_per_column()
    {
        Snapshot.Verify(Method(Compiled.Value.Source("Models.Scaled.g.cs"), "void ScaledHessian(", "double valueCotangent"));
    }

    /// <summary>One generated method of <paramref name="source"/>: its XML docs, signature and body.</summary>
    private static string Method(string source, string signature, string containing)
    {
        var lines = source.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        int at = Array.FindIndex(lines, line => line.Contains(signature, StringComparison.Ordinal) && line.Contains(containing, StringComparison.Ordinal));
        Assert.True(at >= 0, $"no method '{signature}' with '{containing}' in the generated source");
        int start = at;
        while (start > 0 && (lines[start - 1].TrimStart().StartsWith("///", StringComparison.Ordinal) || lines[start - 1].TrimStart().StartsWith("[", StringComparison.Ordinal)))
        {
            start--;
        }

        string indent = lines[at].Substring(0, lines[at].Length - lines[at].TrimStart().Length);
        int end = Array.FindIndex(lines, at + 1, line => line == indent + "}");
        return string.Join("\n", lines[start..(end + 1)]) + "\n";
    }
}
