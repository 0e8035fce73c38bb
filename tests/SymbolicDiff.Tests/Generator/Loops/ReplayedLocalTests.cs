using SymbolicDiff.Benchmarks.AdBench;

namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// Passive locals the backward sweep computes again instead of saving: a sign flipped in a loop (<c>sign = -sign</c>),
/// real or integer, declared in a loop's body or at the top level; and the shapes that must keep their saves.
/// </summary>
public static partial class ReplayedLocalFunctions
{
    /// <summary>Σ (−1)^i x[i]²: a sign declared at the top level and flipped after each read.</summary>
    [Differentiable]
    public static double AlternatingSquares(double[] x)
    {
        double sign = 1;
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += sign * x[i] * x[i];
            sign = -sign;
        }

        return s;
    }

    /// <summary>
    /// Σ over the rows of a 4-column matrix of (Σ over the columns c with c % 3 != 1 of ± m[r, c])², the sign flipping
    /// at each kept column: the determinant's shape (a sign declared in the body of the loop over rows, flipped under a
    /// branch in the loop over columns).
    /// </summary>
    [Differentiable(SecondOrder = true)]
    public static double RowAlternations(double[] m)
    {
        double total = 0;
        for (int r = 0; r < m.Length / 4; r++)
        {
            double sign = 1;
            double row = 0;
            for (int c = 0; c < 4; c++)
            {
                if (c % 3 != 1)
                {
                    row += sign * m[r * 4 + c];
                    sign = -sign;
                }
            }

            total += row * row;
        }

        return total;
    }

    /// <summary>Π over the rows of (1 + row²), row as in <see cref="RowAlternations"/>: a product, so the loop over rows runs backwards.</summary>
    [Differentiable]
    public static double RowAlternationProduct(double[] m)
    {
        double total = 1;
        for (int r = 0; r < m.Length / 4; r++)
        {
            double sign = 1;
            double row = 0;
            for (int c = 0; c < 4; c++)
            {
                if (c % 3 != 1)
                {
                    row += sign * m[r * 4 + c];
                    sign = -sign;
                }
            }

            total *= 1 + row * row;
        }

        return total;
    }

    /// <summary><see cref="RowAlternations"/> with an integer sign, flipped before it is read.</summary>
    [Differentiable]
    public static double RowAlternationsIntegerSign(double[] m)
    {
        double total = 0;
        for (int r = 0; r < m.Length / 4; r++)
        {
            int sign = -1;
            double row = 0;
            for (int c = 0; c < 4; c++)
            {
                if (c % 3 != 1)
                {
                    sign = -sign;
                    row += sign * m[r * 4 + c];
                }
            }

            total += row * row;
        }

        return total;
    }

    /// <summary>Not the rule: the sign's final value is read after the loop that flips it (Σ ± x[i] + sign · x[0]).</summary>
    [Differentiable]
    public static double SignReadAfterItsLoop(double[] x)
    {
        double total = 0;
        for (int r = 0; r < 2; r++)
        {
            double sign = 1;
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                s += sign * x[i] * x[i];
                sign = -sign;
            }

            total += s * s + sign * x[0];
        }

        return total;
    }

    /// <summary>
    /// Not the rule: Π (±x[i]), a product whose backward loop restores each earlier value from the stack, so it cannot
    /// run forwards; the sign is saved as before.
    /// </summary>
    [Differentiable]
    public static double AlternatingProduct(double[] x)
    {
        double sign = 1;
        double p = 1;
        for (int i = 0; i < x.Length; i++)
        {
            p = p * (sign * x[i] + 2);
            sign = -sign;
        }

        return p;
    }
}

public class ReplayedLocalTests
{
    private static string Sweeps(string source, string file)
    {
        string generated = GeneratorHarness.Run(source).ShouldSucceed().Source(file);
        int start = generated.IndexOf("// Forward sweep: the method's own computation.", StringComparison.Ordinal);
        return generated[start..generated.IndexOf("return ", start, StringComparison.Ordinal)];
    }

    private const string RowAlternationsSource = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            [Differentiable]
            public static double RowAlternations(double[] m)
            {
                double total = 0;
                for (int r = 0; r < m.Length / 4; r++)
                {
                    double sign = 1;
                    double row = 0;
                    for (int c = 0; c < 4; c++)
                    {
                        if (c % 3 != 1)
                        {
                            row += sign * m[r * 4 + c];
                            sign = -sign;
                        }
                    }

                    total OPERATOR;
                }

                return total;
            }
        }
        """;

    [Theory]
    [InlineData("*= 1 + row * row", "// Backward sweep", "double sign = 1.0;")] // the loop over rows runs backwards
    [InlineData("+= row * row", "// This iteration's backward sweep", "sign = 1.0;")] // row by row: the forward sweep's sign is in scope
    public void A_flipped_sign_is_computed_again_in_a_forward_loop_and_nothing_is_saved_for_it(string update, string backwardStart, string declaration)
    {
        string generated = Sweeps(RowAlternationsSource.Replace("OPERATOR", update, StringComparison.Ordinal), "Models.RowAlternations.g.cs");
        Assert.DoesNotContain("saved.Push(sign", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("sign = saved.Pop()", generated, StringComparison.Ordinal);

        // Backward: the sign declared again, then the loop over columns in the forward order, each flip after the read.
        string backward = generated[generated.IndexOf(backwardStart, StringComparison.Ordinal)..];
        string[] lines = backward.Split('\n').Select(line => line.Trim()).ToArray();
        int declared = Array.FindIndex(lines, line => line.StartsWith(declaration, StringComparison.Ordinal));
        int loop = Array.FindIndex(lines, line => line.StartsWith("for (int c = 0; c < 4; c++)", StringComparison.Ordinal));
        int read = Array.FindIndex(lines, line => line.Contains("dM[r * 4 + c] += ", StringComparison.Ordinal) && line.Contains("sign", StringComparison.Ordinal));
        // The read and the flip in the one block under the branch, the flip after the read.
        int flip = Array.FindIndex(lines, line => line.StartsWith("sign = -sign;", StringComparison.Ordinal));
        int branch = Array.FindLastIndex(lines, Math.Max(flip, 0), line => line == "if (branch)");
        Assert.True(declared >= 0 && declared < loop && loop < branch && branch < read && read < flip, backward);
    }

    [Fact]
    public void A_sign_read_after_its_loop_keeps_its_saves()
    {
        string source = """
            using System;
            using SymbolicDiff;

            public static partial class Models
            {
                [Differentiable]
                public static double SignReadAfterItsLoop(double[] x)
                {
                    double total = 0;
                    for (int r = 0; r < 2; r++)
                    {
                        double sign = 1;
                        double s = 0;
                        for (int i = 0; i < x.Length; i++)
                        {
                            s += sign * x[i] * x[i];
                            sign = -sign;
                        }

                        total += s * s + sign * x[0];
                    }

                    return total;
                }
            }
            """;
        Assert.Contains("saved.Push(sign)", Sweeps(source, "Models.SignReadAfterItsLoop.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Alternating_squares_match_the_hand_worked_gradient()
    {
        // x = (1, 2, −3, 0.5): s = 1 − 4 + 9 − 0.25; ∂s/∂x[i] = 2 · (−1)^i · x[i].
        double[] x = { 1, 2, -3, 0.5 };
        var result = ReplayedLocalFunctions.AlternatingSquaresWithGradient(x);
        Assert.Equal(5.75, result.Value, 14);
        Assert.Equal(new[] { 2.0, -4, -6, -1 }, result.X);
    }

    [Fact]
    public void Row_alternations_match_the_hand_worked_gradient_for_both_signs()
    {
        // Row 0 (1, 7, 2, 3): kept columns 0, 2, 3 with signs +, −, +: row = 1 − 2 + 3 = 2.
        // Row 1 (−1, 5, 0.5, 4): −1 − 0.5 + 4 = 2.5. total = 4 + 6.25; ∂/∂m[r, c] = 2 · row_r · sign_c, 0 at column 1.
        double[] m = { 1, 7, 2, 3, -1, 5, 0.5, 4 };
        double[] expected = { 4, 0, -4, 4, 5, 0, -5, 5 };
        var real = ReplayedLocalFunctions.RowAlternationsWithGradient(m);
        Assert.Equal(10.25, real.Value, 14);
        Assert.Equal(expected, real.M);

        // The integer sign starts at −1 and flips before each read: the same signs.
        var integer = ReplayedLocalFunctions.RowAlternationsIntegerSignWithGradient(m);
        Assert.Equal(10.25, integer.Value, 14);
        Assert.Equal(expected, integer.M);

        // As a product: (1 + 4)(1 + 6.25) = 36.25; ∂/∂m[r, c] = 36.25 / (1 + row_r²) · 2 · row_r · sign_c.
        var product = ReplayedLocalFunctions.RowAlternationProductWithGradient(m);
        Assert.Equal(36.25, product.Value, 14);
        Assert.Equal(new double[] { 29, 0, -29, 29, 25, 0, -25, 25 }, product.M.Select(v => Math.Round(v, 12)).ToArray());
    }

    [Fact]
    public void The_shapes_that_keep_their_saves_match_the_hand_worked_gradient()
    {
        // x = (1, 2, 3): s = 1 − 4 + 9 = 6 and the final sign is −1 in each of the two rows: total = 2 · (36 − 1).
        // ∂/∂x[i] = 2 · (2 s · 2 (−1)^i x[i]) − 2 · [i = 0].
        double[] x = { 1, 2, 3 };
        var read = ReplayedLocalFunctions.SignReadAfterItsLoopWithGradient(x);
        Assert.Equal(70, read.Value, 13);
        Assert.Equal(new[] { 2 * 2 * 6 * 2 * 1.0 - 2, 2 * 2 * 6 * 2 * -2.0, 2 * 2 * 6 * 2 * 3.0 }, read.X);

        // Π (±x[i] + 2) over (0.5, 1, 3): factors 2.5, 1, 5; ∂/∂x[i] = ±Π / factor_i.
        var product = ReplayedLocalFunctions.AlternatingProductWithGradient(new[] { 0.5, 1, 3 });
        Assert.Equal(12.5, product.Value, 14);
        Assert.Equal(new[] { 12.5 / 2.5, -12.5 / 1, 12.5 / 5 }, product.X);
    }

    [Fact]
    public void Second_derivatives_over_a_replayed_sign_match_the_hand_worked_Hessian()
    {
        // Per row, total = (s · m_r)² with s = (1, 0, −1, 1): its Hessian is 2 s sᵀ, so H v = 2 (s · v_r) s per row.
        // Row 0: s · (1, 1, 1, 1) = 1; row 1: s · (0.5, 0, −1, 2) = 3.5.
        double[] m = { 1, 7, 2, 3, -1, 5, 0.5, 4 };
        double[] v = { 1, 1, 1, 1, 0.5, 0, -1, 2 };
        double[] gradient = new double[m.Length];
        double[] product = new double[m.Length];
        double value = ReplayedLocalFunctions.RowAlternationsHessianVectorProduct(m, v, gradient, product);
        Assert.Equal(10.25, value, 14);
        Assert.Equal(new double[] { 4, 0, -4, 4, 5, 0, -5, 5 }, gradient);
        Assert.Equal(new double[] { 2, 0, -2, 2, 7, 0, -7, 7 }, product);
    }

    [Theory]
    [InlineData(nameof(ReplayedLocalFunctions.AlternatingSquares))]
    [InlineData(nameof(ReplayedLocalFunctions.RowAlternations))]
    [InlineData(nameof(ReplayedLocalFunctions.RowAlternationsIntegerSign))]
    [InlineData(nameof(ReplayedLocalFunctions.RowAlternationProduct))]
    [InlineData(nameof(ReplayedLocalFunctions.SignReadAfterItsLoop))]
    [InlineData(nameof(ReplayedLocalFunctions.AlternatingProduct))]
    public void Gradient_matches_central_finite_differences(string methodName) =>
        VectorFiniteDifferenceTests.Check(typeof(ReplayedLocalFunctions), methodName, methodName.StartsWith("RowAlternation", StringComparison.Ordinal)
            ? random => new[] { 4 * random.Next(1, 5) }
            : null);

    [Fact]
    public void Forward_mode_matches_the_gradient_and_central_differences()
    {
        var random = new Random(5);
        double[] m = Enumerable.Range(0, 12).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double[] direction = Enumerable.Range(0, 12).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var gradient = ReplayedLocalFunctions.RowAlternationsWithGradient(m);
        var (value, derivative) = ReplayedLocalFunctions.RowAlternationsWithDerivative(m, direction);
        Assert.Equal(gradient.Value, value, 14);
        Assert.Equal(gradient.M.Zip(direction, (g, d) => g * d).Sum(), derivative, 12);
        Assert.Equal(CentralDifference(t => ReplayedLocalFunctions.RowAlternations(Along(m, direction, t))), derivative, 6);
    }

    [Fact]
    public void The_determinants_forward_mode_keeps_the_branch_around_the_column_loop()
    {
        string source = """
            using System;
            using SymbolicDiff;

            public static partial class Models
            {
                [Differentiable]
                public static double Minors(double[] a, int ell)
                {
                    int[] powersOfTwo = [1, 2, 4, 8, 16];
                    int subsets = powersOfTwo[ell];
                    Span<double> minors = stackalloc double[subsets];
                    Span<double> columnCount = stackalloc double[subsets];
                    for (int set = 1; set < subsets; set++)
                    {
                        columnCount[set] = columnCount[set / 2] + set % 2;
                    }

                    minors[0] = 1;
                    for (int row = ell - 1; row >= 0; row--)
                    {
                        for (int set = 1; set < subsets; set++)
                        {
                            if (columnCount[set] == ell - row)
                            {
                                double minor = 0;
                                double sign = 1;
                                for (int column = 0; column < ell; column++)
                                {
                                    if (set / powersOfTwo[column] % 2 == 1)
                                    {
                                        minor += sign * a[row * ell + column] * minors[set - powersOfTwo[column]];
                                        sign = -sign;
                                    }
                                }

                                minors[set] = minor;
                            }
                        }
                    }

                    return minors[subsets - 1];
                }
            }
            """;
        string file = GeneratorHarness.Run(source).ShouldSucceed().Source("Models.Minors.g.cs");
        string forward = file[file.IndexOf("// One forward sweep", StringComparison.Ordinal)..];
        string[] lines = forward.Split('\n').Select(line => line.Trim()).ToArray();
        int branch = Array.IndexOf(lines, "if (branch)");
        Assert.True(branch > 0, forward);
        Assert.Equal("{", lines[branch + 1]);
        // The sign's 1 is set in the same block (BranchBlocks: declared 0 before it), then the column loop.
        Assert.Equal("sign = 1.0;", lines[branch + 2]);
        Assert.StartsWith("for (int column = 0; column < ell; column++)", lines[branch + 3], StringComparison.Ordinal);
        Assert.DoesNotContain("branch && ", forward, StringComparison.Ordinal);
        Assert.DoesNotContain("if (branch) minors[set]", forward, StringComparison.Ordinal);

        // The reverse transform computes the branch and the sign again, and each of minors' elements is written once, so
        // its 0 is restored rather than saved (FirstWriteTests; minors[0] = 1 overwrites a zero nothing reads backwards,
        // UnsavedWriteTests): nothing is saved.
        string gradient = file[file.IndexOf("// Forward sweep: the method's own computation.", StringComparison.Ordinal)..file.IndexOf("// One forward sweep", StringComparison.Ordinal)];
        Assert.DoesNotContain("saved.", gradient, StringComparison.Ordinal);
        Assert.Contains("minors[set] = 0.0;", gradient, StringComparison.Ordinal);
    }

    [Fact]
    public void The_determinants_directional_derivative_is_the_cofactors_along_the_direction()
    {
        // The gradient of det is its cofactor matrix, written out for 3 × 3; the directional derivative is Σ C_ij · d_ij.
        double[] a = { 0.5, -1, 2, 1.5, 0.25, -0.75, -2, 1, 0.5 };
        double[] d = { 1, 0.5, -0.25, 0, 2, -1, 0.75, -0.5, 1 };
        double[] cofactors =
        [
            a[4] * a[8] - a[5] * a[7], -(a[3] * a[8] - a[5] * a[6]), a[3] * a[7] - a[4] * a[6],
            -(a[1] * a[8] - a[2] * a[7]), a[0] * a[8] - a[2] * a[6], -(a[0] * a[7] - a[1] * a[6]),
            a[1] * a[5] - a[2] * a[4], -(a[0] * a[5] - a[2] * a[3]), a[0] * a[4] - a[1] * a[3],
        ];
        double determinant = a[0] * cofactors[0] + a[1] * cofactors[1] + a[2] * cofactors[2];

        var (value, derivative) = AdBenchObjectives.DeterminantWithDerivative(a, 3, d);
        Assert.Equal(determinant, value, 13);
        Assert.Equal(cofactors.Zip(d, (c, x) => c * x).Sum(), derivative, 13);
        Assert.Equal(CentralDifference(t => AdBenchObjectives.Determinant(Along(a, d, t), 3)), derivative, 6);

        // 4 × 4: against the generated gradient (checked against the cofactors in AdBenchGradientTests) and differences.
        var random = new Random(3);
        double[] b = Enumerable.Range(0, 16).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double[] e = Enumerable.Range(0, 16).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double[] g = new double[16];
        AdBenchObjectives.DeterminantWithGradient(b, 4, g);
        var four = AdBenchObjectives.DeterminantWithDerivative(b, 4, e);
        Assert.Equal(g.Zip(e, (x, y) => x * y).Sum(), four.Derivative, 12);
        Assert.Equal(CentralDifference(t => AdBenchObjectives.Determinant(Along(b, e, t), 4)), four.Derivative, 6);
    }

    private static double[] Along(double[] x, double[] direction, double t) => x.Zip(direction, (v, d) => v + t * d).ToArray();

    private static double CentralDifference(Func<double, double> f, double h = 1e-5) => (f(h) - f(-h)) / (2 * h);
}
