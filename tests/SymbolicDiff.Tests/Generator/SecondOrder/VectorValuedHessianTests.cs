using System.Reflection;
using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.SecondOrder;

/// <summary>
/// Second derivatives of vector-valued methods (issue 11): with <c>SecondOrder = true</c>, a method that writes outputs r
/// gets <c>MHessianVectorProduct(&lt;its parameters&gt;, rCotangent, directions, cᵀJ outputs, products)</c>, the weighted
/// Hessian-vector product Σᵢ cᵢ ∇²rᵢ · v, and the dense weighted <c>MHessian</c>; and a scalar method with
/// <c>SecondOrder = true</c> may call such a helper, its second derivatives going through the helper's product. Each number
/// is checked against second derivatives worked out by hand and against central differences of a generated first
/// derivative (the vector-Jacobian product along v, or the caller's gradient).
/// </summary>
public class VectorValuedHessianTests
{
    private const string Source = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            // r = (p0², p0·p1, sin p1)
            [Differentiable(nameof(p), SecondOrder = true)]
            public static void Residuals(ReadOnlySpan<double> p, Span<double> r)
            {
                r[0] = p[0] * p[0];
                r[1] = p[0] * p[1];
                r[2] = Math.Sin(p[1]);
            }

            // The same residuals of two scalars.
            [Differentiable(nameof(a), nameof(b), SecondOrder = true)]
            public static void Scalars(double a, double b, Span<double> r)
            {
                r[0] = a * a;
                r[1] = a * b;
                r[2] = Math.Sin(b);
            }

            [Differentiable(nameof(p), SecondOrder = true)]
            public static void ResidualsF(ReadOnlySpan<float> p, Span<float> r)
            {
                r[0] = p[0] * p[0];
                r[1] = p[0] * p[1];
                r[2] = MathF.Sin(p[1]);
            }

            // NIST's Misra1a model: y = b1·(1 − exp(−b2·x)), its residuals at every data point.
            [Differentiable(nameof(b), SecondOrder = true)]
            public static void Misra(ReadOnlySpan<double> b, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> r)
            {
                for (int i = 0; i < x.Length; i++)
                {
                    r[i] = b[0] * (1 - Math.Exp(-b[1] * x[i])) - y[i];
                }
            }

            // The least-squares cost ½‖r(b)‖², written by calling the residual helper.
            [Differentiable(nameof(b), SecondOrder = true)]
            public static double Cost(ReadOnlySpan<double> b, ReadOnlySpan<double> x, ReadOnlySpan<double> y)
            {
                Span<double> r = stackalloc double[x.Length];
                Misra(b, x, y, r);
                double sum = 0;
                for (int i = 0; i < r.Length; i++)
                {
                    sum += r[i] * r[i];
                }

                return 0.5 * sum;
            }

            // ½‖r(a, b)‖² of two scalars, through the scalar helper: MWithHessian.
            [Differentiable(nameof(a), nameof(b), SecondOrder = true)]
            public static double ScalarCost(double a, double b)
            {
                Span<double> r = stackalloc double[3];
                Scalars(a, b, r);
                return 0.5 * (r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
            }

            [Differentiable(nameof(p), SecondOrder = true)]
            public static float CostF(ReadOnlySpan<float> p)
            {
                Span<float> r = stackalloc float[3];
                ResidualsF(p, r);
                return 0.5f * (r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
            }

            // x' = −k·x.
            [Differentiable(nameof(state), nameof(k), SecondOrder = true)]
            public static void Decay(ReadOnlySpan<double> state, double k, Span<double> rate)
            {
                for (int i = 0; i < state.Length; i++)
                {
                    rate[i] = -k * state[i];
                }
            }

            // Σᵢ xᵢ after `steps` explicit Euler steps: the helper called in a loop, its output buffer reused.
            [Differentiable(nameof(k), SecondOrder = true)]
            public static double Euler(ReadOnlySpan<double> x0, double k, double h, int steps)
            {
                Span<double> x = stackalloc double[x0.Length];
                Span<double> rate = stackalloc double[x0.Length];
                for (int i = 0; i < x0.Length; i++)
                {
                    x[i] = x0[i];
                }

                for (int s = 0; s < steps; s++)
                {
                    Decay(x, k, rate);
                    for (int i = 0; i < x.Length; i++)
                    {
                        x[i] += h * rate[i];
                    }
                }

                double sum = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    sum += x[i];
                }

                return sum;
            }

            // A vector and a scalar: r = (s·p0², sin(s·p1)).
            [Differentiable(nameof(p), nameof(s), SecondOrder = true)]
            public static void Mixed(ReadOnlySpan<double> p, double s, Span<double> r)
            {
                r[0] = s * p[0] * p[0];
                r[1] = Math.Sin(s * p[1]);
            }

            // A vector-valued caller of a vector-valued helper: q = r(p)² element by element.
            [Differentiable(nameof(p), SecondOrder = true)]
            public static void Squares(ReadOnlySpan<double> p, Span<double> q)
            {
                Span<double> r = stackalloc double[3];
                Residuals(p, r);
                for (int i = 0; i < 3; i++)
                {
                    q[i] = r[i] * r[i];
                }
            }

            // An output read back after it is written: r = (p0·p1, (p0·p1)² + p1).
            [Differentiable(nameof(p), SecondOrder = true)]
            public static void ReadsBack(ReadOnlySpan<double> p, Span<double> r)
            {
                r[0] = p[0] * p[1];
                r[1] = r[0] * r[0] + p[1];
            }

            // The helper's state does not vary here (x0 is held constant): its direction is a zero span.
            [Differentiable(nameof(k), SecondOrder = true)]
            public static double RateEnergy(ReadOnlySpan<double> x0, double k)
            {
                Span<double> rate = stackalloc double[x0.Length];
                Decay(x0, k, rate);
                double sum = 0;
                for (int i = 0; i < rate.Length; i++)
                {
                    sum += Math.Sin(rate[i]);
                }

                return sum;
            }
        }

        public static class Driver
        {
            public static double[] Product(double[] p, double[] w, double[] v)
            {
                var r = new double[3];
                var dP = new double[2];
                var hv = new double[2];
                Models.ResidualsHessianVectorProduct(p, r, w, v, dP, hv);
                return new[] { hv[0], hv[1], dP[0], dP[1], r[0], r[1], r[2] };
            }

            public static double[] ScalarProduct(double a, double b, double[] w, double va, double vb)
            {
                var r = new double[3];
                Models.ScalarsHessianVectorProduct(a, b, r, w, va, vb, out double dA, out double dB, out double hvA, out double hvB);
                return new[] { hvA, hvB, dA, dB, r[0], r[1], r[2] };
            }

            public static double[] VectorJacobianProduct(double[] p, double[] w)
            {
                var dP = new double[2];
                Models.ResidualsVectorJacobianProduct(p, new double[3], w, dP);
                return dP;
            }

            public static double[] Dense(double[] p, double[] w)
            {
                var hessian = new double[4];
                Models.ResidualsHessian(p, new double[3], w, hessian);
                return hessian;
            }

            public static double[] ScalarDense(double a, double b, double[] w)
            {
                var hessian = new double[4];
                Models.ScalarsHessian(a, b, new double[3], w, hessian);
                return hessian;
            }

            public static float[] ProductF(float[] p, float[] w, float[] v)
            {
                var dP = new float[2];
                var hv = new float[2];
                Models.ResidualsFHessianVectorProduct(p, new float[3], w, v, dP, hv);
                return new[] { hv[0], hv[1], dP[0], dP[1] };
            }

            public static double[] MisraProduct(double[] b, double[] x, double[] y, double[] w, double[] v)
            {
                var dB = new double[2];
                var hv = new double[2];
                Models.MisraHessianVectorProduct(b, x, y, new double[x.Length], w, v, dB, hv);
                return hv;
            }

            public static double[] MisraVectorJacobianProduct(double[] b, double[] x, double[] y, double[] w)
            {
                var dB = new double[2];
                Models.MisraVectorJacobianProduct(b, x, y, new double[x.Length], w, dB);
                return dB;
            }

            public static double[] MisraJacobian(double[] b, double[] x, double[] y)
            {
                var jacobian = new double[x.Length * 2];
                Models.MisraJacobian(b, x, y, new double[x.Length], jacobian);
                return jacobian;
            }

            public static double[] MisraResiduals(double[] b, double[] x, double[] y)
            {
                var r = new double[x.Length];
                Models.Misra(b, x, y, r);
                return r;
            }

            public static double[] CostHessian(double[] b, double[] x, double[] y)
            {
                var hessian = new double[4];
                Models.CostHessian(b, x, y, hessian);
                return hessian;
            }

            public static double[] CostProduct(double[] b, double[] x, double[] y, double[] v)
            {
                var dB = new double[2];
                var hv = new double[2];
                double value = Models.CostHessianVectorProduct(b, x, y, v, dB, hv);
                return new[] { hv[0], hv[1], dB[0], dB[1], value };
            }

            public static double[] CostGradient(double[] b, double[] x, double[] y)
            {
                var dB = new double[2];
                Models.CostWithGradient(b, x, y, dB);
                return dB;
            }

            public static double[] ScalarCostHessian(double a, double b)
            {
                var h = Models.ScalarCostWithHessian(a, b);
                return new[] { h.Hessian[0, 0], h.Hessian[0, 1], h.Hessian[1, 0], h.Hessian[1, 1], h.A, h.B };
            }

            public static float[] CostFHessian(float[] p)
            {
                var hessian = new float[4];
                Models.CostFHessian(p, hessian);
                return hessian;
            }

            public static double EulerSecond(double[] x0, double k, double h, int steps)
            {
                var result = Models.EulerWithHessian(x0, k, h, steps);
                return result.Hessian[0, 0];
            }

            public static double EulerFirst(double[] x0, double k, double h, int steps) => Models.EulerWithGradient(x0, k, h, steps).K;

            public static double[] MixedProduct(double[] p, double s, double[] w, double[] vP, double vS)
            {
                var dP = new double[2];
                var hvP = new double[2];
                Models.MixedHessianVectorProduct(p, s, new double[2], w, vP, vS, dP, out double dS, hvP, out double hvS);
                return new[] { hvP[0], hvP[1], hvS, dP[0], dP[1], dS };
            }

            public static double[] MixedDense(double[] p, double s, double[] w)
            {
                var hessian = new double[9];
                Models.MixedHessian(p, s, new double[2], w, hessian);
                return hessian;
            }

            public static double[] SquaresProduct(double[] p, double[] w, double[] v)
            {
                var dP = new double[2];
                var hv = new double[2];
                Models.SquaresHessianVectorProduct(p, new double[3], w, v, dP, hv);
                return new[] { hv[0], hv[1], dP[0], dP[1] };
            }

            public static double[] SquaresVectorJacobianProduct(double[] p, double[] w)
            {
                var dP = new double[2];
                Models.SquaresVectorJacobianProduct(p, new double[3], w, dP);
                return dP;
            }

            public static double[] ReadsBackProduct(double[] p, double[] w, double[] v)
            {
                var dP = new double[2];
                var hv = new double[2];
                Models.ReadsBackHessianVectorProduct(p, new double[2], w, v, dP, hv);
                return hv;
            }

            public static double RateEnergySecond(double[] x0, double k) => Models.RateEnergyWithHessian(x0, k).Hessian[0, 0];

            public static double RateEnergyFirst(double[] x0, double k) => Models.RateEnergyWithGradient(x0, k).K;
        }
        """;

    private static readonly Lazy<(GeneratorRun Run, Type Driver)> Compiled = new(() =>
    {
        var run = GeneratorHarness.Run(Source).ShouldSucceed();
        return (run, run.Load().GetType("Driver")!);
    });

    private static T Call<T>(string name, params object[] arguments) =>
        (T)Compiled.Value.Driver.GetMethod(name, BindingFlags.Public | BindingFlags.Static)!.Invoke(null, arguments)!;

    // NIST Misra1a's first five observations and its first start, b = (500, 1e-4).
    private static readonly double[] MisraX = { 77.6, 114.9, 141.1, 190.8, 239.9 };
    private static readonly double[] MisraY = { 10.07, 14.73, 17.94, 23.93, 29.61 };

    /// <summary>Σᵢ wᵢ ∇²rᵢ for r = (p0², p0·p1, sin p1), by hand: [[2w0, w1], [w1, −w2·sin p1]].</summary>
    private static double[,] WeightedByHand(double p1, double[] w) => new[,] { { 2 * w[0], w[1] }, { w[1], -w[2] * Math.Sin(p1) } };

    [Theory]
    [InlineData(0.7, -1.3, 1.0, 2.0, 0.5, 0.3, -0.8)]
    [InlineData(-2.0, 0.4, -0.5, 1.5, 3.0, 1.0, 0.0)]
    [InlineData(1.1, 2.9, 0.0, 0.0, 1.0, -0.4, 0.6)]
    public void The_weighted_product_of_three_residuals_is_the_weighted_sum_of_their_Hessians_worked_out_by_hand(double p0, double p1, double w0, double w1, double w2, double v0, double v1)
    {
        double[] p = { p0, p1 }, w = { w0, w1, w2 }, v = { v0, v1 };
        var expected = WeightedByHand(p1, w);
        // cᵀJ by hand: J = [[2p0, 0], [p1, p0], [0, cos p1]].
        double[] gradient = { 2 * p0 * w0 + p1 * w1, p0 * w1 + Math.Cos(p1) * w2 };
        foreach (var actual in new[] { Call<double[]>("Product", p, w, v), Call<double[]>("ScalarProduct", p0, p1, w, v0, v1) })
        {
            for (int i = 0; i < 2; i++)
            {
                Assert.Equal(expected[i, 0] * v0 + expected[i, 1] * v1, actual[i], 14);
                Assert.Equal(gradient[i], actual[2 + i], 14);
            }

            Assert.Equal(new[] { p0 * p0, p0 * p1, Math.Sin(p1) }, actual.Skip(4).ToArray());
        }

        foreach (var dense in new[] { Call<double[]>("Dense", p, w), Call<double[]>("ScalarDense", p0, p1, w) })
        {
            for (int i = 0; i < 2; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    Assert.Equal(expected[i, j], dense[i * 2 + j], 14);
                }
            }
        }
    }

    [Fact]
    public void The_weighted_product_is_the_derivative_of_the_vector_Jacobian_product_along_the_direction_by_central_differences()
    {
        double[] p = { 0.9, -0.6 }, w = { 0.3, -1.2, 2.0 }, v = { 0.8, 1.7 };
        var product = Call<double[]>("Product", p, w, v);
        const double h = 1e-5;
        var plus = Call<double[]>("VectorJacobianProduct", new[] { p[0] + h * v[0], p[1] + h * v[1] }, w);
        var minus = Call<double[]>("VectorJacobianProduct", new[] { p[0] - h * v[0], p[1] - h * v[1] }, w);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal((plus[i] - minus[i]) / (2 * h), product[i], 8);
        }
    }

    [Fact]
    public void The_float_weighted_product_agrees_with_the_sum_worked_out_by_hand()
    {
        float[] p = { 0.7f, -1.3f }, w = { 1.0f, 2.0f, 0.5f }, v = { 0.3f, -0.8f };
        var actual = Call<float[]>("ProductF", p, w, v);
        var expected = WeightedByHand(p[1], w.Select(x => (double)x).ToArray());
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(expected[i, 0] * v[0] + expected[i, 1] * v[1], actual[i], 5);
        }

        Assert.Equal(2.0 * p[0] * w[0] + p[1] * w[1], actual[2], 5);
    }

    [Fact]
    public void Misras_weighted_product_over_its_loop_matches_the_model_by_hand_and_central_differences_of_its_vector_Jacobian_product()
    {
        double[] b = { 500, 1e-4 }, w = { 0.4, -1.0, 2.5, 0.1, -0.7 }, v = { 0.002, 30 };
        var product = Call<double[]>("MisraProduct", b, MisraX, MisraY, w, v);

        // ∂²rᵢ/∂b1² = 0, ∂²rᵢ/∂b1∂b2 = xᵢe^(−b2·xᵢ), ∂²rᵢ/∂b2² = −b1·xᵢ²·e^(−b2·xᵢ).
        double h01 = 0, h11 = 0;
        for (int i = 0; i < MisraX.Length; i++)
        {
            double e = Math.Exp(-b[1] * MisraX[i]);
            h01 += w[i] * MisraX[i] * e;
            h11 += w[i] * -b[0] * MisraX[i] * MisraX[i] * e;
        }

        double[] byHand = { h01 * v[1], h01 * v[0] + h11 * v[1] };
        for (int i = 0; i < 2; i++)
        {
            Assert.True(Math.Abs(byHand[i] - product[i]) <= 1e-12 * Math.Abs(byHand[i]), $"product[{i}] {product[i]:R}, by hand {byHand[i]:R}");
        }

        const double step = 1e-7; // along v: b2 moves by 3e-6, where e^(−b2·x) is close to linear
        var plus = Call<double[]>("MisraVectorJacobianProduct", new[] { b[0] + step * v[0], b[1] + step * v[1] }, MisraX, MisraY, w);
        var minus = Call<double[]>("MisraVectorJacobianProduct", new[] { b[0] - step * v[0], b[1] - step * v[1] }, MisraX, MisraY, w);
        for (int i = 0; i < 2; i++)
        {
            double central = (plus[i] - minus[i]) / (2 * step);
            Assert.True(Math.Abs(central - product[i]) <= 1e-6 * Math.Max(1, Math.Abs(central)), $"product[{i}] {product[i]:R}, central differences {central:R}");
        }
    }

    [Fact]
    public void The_least_squares_cost_through_the_residual_helper_has_the_Hessian_J_transpose_J_plus_the_residual_weighted_Hessians()
    {
        double[] b = { 500, 1e-4 };
        var actual = Call<double[]>("CostHessian", b, MisraX, MisraY);

        // By hand: H = JᵀJ + Σ rᵢ∇²rᵢ, with J's rows (1 − e, b1·x·e) and the second derivatives above.
        var expected = new double[2, 2];
        for (int i = 0; i < MisraX.Length; i++)
        {
            double x = MisraX[i], e = Math.Exp(-b[1] * x);
            double r = b[0] * (1 - e) - MisraY[i];
            double[] row = { 1 - e, b[0] * x * e };
            expected[0, 0] += row[0] * row[0];
            expected[0, 1] += row[0] * row[1] + r * x * e;
            expected[1, 1] += row[1] * row[1] + r * -b[0] * x * x * e;
        }

        expected[1, 0] = expected[0, 1];
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 2; j++)
            {
                Assert.True(Math.Abs(expected[i, j] - actual[i * 2 + j]) <= 1e-10 * Math.Abs(expected[i, j]), $"H[{i},{j}] {actual[i * 2 + j]:R}, by hand {expected[i, j]:R}");
            }
        }

        // The same from the generated Jacobian and residuals, and central differences of the generated gradient.
        var jacobian = Call<double[]>("MisraJacobian", b, MisraX, MisraY);
        var residuals = Call<double[]>("MisraResiduals", b, MisraX, MisraY);
        double jtj01 = 0;
        for (int i = 0; i < MisraX.Length; i++)
        {
            jtj01 += jacobian[i * 2] * jacobian[i * 2 + 1];
        }

        Assert.True(Math.Abs(jtj01 + residuals.Select((r, i) => r * MisraX[i] * Math.Exp(-b[1] * MisraX[i])).Sum() - actual[1]) <= 1e-10 * Math.Abs(actual[1]));
        double[] steps = { 1e-3, 1e-9 };
        for (int j = 0; j < 2; j++)
        {
            var plus = (double[])b.Clone();
            var minus = (double[])b.Clone();
            plus[j] += steps[j];
            minus[j] -= steps[j];
            var gPlus = Call<double[]>("CostGradient", plus, MisraX, MisraY);
            var gMinus = Call<double[]>("CostGradient", minus, MisraX, MisraY);
            for (int i = 0; i < 2; i++)
            {
                double central = (gPlus[i] - gMinus[i]) / (2 * steps[j]);
                Assert.True(Math.Abs(central - actual[i * 2 + j]) <= 1e-5 * Math.Abs(actual[i * 2 + j]), $"H[{i},{j}] {actual[i * 2 + j]:R}, central differences {central:R}");
            }
        }

        // The product along v is H·v, beside the gradient and the value.
        double[] v = { 0.5, -2000 };
        var product = Call<double[]>("CostProduct", b, MisraX, MisraY, v);
        var gradient = Call<double[]>("CostGradient", b, MisraX, MisraY);
        for (int i = 0; i < 2; i++)
        {
            double hv = expected[i, 0] * v[0] + expected[i, 1] * v[1];
            Assert.True(Math.Abs(hv - product[i]) <= 1e-10 * Math.Abs(hv), $"(H·v)[{i}] {product[i]:R}, by hand {hv:R}");
            Assert.Equal(gradient[i], product[2 + i]);
        }

        Assert.Equal(0.5 * residuals.Sum(r => r * r), product[4], 10);
    }

    [Theory]
    [InlineData(0.7, -1.3)]
    [InlineData(-1.5, 0.2)]
    public void A_scalar_cost_through_the_scalar_helper_has_its_Hessian_by_hand(double a, double b)
    {
        // f = ½(a⁴ + a²b² + sin²b): f_aa = 6a² + b², f_ab = 2ab, f_bb = a² + cos 2b; ∇f = (2a³ + ab², a²b + sin b cos b).
        var actual = Call<double[]>("ScalarCostHessian", a, b);
        Assert.Equal(6 * a * a + b * b, actual[0], 12);
        Assert.Equal(2 * a * b, actual[1], 12);
        Assert.Equal(2 * a * b, actual[2], 12);
        Assert.Equal(a * a + Math.Cos(2 * b), actual[3], 12);
        Assert.Equal(2 * a * a * a + a * b * b, actual[4], 12);
        Assert.Equal(a * a * b + Math.Sin(b) * Math.Cos(b), actual[5], 12);
    }

    [Fact]
    public void A_float_cost_through_a_float_helper_has_its_Hessian_by_hand()
    {
        float[] p = { 0.7f, -1.3f };
        var actual = Call<float[]>("CostFHessian", p);
        double a = p[0], b = p[1];
        Assert.Equal(6 * a * a + b * b, actual[0], 5);
        Assert.Equal(2 * a * b, actual[1], 5);
        Assert.Equal(a * a + Math.Cos(2 * b), actual[3], 5);
    }

    [Theory]
    [InlineData(0.3, 0.1, 10)]
    [InlineData(1.2, 0.05, 7)]
    public void The_Euler_integrators_second_derivative_goes_through_the_helper_called_in_its_loop(double k, double h, int steps)
    {
        // Each step multiplies x by a = 1 − h·k: Σx(T) = Σx0·aⁿ, so ∂²/∂k² = n(n − 1)·h²·Σx0·aⁿ⁻².
        double[] x0 = { 1, 2, -0.5 };
        double a = 1 - h * k, sum = x0.Sum();
        double actual = Call<double>("EulerSecond", x0, k, h, steps);
        Assert.Equal(steps * (steps - 1) * h * h * sum * Math.Pow(a, steps - 2), actual, 12);
        const double step = 1e-6;
        double central = (Call<double>("EulerFirst", x0, k + step, h, steps) - Call<double>("EulerFirst", x0, k - step, h, steps)) / (2 * step);
        Assert.Equal(central, actual, 7);
    }

    [Fact]
    public void A_helper_argument_that_does_not_vary_gets_a_zero_direction()
    {
        // rate = −k·x0, f = Σ sin(−k·x0ᵢ): f'' = −Σ x0ᵢ² sin(−k·x0ᵢ).
        double[] x0 = { 0.5, -1.5, 2.0 };
        const double k = 0.8;
        double actual = Call<double>("RateEnergySecond", x0, k);
        Assert.Equal(-x0.Sum(x => x * x * Math.Sin(-k * x)), actual, 12);
        const double step = 1e-6;
        double central = (Call<double>("RateEnergyFirst", x0, k + step) - Call<double>("RateEnergyFirst", x0, k - step)) / (2 * step);
        Assert.Equal(central, actual, 7);
    }

    [Fact]
    public void The_cost_through_the_residual_helper_reads_like_the_chain_rule()
    {
        Snapshot.Verify(Compiled.Value.Run.Source("Models.Cost.g.cs"));
    }

    [Fact]
    public void The_weighted_product_of_the_residuals_reads_like_their_vector_Jacobian_product_with_tangents()
    {
        Snapshot.Verify(Compiled.Value.Run.Source("Models.Residuals.g.cs"));
    }

    [Fact]
    public void A_vector_and_a_scalar_together_give_the_scalars_parts_as_in_the_vector_Jacobian_product()
    {
        double[] p = { 0.6, -1.1 }, w = { 1.5, -0.8 }, vP = { 0.4, 0.9 };
        const double s = 1.3, vS = -0.7;
        // Over (p0, p1, s): ∇²(s·p0²) = [[2s, 0, 2p0], [0, 0, 0], [2p0, 0, 0]];
        // ∇² sin(s·p1) = [[0, 0, 0], [0, −s² sin, cos − s·p1·sin], [0, cos − s·p1·sin, −p1² sin]] at s·p1.
        double sin = Math.Sin(s * p[1]), cos = Math.Cos(s * p[1]);
        var expected = new double[3, 3];
        expected[0, 0] = w[0] * 2 * s;
        expected[0, 2] = expected[2, 0] = w[0] * 2 * p[0];
        expected[1, 1] = w[1] * -s * s * sin;
        expected[1, 2] = expected[2, 1] = w[1] * (cos - s * p[1] * sin);
        expected[2, 2] = w[1] * -p[1] * p[1] * sin;
        double[] v = { vP[0], vP[1], vS };
        var actual = Call<double[]>("MixedProduct", p, s, w, vP, vS);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i, 0] * v[0] + expected[i, 1] * v[1] + expected[i, 2] * v[2], actual[i], 13);
        }

        // cᵀJ: (2s·p0·w0, s·cos·w1, p0²·w0 + p1·cos·w1).
        Assert.Equal(2 * s * p[0] * w[0], actual[3], 13);
        Assert.Equal(s * cos * w[1], actual[4], 13);
        Assert.Equal(p[0] * p[0] * w[0] + p[1] * cos * w[1], actual[5], 13);
        var dense = Call<double[]>("MixedDense", p, s, w);
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(expected[i, j], dense[i * 3 + j], 13);
            }
        }
    }

    [Fact]
    public void A_vector_valued_caller_of_a_vector_valued_helper_gets_its_weighted_product_through_the_helpers()
    {
        // q = r², ∇²(rᵢ²) = 2∇rᵢ∇rᵢᵀ + 2rᵢ∇²rᵢ, with r = (p0², p0·p1, sin p1) and the rows of J by hand.
        double[] p = { 0.8, -0.5 }, w = { 0.7, -1.2, 1.9 }, v = { 0.3, 1.1 };
        double[] r = { p[0] * p[0], p[0] * p[1], Math.Sin(p[1]) };
        double[][] rows = { new[] { 2 * p[0], 0 }, new[] { p[1], p[0] }, new[] { 0, Math.Cos(p[1]) } };
        var second = new[] { new double[,] { { 2, 0 }, { 0, 0 } }, new double[,] { { 0, 1 }, { 1, 0 } }, new double[,] { { 0, 0 }, { 0, -Math.Sin(p[1]) } } };
        var expected = new double[2];
        for (int k = 0; k < 3; k++)
        {
            for (int i = 0; i < 2; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    expected[i] += w[k] * (2 * rows[k][i] * rows[k][j] + 2 * r[k] * second[k][i, j]) * v[j];
                }
            }
        }

        var actual = Call<double[]>("SquaresProduct", p, w, v);
        Assert.Equal(expected[0], actual[0], 13);
        Assert.Equal(expected[1], actual[1], 13);

        const double h = 1e-6;
        var plus = Call<double[]>("SquaresVectorJacobianProduct", new[] { p[0] + h * v[0], p[1] + h * v[1] }, w);
        var minus = Call<double[]>("SquaresVectorJacobianProduct", new[] { p[0] - h * v[0], p[1] - h * v[1] }, w);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal((plus[i] - minus[i]) / (2 * h), actual[i], 7);
        }
    }

    [Fact]
    public void An_output_read_back_after_it_is_written_carries_its_tangent_through_the_sweep()
    {
        // ∇²(p0·p1) = [[0, 1], [1, 0]]; ∇²(p0²p1² + p1) = [[2p1², 4p0p1], [4p0p1, 2p0²]].
        double[] p = { 0.9, -1.4 }, w = { 2.0, -0.6 }, v = { 0.5, 1.3 };
        double[,] expected =
        {
            { w[1] * 2 * p[1] * p[1], w[0] + w[1] * 4 * p[0] * p[1] },
            { w[0] + w[1] * 4 * p[0] * p[1], w[1] * 2 * p[0] * p[0] },
        };
        var actual = Call<double[]>("ReadsBackProduct", p, w, v);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(expected[i, 0] * v[0] + expected[i, 1] * v[1], actual[i], 13);
        }
    }
}
