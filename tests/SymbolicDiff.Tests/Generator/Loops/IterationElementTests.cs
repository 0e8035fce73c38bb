namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// An element a loop's iteration writes and only that iteration reads is held in a local, not stored
/// (<c>Differentiation/IterationElements</c>): in the backward sweep of a checkpointed Runge–Kutta step, the recomputed
/// stages (read only by the stage point formed in the same fused iteration) and the fourth stage's stored adjoint (read
/// only by that stage's backward lines in its iteration); in forward mode, the fourth stage and its tangent (read only by
/// the update of y in the same iteration). Each shape is checked by what the generator writes and by its derivatives
/// against the closed form (classical RK4 is exact on a nilpotent linear system of four) and central differences; forward
/// mode and second order on the shape the rule applies to. A stage another loop reads at another element keeps its
/// store, checked the same way.
/// </summary>
public class IterationElementTests
{
    // Classical RK4 on y₀' = x₀, yᵢ' = xᵢ yᵢ₋₁ from y = 0 over t ∈ [0, 1], the AD benchmark's ODE: with z = (1, y) the
    // system is z' = M z, M nilpotent of index n + 1, and a step's map is Σₖ₌₀⁴ (hM)ᵏ/k!, which is exp(hM) for n ≤ 4.
    private const string Rk4 = """
            [Differentiable(nameof(x), SecondOrder = true)]
            public static double Rk4(double[] x, int steps)
            {
                int n = x.Length;
                Span<double> y = stackalloc double[n];
                Span<double> k1 = stackalloc double[n];
                Span<double> k2 = stackalloc double[n];
                Span<double> k3 = stackalloc double[n];
                Span<double> k4 = stackalloc double[n];
                Span<double> u = stackalloc double[n];
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
                        u[i] = y[i] + h * k1[i] / 2;
                    }

                    k2[0] = x[0];
                    for (int i = 1; i < n; i++)
                    {
                        k2[i] = x[i] * u[i - 1];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        u[i] = y[i] + h * k2[i] / 2;
                    }

                    k3[0] = x[0];
                    for (int i = 1; i < n; i++)
                    {
                        k3[i] = x[i] * u[i - 1];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        u[i] = y[i] + h * k3[i];
                    }

                    k4[0] = x[0];
                    for (int i = 1; i < n; i++)
                    {
                        k4[i] = x[i] * u[i - 1];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        y[i] += h * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) / 6;
                    }
                }

                return y[n - 1];
            }
""";

    // Each step k = x·y, u = y + k reversed, y += k·u/2: u's loop reads k at another element than its own, so it is not
    // fused with k's, and k, written in one loop and read in others (in both sweeps), keeps its store.
    private const string ReadStage = """
            [Differentiable(nameof(x))]
            public static double ReadStage(double[] x, int steps)
            {
                int n = x.Length;
                Span<double> y = stackalloc double[n];
                Span<double> k = stackalloc double[n];
                Span<double> u = stackalloc double[n];
                for (int i = 0; i < n; i++)
                {
                    y[i] = 1;
                }

                for (int step = 0; step < steps; step++)
                {
                    for (int i = 0; i < n; i++)
                    {
                        k[i] = x[i] * y[i];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        u[i] = y[i] + k[n - 1 - i];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        y[i] += 0.5 * k[i] * u[i];
                    }
                }

                return y[n - 1];
            }
""";

    private static readonly string Models = $$"""
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
        {{Rk4}}

            public static double Rk4HessianIntoArray(double[] x, int steps, double[] hessian) => Rk4Hessian(x, steps, hessian);

            public static double Rk4DerivativeAlong(double[] x, int steps, double[] v) => Rk4WithDerivative(x, steps, v).Derivative;

        {{ReadStage}}
        }
        """;

    [Fact]
    public void Stages_read_only_where_they_are_formed_are_held_in_locals_and_the_derivatives_are_the_closed_form()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string source = run.Source("Models.Rk4.g.cs");
        string generated = GeneratedText.GradientMethod(source, "Rk4");
        Assert.Contains("computed again from its checkpoint", generated, StringComparison.Ordinal);
        // The backward sweep computes k1, k2 and k3 again into locals; the forward sweep, whose last update reads them,
        // stores them. k4, which nothing after the update reads, is held in a local there.
        Assert.Equal(1, GeneratedText.Occurrences(generated, "k1[i] = x[i] * y[i - 1];"));
        Assert.Equal(1, GeneratedText.Occurrences(generated, "double k1Element = x[i] * y[i - 1];"));
        Assert.Contains("u[i] = y[i] + h * k1Element / 2;", generated, StringComparison.Ordinal);
        Assert.Equal(1, GeneratedText.Occurrences(generated, "double k2Element = x[i] * u[i - 1];"));
        Assert.Equal(1, GeneratedText.Occurrences(generated, "k2[i] = x[i] * u[i - 1];"));
        Assert.Contains("double k4Element = x[i] * ", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("k4[i] = ", GeneratedText.WithoutComments(generated), StringComparison.Ordinal);
        // k4's adjoint is formed and read in one iteration; k4[0]'s, outside the loop, stays an element.
        Assert.Contains("double dRk4_dk4Element = dRk4_dy[i] * (h / 6);", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("dRk4_dk4[i]", generated, StringComparison.Ordinal);
        Assert.Contains("dX[0] += dRk4_dk4[0];", generated, StringComparison.Ordinal);
        // Forward mode: the fourth stage and its tangent held in locals in the update of y and its tangent.
        string forward = GeneratedText.Method(source, "public static (double Value, double Derivative) Rk4WithDerivative(");
        Assert.Contains("double dK4Element = ", forward, StringComparison.Ordinal);
        Assert.Contains("double k4Element = ", forward, StringComparison.Ordinal);
        Assert.DoesNotContain("k4[i] = ", GeneratedText.WithoutComments(forward), StringComparison.Ordinal);

        // n ≤ 4: y₃(1) = x₀x₁x₂x₃/4!, for any number of steps; ∂/∂xⱼ is the product of the others / 24,
        // ∂²/∂xⱼ∂xₖ the product of the two others / 24 (0 on the diagonal); forward mode is ∇f · v.
        var type = run.Load().GetType("Models")!;
        double[] x = { 0.7, -1.3, 0.9, 1.2 };
        double[] v = { 0.3, -0.6, 1.1, -0.4 };
        double Product(params int[] without) => Enumerable.Range(0, 4).Where(i => !without.Contains(i)).Aggregate(1.0, (p, i) => p * x[i]);
        foreach (int steps in new[] { 1, 2, 5 })
        {
            var (value, gradient) = SteppedModels.Gradient(type, "Rk4", x, steps);
            Assert.Equal(Product() / 24, value, 12);
            for (int j = 0; j < 4; j++)
            {
                Assert.Equal(Product(j) / 24, gradient[j], 12);
            }

            double along = (double)type.GetMethod("Rk4DerivativeAlong")!.Invoke(null, new object[] { x, steps, v })!;
            Assert.Equal(Enumerable.Range(0, 4).Sum(j => Product(j) * v[j]) / 24, along, 12);

            var hessian = new double[16];
            type.GetMethod("Rk4HessianIntoArray")!.Invoke(null, new object[] { x, steps, hessian });
            for (int j = 0; j < 4; j++)
            {
                for (int k = 0; k < 4; k++)
                {
                    Assert.Equal(j == k ? 0 : Product(j, k) / 24, hessian[j * 4 + k], 12);
                }
            }
        }

        // n = 2: y₁(1) = x₀x₁/2.
        double[] pair = { 0.7, -1.3 };
        var (twoValue, twoGradient) = SteppedModels.Gradient(type, "Rk4", pair, 3);
        Assert.Equal(pair[0] * pair[1] / 2, twoValue, 12);
        Assert.Equal(pair[1] / 2, twoGradient[0], 12);
        Assert.Equal(pair[0] / 2, twoGradient[1], 12);

        VectorFiniteDifferenceTests.Check(type, "Rk4", null);
    }

    [Fact]
    public void A_stage_read_at_another_element_keeps_its_store()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = GeneratedText.GradientMethod(run.Source("Models.ReadStage.g.cs"), "ReadStage");
        Assert.Contains("computed again from its checkpoint", generated, StringComparison.Ordinal);
        Assert.Equal(2, GeneratedText.Occurrences(generated, "k[i] = x[i] * y[i];"));
        Assert.DoesNotContain("kElement", generated, StringComparison.Ordinal);

        // n = 1 from y = 1 (k reversed is k): a step maps y to y + x y · (y + x y)/2 = y (1 + x (1 + x) y / 2).
        // One step: f = 1 + (x + x²)/2, f' = 1/2 + x.
        // Two steps: a = 1 + (x + x²)/2, f = a + x (1 + x) a²/2, f' = a' + ((1 + 2x) a² + 2 x (1 + x) a a')/2, a' = 1/2 + x.
        var type = run.Load().GetType("Models")!;
        double x = 0.6;
        var (value, gradient) = SteppedModels.Gradient(type, "ReadStage", new[] { x }, 1);
        Assert.Equal(1 + (x + x * x) / 2, value, 12);
        Assert.Equal(0.5 + x, gradient[0], 12);

        double a = 1 + (x + x * x) / 2, da = 0.5 + x;
        (value, gradient) = SteppedModels.Gradient(type, "ReadStage", new[] { x }, 2);
        Assert.Equal(a + x * (1 + x) * a * a / 2, value, 12);
        Assert.Equal(da + ((1 + 2 * x) * a * a + 2 * x * (1 + x) * a * da) / 2, gradient[0], 12);

        VectorFiniteDifferenceTests.Check(type, "ReadStage", null);
    }
}
