using SymbolicDiff.Tests.AdBench;

namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// An element a loop's iteration writes and only that iteration reads is held in a local, not stored
/// (<c>Differentiation/IterationElements</c>): in the backward sweep of the AD benchmarks' checkpointed Runge–Kutta
/// step, the recomputed stages (read only by the stage point formed in the same fused iteration) and the fourth stage's
/// stored adjoint (read only by that stage's backward lines in its iteration); in its forward sweep and in forward mode,
/// the fourth stage (and its tangent), read only by the update of y in the same iteration. Each shape is checked by what the generator writes and by its derivatives
/// against the closed form (classical RK4 is exact on a nilpotent linear system of four) and central differences; forward
/// mode and second order on the shape the rule applies to. A stage another loop reads at another element keeps its
/// store, checked the same way.
/// </summary>
public class IterationElementTests
{
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
        {{ReadStage}}
        }
        """;

    [Fact]
    public void Stages_read_only_where_they_are_formed_are_held_in_locals_and_the_derivatives_are_the_closed_form()
    {
        // GradBench's ode as the benchmarks time it (AdBenchObjectives.OdeFinalState): classical RK4 on y₀' = x₀,
        // yᵢ' = xᵢ yᵢ₋₁ from y = 0 to t = 2. With z = (1, y) the system is z' = M z, M nilpotent of index n + 1, and a
        // step's map is Σₖ₌₀⁴ (hM)ᵏ/k!, which is exp(hM) for n ≤ 4: yₙ₋₁(2) = Πx · 2ⁿ/n! whatever the number of steps.
        var run = AdBenchObjectiveSource.Run("Ode.cs", "x", """
            public static double OdeFinalStateHessianIntoArray(double[] x, int steps, double[] hessian) => OdeFinalStateHessian(x, steps, hessian);
            public static double OdeFinalStateDerivativeAlong(double[] x, int steps, double[] v) => OdeFinalStateWithDerivative(x, steps, v).Derivative;
            """);
        string source = run.Source(AdBenchObjectiveSource.TypeName + ".OdeFinalState.g.cs");
        string generated = GeneratedText.GradientMethod(source, "OdeFinalState");
        Assert.Contains("computed again from its checkpoint", generated, StringComparison.Ordinal);
        // The backward sweep computes k1, k2 and k3 again into locals; the forward sweep, whose last update reads them,
        // stores them. k4, which nothing after the update reads, is held in a local there.
        Assert.Equal(1, GeneratedText.Occurrences(generated, "k1[i] = x[i] * y[i - 1];"));
        Assert.Equal(1, GeneratedText.Occurrences(generated, "double k1Element = x[i] * y[i - 1];"));
        Assert.Contains("yStage[i] = y[i] + h * k1Element / 2;", generated, StringComparison.Ordinal);
        Assert.Equal(1, GeneratedText.Occurrences(generated, "double k2Element = x[i] * yStage[i - 1];"));
        Assert.Equal(1, GeneratedText.Occurrences(generated, "k2[i] = x[i] * yStage[i - 1];"));
        Assert.Equal(1, GeneratedText.Occurrences(generated, "double k4Element = x[i] * yStage3[i - 1];"));
        Assert.DoesNotContain("k4[i] = ", GeneratedText.WithoutComments(generated), StringComparison.Ordinal);
        // k4's adjoint is formed and read in one iteration; k4[0]'s, outside the loop, stays an element.
        Assert.Contains("double dOdeFinalState_dk4Element = dOdeFinalState_dy[i] * (h / 6);", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("dOdeFinalState_dk4[i]", generated, StringComparison.Ordinal);
        Assert.Contains("dX[0] += dOdeFinalState_dk4[0];", generated, StringComparison.Ordinal);
        // Forward mode: the fourth stage and its tangent held in locals in the update of y and its tangent.
        string forward = GeneratedText.Method(source, "public static (double Value, double Derivative) OdeFinalStateWithDerivative(");
        Assert.Contains("double dK4Element = ", forward, StringComparison.Ordinal);
        Assert.Contains("double k4Element = ", forward, StringComparison.Ordinal);
        Assert.DoesNotContain("k4[i] = ", GeneratedText.WithoutComments(forward), StringComparison.Ordinal);

        // ∂/∂xⱼ is 2ⁿ/n! times the product of the others, ∂²/∂xⱼ∂xₖ 2ⁿ/n! times the product of the two others (0 on the
        // diagonal); forward mode is ∇f · v.
        var type = run.Load().GetType(AdBenchObjectiveSource.TypeName)!;
        foreach (var x in new[] { new[] { 0.7, -1.3, 0.9, 1.2 }, new[] { 0.7, -1.3 } })
        {
            int n = x.Length;
            double scale = Math.Pow(2, n) / (n == 4 ? 24 : 2);
            double[] v = new[] { 0.3, -0.6, 1.1, -0.4 }.Take(n).ToArray();
            double Product(params int[] without) => Enumerable.Range(0, n).Where(i => !without.Contains(i)).Aggregate(scale, (p, i) => p * x[i]);
            foreach (int steps in new[] { 1, 2, 5 })
            {
                var (value, gradient) = SteppedModels.Gradient(type, "OdeFinalState", x, steps);
                Assert.Equal(Product(), value, 12);
                for (int j = 0; j < n; j++)
                {
                    Assert.Equal(Product(j), gradient[j], 12);
                }

                double along = (double)type.GetMethod("OdeFinalStateDerivativeAlong")!.Invoke(null, new object[] { x, steps, v })!;
                Assert.Equal(Enumerable.Range(0, n).Sum(j => Product(j) * v[j]), along, 12);

                var hessian = new double[n * n];
                type.GetMethod("OdeFinalStateHessianIntoArray")!.Invoke(null, new object[] { x, steps, hessian });
                for (int j = 0; j < n; j++)
                {
                    for (int k = 0; k < n; k++)
                    {
                        Assert.Equal(j == k ? 0 : Product(j, k), hessian[j * n + k], 12);
                    }
                }
            }
        }

        VectorFiniteDifferenceTests.Check(type, "OdeFinalState", null);
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
