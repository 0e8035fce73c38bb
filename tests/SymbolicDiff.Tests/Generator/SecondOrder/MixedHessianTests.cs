using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CSharp;
using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.SecondOrder;

/// <summary>
/// Second derivatives of methods differentiated with respect to both vectors and scalars (issue 11): a logistic
/// regression with a bias, <c>Logistic(w, b, ...)</c>. Its Hessian-vector product takes the scalar's direction as a
/// real and returns the scalar's parts through <c>out</c>, as its gradient does; the dense Hessian orders rows and
/// columns by the parameters' elements in declaration order. Each result is checked against the Hessian worked out by
/// hand and against central differences of the generated gradient, in double and in float.
/// </summary>
public class MixedHessianTests
{
    private const string Source = """
        using System;
        using SymbolicDiff;

        public static partial class Model
        {
            // The mean logistic loss over m samples (the rows of xs, each w.Length long), plus ½λ‖w‖² and b³/6.
            [Differentiable(nameof(w), nameof(b), SecondOrder = true)]
            public static double Logistic(ReadOnlySpan<double> w, double b, ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, double lambda)
            {
                int d = w.Length;
                double sum = 0;
                for (int k = 0; k < ys.Length; k++)
                {
                    double z = b;
                    for (int i = 0; i < d; i++)
                    {
                        z += w[i] * xs[k * d + i];
                    }

                    sum += Losses.BinaryCrossEntropyWithLogits(z, ys[k]);
                }

                double penalty = 0;
                for (int i = 0; i < d; i++)
                {
                    penalty += w[i] * w[i];
                }

                return sum / ys.Length + 0.5 * lambda * penalty + b * b * b / 6;
            }

            [Differentiable(nameof(w), nameof(b), SecondOrder = true)]
            public static float LogisticF(ReadOnlySpan<float> w, float b, ReadOnlySpan<float> xs, ReadOnlySpan<float> ys, float lambda)
            {
                int d = w.Length;
                float sum = 0;
                for (int k = 0; k < ys.Length; k++)
                {
                    float z = b;
                    for (int i = 0; i < d; i++)
                    {
                        z += w[i] * xs[k * d + i];
                    }

                    sum += Losses.BinaryCrossEntropyWithLogits(z, ys[k]);
                }

                float penalty = 0;
                for (int i = 0; i < d; i++)
                {
                    penalty += w[i] * w[i];
                }

                return sum / ys.Length + 0.5f * lambda * penalty + b * b * b / 6;
            }

            // Two scalars, one before the vector: f = s²·Σvᵢ³/3 + s·t·Σvᵢ.
            [Differentiable(SecondOrder = true)]
            public static double Scaled(double s, ReadOnlySpan<double> v, double t)
            {
                double cubes = 0;
                double sum = 0;
                for (int i = 0; i < v.Length; i++)
                {
                    cubes += v[i] * v[i] * v[i];
                    sum += v[i];
                }

                return s * s * cubes / 3 + s * t * sum;
            }

            // b is differentiated but unused: its row and column of the Hessian are 0, and so are dB and hvB.
            [Differentiable(SecondOrder = true)]
            public static double Unused(ReadOnlySpan<double> w, double b)
            {
                double sum = 0;
                for (int i = 0; i < w.Length; i++)
                {
                    sum += Math.Sin(w[i]);
                }

                return sum;
            }
        }
        """;

    // Arrays in, arrays out: reflection cannot pass spans.
    private const string Adapters = """
        using System;

        using System.Linq;

        public static class Adapters
        {
            public static double Gradient(double[] w, double b, double[] xs, double[] ys, double lambda, double[] dW, out double dB) =>
                Model.LogisticWithGradient(w, b, xs, ys, lambda, dW, out dB);

            public static double Product(double[] w, double b, double[] xs, double[] ys, double lambda, double[] vW, double vB, double[] dW, out double dB, double[] hvW, out double hvB) =>
                Model.LogisticHessianVectorProduct(w, b, xs, ys, lambda, vW, vB, dW, out dB, hvW, out hvB);

            public static double Dense(double[] w, double b, double[] xs, double[] ys, double lambda, double[] hessian) =>
                Model.LogisticHessian(w, b, xs, ys, lambda, hessian);

            public static float ProductF(float[] w, float b, float[] xs, float[] ys, float lambda, float[] vW, float vB, float[] dW, out float dB, float[] hvW, out float hvB) =>
                Model.LogisticFHessianVectorProduct(w, b, xs, ys, lambda, vW, vB, dW, out dB, hvW, out hvB);

            public static float DenseF(float[] w, float b, float[] xs, float[] ys, float lambda, float[] hessian) =>
                Model.LogisticFHessian(w, b, xs, ys, lambda, hessian);

            public static double ScaledGradient(double s, double[] v, double t, double[] dV, out double dS, out double dT) =>
                Model.ScaledWithGradient(s, v, t, out dS, dV, out dT);

            public static double ScaledProduct(double s, double[] v, double t, double vS, double[] vV, double vT, out double dS, double[] dV, out double dT, out double hvS, double[] hvV, out double hvT) =>
                Model.ScaledHessianVectorProduct(s, v, t, vS, vV, vT, out dS, dV, out dT, out hvS, hvV, out hvT);

            public static double ScaledDense(double s, double[] v, double t, double[] hessian) => Model.ScaledHessian(s, v, t, hessian);

            public static double[] Unused(double[] w, double[] v, double vB, double[] hessian)
            {
                var dW = new double[w.Length];
                var hvW = new double[w.Length];
                Model.UnusedHessianVectorProduct(w, 0.5, v, vB, dW, out double dB, hvW, out double hvB);
                Model.UnusedHessian(w, 0.5, hessian);
                return new[] { dB, hvB }.Concat(hvW).ToArray();
            }

            public static long Allocations(int d, int m)
            {
                var w = new double[d];
                var xs = new double[d * m];
                var ys = new double[m];
                var v = new double[d];
                var dW = new double[d];
                var hvW = new double[d];
                var hessian = new double[(d + 1) * (d + 1)];
                for (int i = 0; i < d; i++)
                {
                    w[i] = 0.01 * i - 0.3;
                    v[i] = 1.0 - 0.05 * i;
                }

                for (int i = 0; i < xs.Length; i++)
                {
                    xs[i] = Math.Sin(i);
                }

                for (int k = 0; k < m; k++)
                {
                    ys[k] = k % 2;
                }

                // Warm up (JIT, the pool).
                Model.LogisticHessianVectorProduct(w, 0.2, xs, ys, 0.1, v, 0.5, dW, out double dB, hvW, out double hvB);
                Model.LogisticHessian(w, 0.2, xs, ys, 0.1, hessian);
                // The fewest bytes over five windows: tiered compilation's one-off bookkeeping is not the call's.
                long allocated = long.MaxValue;
                double sum = 0;
                for (int window = 0; window < 5; window++)
                {
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    for (int k = 0; k < 20; k++)
                    {
                        sum += Model.LogisticHessianVectorProduct(w, 0.2, xs, ys, 0.1, v, 0.5, dW, out dB, hvW, out hvB) + dB + hvB + hvW[0];
                    }

                    sum += Model.LogisticHessian(w, 0.2, xs, ys, 0.1, hessian);
                    allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
                }

                return double.IsNaN(sum) ? -1 : allocated;
            }

            public static string ArgumentError(int which)
            {
                var w = new double[3];
                var xs = new double[6];
                var ys = new double[2];
                Span<double> dW = new double[3], hvW = new double[3];
                var buffer = new double[8];
                double dB = 0, hvB = 0;
                try
                {
                    switch (which)
                    {
                        case 0: Model.LogisticHessianVectorProduct(w, 0, xs, ys, 0, new double[2], 1, dW, out dB, hvW, out hvB); break;
                        case 1: Model.LogisticHessianVectorProduct(w, 0, xs, ys, 0, new double[3], 1, dW, out dB, new double[4], out hvB); break;
                        case 2: Model.LogisticHessianVectorProduct(w, 0, xs, ys, 0, new double[3], 1, new double[2], out dB, hvW, out hvB); break;
                        case 3: Model.LogisticHessianVectorProduct(w, 0, xs, ys, 0, new double[3], 1, dW, out dB, hvW, out dW[1]); break;
                        case 4: Model.LogisticHessianVectorProduct(w, 0, xs, ys, 0, new double[3], 1, dW, out hvW[2], hvW, out hvB); break;
                        case 5: Model.LogisticHessianVectorProduct(w, 0, xs, ys, 0, new double[3], 1, dW, out dB, hvW, out hvW[0]); break;
                        case 6: Model.LogisticHessianVectorProduct(w, 0, xs, ys, 0, new double[3], 1, dW, out dB, hvW, out dB); break;
                        case 7: Model.LogisticHessianVectorProduct(w, 0, xs, ys, 0, new double[3], 1, buffer.AsSpan(0, 3), out dB, buffer.AsSpan(2, 3), out hvB); break;
                        case 8: Model.LogisticHessian(w, 0, xs, ys, 0, new double[15]); break;
                        default: Model.ScaledHessianVectorProduct(1, w, 2, 1, new double[3], 1, out dB, dW, out dB, out hvB, hvW, out double hvT); break;
                    }

                    return "no exception";
                }
                catch (ArgumentException exception)
                {
                    return exception.ParamName ?? "null";
                }
            }
        }
        """;

    private static (GeneratorRun Run, Type Adapters) Compile()
    {
        var run = GeneratorHarness.Run(Source).ShouldSucceed();
        var compilation = run.Output.AddSyntaxTrees(CSharpSyntaxTree.ParseText(Adapters, GeneratorHarness.ParseOptions));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var assembly = new System.Runtime.Loader.AssemblyLoadContext(null, isCollectible: true).LoadFromStream(new MemoryStream(stream.ToArray()));
        return (run, assembly.GetType("Adapters")!);
    }

    /// <summary>A logistic regression problem: m samples of d features, labels 0 or 1, and a point (w, b).</summary>
    private sealed record Problem(double[] W, double B, double[] Xs, double[] Ys, double Lambda)
    {
        public int D => W.Length;

        public int M => Ys.Length;

        public static Problem Random(Random random, int d, int m) => new(
            Enumerable.Range(0, d).Select(_ => random.NextDouble() * 2 - 1).ToArray(),
            random.NextDouble() * 2 - 1,
            Enumerable.Range(0, d * m).Select(_ => random.NextDouble() * 4 - 2).ToArray(),
            Enumerable.Range(0, m).Select(_ => (double)random.Next(2)).ToArray(),
            0.3);

        /// <summary>
        /// By hand: with zₖ = b + w·xₖ and sₖ = σ(zₖ)(1 − σ(zₖ)) (the logistic loss's second derivative in z), the loss
        /// term's Hessian over (w, b) is (1/m) Σₖ sₖ [xₖ; 1][xₖ; 1]ᵀ; the penalty adds λ on w's diagonal, b³/6 adds b at (b, b).
        /// </summary>
        public double[,] Hessian()
        {
            var h = new double[D + 1, D + 1];
            for (int k = 0; k < M; k++)
            {
                var x = Enumerable.Range(0, D).Select(i => Xs[k * D + i]).Append(1.0).ToArray();
                double z = B + Enumerable.Range(0, D).Sum(i => W[i] * x[i]);
                double sigma = 1 / (1 + Math.Exp(-z));
                double s = sigma * (1 - sigma);
                for (int i = 0; i <= D; i++)
                {
                    for (int j = 0; j <= D; j++)
                    {
                        h[i, j] += s * x[i] * x[j] / M;
                    }
                }
            }

            for (int i = 0; i < D; i++)
            {
                h[i, i] += Lambda;
            }

            h[D, D] += B;
            return h;
        }

        /// <summary>The generated gradient at (w, b) as one vector [∂/∂w; ∂/∂b].</summary>
        public double[] Gradient(Type adapters, double[] w, double b)
        {
            var arguments = new object[] { w, b, Xs, Ys, Lambda, new double[D], 0.0 };
            adapters.GetMethod("Gradient")!.Invoke(null, arguments);
            return ((double[])arguments[5]).Append((double)arguments[6]).ToArray();
        }

        /// <summary>Central differences of the generated gradient along (vW, vB).</summary>
        public double[] GradientDifferences(Type adapters, double[] vW, double vB)
        {
            const double step = 1e-6;
            var plus = Gradient(adapters, W.Zip(vW, (a, v) => a + step * v).ToArray(), B + step * vB);
            var minus = Gradient(adapters, W.Zip(vW, (a, v) => a - step * v).ToArray(), B - step * vB);
            return plus.Zip(minus, (p, q) => (p - q) / (2 * step)).ToArray();
        }
    }

    private static double[] Times(double[,] h, double[] v) =>
        Enumerable.Range(0, v.Length).Select(i => Enumerable.Range(0, v.Length).Sum(j => h[i, j] * v[j])).ToArray();

    private static void AssertClose(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");

    [Fact]
    public void The_logistic_regressions_Hessian_vector_product_matches_the_hand_worked_Hessian_and_differences_of_the_gradient()
    {
        var (_, adapters) = Compile();
        var random = new Random(11);
        foreach (var (d, m) in new[] { (1, 3), (4, 7), (30, 12) })
        {
            var problem = Problem.Random(random, d, m);
            var vW = Enumerable.Range(0, d).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            double vB = random.NextDouble() * 2 - 1;
            var arguments = new object[] { problem.W, problem.B, problem.Xs, problem.Ys, problem.Lambda, vW, vB, new double[d], 0.0, new double[d], 0.0 };
            double value = (double)adapters.GetMethod("Product")!.Invoke(null, arguments)!;
            var gradient = ((double[])arguments[7]).Append((double)arguments[8]).ToArray();
            var product = ((double[])arguments[9]).Append((double)arguments[10]).ToArray();

            // The value and the gradient are the gradient method's, exactly.
            var gradientArguments = new object[] { problem.W, problem.B, problem.Xs, problem.Ys, problem.Lambda, new double[d], 0.0 };
            Assert.Equal((double)adapters.GetMethod("Gradient")!.Invoke(null, gradientArguments)!, value);
            Assert.Equal(((double[])gradientArguments[5]).Append((double)gradientArguments[6]).ToArray(), gradient);

            var byHand = Times(problem.Hessian(), vW.Append(vB).ToArray());
            var differences = problem.GradientDifferences(adapters, vW, vB);
            for (int i = 0; i <= d; i++)
            {
                string what = $"d={d}, (Hv)[{i}]{(i == d ? " (the bias)" : string.Empty)}";
                AssertClose(byHand[i], product[i], 1e-12, what + " against the hand-worked Hessian");
                AssertClose(differences[i], product[i], 1e-7, what + " against central differences of the gradient");
            }
        }
    }

    [Fact]
    public void The_dense_Hessian_puts_the_bias_after_the_weights_and_matches_the_hand_worked_one_and_differences()
    {
        var (_, adapters) = Compile();
        var random = new Random(5);
        foreach (var (d, m) in new[] { (1, 2), (3, 5), (6, 9) })
        {
            var problem = Problem.Random(random, d, m);
            int n = d + 1;
            var hessian = new double[n * n];
            double value = (double)adapters.GetMethod("Dense")!.Invoke(null, new object[] { problem.W, problem.B, problem.Xs, problem.Ys, problem.Lambda, hessian })!;
            Assert.Equal((double)adapters.GetMethod("Gradient")!.Invoke(null, new object[] { problem.W, problem.B, problem.Xs, problem.Ys, problem.Lambda, new double[d], 0.0 })!, value);

            var byHand = problem.Hessian();
            for (int j = 0; j < n; j++)
            {
                // Column j by central differences of the gradient along the unit direction eⱼ (the last one: b).
                var unit = new double[d];
                if (j < d)
                {
                    unit[j] = 1;
                }

                var column = problem.GradientDifferences(adapters, unit, j == d ? 1 : 0);
                for (int i = 0; i < n; i++)
                {
                    AssertClose(byHand[i, j], hessian[i * n + j], 1e-12, $"d={d}, H[{i},{j}] against the hand-worked Hessian");
                    AssertClose(column[i], hessian[i * n + j], 1e-7, $"d={d}, H[{i},{j}] against central differences of the gradient");
                    Assert.Equal(hessian[i * n + j], hessian[j * n + i]);
                }
            }
        }
    }

    [Fact]
    public void The_float_logistic_regressions_product_and_Hessian_match_the_hand_worked_ones_and_the_double_gradients_differences()
    {
        var (_, adapters) = Compile();
        var random = new Random(17);
        foreach (var (d, m) in new[] { (2, 4), (5, 8) })
        {
            // A problem whose numbers are floats, so that the float method and the double twin see the same point.
            var drawn = Problem.Random(random, d, m);
            var problem = drawn with
            {
                W = drawn.W.Select(x => (double)(float)x).ToArray(),
                B = (float)drawn.B,
                Xs = drawn.Xs.Select(x => (double)(float)x).ToArray(),
                Lambda = (float)drawn.Lambda,
            };
            float[] F(double[] values) => values.Select(x => (float)x).ToArray();
            var vW = Enumerable.Range(0, d).Select(_ => (double)(float)(random.NextDouble() * 2 - 1)).ToArray();
            double vB = (float)(random.NextDouble() * 2 - 1);

            var arguments = new object[] { F(problem.W), (float)problem.B, F(problem.Xs), F(problem.Ys), (float)problem.Lambda, F(vW), (float)vB, new float[d], 0f, new float[d], 0f };
            adapters.GetMethod("ProductF")!.Invoke(null, arguments);
            var product = ((float[])arguments[9]).Append((float)arguments[10]).Select(x => (double)x).ToArray();
            var byHand = Times(problem.Hessian(), vW.Append(vB).ToArray());
            var differences = problem.GradientDifferences(adapters, vW, vB);
            for (int i = 0; i <= d; i++)
            {
                AssertClose(byHand[i], product[i], 2e-5, $"float d={d}, (Hv)[{i}] against the hand-worked Hessian");
                AssertClose(differences[i], product[i], 2e-5, $"float d={d}, (Hv)[{i}] against central differences of the double gradient");
            }

            int n = d + 1;
            var hessian = new float[n * n];
            adapters.GetMethod("DenseF")!.Invoke(null, new object[] { F(problem.W), (float)problem.B, F(problem.Xs), F(problem.Ys), (float)problem.Lambda, hessian });
            var h = problem.Hessian();
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    AssertClose(h[i, j], hessian[i * n + j], 2e-5, $"float d={d}, H[{i},{j}] against the hand-worked Hessian");
                    Assert.Equal(hessian[i * n + j], hessian[j * n + i]);
                }
            }
        }
    }

    [Fact]
    public void Two_scalars_around_a_vector_keep_declaration_order_in_the_product_and_the_dense_Hessian()
    {
        var (_, adapters) = Compile();
        double s = 0.7, t = -1.3;
        double[] v = { 0.4, -0.9, 1.2 };
        int d = v.Length, n = d + 2;

        // f = s²·Σvᵢ³/3 + s·t·Σvᵢ, by hand, with the parameters ordered (s, v₀ … v₂, t):
        // ∂²f/∂s² = 2Σvᵢ³/3, ∂²f/∂s∂vᵢ = 2s·vᵢ² + t, ∂²f/∂s∂t = Σvᵢ, ∂²f/∂vᵢ² = 2s²·vᵢ, ∂²f/∂vᵢ∂t = s, ∂²f/∂t² = 0.
        var h = new double[n, n];
        h[0, 0] = 2 * v.Sum(x => x * x * x) / 3;
        h[0, n - 1] = h[n - 1, 0] = v.Sum();
        for (int i = 0; i < d; i++)
        {
            h[0, 1 + i] = h[1 + i, 0] = 2 * s * v[i] * v[i] + t;
            h[1 + i, 1 + i] = 2 * s * s * v[i];
            h[1 + i, n - 1] = h[n - 1, 1 + i] = s;
        }

        double[] Gradient(double sAt, double[] vAt, double tAt)
        {
            var arguments = new object[] { sAt, vAt, tAt, new double[d], 0.0, 0.0 };
            adapters.GetMethod("ScaledGradient")!.Invoke(null, arguments);
            return new[] { (double)arguments[4] }.Concat((double[])arguments[3]).Append((double)arguments[5]).ToArray();
        }

        var direction = new[] { 0.3, -0.5, 0.8, 0.1, -0.6 };
        var vV = direction.Skip(1).Take(d).ToArray();
        var productArguments = new object[] { s, v, t, direction[0], vV, direction[n - 1], 0.0, new double[d], 0.0, 0.0, new double[d], 0.0 };
        adapters.GetMethod("ScaledProduct")!.Invoke(null, productArguments);
        var gradient = new[] { (double)productArguments[6] }.Concat((double[])productArguments[7]).Append((double)productArguments[8]).ToArray();
        var product = new[] { (double)productArguments[9] }.Concat((double[])productArguments[10]).Append((double)productArguments[11]).ToArray();
        Assert.Equal(Gradient(s, v, t), gradient);

        const double step = 1e-6;
        var plus = Gradient(s + step * direction[0], v.Zip(vV, (a, b) => a + step * b).ToArray(), t + step * direction[n - 1]);
        var minus = Gradient(s - step * direction[0], v.Zip(vV, (a, b) => a - step * b).ToArray(), t - step * direction[n - 1]);
        var byHand = Times(h, direction);
        for (int i = 0; i < n; i++)
        {
            AssertClose(byHand[i], product[i], 1e-12, $"(Hv)[{i}] against the hand-worked Hessian");
            AssertClose((plus[i] - minus[i]) / (2 * step), product[i], 1e-7, $"(Hv)[{i}] against central differences of the gradient");
        }

        var dense = new double[n * n];
        adapters.GetMethod("ScaledDense")!.Invoke(null, new object[] { s, v, t, dense });
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                AssertClose(h[i, j], dense[i * n + j], 1e-12, $"H[{i},{j}] against the hand-worked Hessian");
            }
        }
    }

    [Fact]
    public void A_scalar_the_method_does_not_read_has_zero_partials_and_a_zero_row_and_column()
    {
        var (_, adapters) = Compile();
        double[] w = { 0.3, -1.1 }, v = { 0.7, 0.2 };
        var hessian = new double[9];
        var result = (double[])adapters.GetMethod("Unused")!.Invoke(null, new object[] { w, v, 2.0, hessian })!;

        // f = Σ sin(wᵢ): ∂f/∂b = 0, H = diag(−sin wᵢ) and 0 in b's row and column, so H·v = (−sin(w₀)·v₀, −sin(w₁)·v₁, 0).
        Assert.Equal(0.0, result[0]);
        Assert.Equal(0.0, result[1]);
        AssertClose(-Math.Sin(w[0]) * v[0], result[2], 1e-15, "(Hv)[0]");
        AssertClose(-Math.Sin(w[1]) * v[1], result[3], 1e-15, "(Hv)[1]");
        Assert.Equal(new[] { -Math.Sin(w[0]), 0, 0, 0, -Math.Sin(w[1]), 0, 0, 0, 0 }, hessian);
    }

    [Theory]
    [InlineData(0, "vW")]
    [InlineData(1, "hvW")]
    [InlineData(2, "dW")]
    [InlineData(3, "hvB")] // hvB is an element of the gradient
    [InlineData(4, "dB")] // dB is an element of the product
    [InlineData(5, "hvB")] // hvB is an element of the product
    [InlineData(6, "hvB")] // dB and hvB are one variable
    [InlineData(7, "hvW")] // the two spans overlap
    [InlineData(8, "hessian")]
    [InlineData(9, "dT")] // two scalar partials in one variable
    public void Wrong_lengths_and_shared_outputs_are_argument_errors_naming_the_argument(int which, string argument)
    {
        var (_, adapters) = Compile();
        Assert.Equal(argument, (string)adapters.GetMethod("ArgumentError")!.Invoke(null, new object[] { which })!);
    }

    [Fact]
    public void The_product_and_the_dense_Hessian_allocate_nothing_below_and_above_the_stack_bound()
    {
        var (_, adapters) = Compile();
        var allocations = adapters.GetMethod("Allocations")!;
        // 3 weights: everything on the stack; 200 weights over 2 samples: saved values and scratch are pooled.
        Assert.Equal(0L, (long)allocations.Invoke(null, new object[] { 3, 4 })!);
        Assert.Equal(0L, (long)allocations.Invoke(null, new object[] { 200, 2 })!);
    }

    [Fact]
    public void The_logistic_regressions_product_reads_like_the_gradient_with_tangents()
    {
        var (run, adapters) = Compile();
        Snapshot.Verify(run.Source("Model.Logistic.g.cs"));

        // The numbers the snapshot's code computes, against the hand-worked Hessian (the baseline cannot lock in a wrong one).
        var problem = Problem.Random(new Random(3), 2, 3);
        var arguments = new object[] { problem.W, problem.B, problem.Xs, problem.Ys, problem.Lambda, new[] { 0.0, 0.0 }, 1.0, new double[2], 0.0, new double[2], 0.0 };
        adapters.GetMethod("Product")!.Invoke(null, arguments);
        var column = Times(problem.Hessian(), new[] { 0.0, 0.0, 1.0 });
        AssertClose(column[0], ((double[])arguments[9])[0], 1e-12, "∂²f/∂w₀∂b");
        AssertClose(column[2], (double)arguments[10], 1e-12, "∂²f/∂b²");
    }

    /// <summary>
    /// No constant-length stackalloc in any generated Hessian method: a constant length is zeroed with wide vector
    /// stores that make every Math call after it slow (docs/jacobians.md). The scalar form with 12 parameters has a
    /// 144-element Hessian, past the stack bound, so its scratch is pooled and its numbers are checked too.
    /// </summary>
    [Fact]
    public void Hessian_scratch_is_never_a_constant_length_stackalloc_and_pools_past_the_stack_bound()
    {
        var twelve = string.Join(", ", Enumerable.Range(0, 12).Select(i => $"double p{i}"));
        var sum = string.Join(" + ", Enumerable.Range(0, 12).Select(i => $"p{i}"));
        var cubes = string.Join(" + ", Enumerable.Range(0, 12).Select(i => $"p{i} * p{i} * p{i}"));
        var run = GeneratorHarness.Run(Source, $$"""
            using SymbolicDiff;

            public static partial class Many
            {
                // f = (Σpᵢ)²/2 + Σpᵢ³/6: H = 1 + diag(pᵢ).
                [Differentiable(SecondOrder = true)]
                public static double F({{twelve}}) => 0.5 * ({{sum}}) * ({{sum}}) + ({{cubes}}) / 6;
            }
            """).ShouldSucceed();
        foreach (var source in run.GeneratedSources)
        {
            Assert.DoesNotMatch(new Regex(@"stackalloc\s+\w+\s*\[\s*\d"), source.SourceText.ToString());
        }

        var harness = new HessianHarness(run, "Many", "F");
        var point = Enumerable.Range(0, 12).Select(i => 0.1 * i - 0.4).ToArray();
        var byHand = new double[12, 12];
        for (int i = 0; i < 12; i++)
        {
            for (int j = 0; j < 12; j++)
            {
                byHand[i, j] = 1 + (i == j ? point[i] : 0);
            }
        }

        harness.Check(point, Enumerable.Range(0, 12).ToArray(), byHand);
    }
}
