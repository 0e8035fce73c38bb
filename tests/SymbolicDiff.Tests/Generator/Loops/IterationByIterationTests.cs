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
    public void The_gradient_matches_finite_differences_in_either_order(string method, bool iterationByIteration)
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = run.Source($"Models.{method}.g.cs");

        Assert.Equal(iterationByIteration, generated.Contains(Fused, StringComparison.Ordinal));
        if (iterationByIteration)
        {
            // Nothing overwritten in one iteration is restored for another: no buffer element comes off the stack.
            Assert.DoesNotContain("] = saved.Pop()", generated, StringComparison.Ordinal);
        }

        VectorFiniteDifferenceTests.Check(run.Load().GetType("Models")!, method, null);
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
        for (int i = 0; i < 20; i++)
        {
            gradient(x, w, dW);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            gradient(x, w, dW);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
