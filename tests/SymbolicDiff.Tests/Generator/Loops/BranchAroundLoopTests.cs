namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// A branch whose body is a loop (<c>if (row is wanted) { for … }</c>): the gradient keeps it a branch around the loop
/// in both sweeps, so the loop runs, and saves its values, only where the branch is taken.
/// </summary>
public static partial class BranchAroundLoopFunctions
{
    /// <summary>Σ over the rows of a 3-column matrix whose first element is positive of w·√(Σ m² + 1).</summary>
    [Differentiable]
    public static double PositiveRowNorms(double[] m, double w)
    {
        double total = 0;
        for (int r = 0; r < m.Length / 3; r++)
        {
            if (m[r * 3] > 0)
            {
                double s = 0;
                for (int c = 0; c < 3; c++)
                {
                    s += m[r * 3 + c] * m[r * 3 + c];
                }

                total += w * Math.Sqrt(s + 1);
            }
        }

        return total;
    }

    /// <summary>
    /// Per row of a 3-column matrix, where the row's scale is positive: the product of its elements up to the first
    /// negative one (an early exit from the loop inside the branch; the product is saved before each overwrite).
    /// </summary>
    [Differentiable]
    public static double ScaledPrefixProducts(double[] m, double[] scale)
    {
        double total = 0;
        for (int r = 0; r < scale.Length; r++)
        {
            double product = 1;
            if (scale[r] > 0)
            {
                for (int c = 0; c < 3; c++)
                {
                    if (m[r * 3 + c] < 0)
                    {
                        break;
                    }

                    product *= m[r * 3 + c];
                }

                total += scale[r] * product;
            }
        }

        return total;
    }

    /// <summary>A branch around a loop at the method's top level, with an else branch that loops too.</summary>
    [Differentiable]
    public static double TopLevelBranch(double[] x, double a)
    {
        double s = 0;
        if (a > 0)
        {
            for (int i = 0; i < x.Length; i++)
            {
                s += a * x[i] * x[i];
            }
        }
        else
        {
            for (int i = 0; i < x.Length; i++)
            {
                s += Math.Sin(a * x[i]);
            }
        }

        return s;
    }

    /// <summary>Σ x³ over the pairs whose first element is positive, with second derivatives: forward mode over the branch.</summary>
    [Differentiable(SecondOrder = true)]
    public static double CubesOfPositivePairs(double[] x)
    {
        double s = 0;
        for (int r = 0; r < x.Length / 2; r++)
        {
            if (x[2 * r] > 0)
            {
                for (int c = 0; c < 2; c++)
                {
                    s += x[2 * r + c] * x[2 * r + c] * x[2 * r + c];
                }
            }
        }

        return s;
    }

    /// <summary>The product of the elements whose index is not a multiple of 3: a branch on integers only, in a loop run backwards.</summary>
    [Differentiable]
    public static double ProductOffThirds(double[] x)
    {
        double p = 1;
        for (int i = 0; i < x.Length; i++)
        {
            if (i % 3 != 0)
            {
                p *= x[i];
            }
        }

        return p;
    }

    /// <summary>Branches around loops, nested: a running sum of squares that a row's later columns multiply.</summary>
    [Differentiable]
    public static double NestedBranches(double[] m)
    {
        double total = 0;
        for (int r = 0; r < m.Length / 3; r++)
        {
            if (m[r * 3] > -0.5)
            {
                double running = 1;
                for (int c = 0; c < 3; c++)
                {
                    if (m[r * 3 + c] < 0.8)
                    {
                        for (int k = 0; k <= c; k++)
                        {
                            running = running * (1 + m[r * 3 + k] * m[r * 3 + k]);
                        }
                    }
                }

                total += Math.Log(running);
            }
        }

        return total;
    }
}

public class BranchAroundLoopTests
{
    [Fact]
    public void The_generated_code_keeps_the_branch_around_the_loop_in_both_sweeps()
    {
        string source = """
            using System;
            using SymbolicDiff;

            public static partial class Models
            {
                [Differentiable(nameof(m))]
                public static double ScaledPrefixProducts(double[] m, double[] scale)
                {
                    double total = 0;
                    for (int r = 0; r < scale.Length; r++)
                    {
                        double product = 1;
                        if (scale[r] > 0)
                        {
                            for (int c = 0; c < 3; c++)
                            {
                                product *= m[r * 3 + c];
                            }

                            total += scale[r] * product;
                        }
                    }

                    return total;
                }
            }
            """;
        string file = GeneratorHarness.Run(source).ShouldSucceed().Source("Models.ScaledPrefixProducts.g.cs");
        int start = file.IndexOf("// Forward sweep: the method's own computation.", StringComparison.Ordinal);
        string generated = file[start..file.IndexOf("saved.Dispose();", start, StringComparison.Ordinal)];

        // Forward: the loop under the branch, its assignments no longer guarded one by one; backward: the same.
        string[] lines = generated.Split('\n').Select(line => line.Trim()).ToArray();
        int[] branches = Enumerable.Range(0, lines.Length).Where(i => lines[i] == "if (branch)").ToArray();
        Assert.Equal(2, branches.Length);
        Assert.Equal("{", lines[branches[0] + 1]);
        Assert.StartsWith("for (int c = 0; c < 3; c++)", lines[branches[0] + 2], StringComparison.Ordinal);
        Assert.DoesNotContain("if (branch) product", generated, StringComparison.Ordinal);
        Assert.Contains(lines.Skip(branches[1]), line => line.StartsWith("for (int c = 3 - 1; c >= 0; c--)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_local_declared_zero_inside_the_branch_is_written_zero_not_guarded()
    {
        // The parser flattens the branch, so a local declared in it is 0 where the branch is not taken; a declaration
        // of 0 itself needs no guard (it read `double s = branch ? 0.0 : 0.0;`). A value that is not 0 is set under the branch.
        string source = """
            using System;
            using SymbolicDiff;

            public static partial class Models
            {
                [Differentiable]
                public static double PositiveRowNorms(double[] m, double w)
                {
                    double total = 0;
                    for (int r = 0; r < m.Length / 3; r++)
                    {
                        if (m[r * 3] > 0)
                        {
                            double s = 0;
                            double offset = 1;
                            for (int c = 0; c < 3; c++)
                            {
                                s += m[r * 3 + c] * m[r * 3 + c];
                            }

                            total += w * Math.Sqrt(s + offset);
                        }
                    }

                    return total;
                }
            }
            """;
        var run = GeneratorHarness.Run(source).ShouldSucceed();
        string file = run.Source("Models.PositiveRowNorms.g.cs");
        Assert.DoesNotContain("? 0.0 : 0.0", file, StringComparison.Ordinal);
        Assert.Contains("double s = 0.0;", file, StringComparison.Ordinal);
        // The 1 is set under the branch, in the one block that holds the loop (BranchBlocks: declared 0 before it).
        Assert.Contains("double offset = 0.0;\nif (branch)\n{\noffset = 1.0;\nfor (int c = 0; c < 3; c++)", string.Join("\n", file.Split('\n').Select(line => line.Trim())), StringComparison.Ordinal);
        Assert.DoesNotContain("offset = branch ?", file, StringComparison.Ordinal);

        // The same rows as Positive_row_norms_match_the_hand_worked_gradient: w·(√7 + √1.5), row 1 skipped.
        double[] m = { 1, 2, -1, -1, 5, 5, 0.5, 0, 0.5 };
        var withGradient = run.Load().GetType("Models")!.GetMethods().Single(method => method.Name == "PositiveRowNormsWithGradient" && method.GetParameters().Length == 2);
        object result = withGradient.Invoke(null, new object[] { m, 2.0 })!;
        Assert.Equal(2 * (Math.Sqrt(7) + Math.Sqrt(1.5)), (double)result.GetType().GetProperty("Value")!.GetValue(result)!, 14);
        double[] dM = (double[])result.GetType().GetProperty("M")!.GetValue(result)!;
        double[] expected = { 2 / Math.Sqrt(7), 4 / Math.Sqrt(7), -2 / Math.Sqrt(7), 0, 0, 0, 1 / Math.Sqrt(1.5), 0, 1 / Math.Sqrt(1.5) };
        for (int i = 0; i < m.Length; i++)
        {
            Assert.Equal(expected[i], dM[i], 14);
        }
    }

    [Fact]
    public void Positive_row_norms_match_the_hand_worked_gradient()
    {
        // Row 0 (1, 2, −1): s = 6, w·√7. Row 1 (−1, 5, 5): skipped. Row 2 (0.5, 0, 0.5): s = 0.5, w·√1.5.
        double[] m = { 1, 2, -1, -1, 5, 5, 0.5, 0, 0.5 };
        double w = 2;
        var result = BranchAroundLoopFunctions.PositiveRowNormsWithGradient(m, w);
        Assert.Equal(w * (Math.Sqrt(7) + Math.Sqrt(1.5)), result.Value, 14);
        Assert.Equal(Math.Sqrt(7) + Math.Sqrt(1.5), result.W, 14);

        // ∂(w·√(s + 1))/∂m = w·m/√(s + 1) on a kept row, 0 on a skipped one.
        double[] expected =
        {
            w * 1 / Math.Sqrt(7), w * 2 / Math.Sqrt(7), w * -1 / Math.Sqrt(7),
            0, 0, 0,
            w * 0.5 / Math.Sqrt(1.5), 0, w * 0.5 / Math.Sqrt(1.5),
        };
        for (int i = 0; i < m.Length; i++)
        {
            Assert.Equal(expected[i], result.M[i], 14);
        }
    }

    [Fact]
    public void Scaled_prefix_products_with_an_early_exit_match_the_hand_worked_gradient()
    {
        // Row 0, scale 2: 1.5 · 2 · 0.5 = 1.5. Row 1, scale −1: skipped. Row 2, scale 3: 2, then −1 breaks: product 2.
        double[] m = { 1.5, 2, 0.5, 4, 4, 4, 2, -1, 7 };
        double[] scale = { 2, -1, 3 };
        var result = BranchAroundLoopFunctions.ScaledPrefixProductsWithGradient(m, scale);
        Assert.Equal(2 * 1.5 + 3 * 2, result.Value, 14);
        Assert.Equal(new[] { 1.5, 0, 2 }, result.Scale);

        // ∂(scale · Π)/∂m_c = scale · Π / m_c over the factors that were multiplied in.
        double[] expected = { 2 * 2 * 0.5, 2 * 1.5 * 0.5, 2 * 1.5 * 2, 0, 0, 0, 3, 0, 0 };
        for (int i = 0; i < m.Length; i++)
        {
            Assert.Equal(expected[i], result.M[i], 14);
        }
    }

    [Fact]
    public void A_top_level_branch_and_its_else_match_the_hand_worked_gradient()
    {
        double[] x = { 0.5, -1, 2 };
        var taken = BranchAroundLoopFunctions.TopLevelBranchWithGradient(x, 1.5);
        Assert.Equal(1.5 * 5.25, taken.Value, 14);
        Assert.Equal(5.25, taken.A, 14);
        Assert.Equal(new[] { 1.5, -3, 6 }, taken.X);

        var otherwise = BranchAroundLoopFunctions.TopLevelBranchWithGradient(x, -0.5);
        Assert.Equal(x.Sum(v => Math.Sin(-0.5 * v)), otherwise.Value, 14);
        Assert.Equal(x.Sum(v => v * Math.Cos(-0.5 * v)), otherwise.A, 14);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(-0.5 * Math.Cos(-0.5 * x[i]), otherwise.X[i], 14);
        }
    }

    [Fact]
    public void Second_derivatives_over_a_branch_around_a_loop_match_the_hand_worked_Hessian()
    {
        // Pairs (1, −2) and (0.5, 3) are kept, (−1, 4) is not: ∂²/∂xᵢ² = 6xᵢ on kept pairs, 0 elsewhere, no cross terms.
        double[] x = { 1, -2, -1, 4, 0.5, 3 };
        double[] v = { 0.5, 1, 2, -1, -2, 0.25 };
        double[] gradient = new double[x.Length];
        double[] product = new double[x.Length];
        double value = BranchAroundLoopFunctions.CubesOfPositivePairsHessianVectorProduct(x, v, gradient, product);
        Assert.Equal(1 - 8 + 0.125 + 27, value, 13);
        Assert.Equal(new[] { 3.0, 12, 0, 0, 0.75, 27 }, gradient);
        Assert.Equal(new[] { 6 * 1 * 0.5, 6 * -2 * 1.0, 0, 0, 6 * 0.5 * -2, 6 * 3 * 0.25 }, product);
    }

    [Fact]
    public void A_branch_on_integers_only_is_computed_again_in_the_backward_loop_not_saved()
    {
        string source = """
            using System;
            using SymbolicDiff;

            public static partial class Models
            {
                [Differentiable]
                public static double ProductOffThirds(double[] x)
                {
                    double p = 1;
                    for (int i = 0; i < x.Length; i++)
                    {
                        if (i % 3 != 0)
                        {
                            p *= x[i];
                        }
                    }

                    return p;
                }
            }
            """;
        string file = GeneratorHarness.Run(source).ShouldSucceed().Source("Models.ProductOffThirds.g.cs");
        int start = file.IndexOf("// Forward sweep: the method's own computation.", StringComparison.Ordinal);
        string generated = file[start..file.IndexOf("saved.Dispose();", start, StringComparison.Ordinal)];
        Assert.DoesNotContain("saved.Push(branch", generated, StringComparison.Ordinal);
        Assert.Equal(2, generated.Split("bool branch = i % 3 != 0;").Length - 1); // declared forward, computed again backward

        // x = 2, 3, 5, 7: p = 3 · 5, so ∂p/∂x = (0, 5, 3, 0).
        var result = BranchAroundLoopFunctions.ProductOffThirdsWithGradient(new[] { 2.0, 3, 5, 7 });
        Assert.Equal(15, result.Value);
        Assert.Equal(new[] { 0.0, 5, 3, 0 }, result.X);
    }

    [Theory]
    [InlineData(nameof(BranchAroundLoopFunctions.ProductOffThirds))]
    [InlineData(nameof(BranchAroundLoopFunctions.CubesOfPositivePairs))]
    [InlineData(nameof(BranchAroundLoopFunctions.PositiveRowNorms))]
    [InlineData(nameof(BranchAroundLoopFunctions.ScaledPrefixProducts))]
    [InlineData(nameof(BranchAroundLoopFunctions.TopLevelBranch))]
    [InlineData(nameof(BranchAroundLoopFunctions.NestedBranches))]
    public void Gradient_matches_central_finite_differences(string methodName) =>
        VectorFiniteDifferenceTests.Check(typeof(BranchAroundLoopFunctions), methodName, methodName switch
        {
            nameof(BranchAroundLoopFunctions.ScaledPrefixProducts) => random => Rows(random, rows => new[] { 3 * rows, rows }),
            nameof(BranchAroundLoopFunctions.TopLevelBranch) => null,
            nameof(BranchAroundLoopFunctions.CubesOfPositivePairs) => random => new[] { 2 * random.Next(1, 5) },
            _ => random => Rows(random, rows => new[] { 3 * rows }),
        });

    private static int[] Rows(Random random, Func<int, int[]> shape) => shape(random.Next(2, 6));
}
