namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// Buffers declared where they are used, as people first write them: a row's hidden layer declared inside the loop
/// over rows, a scratch span inside an <c>if</c>. The generator declares each once, before the outermost loop, and
/// fills it with zeros where the user declared it (what C# gives each iteration), unless the loop body then writes it
/// in full anyway.
/// </summary>
public static partial class BuffersInLoopsFunctions
{
    /// <summary>
    /// A one-hidden-layer network over rows of 2 inputs (3 tanh units, one linear output), squared error against y,
    /// averaged; the hidden layer is declared inside the loop over rows and written in full there.
    /// Parameters: w[0..5] input weights (unit j reads w[2j], w[2j + 1]), w[6..8] output weights.
    /// </summary>
    [Differentiable(nameof(w))]
    public static double RowLoss(double[] w, double[] x, double[] y)
    {
        double total = 0;
        for (int r = 0; r < y.Length; r++)
        {
            double[] hidden = new double[3];
            for (int j = 0; j < 3; j++)
            {
                hidden[j] = Math.Tanh(w[2 * j] * x[2 * r] + w[2 * j + 1] * x[2 * r + 1]);
            }

            double output = 0;
            for (int j = 0; j < 3; j++)
            {
                output += w[6 + j] * hidden[j];
            }

            double error = output - y[r];
            total += error * error;
        }

        return total / y.Length;
    }

    /// <summary>
    /// An accumulator declared inside the loop, added into with += (so it relies on starting at zero in every
    /// iteration): the even- and odd-indexed weighted inputs of each row of 4, multiplied.
    /// </summary>
    [Differentiable(nameof(w))]
    public static double PairedSums(double[] w, double[] x)
    {
        double total = 0;
        for (int r = 0; r < x.Length / 4; r++)
        {
            double[] sums = new double[2];
            for (int j = 0; j < 4; j++)
            {
                sums[j % 2] += w[j] * x[4 * r + j];
            }

            total += sums[0] * sums[1];
        }

        return total;
    }

    /// <summary>A buffer declared inside an <c>if</c>, outside any loop.</summary>
    [Differentiable]
    public static double ScratchInBranch(double[] x)
    {
        double s = 0;
        if (x[0] > 0)
        {
            double[] squares = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                squares[i] = x[i] * x[i];
            }

            for (int i = 0; i < x.Length; i++)
            {
                s += squares[i] * x[i];
            }
        }

        return s;
    }
}

public class BuffersInLoopsTests
{
    [Fact]
    public void A_hidden_layer_declared_inside_the_row_loop_gives_the_backpropagation_gradient()
    {
        double[] w = { 0.4, -0.3, 0.8, 0.1, -0.5, 0.7, 1.2, -0.6, 0.9 };
        double[] x = { 0.5, -1.0, 1.5, 0.25, -0.75, 2.0 };
        double[] y = { 0.3, -0.2, 0.8 };
        double[] gradient = new double[w.Length];
        double value = BuffersInLoopsFunctions.RowLossWithGradient(w, x, y, gradient);

        // Backpropagation by hand, row by row: δ = 2(output − y)/n; ∂/∂v_j = δ·h_j; ∂/∂w_{j,k} = δ·v_j·(1 − h_j²)·x_k.
        double expectedValue = 0;
        double[] expected = new double[w.Length];
        for (int r = 0; r < y.Length; r++)
        {
            double[] h = new double[3];
            double output = 0;
            for (int j = 0; j < 3; j++)
            {
                h[j] = Math.Tanh(w[2 * j] * x[2 * r] + w[2 * j + 1] * x[2 * r + 1]);
                output += w[6 + j] * h[j];
            }

            expectedValue += (output - y[r]) * (output - y[r]) / y.Length;
            double delta = 2 * (output - y[r]) / y.Length;
            for (int j = 0; j < 3; j++)
            {
                expected[6 + j] += delta * h[j];
                double pre = delta * w[6 + j] * (1 - h[j] * h[j]);
                expected[2 * j] += pre * x[2 * r];
                expected[2 * j + 1] += pre * x[2 * r + 1];
            }
        }

        Assert.Equal(expectedValue, value, 14);
        for (int i = 0; i < w.Length; i++)
        {
            Assert.Equal(expected[i], gradient[i], 13);
        }
    }

    [Fact]
    public void A_buffer_added_into_inside_a_loop_starts_each_iteration_at_zero()
    {
        // Two rows of 4: row 0 gives (w0·1 + w2·3)(w1·2 + w3·4), row 1 (w0·−1 + w2·0.5)(w1·2 + w3·1).
        double[] w = { 1, 0.5, -1, 2 };
        double[] x = { 1, 2, 3, 4, -1, 2, 0.5, 1 };
        double[] gradient = new double[4];
        double value = BuffersInLoopsFunctions.PairedSumsWithGradient(w, x, gradient);
        double a0 = 1 - 3, b0 = 1 + 8, a1 = -1 - 0.5, b1 = 1 + 2;
        Assert.Equal(a0 * b0 + a1 * b1, value, 14);

        // ∂/∂w0 = x0·b0 + x4·b1, ∂/∂w1 = a0·x1 + a1·x5, ∂/∂w2 = x2·b0 + x6·b1, ∂/∂w3 = a0·x3 + a1·x7.
        Assert.Equal(1 * b0 + -1 * b1, gradient[0], 14);
        Assert.Equal(a0 * 2 + a1 * 2, gradient[1], 14);
        Assert.Equal(3 * b0 + 0.5 * b1, gradient[2], 14);
        Assert.Equal(a0 * 4 + a1 * 1, gradient[3], 14);
    }

    [Fact]
    public void A_buffer_declared_inside_an_if_is_differentiated_where_the_branch_is_taken()
    {
        double[] x = { 1, 2, 3 };
        double[] gradient = new double[3];
        Assert.Equal(36, BuffersInLoopsFunctions.ScratchInBranchWithGradient(x, gradient));
        Assert.Equal(new[] { 3.0, 12, 27 }, gradient); // 3x²

        double[] negative = { -1, 2, 3 };
        Assert.Equal(0, BuffersInLoopsFunctions.ScratchInBranchWithGradient(negative, gradient));
        Assert.Equal(new[] { 0.0, 0, 0 }, gradient);
    }

    [Theory]
    [InlineData(nameof(BuffersInLoopsFunctions.RowLoss))]
    [InlineData(nameof(BuffersInLoopsFunctions.PairedSums))]
    [InlineData(nameof(BuffersInLoopsFunctions.ScratchInBranch))]
    public void Gradient_matches_central_finite_differences(string methodName) =>
        VectorFiniteDifferenceTests.Check(typeof(BuffersInLoopsFunctions), methodName, methodName switch
        {
            nameof(BuffersInLoopsFunctions.RowLoss) => random => Rows(random.Next(1, 5), 9, 2),
            nameof(BuffersInLoopsFunctions.PairedSums) => random => new[] { 4, 4 * random.Next(1, 4) },
            _ => null,
        });

    [Fact]
    public void A_buffer_written_in_full_in_each_row_needs_no_zero_fill_and_the_rows_are_differentiated_one_by_one()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Models
            {
                [Differentiable(nameof(w))]
                public static double Rows(double[] w, double[] x)
                {
                    double total = 0;
                    for (int r = 0; r < x.Length; r++)
                    {
                        double[] hidden = new double[w.Length];
                        for (int j = 0; j < w.Length; j++)
                        {
                            hidden[j] = Math.Tanh(w[j] * x[r]);
                        }

                        double s = 0;
                        for (int j = 0; j < w.Length; j++)
                        {
                            s += hidden[j];
                        }

                        total += s * s;
                    }

                    return total;
                }

                [Differentiable(nameof(w))]
                public static double Accumulated(double[] w, double[] x)
                {
                    double total = 0;
                    for (int r = 0; r < x.Length; r++)
                    {
                        double[] sums = new double[2];
                        for (int j = 0; j < w.Length; j++)
                        {
                            sums[j % 2] += w[j] * x[r];
                        }

                        total += sums[0] * sums[1];
                    }

                    return total;
                }
            }
            """).ShouldSucceed();

        string rows = run.Source("Models.Rows.g.cs");
        Assert.Contains("double[] hidden = new double[w.Length];", rows, StringComparison.Ordinal);
        Assert.DoesNotContain("hiddenIndex", rows, StringComparison.Ordinal); // no zero fill: the first loop writes every element
        Assert.Contains("Backward sweep, iteration by iteration", rows, StringComparison.Ordinal);

        string accumulated = run.Source("Models.Accumulated.g.cs");
        Assert.Contains("sums[sumsIndex] = 0.0;", accumulated, StringComparison.Ordinal); // += needs the zeros
        VectorFiniteDifferenceTests.Check(run.Load().GetType("Models")!, "Rows", null);
        VectorFiniteDifferenceTests.Check(run.Load().GetType("Models")!, "Accumulated", null);
    }

    [Fact]
    public void Forward_mode_agrees_with_the_reverse_gradient_along_a_direction()
    {
        double[] w = { 1, 0.5, -1, 2 };
        double[] x = { 1, 2, 3, 4, -1, 2, 0.5, 1 };
        double[] dw = { 0.3, -1, 0.5, 2 };
        double[] gradient = new double[4];
        BuffersInLoopsFunctions.PairedSumsWithGradient(w, x, gradient);
        var forward = BuffersInLoopsFunctions.PairedSumsWithDerivative(w, x, dw);
        Assert.Equal(gradient.Zip(dw, (g, d) => g * d).Sum(), forward.Derivative, 13);
    }

    [Fact]
    public void Calling_the_gradient_allocates_no_more_than_the_users_own_buffer()
    {
        // RowLoss's buffer is the user's new double[3], now made once per call instead of once per row.
        double[] w = { 0.4, -0.3, 0.8, 0.1, -0.5, 0.7, 1.2, -0.6, 0.9 };
        double[] x = new double[200];
        double[] y = new double[100];
        double[] gradient = new double[w.Length];
        long allocated = Allocations.PerCall(() => BuffersInLoopsFunctions.RowLossWithGradient(w, x, y, gradient));
        Assert.True(allocated <= 64, $"allocated {allocated} bytes per call (one double[3] is 48)");

        // PairedSums' double[2] likewise, although it saves values across 100 rows (from a pool, reused).
        double[] pw = { 1, 0.5, -1, 2 };
        double[] px = new double[400];
        double[] pg = new double[4];
        allocated = Allocations.PerCall(() => BuffersInLoopsFunctions.PairedSumsWithGradient(pw, px, pg));
        Assert.True(allocated <= 64, $"allocated {allocated} bytes per call (one double[2] is 40)");
    }

    /// <summary>Lengths of (w, x, y) for <paramref name="rows"/> rows.</summary>
    private static int[] Rows(int rows, int parameters, int inputs) => new[] { parameters, rows * inputs, rows };
}
