using System.Reflection;
using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.SecondOrder;

/// <summary>
/// Second derivatives of a method that reads the value a vector-valued helper returns (issue 11): the helper's products
/// have an overload with the value's weight c₀, so the caller's backward sweep passes ∂L/∂f beside the outputs' adjoints,
/// and forward mode over it calls the helper's (Σᵢ cᵢ ∇²rᵢ + c₀ ∇²f)·v, adding Jᵀ dc + dc₀ ∇f where the weights vary.
/// Every Hessian here is worked out by hand in closed form and checked against central differences of the generated
/// gradient; the float caller against the double one.
/// </summary>
public class HelperValueSecondOrderTests
{
    // Also the models of DenseValueWeightedHessianTests.
    internal const string Source = """
        using System;
        using System.Linq;
        using SymbolicDiff;

        public static partial class Models
        {
            // r = (a·b, sin a), and it returns f = a²·b.
            [Differentiable(nameof(a), nameof(b), SecondOrder = true)]
            public static double Pair(double a, double b, Span<double> r)
            {
                r[0] = a * b;
                r[1] = Math.Sin(a);
                return a * a * b;
            }

            [Differentiable(nameof(a), nameof(b), SecondOrder = true)]
            public static float PairF(float a, float b, Span<float> r)
            {
                r[0] = a * b;
                r[1] = MathF.Sin(a);
                return a * a * b;
            }

            // L = f·r0 + r1² + 3f = a³b² + sin²a + 3a²b: the outputs and the value, each weight varying.
            [Differentiable(nameof(a), nameof(b), SecondOrder = true)]
            public static double Straight(double a, double b)
            {
                Span<double> r = stackalloc double[2];
                double f = Pair(a, b, r);
                return f * r[0] + r[1] * r[1] + 3 * f;
            }

            [Differentiable(nameof(a), nameof(b), SecondOrder = true)]
            public static float StraightF(float a, float b)
            {
                Span<float> r = stackalloc float[2];
                float f = PairF(a, b, r);
                return f * r[0] + r[1] * r[1] + 3 * f;
            }

            // L = exp(f) = exp(a²b): the value alone, the outputs unread (their weights 0).
            [Differentiable(nameof(a), nameof(b), SecondOrder = true)]
            public static double ValueOnly(double a, double b)
            {
                Span<double> r = stackalloc double[2];
                double f = Pair(a, b, r);
                return Math.Exp(f);
            }

            // L = Σₛ (f·r0 + r1) over s = 0, 1, 2 with the helper at (a, b + s): a³ Σₛ (b + s)² + 3 sin a.
            [Differentiable(nameof(a), nameof(b), SecondOrder = true)]
            public static double Looped(double a, double b)
            {
                Span<double> r = stackalloc double[2];
                double sum = 0;
                for (int s = 0; s < 3; s++)
                {
                    double f = Pair(a, b + s, r);
                    sum += f * r[0] + r[1];
                }

                return sum;
            }

            // rᵢ = k·pᵢ², and it returns T = k·Σ pᵢ.
            [Differentiable(nameof(p), nameof(k), SecondOrder = true)]
            public static double Scaled(ReadOnlySpan<double> p, double k, Span<double> r)
            {
                double total = 0;
                for (int i = 0; i < p.Length; i++)
                {
                    r[i] = k * p[i] * p[i];
                    total += k * p[i];
                }

                return total;
            }

            // L = T · Σᵢ rᵢ = k² (Σ pᵢ)(Σ pᵢ²): a caller over a span, its Hessian-vector product and dense Hessian.
            [Differentiable(nameof(p), SecondOrder = true)]
            public static double OverSpan(ReadOnlySpan<double> p, double k)
            {
                Span<double> r = stackalloc double[p.Length];
                double total = Scaled(p, k, r);
                double sum = 0;
                for (int i = 0; i < r.Length; i++)
                {
                    sum += r[i] * total;
                }

                return sum;
            }

            // A vector-valued caller: qᵢ = T · rᵢ = k² pᵢ² Σ p, its weighted Hessian through the helper's value and outputs.
            [Differentiable(nameof(p), SecondOrder = true)]
            public static void Composite(ReadOnlySpan<double> p, double k, Span<double> q)
            {
                Span<double> r = stackalloc double[p.Length];
                double total = Scaled(p, k, r);
                for (int i = 0; i < q.Length; i++)
                {
                    q[i] = total * r[i];
                }
            }
        }

        public static class Driver
        {
            public static double[] CompositeHessian(double[] p, double k, double[] w)
            {
                var hessian = new double[p.Length * p.Length];
                Models.CompositeHessian(p, k, new double[p.Length], w, hessian);
                return hessian;
            }

            public static double[] CompositeVectorJacobianProduct(double[] p, double k, double[] w)
            {
                var dP = new double[p.Length];
                Models.CompositeVectorJacobianProduct(p, k, new double[p.Length], w, dP);
                return dP;
            }

            public static double[] PairProduct(double a, double b, double[] w, double c0, double va, double vb)
            {
                var r = new double[2];
                Models.PairHessianVectorProduct(a, b, r, w, c0, va, vb, out double dA, out double dB, out double hvA, out double hvB);
                return new[] { hvA, hvB, dA, dB };
            }

            public static double[] PairVectorJacobianProduct(double a, double b, double[] w, double c0)
            {
                var r = new double[2];
                Models.PairVectorJacobianProduct(a, b, r, w, c0, out double dA, out double dB);
                return new[] { dA, dB };
            }

            public static double[] StraightFHessian(float a, float b)
            {
                var h = Models.StraightFWithHessian(a, b);
                return new double[] { h.Hessian[0, 0], h.Hessian[0, 1], h.Hessian[1, 0], h.Hessian[1, 1], h.A, h.B, h.Value };
            }

            public static double[] OverSpanProduct(double[] p, double k, double[] v)
            {
                var dP = new double[p.Length];
                var hv = new double[p.Length];
                double value = Models.OverSpanHessianVectorProduct(p, k, v, dP, hv);
                return hv.Concat(dP).Append(value).ToArray();
            }

            public static double[] OverSpanHessian(double[] p, double k)
            {
                var hessian = new double[p.Length * p.Length];
                Models.OverSpanHessian(p, k, hessian);
                return hessian;
            }

            public static double[] OverSpanGradient(double[] p, double k)
            {
                var dP = new double[p.Length];
                Models.OverSpanWithGradient(p, k, dP);
                return dP;
            }
        }
        """;

    private static readonly Lazy<GeneratorRun> Compiled = new(() => GeneratorHarness.Run(Source).ShouldSucceed());

    private static T Call<T>(string name, params object[] arguments) =>
        (T)Compiled.Value.Load().GetType("Driver")!.GetMethod(name, BindingFlags.Public | BindingFlags.Static)!.Invoke(null, arguments)!;

    /// <summary>L = a³b² + sin²a + 3a²b, by hand: H = [[6ab² + 2cos 2a + 6b, 6a²b + 6a], [6a²b + 6a, 2a³]].</summary>
    private static double[,] StraightByHand(double a, double b) => new[,]
    {
        { 6 * a * b * b + 2 * Math.Cos(2 * a) + 6 * b, 6 * a * a * b + 6 * a },
        { 6 * a * a * b + 6 * a, 2 * a * a * a },
    };

    [Theory]
    [InlineData(0.7, -1.3)]
    [InlineData(-1.1, 0.4)]
    [InlineData(2.0, 1.5)]
    public void A_straight_line_caller_reading_the_outputs_and_the_value_has_the_Hessian_worked_out_by_hand(double a, double b)
    {
        var harness = new HessianHarness(Compiled.Value, "Models", "Straight");
        harness.Check(new[] { a, b }, new[] { 0, 1 }, StraightByHand(a, b));
        var gradient = harness.Gradient(new[] { a, b });
        Assert.Equal(3 * a * a * b * b + Math.Sin(2 * a) + 6 * a * b, gradient[0], 12);
        Assert.Equal(2 * a * a * a * b + 3 * a * a, gradient[1], 12);
    }

    [Theory]
    [InlineData(0.7, -1.3)]
    [InlineData(-0.9, 0.6)]
    public void A_caller_reading_only_the_value_has_the_Hessian_of_exp_a2b_worked_out_by_hand(double a, double b)
    {
        // L = e^(a²b): ∂²L/∂a² = (2b + 4a²b²)L, ∂²L/∂a∂b = (2a + 2a³b)L, ∂²L/∂b² = a⁴L.
        double e = Math.Exp(a * a * b);
        var byHand = new[,] { { (2 * b + 4 * a * a * b * b) * e, (2 * a + 2 * a * a * a * b) * e }, { (2 * a + 2 * a * a * a * b) * e, a * a * a * a * e } };
        new HessianHarness(Compiled.Value, "Models", "ValueOnly").Check(new[] { a, b }, new[] { 0, 1 }, byHand);
    }

    [Theory]
    [InlineData(0.7, -1.3)]
    [InlineData(1.2, 0.5)]
    public void A_caller_reading_the_value_inside_a_loop_has_the_Hessian_worked_out_by_hand(double a, double b)
    {
        // L = a³ S₂ + 3 sin a, S₁ = Σₛ (b + s), S₂ = Σₛ (b + s)² over s = 0, 1, 2.
        double s1 = 3 * b + 3, s2 = (b * b) + ((b + 1) * (b + 1)) + ((b + 2) * (b + 2));
        var byHand = new[,] { { 6 * a * s2 - 3 * Math.Sin(a), 6 * a * a * s1 }, { 6 * a * a * s1, 6 * a * a * a } };
        var harness = new HessianHarness(Compiled.Value, "Models", "Looped");
        harness.Check(new[] { a, b }, new[] { 0, 1 }, byHand);
        Assert.Equal(2 * a * a * a * s1, harness.Gradient(new[] { a, b })[1], 12);
    }

    [Theory]
    [InlineData(0.7, -1.3, 0.5, -2.0, 1.5, 0.3, -0.8)]
    [InlineData(-2.0, 0.4, 0.0, 0.0, 1.0, 1.0, 0.0)]
    [InlineData(1.1, 2.9, 1.0, 2.0, 0.0, -0.4, 0.6)]
    public void The_helpers_product_with_the_values_weight_is_the_weighted_sum_of_the_Hessians_by_hand(double a, double b, double w0, double w1, double c0, double va, double vb)
    {
        // w0 ∇²(ab) + w1 ∇²(sin a) + c0 ∇²(a²b) = [[−w1 sin a + 2b c0, w0 + 2a c0], [w0 + 2a c0, 0]].
        double haa = (-w1 * Math.Sin(a)) + (2 * b * c0), hab = w0 + (2 * a * c0);
        var actual = Call<double[]>("PairProduct", a, b, new[] { w0, w1 }, c0, va, vb);
        Assert.Equal((haa * va) + (hab * vb), actual[0], 13);
        Assert.Equal(hab * va, actual[1], 13);

        // Its first-order part, and the vector-Jacobian product's overload: w0 (b, a) + w1 (cos a, 0) + c0 (2ab, a²).
        double[] gradient = { (w0 * b) + (w1 * Math.Cos(a)) + (c0 * 2 * a * b), (w0 * a) + (c0 * a * a) };
        var product = Call<double[]>("PairVectorJacobianProduct", a, b, new[] { w0, w1 }, c0);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(gradient[i], actual[2 + i], 13);
            Assert.Equal(gradient[i], product[i], 13);
        }
    }

    [Fact]
    public void The_helpers_product_with_the_values_weight_is_the_derivative_of_its_vector_Jacobian_product_by_central_differences()
    {
        double a = 0.9, b = -0.6, c0 = 1.7, va = 0.8, vb = -1.3;
        double[] w = { 0.3, -1.2 };
        const double h = 1e-5;
        var plus = Call<double[]>("PairVectorJacobianProduct", a + (h * va), b + (h * vb), w, c0);
        var minus = Call<double[]>("PairVectorJacobianProduct", a - (h * va), b - (h * vb), w, c0);
        var actual = Call<double[]>("PairProduct", a, b, w, c0, va, vb);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal((plus[i] - minus[i]) / (2 * h), actual[i], 8);
        }
    }

    [Fact]
    public void A_caller_over_a_span_has_its_product_and_dense_Hessian_by_hand_and_by_central_differences()
    {
        // L = k² (Σ p)(Σ p²): ∂²L/∂pⱼ∂pₗ = 2k² (pⱼ + pₗ + δⱼₗ Σ p).
        double[] p = { 0.7, -1.3, 0.4 }, v = { 0.5, 1.0, -2.0 };
        const double k = 1.3;
        int n = p.Length;
        double sum = p.Sum();
        var byHand = new double[n, n];
        for (int j = 0; j < n; j++)
        {
            for (int l = 0; l < n; l++)
            {
                byHand[j, l] = 2 * k * k * (p[j] + p[l] + (j == l ? sum : 0));
            }
        }

        var dense = Call<double[]>("OverSpanHessian", p, k);
        var product = Call<double[]>("OverSpanProduct", p, k, v);
        const double h = 1e-5;
        for (int j = 0; j < n; j++)
        {
            double expectedProduct = 0;
            for (int l = 0; l < n; l++)
            {
                Assert.Equal(byHand[j, l], dense[(j * n) + l], 12);
                expectedProduct += byHand[j, l] * v[l];
            }

            Assert.Equal(expectedProduct, product[j], 12);

            // Column j by central differences of the generated gradient.
            var plus = (double[])p.Clone();
            var minus = (double[])p.Clone();
            plus[j] += h;
            minus[j] -= h;
            var gPlus = Call<double[]>("OverSpanGradient", plus, k);
            var gMinus = Call<double[]>("OverSpanGradient", minus, k);
            for (int l = 0; l < n; l++)
            {
                Assert.Equal((gPlus[l] - gMinus[l]) / (2 * h), dense[(l * n) + j], 7);
            }
        }

        Assert.Equal(k * k * sum * p.Sum(x => x * x), product[2 * n], 12);
    }

    [Fact]
    public void A_vector_valued_caller_has_its_weighted_Hessian_by_hand_and_by_central_differences_of_its_product()
    {
        // qᵢ = k² pᵢ² S, S = Σ p: Σᵢ wᵢ ∂²qᵢ/∂pⱼ∂pₗ = 2k² (wⱼ δⱼₗ S + wₗ pₗ + wⱼ pⱼ).
        double[] p = { 0.7, -1.3, 0.4 }, w = { 0.5, -2.0, 1.5 };
        const double k = 1.3, h = 1e-5;
        int n = p.Length;
        double sum = p.Sum();
        var dense = Call<double[]>("CompositeHessian", p, k, w);
        for (int j = 0; j < n; j++)
        {
            var plus = (double[])p.Clone();
            var minus = (double[])p.Clone();
            plus[j] += h;
            minus[j] -= h;
            var gPlus = Call<double[]>("CompositeVectorJacobianProduct", plus, k, w);
            var gMinus = Call<double[]>("CompositeVectorJacobianProduct", minus, k, w);
            for (int l = 0; l < n; l++)
            {
                double byHand = 2 * k * k * ((j == l ? w[j] * sum : 0) + (w[l] * p[l]) + (w[j] * p[j]));
                Assert.Equal(byHand, dense[(j * n) + l], 12);
                Assert.Equal((gPlus[l] - gMinus[l]) / (2 * h), dense[(l * n) + j], 7);
            }
        }
    }

    [Theory]
    [InlineData(0.7f, -1.3f)]
    [InlineData(-1.1f, 0.4f)]
    public void The_float_caller_agrees_with_the_double_one(float a, float b)
    {
        var single = Call<double[]>("StraightFHessian", a, b);
        var (value, gradient, hessian) = new HessianHarness(Compiled.Value, "Models", "Straight").WithHessian(new double[] { a, b });
        var expected = new[] { hessian[0, 0], hessian[0, 1], hessian[1, 0], hessian[1, 1], gradient[0], gradient[1], value };
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - single[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"element {i}: double {expected[i]:R}, float {single[i]:R}");
        }
    }

    [Fact]
    public void The_straight_line_callers_second_derivatives_call_the_helpers_product_with_the_values_weight()
    {
        Snapshot.Verify(Compiled.Value.Source("Models.Straight.g.cs"));
    }
}
