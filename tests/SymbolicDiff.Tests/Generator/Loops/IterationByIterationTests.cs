namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// A loop that only adds per-iteration terms into sums (a batch loss) is differentiated iteration by iteration: each
/// iteration's backward sweep runs right after its forward sweep, so nothing is saved across iterations. Each case
/// checks which order the generator chose (by the note it writes) and the gradient against central finite
/// differences; the cases that must keep the usual order (a value carried from one iteration to the next, a result
/// that reads the sum again, a buffer not rewritten in full) are checked the same way.
/// </summary>
public class IterationByIterationTests
{
    private const string Fused = "Backward sweep, iteration by iteration";

    private const string Models = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            // Rows of a tanh layer into a buffer rewritten in full per row; a scalar computed before the loop is read
            // in it and after it; the statement after the loop reads only what existed before the loop.
            [Differentiable(nameof(w), nameof(scale))]
            public static double BatchWithBuffer(double[] x, double[] w, double scale)
            {
                int units = w.Length;
                int rows = x.Length;
                Span<double> hidden = stackalloc double[units];
                double doubled = scale * 2;
                double total = 0;
                for (int r = 0; r < rows; r++)
                {
                    for (int j = 0; j < units; j++)
                    {
                        hidden[j] = Math.Tanh(w[j] * x[r] + doubled);
                    }

                    double s = 0;
                    for (int j = 0; j < units; j++)
                    {
                        s += hidden[j] * hidden[j];
                    }

                    total += s * s;
                }

                return total / rows + 0.5 * doubled * doubled;
            }

            // Two sums, one subtracted from, the result the first sum itself; a running maximum in the body saves its
            // earlier values, which now come back within the same iteration.
            [Differentiable(nameof(w))]
            public static double TwoSums(double[] x, double[] w)
            {
                double total = 0;
                double penalty = 0;
                for (int r = 0; r < x.Length; r++)
                {
                    double m = w[0] * x[r];
                    for (int j = 1; j < w.Length; j++)
                    {
                        m = Math.Max(m, w[j] * x[r]);
                    }

                    total += m * m;
                    penalty -= Math.Exp(0.1 * m);
                }

                total += 0.25 * penalty;
                return total;
            }

            public static double TwoSumsIntoArrays(double[] x, double[] w, double[] dW) => TwoSumsWithGradient(x, w, dW);

            // The result reads the sum again (its adjoint is known only after the loop): the usual order.
            [Differentiable(nameof(w))]
            public static double LogOfSum(double[] x, double[] w)
            {
                double total = 0;
                for (int r = 0; r < x.Length; r++)
                {
                    double scaled = w[r % w.Length] * x[r];
                    total += scaled * scaled;
                }

                return Math.Log(1 + total);
            }

            // A buffer carried from one row to the next (a recurrence): the usual order.
            [Differentiable(nameof(w))]
            public static double Recurrence(double[] x, double[] w)
            {
                Span<double> state = stackalloc double[w.Length];
                double total = 0;
                for (int r = 0; r < x.Length; r++)
                {
                    for (int j = 0; j < w.Length; j++)
                    {
                        state[j] = Math.Tanh(state[j] + w[j] * x[r]);
                    }

                    total += state[0];
                }

                return total;
            }

            // GMM's shape: per row, per component, a buffer rewritten in full in an inner loop and read (its saves stay,
            // for the loop over components' own backward sweep); a per-component buffer rewritten once per row.
            [Differentiable(nameof(w))]
            public static double NestedRewrite(double[] x, double[] w)
            {
                int d = 2;
                int n = x.Length / d;
                int k = w.Length / d;
                Span<double> centered = stackalloc double[d];
                Span<double> norms = stackalloc double[k];
                double total = 0;
                for (int r = 0; r < n; r++)
                {
                    for (int c = 0; c < k; c++)
                    {
                        for (int j = 0; j < d; j++)
                        {
                            centered[j] = x[r * d + j] - w[c * d + j];
                        }

                        double norm = 0;
                        for (int j = 0; j < d; j++)
                        {
                            norm += centered[j] * centered[j];
                        }

                        norms[c] = norm;
                    }

                    double rowSum = 0;
                    for (int c = 0; c < k; c++)
                    {
                        rowSum += norms[c] * norms[c];
                    }

                    total += rowSum;
                }

                return total;
            }

            public static double NestedRewriteIntoArrays(double[] x, double[] w, double[] dW) => NestedRewriteWithGradient(x, w, dW);

            // GMM's other shape: loops after the sum that do not read it (a log-sum-exp of w, with its running maximum)
            // run before it, so that the sum's adjoint is known when the loop starts.
            [Differentiable(nameof(w))]
            public static double SumThenIndependentLoops(double[] x, double[] w)
            {
                double total = 0;
                for (int r = 0; r < x.Length; r++)
                {
                    double s = Math.Sin(w[r % w.Length] * x[r]);
                    total += s * s;
                }

                double max = w[0];
                for (int j = 1; j < w.Length; j++)
                {
                    max = Math.Max(max, w[j]);
                }

                double sumExp = 0;
                for (int j = 0; j < w.Length; j++)
                {
                    sumExp += Math.Exp(w[j] - max);
                }

                double logSumExp = Math.Log(sumExp) + max;
                return total + 2 * logSumExp;
            }

            public static double SumThenIndependentLoopsIntoArrays(double[] x, double[] w, double[] dW) => SumThenIndependentLoopsWithGradient(x, w, dW);

            // A loop after the sum rewrites a buffer the sum's loop reads: it cannot run first, so the usual order.
            [Differentiable(nameof(w))]
            public static double LaterLoopRewritesWhatTheSumReads(double[] x, double[] w)
            {
                Span<double> weights = stackalloc double[w.Length];
                for (int j = 0; j < w.Length; j++)
                {
                    weights[j] = w[j];
                }

                double total = 0;
                for (int r = 0; r < x.Length; r++)
                {
                    double s = Math.Sin(weights[r % w.Length] * x[r]);
                    total += s * s;
                }

                double tail = 0;
                for (int j = 0; j < w.Length; j++)
                {
                    weights[j] = weights[j] * weights[j];
                    tail += weights[j];
                }

                return total + tail;
            }

            // A loop after the sum reads it: the usual order.
            [Differentiable(nameof(w))]
            public static double LaterLoopReadsTheSum(double[] x, double[] w)
            {
                double total = 0;
                for (int r = 0; r < x.Length; r++)
                {
                    double s = Math.Sin(w[r % w.Length] * x[r]);
                    total += s * s;
                }

                double scaled = 0;
                for (int j = 0; j < w.Length; j++)
                {
                    scaled += w[j] * total;
                }

                return scaled;
            }

            // The inner loop over components reads the buffer before rewriting it (carried from one component to the
            // next, and so from one row to the next): the usual order.
            [Differentiable(nameof(w))]
            public static double InnerBufferCarried(double[] x, double[] w)
            {
                Span<double> state = stackalloc double[w.Length];
                double total = 0;
                for (int r = 0; r < x.Length; r++)
                {
                    for (int c = 0; c < 2; c++)
                    {
                        for (int j = 0; j < w.Length; j++)
                        {
                            state[j] = Math.Tanh(0.5 * state[j] + w[j] * x[r]);
                        }
                    }

                    double s = 0;
                    for (int j = 0; j < w.Length; j++)
                    {
                        s += state[j] * state[j];
                    }

                    total += s;
                }

                return total;
            }

            // The hand's shape: cos and sin of an angle declared in the iteration; their partials (−sin, cos) read them.
            [Differentiable(nameof(angles))]
            public static double RotatedOffsets(double[] angles, double[] offsets)
            {
                double total = 0;
                for (int v = 0; v < offsets.Length; v++)
                {
                    double cos = Math.Cos(angles[v % angles.Length]);
                    double sin = Math.Sin(angles[v % angles.Length]);
                    double x = cos * offsets[v];
                    double y = sin * offsets[v];
                    total += x * y;
                }

                return total;
            }

            public static double RotatedOffsetsIntoArrays(double[] angles, double[] offsets, double[] dAngles) => RotatedOffsetsWithGradient(angles, offsets, dAngles);

            // A buffer whose last element each row leaves as the previous row wrote it: the usual order.
            [Differentiable(nameof(w))]
            public static double PartlyRewritten(double[] x, double[] w)
            {
                Span<double> h = stackalloc double[w.Length];
                for (int j = 0; j < w.Length; j++)
                {
                    h[j] = w[j];
                }

                double total = 0;
                for (int r = 0; r < x.Length; r++)
                {
                    for (int j = 0; j < w.Length - 1; j++)
                    {
                        h[j] = Math.Sin(w[j] * x[r]);
                    }

                    double s = 0;
                    for (int j = 0; j < w.Length; j++)
                    {
                        s += h[j] * h[j];
                    }

                    total += s * s;
                }

                return total;
            }
        }
        """;

    [Theory]
    [InlineData("BatchWithBuffer", true)]
    [InlineData("TwoSums", true)]
    [InlineData("LogOfSum", false)]
    [InlineData("Recurrence", false)]
    [InlineData("PartlyRewritten", false)]
    [InlineData("NestedRewrite", true)]
    [InlineData("SumThenIndependentLoops", true)]
    [InlineData("LaterLoopRewritesWhatTheSumReads", false)]
    [InlineData("LaterLoopReadsTheSum", false)]
    [InlineData("InnerBufferCarried", false)]
    [InlineData("RotatedOffsets", true)]
    public void The_gradient_matches_finite_differences_in_either_order(string method, bool iterationByIteration)
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = run.Source($"Models.{method}.g.cs");

        Assert.Equal(iterationByIteration, generated.Contains(Fused, StringComparison.Ordinal));
        if (iterationByIteration && method != "NestedRewrite")
        {
            // Nothing overwritten in one iteration is restored for another: no buffer element comes off the stack.
            Assert.DoesNotContain("] = saved.Pop()", generated, StringComparison.Ordinal);
        }

        VectorFiniteDifferenceTests.Check(run.Load().GetType("Models")!, method, null);
    }

    [Fact]
    public void A_buffer_rewritten_in_an_inner_loop_is_saved_only_within_its_row_and_the_gradient_is_the_closed_form()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = run.Source("Models.NestedRewrite.g.cs");
        Assert.Contains(Fused, generated, StringComparison.Ordinal);

        // centered is rewritten once per component, so the loop over components run backwards reads each component's
        // values: kept one row per component (KeptRowsTests), not popped; norms, rewritten once per row, is neither saved
        // nor restored.
        Assert.Contains("var centeredRow = keptCentered.Slice(c * centered.Length, centered.Length);", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("centered[j] = saved.Pop()", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("norms[c] = saved.Pop()", generated, StringComparison.Ordinal);

        // f = Σ_r Σ_c ‖x_r − w_c‖⁴, so ∂f/∂w_cj = Σ_r 2‖x_r − w_c‖² · 2(w_cj − x_rj).
        double[] x = { 0.5, -1.0, 2.0, 0.25, -0.75, 1.5 };
        double[] w = { 0.1, 0.2, -0.3, 0.4 };
        double[] expected = new double[w.Length];
        for (int r = 0; r < 3; r++)
        {
            for (int c = 0; c < 2; c++)
            {
                double a = x[2 * r] - w[2 * c], b = x[2 * r + 1] - w[2 * c + 1];
                double squared = a * a + b * b;
                expected[2 * c] += 4 * squared * -a;
                expected[2 * c + 1] += 4 * squared * -b;
            }
        }

        AssertGradient(run, "NestedRewriteIntoArrays", x, w, expected);

        // Worked on paper: one row x = (0.5, −1), one component w = (0.1, 0.2): ‖x − w‖² = 0.16 + 1.44 = 1.6, f = 2.56,
        // ∂f/∂w = 4 · 1.6 · (w − x) = (−2.56, 7.68).
        AssertGradient(run, "NestedRewriteIntoArrays", new[] { 0.5, -1.0 }, new[] { 0.1, 0.2 }, new[] { -2.56, 7.68 }, value: 2.56);
    }

    [Fact]
    public void Loops_after_the_sum_that_do_not_read_it_run_before_it_and_the_gradient_is_the_closed_form()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = run.Source("Models.SumThenIndependentLoops.g.cs");
        Assert.Contains(Fused, generated, StringComparison.Ordinal);
        Assert.Contains("moved ahead of it (5 of them)", generated, StringComparison.Ordinal);

        // f = Σ_r sin²(w_{r mod m} x_r) + 2 log Σ_j exp(w_j): ∂f/∂w_i = Σ_{r ≡ i} 2 sin cos · x_r + 2 softmax(w)_i.
        double[] x = { 0.3, -1.2, 0.8, 2.0, -0.4 };
        double[] w = { 0.7, -0.2, 1.1 };
        double sum = w.Sum(Math.Exp);
        double[] expected = w.Select(v => 2 * Math.Exp(v) / sum).ToArray();
        for (int r = 0; r < x.Length; r++)
        {
            double z = w[r % w.Length] * x[r];
            expected[r % w.Length] += 2 * Math.Sin(z) * Math.Cos(z) * x[r];
        }

        AssertGradient(run, "SumThenIndependentLoopsIntoArrays", x, w, expected);

        // Worked on paper: x = (π/2), w = (0.5, 0.5): sin²(π/4) = 0.5 and 2 log(2e^0.5) = 1 + 2 log 2; the softmax is
        // (0.5, 0.5), and 2 sin(π/4) cos(π/4) · π/2 = π/2, so ∂f/∂w = (1 + π/2, 1).
        AssertGradient(run, "SumThenIndependentLoopsIntoArrays", new[] { Math.PI / 2 }, new[] { 0.5, 0.5 }, new[] { 1 + Math.PI / 2, 1 }, value: 1.5 + 2 * Math.Log(2));
    }

    [Fact]
    public void The_backward_sweep_of_an_iteration_reads_the_cos_and_sin_it_computed_and_the_gradient_is_the_closed_form()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = run.Source("Models.RotatedOffsets.g.cs");
        Assert.Contains(Fused, generated, StringComparison.Ordinal);

        // ∂sin/∂a = cos a and ∂cos/∂a = −sin a come from the locals: each function is called once per vertex.
        int start = generated.IndexOf("WithGradient(", StringComparison.Ordinal);
        string gradient = generated[start..generated.IndexOf("public static", start, StringComparison.Ordinal)];
        string code = string.Join('\n', gradient.Split('\n').Select(line => line.Split("//")[0]));
        Assert.Single(code.Split("Math.Cos(").Skip(1));
        Assert.Single(code.Split("Math.Sin(").Skip(1));

        // f = Σ_v cos a sin a · o_v² = Σ_v ½ sin 2a · o_v², so ∂f/∂a_i = Σ_{v ≡ i} cos 2a_i · o_v².
        double[] angles = { 0.4, -1.1 };
        double[] offsets = { 1.5, -0.5, 2.0 };
        double[] expected = new double[2];
        for (int v = 0; v < offsets.Length; v++)
        {
            expected[v % 2] += Math.Cos(2 * angles[v % 2]) * offsets[v] * offsets[v];
        }

        AssertGradient(run, "RotatedOffsetsIntoArrays", angles, offsets, expected);

        // Worked by hand: a = π/6, o = 2: f = ½ sin(π/3) · 4 = √3, ∂f/∂a = cos(π/3) · 4 = 2.
        AssertGradient(run, "RotatedOffsetsIntoArrays", new[] { Math.PI / 6 }, new[] { 2.0 }, new[] { 2.0 }, value: Math.Sqrt(3));
    }

    private static void AssertGradient(GeneratorRun run, string method, double[] x, double[] w, double[] expected, double? value = null)
    {
        var gradient = (Func<double[], double[], double[], double>)Delegate.CreateDelegate(
            typeof(Func<double[], double[], double[], double>), run.Load().GetType("Models")!.GetMethod(method)!);
        double[] dW = new double[expected.Length]; // the differentiated parameter's length
        double computed = gradient(x, w, dW);
        if (value is double known)
        {
            Assert.Equal(known, computed, 12);
        }

        for (int i = 0; i < dW.Length; i++)
        {
            Assert.Equal(expected[i], dW[i], 10);
        }
    }

    [Fact]
    public void A_sum_of_rows_differentiated_row_by_row_allocates_nothing_however_many_rows()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        var type = run.Load().GetType("Models")!;
        var gradient = (Func<double[], double[], double[], double>)Delegate.CreateDelegate(
            typeof(Func<double[], double[], double[], double>), type.GetMethod("TwoSumsIntoArrays")!);

        // 2,000 rows: forward then backward would save 2,000 × 4 earlier maxima, past the stack buffer.
        var random = new Random(3);
        double[] x = Enumerable.Range(0, 2000).Select(_ => random.NextDouble() - 0.5).ToArray();
        double[] w = { 0.3, -0.7, 1.1, 0.2, -0.4 };
        double[] dW = new double[w.Length];
        Assert.Equal(0, Allocations.PerCall(() => gradient(x, w, dW), calls: 50));
    }
}
