namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// In the backward sweep of a checkpointed loop, the adjoint of a stage point that one loop adds into and the next loop
/// only passes on (<c>mid[i] = y[i] + h / 2 * k1[i]</c>, read only by <c>k2[i] = x[i] * mid[i - 1]</c>) is passed on where
/// it is formed, and its buffer and passing loop go (<c>LoopDifferentiator.PassedOnAdjoints</c>). Each shape is checked by
/// what the generator writes and by its gradient against the closed form (Kutta's third-order rule is exact on a
/// nilpotent linear system of three) and central differences; forward mode and second order are checked on the shape
/// the rule applies to. Where a stage point is read by two stages, its buffer and passing loop stay, checked the same way
/// (<c>UnreadReplayTests.ShiftedStage</c> keeps another: the adjoint it would pass on into is stored, not added to).
/// </summary>
public class PassedOnAdjointTests
{
    // Kutta's third-order rule on y₀' = x₀, yᵢ' = xᵢ yᵢ₋₁ from y = 0 over t ∈ [0, 1]: the stage points mid and mid2 are
    // each read only by the next stage, at i − 1.
    private const string Rk3 = """
            [Differentiable(nameof(x), SecondOrder = true)]
            public static double Rk3(double[] x, int steps)
            {
                int n = x.Length;
                Span<double> y = stackalloc double[n];
                Span<double> k1 = stackalloc double[n];
                Span<double> k2 = stackalloc double[n];
                Span<double> k3 = stackalloc double[n];
                Span<double> mid = stackalloc double[n];
                Span<double> mid2 = stackalloc double[n];
                double h = 1.0 / steps;
                for (int step = 0; step < steps; step++)
                {
                    k1[0] = x[0];
                    for (int i = 1; i < n; i++)
                    {
                        k1[i] = x[i] * y[i - 1];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        mid[i] = y[i] + h / 2 * k1[i];
                    }

                    k2[0] = x[0];
                    for (int i = 1; i < n; i++)
                    {
                        k2[i] = x[i] * mid[i - 1];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        mid2[i] = y[i] - h * k1[i] + 2 * h * k2[i];
                    }

                    k3[0] = x[0];
                    for (int i = 1; i < n; i++)
                    {
                        k3[i] = x[i] * mid2[i - 1];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        y[i] += h / 6 * (k1[i] + 4 * k2[i] + k3[i]);
                    }
                }

                return y[n - 1];
            }
""";

    // The same rule with mid2 formed from mid (h k1 = 2 (mid − y)): mid is read by two stages, so its adjoint has
    // contributions from two loops, and keeps its buffer; mid2's is still passed on.
    private static readonly string Rk3ReadTwice = Rk3
        .Replace("(nameof(x), SecondOrder = true)", "(nameof(x))", StringComparison.Ordinal)
        .Replace("Rk3(", "Rk3ReadTwice(", StringComparison.Ordinal)
        .Replace("mid2[i] = y[i] - h * k1[i] + 2 * h * k2[i];", "mid2[i] = 3 * y[i] - 2 * mid[i] + 2 * h * k2[i];", StringComparison.Ordinal);

    private static readonly string Models = $$"""
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
        {{Rk3}}

            public static double Rk3HessianIntoArray(double[] x, int steps, double[] hessian) => Rk3Hessian(x, steps, hessian);

            public static double Rk3DerivativeAlong(double[] x, int steps, double[] v) => Rk3WithDerivative(x, steps, v).Derivative;

        {{Rk3ReadTwice}}
        }
        """;

    private const string Checkpointed = "computed again from its checkpoint";

    [Fact]
    public void A_stage_points_adjoint_is_passed_on_where_it_is_formed_and_the_gradient_is_the_closed_form()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = GeneratedText.GradientMethod(run.Source("Models.Rk3.g.cs"), "Rk3");
        Assert.Contains(Checkpointed, generated, StringComparison.Ordinal);
        // No buffer for the stage points' adjoints, no loop passing them on: the loop over the next stage forms each
        // element and passes it to y and the stage it was formed from.
        Assert.DoesNotContain("dRk3_dmid[", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("dRk3_dmid2[", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("dRk3_dmidStorage", generated, StringComparison.Ordinal);
        Assert.Contains("double dRk3_dmidElement = dRk3_dk2[i] * x[i];", generated, StringComparison.Ordinal);
        Assert.Contains("dRk3_dy[i - 1] += dRk3_dmidElement;", generated, StringComparison.Ordinal);
        Assert.Contains("dRk3_dk1[i - 1] += dRk3_dmidElement * (h / 2);", generated, StringComparison.Ordinal);
        Assert.Contains("double dRk3_dmid2Element = dRk3_dk3Element * x[i];", generated, StringComparison.Ordinal);

        var type = run.Load().GetType("Models")!;
        // A third-order rule is exact on this system for n ≤ 3 (the flow's series ends at h³): y₁(1) = x₀x₁/2 and
        // y₂(1) = x₀x₁x₂/6, for any number of steps.
        double[] pair = { 0.7, -1.3 };
        double[] x = { 0.7, -1.3, 0.9 };
        foreach (int steps in new[] { 1, 2, 5 })
        {
            var (value, gradient) = SteppedModels.Gradient(type, "Rk3", pair, steps);
            Assert.Equal(pair[0] * pair[1] / 2, value, 12);
            Assert.Equal(pair[1] / 2, gradient[0], 12);
            Assert.Equal(pair[0] / 2, gradient[1], 12);

            (value, gradient) = SteppedModels.Gradient(type, "Rk3", x, steps);
            Assert.Equal(x[0] * x[1] * x[2] / 6, value, 12);
            Assert.Equal(x[1] * x[2] / 6, gradient[0], 12);
            Assert.Equal(x[0] * x[2] / 6, gradient[1], 12);
            Assert.Equal(x[0] * x[1] / 6, gradient[2], 12);

            // Forward mode: ∇f · v; second order over the gradient: ∂²f/∂xᵢ∂xⱼ = x_k / 6 (k the third), 0 on the diagonal.
            double[] v = { 0.3, -0.6, 1.1 };
            double along = (double)type.GetMethod("Rk3DerivativeAlong")!.Invoke(null, new object[] { x, steps, v })!;
            Assert.Equal((x[1] * x[2] * v[0] + x[0] * x[2] * v[1] + x[0] * x[1] * v[2]) / 6, along, 12);
            var hessian = new double[9];
            type.GetMethod("Rk3HessianIntoArray")!.Invoke(null, new object[] { x, steps, hessian });
            for (int i = 0; i < 3; i++)
            {
                for (int j = 0; j < 3; j++)
                {
                    Assert.Equal(i == j ? 0 : x[3 - i - j] / 6, hessian[i * 3 + j], 12);
                }
            }
        }

        VectorFiniteDifferenceTests.Check(type, "Rk3", null);
    }

    [Fact]
    public void A_stage_point_read_by_two_stages_keeps_its_adjoint_buffer()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = GeneratedText.GradientMethod(run.Source("Models.Rk3ReadTwice.g.cs"), "Rk3ReadTwice");
        Assert.Contains(Checkpointed, generated, StringComparison.Ordinal);
        Assert.Contains("dRk3ReadTwice_dmid[i - 1] += ", generated, StringComparison.Ordinal);
        Assert.Contains("dRk3ReadTwice_dmid[i] = 0.0;", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("dRk3ReadTwice_dmidElement", generated, StringComparison.Ordinal);
        Assert.Contains("double dRk3ReadTwice_dmid2Element = dRk3ReadTwice_dk3Element * x[i];", generated, StringComparison.Ordinal);

        // The same rule in exact arithmetic, so the same closed form.
        var type = run.Load().GetType("Models")!;
        double[] x = { 0.7, -1.3, 0.9 };
        foreach (int steps in new[] { 1, 3 })
        {
            var (value, gradient) = SteppedModels.Gradient(type, "Rk3ReadTwice", x, steps);
            Assert.Equal(x[0] * x[1] * x[2] / 6, value, 12);
            Assert.Equal(x[1] * x[2] / 6, gradient[0], 12);
            Assert.Equal(x[0] * x[2] / 6, gradient[1], 12);
            Assert.Equal(x[0] * x[1] / 6, gradient[2], 12);
        }

        VectorFiniteDifferenceTests.Check(type, "Rk3ReadTwice", null);
    }
}
