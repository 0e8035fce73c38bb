using SymbolicDiff.Tests.AdBench;

namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// A buffer written in full several times in one iteration of a loop gets a buffer of its own per full rewrite, and the
/// loop, which then overwrites nothing within an iteration, is checkpointed: its carried state saved at each iteration's
/// start, the iteration computed again in the backward sweep. Each shape checks whether the generator renamed and
/// checkpointed (by the names and notes it writes), and its gradient against values worked by hand and central
/// differences; the shapes that must keep the buffer (read after a partial rewrite, read before its first rewrite, never
/// read by the backward sweep) are checked the same way.
/// </summary>
public class BufferRenamingTests
{
    private const string Checkpointed = "computed again from its checkpoint";

    /// <summary>The models beside the AD benchmarks' ODE (which the tests compile from the benchmarks' own Ode.cs).</summary>
    internal const string Models = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            // A scalar state s, a heap buffer u rewritten twice (the second time from v), v once; t declared in the step.
            [Differentiable(nameof(a))]
            public static double ScalarState(double[] a, int steps)
            {
                int n = a.Length;
                double[] u = new double[n];
                Span<double> v = stackalloc double[n];
                double s = 1;
                for (int step = 0; step < steps; step++)
                {
                    for (int i = 0; i < n; i++)
                    {
                        u[i] = a[i] * s;
                    }

                    for (int i = 0; i < n; i++)
                    {
                        v[i] = u[i] * u[i];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        u[i] = v[i] * a[i];
                    }

                    double t = 0;
                    for (int i = 0; i < n; i++)
                    {
                        t += u[i] * v[i];
                    }

                    s = s + 0.1 * t;
                }

                return s;
            }

            // Two updates of the state end the step, the second reading what the first writes: only the second may be left
            // out of the recomputation (the first's values are read by the second's backward sweep).
            [Differentiable(nameof(a))]
            public static double ChainedFinalUpdates(double[] a, int steps)
            {
                int n = a.Length;
                Span<double> y = stackalloc double[n];
                Span<double> mid = stackalloc double[n];
                Span<double> stage = stackalloc double[n];
                double total = 0;
                for (int step = 0; step < steps; step++)
                {
                    for (int i = 0; i < n; i++)
                    {
                        stage[i] = Math.Sin(a[i] + y[i]);
                    }

                    for (int i = 0; i < n; i++)
                    {
                        mid[i] = stage[i] * stage[i];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        stage[i] = Math.Cos(a[i] * mid[i]);
                    }

                    for (int i = 0; i < n; i++)
                    {
                        y[i] = y[i] + 0.5 * stage[i] * stage[i];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        total = total + y[i] * y[i];
                    }
                }

                return total;
            }

            // w's second write covers all but w[0], which the read after it takes from the first: w must stay one buffer.
            // (Sines keep the values bounded over the steps the finite-difference check draws.)
            [Differentiable(nameof(a))]
            public static double PartialRewrite(double[] a, int steps)
            {
                int n = a.Length;
                Span<double> y = stackalloc double[n];
                Span<double> w = stackalloc double[n];
                for (int i = 0; i < n; i++)
                {
                    y[i] = 1;
                }

                for (int step = 0; step < steps; step++)
                {
                    for (int i = 0; i < n; i++)
                    {
                        w[i] = y[i] * a[i];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        y[i] = Math.Sin(y[i] + w[i] * w[i]);
                    }

                    for (int i = 1; i < n; i++)
                    {
                        w[i] = y[i] * a[i];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        y[i] = y[i] + 0.5 * w[i] * w[i];
                    }
                }

                double total = 0;
                for (int i = 0; i < n; i++)
                {
                    total += y[i];
                }

                return total;
            }

            // w is read before its first rewrite in a step (it carries the last step's values): it must stay one buffer.
            [Differentiable(nameof(a))]
            public static double ReadBeforeRewrite(double[] a, int steps)
            {
                int n = a.Length;
                Span<double> y = stackalloc double[n];
                Span<double> w = stackalloc double[n];
                for (int step = 0; step < steps; step++)
                {
                    for (int i = 0; i < n; i++)
                    {
                        y[i] = Math.Sin(y[i] + w[i] * w[i] + a[i]);
                    }

                    for (int i = 0; i < n; i++)
                    {
                        w[i] = y[i] * a[i];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        y[i] = y[i] * w[i];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        w[i] = 0.5 * y[i];
                    }
                }

                return y[0] + w[n - 1];
            }

            // g is rewritten twice a step but only linearly used: the backward sweep never reads it, nothing is saved, and
            // nothing is renamed or checkpointed.
            [Differentiable(nameof(a))]
            public static double LinearRewrites(double[] a, int steps)
            {
                int n = a.Length;
                Span<double> y = stackalloc double[n];
                Span<double> g = stackalloc double[n];
                for (int step = 0; step < steps; step++)
                {
                    for (int i = 0; i < n; i++)
                    {
                        g[i] = a[i] + y[i];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        y[i] = y[i] + 0.3 * g[i];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        g[i] = 2 * a[i] - y[i];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        y[i] = y[i] + 0.1 * g[i];
                    }
                }

                double total = 0;
                for (int i = 0; i < n; i++)
                {
                    total += y[i];
                }

                return total;
            }
        }
        """;

    [Fact]
    public void The_RK4_step_gets_a_buffer_per_stage_point_is_checkpointed_and_its_gradient_is_the_closed_form()
    {
        // GradBench's ode as the benchmarks time it (AdBenchObjectives.OdeFinalState): RK4 on y0' = x0, yi' = xi y(i-1),
        // from 0 to t = 2; yStage is rewritten in full three times a step.
        var run = AdBenchObjectiveSource.Run("Ode.cs", "x", """
            public static double OdeFinalStateHessianIntoArray(double[] x, int steps, double[] hessian) => OdeFinalStateHessian(x, steps, hessian);
            public static double OdeFinalStateDerivativeAlong(double[] x, int steps, double[] v) => OdeFinalStateWithDerivative(x, steps, v).Derivative;
            """);
        string generated = GeneratedText.GradientMethod(run.Source(AdBenchObjectiveSource.TypeName + ".OdeFinalState.g.cs"), "OdeFinalState");
        Assert.Contains(Checkpointed, generated, StringComparison.Ordinal);
        Assert.Contains("yStage2[i] = y[i] + h * k2[i] / 2;", generated, StringComparison.Ordinal);
        Assert.Contains("k4[i] = x[i] * yStage3[i - 1];", generated, StringComparison.Ordinal);
        // Nothing the step rewrites is saved: only y, at the step's start; its update is not computed again (nor saved).
        Assert.DoesNotContain("saved.Push(yStage", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("] = saved.Pop(); // yStage", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("saved.Push(y[i])", generated, StringComparison.Ordinal);
        Assert.Contains("saved.Push(y); // checkpoint", generated, StringComparison.Ordinal);

        // y' = A y + x₀e₀ with A nilpotent: RK4 is exact for n ≤ 4, y(n−1)(2) = Πx · 2ⁿ/n!, whatever the number of steps.
        var type = run.Load().GetType(AdBenchObjectiveSource.TypeName)!;
        foreach (var x in new[] { new[] { 0.7, -1.2, 0.4 }, new[] { 1.3, 0.5, -0.8, 0.9 } })
        {
            double scale = Math.Pow(2, x.Length) / (x.Length == 3 ? 6 : 24);
            foreach (int steps in new[] { 1, 2, 5 })
            {
                var (value, gradient) = SteppedModels.Gradient(type, "OdeFinalState", x, steps);
                Assert.Equal(scale * Product(x, -1, -1), value, 12);
                for (int i = 0; i < x.Length; i++)
                {
                    Assert.Equal(scale * Product(x, i, -1), gradient[i], 12);
                }

                // Forward mode: the derivative along v is ∇f · v.
                double[] v = new[] { 0.3, -0.6, 1.1, 0.2 }.Take(x.Length).ToArray();
                double along = (double)type.GetMethod("OdeFinalStateDerivativeAlong")!.Invoke(null, new object[] { x, steps, v })!;
                Assert.Equal(Enumerable.Range(0, x.Length).Sum(i => scale * Product(x, i, -1) * v[i]), along, 12);

                // Second order over the checkpointed gradient: ∂²f/∂xᵢ∂xⱼ = scale · Π over the others, 0 on the diagonal.
                var hessian = new double[x.Length * x.Length];
                type.GetMethod("OdeFinalStateHessianIntoArray")!.Invoke(null, new object[] { x, steps, hessian });
                for (int i = 0; i < x.Length; i++)
                {
                    for (int j = 0; j < x.Length; j++)
                    {
                        Assert.Equal(i == j ? 0 : scale * Product(x, i, j), hessian[i * x.Length + j], 12);
                    }
                }
            }
        }

        VectorFiniteDifferenceTests.Check(type, "OdeFinalState", null);
    }

    [Fact]
    public void A_scalar_state_is_checkpointed_and_a_heap_buffers_rewrite_gets_scratch_of_its_own()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = GeneratedText.GradientMethod(run.Source("Models.ScalarState.g.cs"), "ScalarState");
        Assert.Contains(Checkpointed, generated, StringComparison.Ordinal);
        Assert.Contains("saved.Push(s); // checkpoint", generated, StringComparison.Ordinal);
        Assert.Contains("var u2Storage = new global::SymbolicDiff.Runtime.ScratchBuffer<double>(u.Length", generated, StringComparison.Ordinal);
        Assert.Contains("u2[i] = v[i] * a[i];", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("saved.Push(u", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("saved.Push(v", generated, StringComparison.Ordinal);

        var type = run.Load().GetType("Models")!;
        // One step: u = a, v = a², u2 = a³, t = Σ a⁵, s = 1 + 0.1 Σ a⁵, so ∂s/∂aᵢ = 0.5 aᵢ⁴.
        double[] a = { 0.9, -0.6, 1.2 };
        var (value, gradient) = SteppedModels.Gradient(type, "ScalarState", a, 1);
        Assert.Equal(1 + 0.1 * a.Sum(e => Math.Pow(e, 5)), value, 12);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(0.5 * Math.Pow(a[i], 4), gradient[i], 12);
        }

        // Two steps, one element: s₁ = 1 + 0.1a⁵, s₂ = s₁ + 0.1a⁵s₁⁴, s₂' = s₁' + 0.1(5a⁴s₁⁴ + 4a⁵s₁³s₁') with s₁' = 0.5a⁴.
        double x = 0.8, s1 = 1 + 0.1 * Math.Pow(x, 5), ds1 = 0.5 * Math.Pow(x, 4);
        (value, gradient) = SteppedModels.Gradient(type, "ScalarState", new[] { x }, 2);
        Assert.Equal(s1 + 0.1 * Math.Pow(x, 5) * Math.Pow(s1, 4), value, 12);
        Assert.Equal(ds1 + 0.1 * (5 * Math.Pow(x, 4) * Math.Pow(s1, 4) + 4 * Math.Pow(x, 5) * Math.Pow(s1, 3) * ds1), gradient[0], 12);

        VectorFiniteDifferenceTests.Check(type, "ScalarState", null);
    }

    [Fact]
    public void A_final_update_whose_values_a_later_one_reads_is_computed_again()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = GeneratedText.GradientMethod(run.Source("Models.ChainedFinalUpdates.g.cs"), "ChainedFinalUpdates");
        Assert.Contains(Checkpointed + " (stage, mid, stage2 written again before they are read) but for its last update of total,", generated, StringComparison.Ordinal);
        Assert.Contains("stage2[i] = global::System.Math.Cos(a[i] * mid[i]);", generated, StringComparison.Ordinal);
        Assert.Contains("saved.Push(y[i]);", generated, StringComparison.Ordinal); // y's update is computed again, and undone
        // The backward sweep takes total back to its value before the loop: its final value is kept for the return.
        Assert.Contains("double totalValue = total;", generated, StringComparison.Ordinal);

        // n = 1, one step from 0: u = a sin²(a), y = cos²(u)/2, f = y² = cos⁴(u)/4, f' = −cos³(u) sin(u) u', u' = sin²(a) + 2a sin(a) cos(a).
        var type = run.Load().GetType("Models")!;
        double a = 0.8, u = a * Math.Sin(a) * Math.Sin(a), du = Math.Sin(a) * Math.Sin(a) + 2 * a * Math.Sin(a) * Math.Cos(a);
        var (value, gradient) = SteppedModels.Gradient(type, "ChainedFinalUpdates", new[] { a }, 1);
        Assert.Equal(Math.Pow(Math.Cos(u), 4) / 4, value, 12);
        Assert.Equal(-Math.Pow(Math.Cos(u), 3) * Math.Sin(u) * du, gradient[0], 12);

        VectorFiniteDifferenceTests.Check(type, "ChainedFinalUpdates", null);
    }

    [Fact]
    public void A_buffer_read_after_a_partial_rewrite_is_not_renamed()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = GeneratedText.GradientMethod(run.Source("Models.PartialRewrite.g.cs"), "PartialRewrite");
        Assert.DoesNotContain("w2", generated, StringComparison.Ordinal);
        Assert.DoesNotContain(Checkpointed, generated, StringComparison.Ordinal);

        // n = 2, one step from y = 1: w = a; y = sin(1 + a²); w₁ = y₁a₁ (w₀ stays a₀); y += w²/2.
        // So f = sin(1 + a₀²) + a₀²/2 + S + S²a₁²/2 with S = sin(1 + a₁²), S' = 2a₁cos(1 + a₁²).
        var type = run.Load().GetType("Models")!;
        double a0 = 0.7, a1 = -1.1, s = Math.Sin(1 + a1 * a1), ds = 2 * a1 * Math.Cos(1 + a1 * a1);
        var (value, gradient) = SteppedModels.Gradient(type, "PartialRewrite", new[] { a0, a1 }, 1);
        Assert.Equal(Math.Sin(1 + a0 * a0) + 0.5 * a0 * a0 + s + 0.5 * s * s * a1 * a1, value, 12);
        Assert.Equal(2 * a0 * Math.Cos(1 + a0 * a0) + a0, gradient[0], 12);
        Assert.Equal(ds + s * ds * a1 * a1 + s * s * a1, gradient[1], 12);

        VectorFiniteDifferenceTests.Check(type, "PartialRewrite", null);
    }

    [Fact]
    public void A_buffer_read_before_its_first_rewrite_in_an_iteration_is_not_renamed()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = GeneratedText.GradientMethod(run.Source("Models.ReadBeforeRewrite.g.cs"), "ReadBeforeRewrite");
        Assert.DoesNotContain("w2", generated, StringComparison.Ordinal);
        Assert.DoesNotContain(Checkpointed, generated, StringComparison.Ordinal);

        // n = 1, one step from 0: y = sin(a), w = a sin(a), y = a sin²(a), w = y/2: f = 1.5a sin²(a).
        var type = run.Load().GetType("Models")!;
        double a = 0.9;
        var (value, gradient) = SteppedModels.Gradient(type, "ReadBeforeRewrite", new[] { a }, 1);
        Assert.Equal(1.5 * a * Math.Sin(a) * Math.Sin(a), value, 12);
        Assert.Equal(1.5 * (Math.Sin(a) * Math.Sin(a) + 2 * a * Math.Sin(a) * Math.Cos(a)), gradient[0], 12);

        VectorFiniteDifferenceTests.Check(type, "ReadBeforeRewrite", null);
    }

    [Fact]
    public void A_buffer_rewritten_twice_that_the_backward_sweep_never_reads_is_not_renamed()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = GeneratedText.GradientMethod(run.Source("Models.LinearRewrites.g.cs"), "LinearRewrites");
        Assert.DoesNotContain("g2", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("saved", generated, StringComparison.Ordinal);

        // Each step maps y to 1.17y + 0.47a, so from 0, after k steps, Σy has ∂/∂aᵢ = 0.47 Σ_{j<k} 1.17ʲ.
        var type = run.Load().GetType("Models")!;
        double[] a = { 0.4, -1.3, 0.8 };
        foreach (int steps in new[] { 1, 3 })
        {
            double factor = 0.47 * Enumerable.Range(0, steps).Sum(j => Math.Pow(1.17, j));
            var (value, gradient) = SteppedModels.Gradient(type, "LinearRewrites", a, steps);
            Assert.Equal(factor * a.Sum(), value, 12);
            Assert.All(gradient, partial => Assert.Equal(factor, partial, 12));
        }

        VectorFiniteDifferenceTests.Check(type, "LinearRewrites", null);
    }

    /// <summary>The product of the elements but those at <paramref name="skip"/> and <paramref name="alsoSkip"/> (−1 for none).</summary>
    private static double Product(double[] x, int skip, int alsoSkip)
    {
        double product = 1;
        for (int i = 0; i < x.Length; i++)
        {
            if (i != skip && i != alsoSkip)
            {
                product *= x[i];
            }
        }

        return product;
    }
}
