using System.Globalization;
using SymbolicDiff.Tests.Generator.Diagnostics;

namespace SymbolicDiff.Tests.Generator.SecondOrder;

/// <summary>
/// Second derivatives of a method that calls another [Differentiable] method over spans, P: the caller's gradient calls
/// P's generated vector-Jacobian products (<c>PenaltyWGradient(w, seed, dW)</c>, and <c>PenaltyLambdaGradient(w, λ, seed)</c>
/// for a real argument), and forward mode over that gradient calls their tangents, generated beside P's Hessian-vector
/// product (P has SecondOrder = true). Each Hessian is checked against one worked out by hand and against central
/// differences of the generated gradient: a vector callee alone, with a differentiated scalar, in a loop with a seed that
/// varies, and in float.
/// </summary>
public class SpanCalleeHessianTests
{
    private const string Source = """
        using System;
        using SymbolicDiff;

        public static partial class Model
        {
            [Differentiable(SecondOrder = true)]
            public static double Penalty(ReadOnlySpan<double> w)
            {
                double s = 0;
                for (int i = 0; i < w.Length; i++)
                {
                    s += w[i] * w[i] * w[i] * w[i];
                }

                return s;
            }

            [Differentiable(SecondOrder = true)]
            public static double Scaled(ReadOnlySpan<double> w, double lambda)
            {
                double s = 0;
                for (int i = 0; i < w.Length; i++)
                {
                    s += lambda * w[i] * w[i] * w[i] * w[i];
                }

                return s;
            }

            // Loss(w) = Penalty(w) + Σ wᵢ²
            [Differentiable(SecondOrder = true)]
            public static double Loss(ReadOnlySpan<double> w)
            {
                double s = Penalty(w);
                for (int i = 0; i < w.Length; i++)
                {
                    s += w[i] * w[i];
                }

                return s;
            }

            // Mixed(w, b) = Scaled(w, b²) + b·Σ wᵢ²: the callee's scalar is differentiated through b.
            [Differentiable(SecondOrder = true)]
            public static double Mixed(ReadOnlySpan<double> w, double b)
            {
                double s = Scaled(w, b * b);
                for (int i = 0; i < w.Length; i++)
                {
                    s += w[i] * w[i] * b;
                }

                return s;
            }

            // OfBuffer(w) = Penalty(u) with u = 2w, a local buffer: Σ 16 wᵢ⁴.
            [Differentiable(SecondOrder = true)]
            public static double OfBuffer(ReadOnlySpan<double> w)
            {
                Span<double> u = stackalloc double[w.Length];
                for (int i = 0; i < w.Length; i++)
                {
                    u[i] = 2 * w[i];
                }

                return Penalty(u);
            }

            // Squares(w) = Σₖ Scaled(w, 1 + k)²: the product's seed 2·Scaled varies with w.
            [Differentiable(SecondOrder = true)]
            public static double Squares(ReadOnlySpan<double> w)
            {
                double s = 0;
                for (int k = 0; k < 3; k++)
                {
                    double p = Scaled(w, 1.0 + k);
                    s += p * p;
                }

                return s;
            }
        }

        public static class Adapters
        {
            public static double LossProduct(double[] w, double[] v, double[] gradient, double[] product) => Model.LossHessianVectorProduct(w, v, gradient, product);
            public static double LossGradient(double[] w, double[] gradient) => Model.LossWithGradient(w, gradient);
            public static double LossDense(double[] w, double[] hessian) => Model.LossHessian(w, hessian);

            public static double OfBufferProduct(double[] w, double[] v, double[] gradient, double[] product) => Model.OfBufferHessianVectorProduct(w, v, gradient, product);
            public static double OfBufferGradient(double[] w, double[] gradient) => Model.OfBufferWithGradient(w, gradient);

            public static double SquaresProduct(double[] w, double[] v, double[] gradient, double[] product) => Model.SquaresHessianVectorProduct(w, v, gradient, product);
            public static double SquaresGradient(double[] w, double[] gradient) => Model.SquaresWithGradient(w, gradient);

            // The mixed method's point, direction, gradient and product as one vector each: (w, b).
            public static void MixedProduct(double[] point, double[] v, double[] product)
            {
                int n = point.Length - 1;
                var hvW = new double[n];
                Model.MixedHessianVectorProduct(point.AsSpan(0, n), point[n], v.AsSpan(0, n), v[n], new double[n], out _, hvW, out double hvB);
                hvW.CopyTo(product, 0);
                product[n] = hvB;
            }

            public static void MixedGradient(double[] point, double[] gradient)
            {
                int n = point.Length - 1;
                var dW = new double[n];
                Model.MixedWithGradient(point.AsSpan(0, n), point[n], dW, out double dB);
                dW.CopyTo(gradient, 0);
                gradient[n] = dB;
            }

            public static double MixedDense(double[] point, double[] hessian) => Model.MixedHessian(point.AsSpan(0, point.Length - 1), point[point.Length - 1], hessian);
        }
        """;

    private static readonly double[] Point = { 0.7, -1.3, 0.4, 1.1 };
    private static readonly double[] Direction = { 0.3, -0.8, 1.1, -0.6 };

    private static readonly Lazy<Type> Adapters = new(() => GeneratorHarness.Run(Source).ShouldSucceed().Load().GetType("Adapters")!);

    [Fact]
    public void A_loss_calling_a_penalty_over_spans_gets_the_penaltys_curvature()
    {
        // Loss = Σ wᵢ⁴ + Σ wᵢ²: H = diag(12wᵢ² + 2).
        var byHand = new double[Point.Length, Point.Length];
        for (int i = 0; i < Point.Length; i++)
        {
            byHand[i, i] = 12 * Point[i] * Point[i] + 2;
        }

        CheckProduct("LossProduct", "LossGradient", Point, Direction, byHand);
        CheckDense("LossDense", Point, byHand);
    }

    [Fact]
    public void A_penalty_of_a_local_buffer_passes_the_buffers_tangent_to_the_penaltys_product()
    {
        // OfBuffer = Σ (2wᵢ)⁴ = 16·Σ wᵢ⁴: H = diag(192wᵢ²).
        var byHand = new double[Point.Length, Point.Length];
        for (int i = 0; i < Point.Length; i++)
        {
            byHand[i, i] = 192 * Point[i] * Point[i];
        }

        CheckProduct("OfBufferProduct", "OfBufferGradient", Point, Direction, byHand);
    }

    [Fact]
    public void A_callees_scalar_differentiated_through_the_callers_scalar_adds_the_mixed_rows()
    {
        // Mixed = b²·Σ wᵢ⁴ + b·Σ wᵢ²: ∂²/∂wᵢ∂wⱼ = δᵢⱼ(12b²wᵢ² + 2b), ∂²/∂wᵢ∂b = 8b·wᵢ³ + 2wᵢ, ∂²/∂b² = 2·Σ wᵢ⁴.
        double[] point = { 0.7, -1.3, 0.4, 0.9 }, direction = { 0.3, -0.8, 1.1, -0.5 };
        int n = point.Length - 1;
        double b = point[n];
        var byHand = new double[n + 1, n + 1];
        for (int i = 0; i < n; i++)
        {
            double w = point[i];
            byHand[i, i] = 12 * b * b * w * w + 2 * b;
            byHand[i, n] = byHand[n, i] = 8 * b * w * w * w + 2 * w;
            byHand[n, n] += 2 * Math.Pow(w, 4);
        }

        CheckProduct("MixedProduct", "MixedGradient", point, direction, byHand);
        CheckDense("MixedDense", point, byHand);

        // Along b alone, then along w alone: each direction reaches the callee's product tangents by itself.
        CheckProduct("MixedProduct", "MixedGradient", point, new[] { 0.0, 0.0, 0.0, 1.0 }, byHand);
        CheckProduct("MixedProduct", "MixedGradient", point, new[] { 1.0, -2.0, 0.5, 0.0 }, byHand);
    }

    [Fact]
    public void A_callee_in_a_loop_whose_seed_varies_adds_the_outer_product_of_its_gradient()
    {
        // Pₖ = cₖ·Σ wᵢ⁴ with cₖ = 1 + k: ∇Pₖ = cₖ·4w³, Hₖ = cₖ·diag(12w²), and the Hessian of Σ Pₖ² is
        // Σₖ 2(∇Pₖ∇Pₖᵀ + Pₖ·Hₖ) = 2·Σₖ cₖ² · (16 w³(w³)ᵀ + Σ wᵢ⁴ · diag(12w²)), with Σ cₖ² = 1 + 4 + 9 = 14.
        double quartics = Point.Sum(w => Math.Pow(w, 4));
        var byHand = new double[Point.Length, Point.Length];
        for (int i = 0; i < Point.Length; i++)
        {
            for (int j = 0; j < Point.Length; j++)
            {
                byHand[i, j] = 2 * 14 * (16 * Math.Pow(Point[i], 3) * Math.Pow(Point[j], 3) + (i == j ? quartics * 12 * Point[i] * Point[i] : 0));
            }
        }

        CheckProduct("SquaresProduct", "SquaresGradient", Point, Direction, byHand);
    }

    [Fact]
    public void A_float_loss_calling_a_float_penalty_gets_its_curvature_in_float()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable(SecondOrder = true)]
                public static float Scaled(ReadOnlySpan<float> w, float lambda)
                {
                    float s = 0;
                    for (int i = 0; i < w.Length; i++)
                    {
                        s += lambda * w[i] * w[i] * w[i] * w[i];
                    }

                    return s;
                }

                [Differentiable(SecondOrder = true)]
                public static float Mixed(ReadOnlySpan<float> w, float b)
                {
                    float s = Scaled(w, b * b);
                    for (int i = 0; i < w.Length; i++)
                    {
                        s += w[i] * w[i] * b;
                    }

                    return s;
                }

                // The double twin, inlined: its gradient's central differences are the reference.
                [Differentiable]
                public static double Twin(ReadOnlySpan<double> w, double b)
                {
                    double s = 0;
                    for (int i = 0; i < w.Length; i++)
                    {
                        s += b * b * w[i] * w[i] * w[i] * w[i] + w[i] * w[i] * b;
                    }

                    return s;
                }
            }

            public static class Adapters
            {
                public static void Product(float[] w, float b, float[] vW, float vB, float[] hvW, float[] hvB)
                {
                    Model.MixedHessianVectorProduct(w, b, vW, vB, new float[w.Length], out _, hvW, out hvB[0]);
                }

                public static void Gradient(double[] point, double[] gradient)
                {
                    int n = point.Length - 1;
                    var dW = new double[n];
                    Model.TwinWithGradient(point.AsSpan(0, n), point[n], dW, out double dB);
                    dW.CopyTo(gradient, 0);
                    gradient[n] = dB;
                }
            }
            """).ShouldSucceed();
        Assert.Contains("global::Model.ScaledWGradientTangent(", run.Source("Model.Mixed.g.cs"));
        var adapters = run.Load().GetType("Adapters")!;
        float[] w = { 0.7f, -1.3f, 0.4f };
        float b = 0.9f;
        float[] vW = { 0.3f, -0.8f, 1.1f };
        float vB = -0.5f;
        var hvW = new float[3];
        var hvB = new float[1];
        adapters.GetMethod("Product")!.Invoke(null, new object[] { w, b, vW, vB, hvW, hvB });

        double[] point = { w[0], w[1], w[2], b }, direction = { vW[0], vW[1], vW[2], vB };
        var product = new[] { (double)hvW[0], hvW[1], hvW[2], hvB[0] };
        var central = CentralDifference(adapters, "Gradient", point, direction);
        var byHand = new double[4];
        for (int i = 0; i < 3; i++)
        {
            // The rows of Mixed's Hessian (worked out in the double test above), times the direction.
            byHand[i] = (12 * b * b * point[i] * point[i] + 2 * b) * direction[i] + (8 * b * Math.Pow(point[i], 3) + 2 * point[i]) * vB;
            byHand[3] += (8 * b * Math.Pow(point[i], 3) + 2 * point[i]) * direction[i] + 2 * Math.Pow(point[i], 4) * vB;
        }

        for (int i = 0; i < 4; i++)
        {
            Assert.True(Math.Abs(product[i] - byHand[i]) <= 2e-5 * Math.Max(1, Math.Abs(byHand[i])), $"(H·v)[{i}] {product[i]}, by hand {byHand[i]}");
            Assert.True(Math.Abs(product[i] - central[i]) <= 2e-5 * Math.Max(1, Math.Abs(central[i])), $"(H·v)[{i}] {product[i]}, central differences {central[i]}");
        }
    }

    [Fact]
    public void A_penalty_over_spans_without_second_derivatives_is_SD0032_at_the_call_and_the_gradient_is_still_generated()
    {
        var (run, spans) = DiagnosticAssert.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable]
                public static double Penalty(ReadOnlySpan<double> w)
                {
                    double s = 0;
                    for (int i = 0; i < w.Length; i++)
                    {
                        s += w[i] * w[i] * w[i] * w[i];
                    }

                    return s;
                }

                [Differentiable(SecondOrder = true)]
                public static double Loss(ReadOnlySpan<double> w)
                {
                    double s = [|Penalty(w)|];
                    for (int i = 0; i < w.Length; i++)
                    {
                        s += w[i] * w[i];
                    }

                    return s;
                }
            }
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0032", diagnostic.Id);
        DiagnosticAssert.AtSpan(run, diagnostic, spans[0]);
        Assert.Contains("add SecondOrder = true to the [Differentiable] of 'Penalty'", diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.Contains("LossWithGradient", run.Source("Model.Loss.g.cs"));
        Assert.DoesNotContain("LossHessianVectorProduct", run.Source("Model.Loss.g.cs"));
        Assert.DoesNotContain("GradientTangent", run.Source("Model.Penalty.g.cs"));
        Assert.Empty(run.CompilationProblems);
    }

    /// <summary>
    /// Inner has SecondOrder = true but no Hessian (it calls Penalty, which has none: SD0032 there), so its product
    /// tangents are not generated: Loss, whose second derivatives would call them, is SD0033 at its call of Inner, keeps
    /// its gradient, and every generated file compiles.
    /// </summary>
    [Fact]
    public void A_callee_over_spans_that_got_no_Hessian_is_SD0033_at_the_call_and_no_generated_code_calls_its_tangents()
    {
        var (run, spans) = DiagnosticAssert.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable]
                public static double Penalty(ReadOnlySpan<double> w)
                {
                    double s = 0;
                    for (int i = 0; i < w.Length; i++)
                    {
                        s += w[i] * w[i] * w[i] * w[i];
                    }

                    return s;
                }

                [Differentiable(SecondOrder = true)]
                public static double Inner(ReadOnlySpan<double> w) => [|Penalty(w)|] * 2;

                [Differentiable(SecondOrder = true)]
                public static double Loss(ReadOnlySpan<double> w)
                {
                    double s = [|Inner(w)|];
                    for (int i = 0; i < w.Length; i++)
                    {
                        s += w[i] * w[i];
                    }

                    return s;
                }
            }
            """);
        Assert.Empty(run.CompilationProblems);
        var reported = run.GeneratorDiagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.Equal(new[] { "SD0032", "SD0033" }, reported.Select(d => d.Id));
        DiagnosticAssert.AtSpan(run, reported[0], spans[0]);
        DiagnosticAssert.AtSpan(run, reported[1], spans[1]);
        Assert.Contains("the second derivatives of 'Loss' read them, so they are not generated either (its gradient is)", reported[1].GetMessage(CultureInfo.InvariantCulture));
        Assert.Contains("LossWithGradient", run.Source("Model.Loss.g.cs"));
        Assert.DoesNotContain("LossHessianVectorProduct", run.Source("Model.Loss.g.cs"));
        Assert.DoesNotContain("InnerWGradientTangent", run.Source("Model.Inner.g.cs"));
    }

    private static void CheckProduct(string product, string gradient, double[] point, double[] direction, double[,] byHand)
    {
        var adapters = Adapters.Value;
        int n = point.Length;
        var result = new double[n];
        if (product.StartsWith("Mixed", StringComparison.Ordinal))
        {
            adapters.GetMethod(product)!.Invoke(null, new object[] { point, direction, result });
        }
        else
        {
            adapters.GetMethod(product)!.Invoke(null, new object[] { point, direction, new double[n], result });
        }

        var central = CentralDifference(adapters, gradient, point, direction);
        for (int i = 0; i < n; i++)
        {
            double expected = Enumerable.Range(0, n).Sum(j => byHand[i, j] * direction[j]);
            Assert.True(Math.Abs(result[i] - expected) <= 1e-11 * Math.Max(1, Math.Abs(expected)), $"(H·v)[{i}] {result[i]}, by hand {expected}");
            Assert.True(Math.Abs(result[i] - central[i]) <= 1e-6 * Math.Max(1, Math.Abs(central[i])), $"(H·v)[{i}] {result[i]}, central differences {central[i]}");
        }
    }

    private static void CheckDense(string dense, double[] point, double[,] byHand)
    {
        int n = point.Length;
        var hessian = new double[n * n];
        Adapters.Value.GetMethod(dense)!.Invoke(null, new object[] { point, hessian });
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                Assert.True(Math.Abs(hessian[i * n + j] - byHand[i, j]) <= 1e-11 * Math.Max(1, Math.Abs(byHand[i, j])), $"H[{i},{j}] {hessian[i * n + j]}, by hand {byHand[i, j]}");
            }
        }
    }

    /// <summary>(∇f(x + hv) − ∇f(x − hv)) / 2h, from the generated gradient: H·v to O(h²).</summary>
    private static double[] CentralDifference(Type adapters, string gradient, double[] point, double[] direction)
    {
        const double h = 1e-6;
        int n = point.Length;
        var plus = new double[n];
        var minus = new double[n];
        adapters.GetMethod(gradient)!.Invoke(null, new object[] { point.Select((x, i) => x + h * direction[i]).ToArray(), plus });
        adapters.GetMethod(gradient)!.Invoke(null, new object[] { point.Select((x, i) => x - h * direction[i]).ToArray(), minus });
        return Enumerable.Range(0, n).Select(i => (plus[i] - minus[i]) / (2 * h)).ToArray();
    }
}
