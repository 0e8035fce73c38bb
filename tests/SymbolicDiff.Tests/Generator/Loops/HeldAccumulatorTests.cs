namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// An adjoint element that a loop only adds into, at an index the loop does not change, is held in a local across the
/// loop (<c>HeldAccumulators</c>). Checked by what the generator writes and by the gradient and Hessian of a GMM-shaped
/// model (log-sum-exp over quadratic forms with a unit lower-triangular factor, whose backward sweep adds ∂/∂c[i] once per
/// j in <c>v[j] += l[…] · c[i]</c>) against its closed form and central differences; by its first-order form, where the
/// local is carried through the fused backward loop to the element's overwrite (gradient and forward mode against the
/// closed form, central differences); and by a loop adding into two elements of one adjoint, at i and at j, which may be
/// the same element and must stay as it is.
/// </summary>
public class HeldAccumulatorTests
{
    private const string MixtureShaped = """
            // theta holds k components of d = 3: means mu (k × 3), then the strictly lower parts l (k × 3, packed by
            // column: (1,0), (2,0), (2,1)). For each point, c = x − mu_k, v = (I + L_k) c, and the value is
            // Σ_points log Σ_k exp(−½‖v‖²).
            [Differentiable(nameof(theta), SecondOrder = true)]
            public static double MixtureShaped(double[] theta, double[] x)
            {
                int d = 3;
                int lSize = 3;
                int k = theta.Length / (d + lSize);
                int n = x.Length / d;
                Span<double> c = stackalloc double[d];
                Span<double> v = stackalloc double[d];
                double total = 0;
                for (int ix = 0; ix < n; ix++)
                {
                    double sumExp = 0;
                    for (int ik = 0; ik < k; ik++)
                    {
                        for (int j = 0; j < d; j++)
                        {
                            c[j] = x[ix * d + j] - theta[ik * d + j];
                            v[j] = c[j];
                        }

                        for (int i = 0; i < d; i++)
                        {
                            int column = k * d + ik * lSize + i * (2 * d - i - 1) / 2 - i - 1;
                            for (int j = i + 1; j < d; j++)
                            {
                                v[j] += theta[column + j] * c[i];
                            }
                        }

                        double squaredNorm = 0;
                        for (int j = 0; j < d; j++)
                        {
                            squaredNorm += v[j] * v[j];
                        }

                        sumExp += Math.Exp(-0.5 * squaredNorm);
                    }

                    total += Math.Log(sumExp);
                }

                return total;
            }
""";

    // MixtureShaped with the means and the lower parts in two parameters, first order: each component's rows are kept, so
    // the backward loop over columns i and the one over j that passes ∂/∂c[j] on to ∂/∂mu[j] become one loop (they would
    // not over one dTheta, which both write at indices LoopFusion cannot compare), and ∂/∂c[i] is held through both.
    private static readonly string MixtureSplit = MixtureShaped
        .Replace("[Differentiable(nameof(theta), SecondOrder = true)]", "[Differentiable(nameof(mu), nameof(l))]", StringComparison.Ordinal)
        .Replace("MixtureShaped(double[] theta, double[] x)", "MixtureSplit(double[] mu, double[] l, double[] x)", StringComparison.Ordinal)
        .Replace("theta.Length / (d + lSize)", "mu.Length / d", StringComparison.Ordinal)
        .Replace("theta[ik * d + j]", "mu[ik * d + j]", StringComparison.Ordinal)
        .Replace("k * d + ik * lSize", "ik * lSize", StringComparison.Ordinal)
        .Replace("theta[column + j]", "l[column + j]", StringComparison.Ordinal);

    private static readonly string Models = $$"""
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
        {{MixtureShaped}}
            public static double MixtureShapedHessianIntoArray(double[] theta, double[] x, double[] hessian) => MixtureShapedHessian(theta, x, hessian);

            {{MixtureSplit}}

            public static double MixtureSplitDerivativeAlong(double[] mu, double[] l, double[] x, double[] dMu, double[] dL) => MixtureSplitWithDerivative(mu, l, x, dMu, dL).Derivative;

            // xᵀ W y: the inner loop's backward sweep adds into ∂/∂x[i] and reads x[i], both at the outer counter.
            [Differentiable(nameof(w), nameof(x))]
            public static double Bilinear(double[] w, double[] x, double[] y)
            {
                int n = y.Length;
                double total = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        total += w[i * n + j] * x[i] * y[j];
                    }
                }

                return total;
            }

            // Σ_i Σ_{j ≥ i} (a_i b_j + a_j b_i) y_j: the backward sweep of the inner loop adds into ∂/∂a[i] and ∂/∂a[j],
            // the same element where j = i, so neither may be held in a local.
            [Differentiable(nameof(a), nameof(b))]
            public static double Symmetric(double[] a, double[] b, double[] y)
            {
                int n = a.Length;
                double total = 0;
                for (int i = 0; i < n; i++)
                {
                    for (int j = i; j < n; j++)
                    {
                        total += (a[i] * b[j] + a[j] * b[i]) * y[j];
                    }
                }

                return total;
            }
        }
        """;

    [Fact]
    public void A_mixtures_adjoint_of_the_centered_point_is_summed_in_a_local()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = GeneratedText.GradientMethod(run.Source("Models.MixtureShaped.g.cs"), "MixtureShaped");
        Assert.Contains("double dTotal_dcElement = dTotal_dc[i];", generated, StringComparison.Ordinal);
        Assert.Contains("dTotal_dcElement += ", generated, StringComparison.Ordinal);
        Assert.Contains("dTotal_dc[i] = dTotal_dcElement;", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("dTotal_dc[i] += ", generated, StringComparison.Ordinal);

        var type = run.Load().GetType("Models")!;
        var random = new Random(12);
        foreach (int k in new[] { 1, 2, 3 })
        {
            double[] theta = Enumerable.Range(0, 6 * k).Select(_ => random.NextDouble() - 0.5).ToArray();
            double[] x = Enumerable.Range(0, 3 * 4).Select(_ => random.NextDouble()).ToArray();
            var (value, gradient) = Gradient(type, "MixtureShaped", theta, x);
            var (expectedValue, expectedGradient) = ClosedForm(theta, x);
            Assert.Equal(expectedValue, value, 12);
            for (int p = 0; p < theta.Length; p++)
            {
                Assert.Equal(expectedGradient[p], gradient[p], 12);
            }

            // Central differences of the method itself, and of the closed-form gradient for the Hessian.
            var method = type.GetMethod("MixtureShaped")!;
            var hessian = new double[theta.Length * theta.Length];
            type.GetMethod("MixtureShapedHessianIntoArray")!.Invoke(null, new object[] { theta, x, hessian });
            for (int p = 0; p < theta.Length; p++)
            {
                double[] up = (double[])theta.Clone(), down = (double[])theta.Clone();
                up[p] += 1e-6;
                down[p] -= 1e-6;
                double difference = ((double)method.Invoke(null, new object[] { up, x })! - (double)method.Invoke(null, new object[] { down, x })!) / 2e-6;
                Assert.True(Math.Abs(difference - gradient[p]) <= 1e-7, $"∂f/∂theta[{p}] at k = {k}: generated {gradient[p]:R}, central difference {difference:R}");
                var (_, gradientUp) = ClosedForm(up, x);
                var (_, gradientDown) = ClosedForm(down, x);
                for (int q = 0; q < theta.Length; q++)
                {
                    double second = (gradientUp[q] - gradientDown[q]) / 2e-6;
                    Assert.True(Math.Abs(second - hessian[p * theta.Length + q]) <= 1e-6, $"∂²f/∂theta[{p}]∂theta[{q}] at k = {k}: generated {hessian[p * theta.Length + q]:R}, central difference {second:R}");
                }
            }
        }

        // The second-order program's adjoint tangents are held the same way.
        string hessianMethod = GeneratedText.Method(run.Source("Models.MixtureShaped.g.cs"), "public static double MixtureShapedHessianVectorProduct(");
        Assert.Contains("double dTotal_dcElement = dTotal_dc[i];", hessianMethod, StringComparison.Ordinal);
        Assert.Contains("double dDTotal_dcElement = dDTotal_dc[i];", hessianMethod, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mixtures_adjoint_of_the_centered_point_is_carried_through_the_fused_loop_to_its_overwrite()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = GeneratedText.GradientMethod(run.Source("Models.MixtureSplit.g.cs"), "MixtureSplit");

        // One backward loop over i: the rows j > i, then what the loop over j did for element i, ∂/∂c[i] in one local
        // from before the loop over rows to its overwrite, never stored back.
        Assert.Contains("double dTotal_dcElement = dTotal_dc[i]; // the loop below and the statements after it up to its overwrite", generated, StringComparison.Ordinal);
        Assert.Contains("dTotal_dcElement += dTotal_dv[j] * l[column + j];", generated, StringComparison.Ordinal);
        Assert.Contains("// v[i] = c[i];", generated, StringComparison.Ordinal);
        Assert.Contains("dTotal_dcElement += dTotal_dv[i];", generated, StringComparison.Ordinal);
        Assert.Contains("dMu[ik * d + i] -= dTotal_dcElement;", generated, StringComparison.Ordinal);
        Assert.Contains("dTotal_dc[i] = 0.0;", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("// v[j] = c[j];", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("dTotal_dc[i] = dTotal_dcElement;", generated, StringComparison.Ordinal);

        var type = run.Load().GetType("Models")!;
        var random = new Random(21);
        foreach (int k in new[] { 1, 2, 3 })
        {
            double[] mu = Enumerable.Range(0, 3 * k).Select(_ => random.NextDouble() - 0.5).ToArray();
            double[] l = Enumerable.Range(0, 3 * k).Select(_ => random.NextDouble() - 0.5).ToArray();
            double[] x = Enumerable.Range(0, 3 * 4).Select(_ => random.NextDouble()).ToArray();
            object result = type.GetMethods().Single(m => m.Name == "MixtureSplitWithGradient" && m.GetParameters().Length == 3).Invoke(null, new object[] { mu, l, x })!;
            var properties = result.GetType().GetProperties();
            double value = (double)properties.Single(p => p.Name == "Value").GetValue(result)!;
            double[] gradient = ((double[])properties.Single(p => p.Name == "Mu").GetValue(result)!)
                .Concat((double[])properties.Single(p => p.Name == "L").GetValue(result)!).ToArray();

            // The closed form of MixtureShaped, whose theta is mu then l.
            var (expectedValue, expectedGradient) = ClosedForm(mu.Concat(l).ToArray(), x);
            Assert.Equal(expectedValue, value, 12);
            for (int p = 0; p < gradient.Length; p++)
            {
                Assert.Equal(expectedGradient[p], gradient[p], 12);
            }

            // Forward mode along a direction: the closed-form gradient's inner product with it.
            double[] dMu = mu.Select(_ => random.NextDouble() - 0.5).ToArray(), dL = l.Select(_ => random.NextDouble() - 0.5).ToArray();
            double along = (double)type.GetMethod("MixtureSplitDerivativeAlong")!.Invoke(null, new object[] { mu, l, x, dMu, dL })!;
            Assert.Equal(dMu.Concat(dL).Zip(expectedGradient, (a, b) => a * b).Sum(), along, 12);
        }

        VectorFiniteDifferenceTests.Check(type, "MixtureSplit", random => [3 * 2, 3 * 2, 3 * 4]);
    }

    [Fact]
    public void A_bilinear_forms_adjoint_is_held_and_its_invariant_read_read_once()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = GeneratedText.GradientMethod(run.Source("Models.Bilinear.g.cs"), "Bilinear");
        Assert.Contains("double dXElement = dX[i];", generated, StringComparison.Ordinal);
        Assert.Contains("double xElement = x[i];", generated, StringComparison.Ordinal);
        Assert.Contains("dX[i] = dXElement;", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("dX[i] += ", generated, StringComparison.Ordinal);

        // f = xᵀ W y, so ∂f/∂W[i, j] = x_i y_j and ∂f/∂x_i = Σ_j W[i, j] y_j; an empty y leaves the inner loop unrun.
        var type = run.Load().GetType("Models")!;
        foreach (double[] y in new[] { new[] { 0.5, -0.9, 1.3 }, Array.Empty<double>() })
        {
            double[] x = { 0.3, -1.2 }, w = Enumerable.Range(0, x.Length * y.Length).Select(p => 0.1 * p - 0.4).ToArray();
            object result = type.GetMethods().Single(m => m.Name == "BilinearWithGradient" && m.GetParameters().Length == 3).Invoke(null, new object[] { w, x, y })!;
            var properties = result.GetType().GetProperties();
            double[] dW = (double[])properties.Single(p => p.Name == "W").GetValue(result)!;
            double[] dX = (double[])properties.Single(p => p.Name == "X").GetValue(result)!;
            for (int i = 0; i < x.Length; i++)
            {
                Assert.Equal(Enumerable.Range(0, y.Length).Sum(j => w[i * y.Length + j] * y[j]), dX[i], 12);
                for (int j = 0; j < y.Length; j++)
                {
                    Assert.Equal(x[i] * y[j], dW[i * y.Length + j], 12);
                }
            }
        }

        VectorFiniteDifferenceTests.Check(type, "Bilinear", random => [6, 2, 3]);
    }

    [Fact]
    public void Two_indices_of_one_adjoint_in_a_loop_are_not_held()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = GeneratedText.GradientMethod(run.Source("Models.Symmetric.g.cs"), "Symmetric");
        Assert.DoesNotContain("Element", generated, StringComparison.Ordinal);

        // f = Σ_{i ≤ j} (a_i b_j + a_j b_i) y_j, so
        // ∂f/∂a_m = Σ_{j ≥ m} b_j y_j + Σ_{i ≤ m} b_i y_m, and symmetrically ∂f/∂b_m = Σ_{j ≥ m} a_j y_j + Σ_{i ≤ m} a_i y_m.
        var type = run.Load().GetType("Models")!;
        double[] a = { 0.3, -1.2, 0.8, 2.0 }, b = { 1.1, 0.4, -0.7, 0.2 }, y = { 0.5, -0.9, 1.3, 0.6 };
        object result = type.GetMethods().Single(m => m.Name == "SymmetricWithGradient" && m.GetParameters().Length == 3).Invoke(null, new object[] { a, b, y })!;
        var properties = result.GetType().GetProperties();
        double[] dA = (double[])properties.Single(p => p.Name == "A").GetValue(result)!;
        double[] dB = (double[])properties.Single(p => p.Name == "B").GetValue(result)!;
        for (int m = 0; m < a.Length; m++)
        {
            double expectedA = Enumerable.Range(m, a.Length - m).Sum(j => b[j] * y[j]) + Enumerable.Range(0, m + 1).Sum(i => b[i]) * y[m];
            double expectedB = Enumerable.Range(m, a.Length - m).Sum(j => a[j] * y[j]) + Enumerable.Range(0, m + 1).Sum(i => a[i]) * y[m];
            Assert.Equal(expectedA, dA[m], 12);
            Assert.Equal(expectedB, dB[m], 12);
        }

        VectorFiniteDifferenceTests.Check(type, "Symmetric", null);
    }

    /// <summary>
    /// The model's value and gradient worked by hand: with A = I + L, c = x − μ, v = A c and w the softmax of
    /// −½‖v‖² over components, ∂(−½‖v‖²)/∂μ = Aᵀ v, so ∂f/∂μ = Σ_points w Aᵀ v, and ∂f/∂L[j, i] = −Σ w v_j c_i.
    /// </summary>
    private static (double Value, double[] Gradient) ClosedForm(double[] theta, double[] x)
    {
        const int d = 3;
        int k = theta.Length / 6, n = x.Length / d;
        var gradient = new double[theta.Length];
        double value = 0;
        for (int ix = 0; ix < n; ix++)
        {
            var c = new double[k, d];
            var v = new double[k, d];
            var main = new double[k];
            for (int ik = 0; ik < k; ik++)
            {
                var lower = new double[d, d];
                lower[1, 0] = theta[k * d + ik * 3];
                lower[2, 0] = theta[k * d + ik * 3 + 1];
                lower[2, 1] = theta[k * d + ik * 3 + 2];
                for (int j = 0; j < d; j++)
                {
                    c[ik, j] = x[ix * d + j] - theta[ik * d + j];
                }

                for (int j = 0; j < d; j++)
                {
                    v[ik, j] = c[ik, j];
                    for (int i = 0; i < j; i++)
                    {
                        v[ik, j] += lower[j, i] * c[ik, i];
                    }

                    main[ik] -= 0.5 * v[ik, j] * v[ik, j];
                }
            }

            double sum = main.Sum(Math.Exp);
            value += Math.Log(sum);
            for (int ik = 0; ik < k; ik++)
            {
                // Aᵀ v: column i of A is e_i plus the entries of L below the diagonal.
                double w = Math.Exp(main[ik]) / sum;
                double l10 = theta[k * d + ik * 3], l20 = theta[k * d + ik * 3 + 1], l21 = theta[k * d + ik * 3 + 2];
                double[] aTv =
                {
                    v[ik, 0] + l10 * v[ik, 1] + l20 * v[ik, 2],
                    v[ik, 1] + l21 * v[ik, 2],
                    v[ik, 2],
                };
                for (int i = 0; i < d; i++)
                {
                    gradient[ik * d + i] += w * aTv[i];
                }

                gradient[k * d + ik * 3] -= w * v[ik, 1] * c[ik, 0];
                gradient[k * d + ik * 3 + 1] -= w * v[ik, 2] * c[ik, 0];
                gradient[k * d + ik * 3 + 2] -= w * v[ik, 2] * c[ik, 1];
            }
        }

        return (value, gradient);
    }

    private static (double Value, double[] Gradient) Gradient(Type type, string method, params object[] arguments)
    {
        var withGradient = type.GetMethods().Single(m => m.Name == method + "WithGradient" && m.GetParameters().Length == arguments.Length);
        object result = withGradient.Invoke(null, arguments)!;
        var properties = result.GetType().GetProperties();
        return ((double)properties.Single(p => p.Name == "Value").GetValue(result)!, (double[])properties.Single(p => p.Name != "Value").GetValue(result)!);
    }
}
