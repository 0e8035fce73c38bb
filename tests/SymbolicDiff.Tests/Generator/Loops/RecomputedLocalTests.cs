using SymbolicDiff.Benchmarks.AdBench;

namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// Real locals a loop declares from a little arithmetic on values the backward sweep still has, declared again in the
/// backward iteration instead of saved at the end of each forward one (LoopDifferentiator.RecomputedLocals.cs): the
/// generated text of <see cref="RecomputedLocalFunctions"/> (its own source, run through the generator) and of the
/// shapes the rule leaves alone, and the values of the code generated at build time against values worked by hand and
/// central differences.
/// </summary>
public class RecomputedLocalTests
{
    private const string Models = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            // Four multiplications: more than the push and pop it would replace; kept on the stack.
            [Differentiable]
            public static double DiscountedPowers(double[] x, double[] c)
            {
                double total = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    double power = x[i] * c[i] * x[i] * c[i] * x[i];
                    total = 0.5 * total + power * power;
                }

                return total;
            }

            // A call: never computed again by this rule.
            [Differentiable]
            public static double DiscountedExponentials(double[] x, double[] c)
            {
                double total = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    double e = Math.Exp(x[i] - c[i]);
                    total = 0.5 * total + e * e;
                }

                return total;
            }

            // Assigned again after its declaration: the value at the end of the iteration is not the declaration's.
            [Differentiable]
            public static double DiscountedDoubledSquares(double[] x, double[] c)
            {
                double total = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    double difference = x[i] - c[i];
                    difference = 2 * difference;
                    total = 0.5 * total + difference * difference;
                }

                return total;
            }

            // Reads a real local of the method: not among the values the rule takes as still there.
            [Differentiable]
            public static double DiscountedShiftedSquares(double[] x, double[] c)
            {
                double shift = c[0] * c[0];
                double total = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    double difference = x[i] - shift;
                    total = 0.5 * total + difference * difference;
                }

                return total;
            }
        }
        """;

    [Fact]
    public void A_difference_read_by_a_loop_run_backwards_is_computed_again_not_saved()
    {
        string generated = GeneratedText.GradientMethod(FunctionsRun().Source("RecomputedLocalFunctions.DiscountedSquares.g.cs"), "DiscountedSquares");
        Assert.Contains("double difference = x[i] - c[i]; // computed again, as this iteration did: cheaper than saving difference", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("saved.Push", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("SavedValues", generated, StringComparison.Ordinal);
        // Still run backwards: the adjoint of total is carried from one iteration to the one before.
        Assert.Contains("i >= 0; i--", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void The_discounted_squares_get_the_hand_worked_gradient_and_central_differences()
    {
        // d = x − c = (0.5, 2, −1), weights 0.5², 0.5, 1: total = 0.0625 + 2 + 1; ∂/∂x = 2 d w = (0.25, 2, −2) = −∂/∂c.
        double[] x = { 1, 2, 3 };
        double[] c = { 0.5, 0, 4 };
        var result = RecomputedLocalFunctions.DiscountedSquaresWithGradient(x, c);
        Assert.Equal(3.0625, result.Value);
        Assert.Equal(new[] { 0.25, 2, -2 }, result.X);
        Assert.Equal(new[] { -0.25, -2, 2 }, result.C);

        VectorFiniteDifferenceTests.Check(typeof(RecomputedLocalFunctions), nameof(RecomputedLocalFunctions.DiscountedSquares), null);
    }

    [Fact]
    public void Forward_mode_and_the_hessian_over_the_recomputed_difference_match_the_hand_worked_ones()
    {
        double[] x = { 1, 2, 3 };
        double[] c = { 0.5, 0, 4 };

        // ∂/∂c = (−0.25, −2, 2); along v = (1, −1, 0.5): −0.25 + 2 + 1.
        double[] v = { 1, -1, 0.5 };
        var (value, derivative) = RecomputedLocalFunctions.DiscountedSquaresOfCWithDerivative(x, c, v);
        Assert.Equal(3.0625, value);
        Assert.Equal(2.75, derivative, 14);

        // ∂²/∂cᵢ∂cⱼ = 2 wᵢ δᵢⱼ: diag(0.5, 1, 2).
        var hessian = new double[9];
        RecomputedLocalFunctions.DiscountedSquaresOfCHessianInto(x, c, hessian);
        Assert.Equal(new[] { 0.5, 0, 0, 0, 1, 0, 0, 0, 2 }, hessian);

        // And against central differences of the gradient: each row of the Hessian.
        const double h = 1e-5;
        for (int j = 0; j < 3; j++)
        {
            var plus = (double[])c.Clone();
            var minus = (double[])c.Clone();
            plus[j] += h;
            minus[j] -= h;
            var gradientPlus = RecomputedLocalFunctions.DiscountedSquaresOfCWithGradient(x, plus).C;
            var gradientMinus = RecomputedLocalFunctions.DiscountedSquaresOfCWithGradient(x, minus).C;
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal((gradientPlus[i] - gradientMinus[i]) / (2 * h), hessian[i * 3 + j], 6);
            }
        }
    }

    [Fact]
    public void The_nearest_centroids_backward_step_computes_only_its_differences_again()
    {
        // GradBench's k-means cost as the benchmarks time it (AdBenchObjectives.KMeansCost, compiled into this project too),
        // run through the generator for its text.
        string objective = File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "benchmarks", "SymbolicDiff.Benchmarks", "AdBench", "Objectives", "KMeans.cs"));
        var run = GeneratorHarness.Run("using System;\n" + objective).ShouldSucceed();
        string generated = GeneratedText.GradientMethod(run.Source("SymbolicDiff.Benchmarks.AdBench.AdBenchObjectives.KMeansCost.g.cs"), "KMeansCost");

        // The selected iteration's distance is not computed again (nothing reads it backwards), nothing is saved, and
        // the loop over coordinates counts up.
        Assert.Equal(1, GeneratedText.Occurrences(generated, "distance += difference * difference;"));
        Assert.Contains("int j = closestAt; // the iteration that gave closest its value", generated, StringComparison.Ordinal);
        Assert.Contains("double difference = points[i * d + l] - centroids[j * d + l]; // computed again, as this iteration did: cheaper than saving difference", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("saved.", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("SavedValues", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("l >= 0; l--", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void The_nearest_centroid_cost_gets_the_hand_worked_gradient_and_central_differences()
    {
        // In three dimensions. Point (0, 0, 0): ‖·‖² 1 to c₀ = (1, 0, 0), 12 to c₁ = (2, 2, 2). Point (3, 1, 2): 9 to c₀,
        // 2 to c₁. Cost 1 + 2; ∂/∂cⱼ = Σ over the points nearest it of 2(cⱼ − p): (2, 0, 0) and (−2, 2, 0).
        double[] points = { 0, 0, 0, 3, 1, 2 };
        double[] centroids = { 1, 0, 0, 2, 2, 2 };
        var result = AdBenchObjectives.KMeansCostWithGradient(points, centroids, 3);
        Assert.Equal(3, result.Value);
        Assert.Equal(new[] { 2.0, 0, 0, -2, 2, 0 }, result.Centroids);

        // Forty points, five centroids, four coordinates, away from ties: central differences.
        var random = new Random(12);
        const int d = 4;
        var many = Enumerable.Range(0, 40 * d).Select(_ => random.NextDouble()).ToArray();
        var near = Enumerable.Range(0, 5 * d).Select(i => many[i] + 0.05 * (random.NextDouble() - 0.5)).ToArray();
        var gradient = AdBenchObjectives.KMeansCostWithGradient(many, near, d);
        Assert.Equal(AdBenchObjectives.KMeansCost(many, near, d), gradient.Value);
        for (int e = 0; e < near.Length; e++)
        {
            const double h = 1e-6;
            var plus = (double[])near.Clone();
            var minus = (double[])near.Clone();
            plus[e] += h;
            minus[e] -= h;
            double central = (AdBenchObjectives.KMeansCost(many, plus, d) - AdBenchObjectives.KMeansCost(many, minus, d)) / (2 * h);
            Assert.True(Math.Abs(central - gradient.Centroids[e]) <= 1e-6 * Math.Max(1, Math.Abs(central)), $"∂/∂centroids[{e}]: generated {gradient.Centroids[e]:R}, central difference {central:R}");
        }
    }

    [Fact]
    public void The_gradients_allocate_nothing()
    {
        double[] x = { 1, 2, 3 }, c = { 0.5, 0, 4 }, dX = new double[3], dC = new double[3];
        Assert.Equal(0, Allocations.PerCall(() => RecomputedLocalFunctions.DiscountedSquaresWithGradient(x, c, dX, dC)));
        double[] points = { 0, 0, 0, 3, 1, 2 }, centroids = { 1, 0, 0, 2, 2, 2 }, dCentroids = new double[6];
        Assert.Equal(0, Allocations.PerCall(() => AdBenchObjectives.KMeansCostWithGradient(points, centroids, 3, dCentroids)));
    }

    [Theory]
    [InlineData("DiscountedPowers", "power")]
    [InlineData("DiscountedExponentials", "e")]
    [InlineData("DiscountedDoubledSquares", "difference")]
    [InlineData("DiscountedShiftedSquares", "difference")]
    public void A_local_too_costly_called_assigned_again_or_reading_a_real_local_is_still_saved(string method, string local)
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = GeneratedText.GradientMethod(run.Source($"Models.{method}.g.cs"), method);
        Assert.Contains($"saved.Push({local});", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("computed again, as this iteration did", generated, StringComparison.Ordinal);

        VectorFiniteDifferenceTests.Check(run.Load().GetType("Models")!, method, null);
    }

    /// <summary><see cref="RecomputedLocalFunctions"/>' own source run through the generator, for the text it generates.</summary>
    private static GeneratorRun FunctionsRun() =>
        GeneratorHarness.Run(File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "tests", "SymbolicDiff.Tests", "Generator", "Loops", "RecomputedLocalFunctions.cs"))).ShouldSucceed();
}
