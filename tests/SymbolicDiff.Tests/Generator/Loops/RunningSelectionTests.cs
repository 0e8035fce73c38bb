namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// Running minima and maxima over a loop (<c>m = Math.Min(m, e)</c>): the forward sweep records the iteration that gave
/// m its value and the backward sweep visits that iteration alone. On a tie the first value to attain the extreme gets
/// the whole adjoint (m's value before the loop counting as first), where <c>Math.Min</c> of two values splits it.
/// </summary>
public static partial class RunningSelectionFunctions
{
    /// <summary>k-means' cost in the plane: Σ over points of the squared distance to the nearest centroid.</summary>
    [Differentiable(nameof(centroids))]
    public static double NearestSquaredDistance(double[] points, double[] centroids)
    {
        double cost = 0;
        for (int i = 0; i < points.Length / 2; i++)
        {
            double closest = double.PositiveInfinity;
            for (int j = 0; j < centroids.Length / 2; j++)
            {
                double distance = 0;
                for (int l = 0; l < 2; l++)
                {
                    double difference = points[i * 2 + l] - centroids[j * 2 + l];
                    distance += difference * difference;
                }

                closest = Math.Min(closest, distance);
            }

            cost += closest;
        }

        return cost;
    }

    /// <summary>3·min over i of (xᵢ² + 1), the first element's value the starting point: a selection at the top level.</summary>
    [Differentiable]
    public static double SmallestShiftedSquare(double[] x)
    {
        double smallest = x[0] * x[0] + 1;
        for (int i = 1; i < x.Length; i++)
        {
            double candidate = x[i] * x[i] + 1;
            smallest = Math.Min(candidate, smallest);
        }

        return 3 * smallest;
    }

    /// <summary>
    /// Row maxima of w·m over a 3-column matrix, folded as total = total/2 + best: the loop over rows is not a plain sum,
    /// so its iterations run backwards after all forward ones, and each row's selected column is saved.
    /// </summary>
    [Differentiable]
    public static double DiscountedRowMaxima(double[] m, double w)
    {
        double total = 0;
        for (int r = 0; r < m.Length / 3; r++)
        {
            double best = double.NegativeInfinity;
            for (int c = 0; c < 3; c++)
            {
                double v = w * m[r * 3 + c];
                best = Math.Max(best, v);
            }

            total = 0.5 * total + best;
        }

        return total;
    }

    /// <summary>The largest element, starting from the first: ties are the point of this one.</summary>
    [Differentiable]
    public static double Largest(double[] x)
    {
        double largest = x[0];
        for (int i = 1; i < x.Length; i++)
        {
            largest = Math.Max(largest, x[i]);
        }

        return largest;
    }

    /// <summary>Log-sum-exp shifted by its running maximum, with second derivatives: forward mode over the selection.</summary>
    [Differentiable(SecondOrder = true)]
    public static double LogSumExp(double[] x)
    {
        double largest = x[0];
        for (int i = 1; i < x.Length; i++)
        {
            largest = Math.Max(largest, x[i]);
        }

        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += Math.Exp(x[i] - largest);
        }

        return Math.Log(sum) + largest;
    }

    /// <summary>The smaller of two elements: Math.Min of two values, not a running one, splits a tie evenly.</summary>
    [Differentiable]
    public static double SmallerOfTwo(double[] x) => Math.Min(x[0], x[1]);
}

public class RunningSelectionTests
{
    [Fact]
    public void The_backward_sweep_visits_only_the_nearest_centroid()
    {
        string source = """
            using System;
            using SymbolicDiff;

            public static partial class Models
            {
                [Differentiable(nameof(centroids))]
                public static double Cost(double[] points, double[] centroids)
                {
                    double cost = 0;
                    for (int i = 0; i < points.Length; i++)
                    {
                        double closest = double.PositiveInfinity;
                        for (int j = 0; j < centroids.Length; j++)
                        {
                            double difference = points[i] - centroids[j];
                            double distance = difference * difference;
                            closest = Math.Min(closest, distance);
                        }

                        cost += closest;
                    }

                    return cost;
                }
            }
            """;
        string file = GeneratorHarness.Run(source).ShouldSucceed().Source("Models.Cost.g.cs");
        int start = file.IndexOf("// Forward sweep: the method's own computation.", StringComparison.Ordinal);
        string generated = file[start..file.IndexOf("return cost;", start, StringComparison.Ordinal)];

        Assert.Contains("if (distance < closest) closestAt = j;", generated, StringComparison.Ordinal);
        Assert.Contains("if (closestAt != centroids.Length)", generated, StringComparison.Ordinal);
        Assert.Contains("int j = closestAt;", generated, StringComparison.Ordinal);

        // Nothing saved per centroid, and no loop over the centroids backwards.
        Assert.DoesNotContain("saved.Push", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("SavedValues", file, StringComparison.Ordinal);
        Assert.DoesNotContain("j >= 0; j--", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void Nearest_centroids_get_the_hand_worked_gradient()
    {
        // Point (0, 0): distances 1 to (1, 0) and 8 to (2, 2). Point (3, 1): 5 and 2. Cost 1 + 2.
        // ∂‖p − c‖²/∂c = 2(c − p) for each point's nearest centroid: (2, 0) for the first, (−2, 2) for the second.
        double[] points = { 0, 0, 3, 1 };
        double[] centroids = { 1, 0, 2, 2 };
        var result = RunningSelectionFunctions.NearestSquaredDistanceWithGradient(points, centroids);
        Assert.Equal(3, result.Value);
        Assert.Equal(new[] { 2.0, 0, -2, 2 }, result.Centroids);
    }

    [Fact]
    public void A_point_as_near_to_two_centroids_sends_its_gradient_to_the_first()
    {
        // (0, 0) is at distance 1 from both (1, 0) and (0, 1): the first attains the minimum, and gets 2(c − p) = (2, 0).
        double[] points = { 0, 0 };
        double[] centroids = { 1, 0, 0, 1 };
        var result = RunningSelectionFunctions.NearestSquaredDistanceWithGradient(points, centroids);
        Assert.Equal(1, result.Value);
        Assert.Equal(new[] { 2.0, 0, 0, 0 }, result.Centroids);
    }

    [Fact]
    public void A_selection_at_the_top_level_matches_the_hand_worked_gradient()
    {
        // Candidates 1.25, 1.04, 5, 1.09: the smallest is x[1]'s, so ∂/∂x[1] = 3·2·x[1] and nothing else.
        double[] x = { 0.5, -0.2, 2, 0.3 };
        var result = RunningSelectionFunctions.SmallestShiftedSquareWithGradient(x);
        Assert.Equal(3 * 1.04, result.Value, 14);
        Assert.Equal(new[] { 0, 3 * 2 * -0.2, 0, 0 }, result.X);

        // The first element's value is never beaten: the adjoint goes to it.
        double[] first = { 0.1, 0.5, -2 };
        Assert.Equal(new[] { 3 * 2 * 0.1, 0, 0 }, RunningSelectionFunctions.SmallestShiftedSquareWithGradient(first).X);
    }

    [Fact]
    public void Row_maxima_inside_a_loop_run_backwards_match_the_hand_worked_gradient()
    {
        // w = 2. Row 0: 2, 6, 4: best 6 (column 1), total = 6. Row 1: −2, −8, 1: best 1 (column 2), total = 3 + 1 = 4.
        // ∂total/∂best₀ = 0.5, ∂total/∂best₁ = 1; ∂best/∂m = w, ∂best/∂w = m at the selected column.
        double[] m = { 1, 3, 2, -1, -4, 0.5 };
        var result = RunningSelectionFunctions.DiscountedRowMaximaWithGradient(m, 2);
        Assert.Equal(4, result.Value);
        Assert.Equal(new[] { 0, 0.5 * 2, 0, 0, 0, 2 }, result.M);
        Assert.Equal(0.5 * 3 + 0.5, result.W);
    }

    [Fact]
    public void A_running_maximum_gives_a_tie_to_the_first_value_that_attains_it()
    {
        // Ties among the elements: the first of them (index 1) gets the whole adjoint.
        Assert.Equal(new[] { 0.0, 1, 0, 0 }, RunningSelectionFunctions.LargestWithGradient(new[] { 1.0, 3, 3, 2 }).X);

        // A tie with the starting value: the starting value (x[0]) keeps it.
        Assert.Equal(new[] { 1.0, 0, 0 }, RunningSelectionFunctions.LargestWithGradient(new[] { 3.0, 3, 1 }).X);

        // All equal: x[0] again; the gradient still sums to 1, as the maximum's derivative along (1, 1, …, 1) is 1.
        var equal = RunningSelectionFunctions.LargestWithGradient(new[] { 2.0, 2, 2, 2 });
        Assert.Equal(new[] { 1.0, 0, 0, 0 }, equal.X);

        // Math.Min of two values is not a running minimum: a tie splits evenly there.
        Assert.Equal(new[] { 0.5, 0.5 }, RunningSelectionFunctions.SmallerOfTwoWithGradient(new[] { 4.0, 4 }).X);
    }

    [Fact]
    public void Second_derivatives_over_a_running_maximum_match_the_softmax_Hessian()
    {
        // ∇ = p = softmax(x); H·v = p∘v − p (p·v), whichever element the maximum selected.
        double[] x = { 0.3, -1.2, 2, 0.7, 2 };
        double[] v = { 1, -0.5, 0.25, 2, -1 };
        double[] exp = x.Select(value => Math.Exp(value)).ToArray();
        double[] p = exp.Select(e => e / exp.Sum()).ToArray();
        double pv = p.Zip(v, (a, b) => a * b).Sum();

        double[] gradient = new double[x.Length];
        double[] product = new double[x.Length];
        double value = RunningSelectionFunctions.LogSumExpHessianVectorProduct(x, v, gradient, product);
        Assert.Equal(Math.Log(exp.Sum()), value, 13);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(p[i], gradient[i], 13);
            Assert.Equal(p[i] * v[i] - p[i] * pv, product[i], 12);
        }
    }

    [Theory]
    [InlineData(nameof(RunningSelectionFunctions.LogSumExp))]
    [InlineData(nameof(RunningSelectionFunctions.NearestSquaredDistance))]
    [InlineData(nameof(RunningSelectionFunctions.SmallestShiftedSquare))]
    [InlineData(nameof(RunningSelectionFunctions.DiscountedRowMaxima))]
    [InlineData(nameof(RunningSelectionFunctions.Largest))]
    public void Gradient_matches_central_finite_differences(string methodName) =>
        VectorFiniteDifferenceTests.Check(typeof(RunningSelectionFunctions), methodName, methodName switch
        {
            nameof(RunningSelectionFunctions.NearestSquaredDistance) => random => new[] { 2 * random.Next(1, 5), 2 * random.Next(1, 4) },
            nameof(RunningSelectionFunctions.DiscountedRowMaxima) => random => new[] { 3 * random.Next(1, 5) },
            _ => null,
        });
}
