namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// A costly call that a loop's forward sweep makes and its backward sweep would make again (log-sum-exp's
/// exp(x[i] − max)) is kept in a buffer of the loop's length and read back, as a hand-written softmax keeps it. Each
/// shape is checked against central finite differences and values worked by hand; the shapes the rule must leave alone
/// (a loop nested in one run backwards, a square root, a call only the partial makes, a method asking for second
/// derivatives) are checked for computing the call again.
/// </summary>
public class KeptCallTests
{
    private const string Models = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            // From a start the caller gives, possibly past the end (no iteration): element i − start of the buffer.
            [Differentiable(nameof(x), nameof(w))]
            public static double Tail(double[] x, double w, int start)
            {
                double total = 0;
                for (int i = start; i < x.Length; i++)
                {
                    total += Math.Exp(w * x[i]);
                }

                return total;
            }

            public static double TailIntoArray(double[] x, double w, int start, double[] dX, out double dW)
            {
                var gradient = TailWithGradient(x, w, start);
                gradient.X.CopyTo(dX, 0);
                dW = gradient.W;
                return gradient.Value;
            }

            // Two kept calls in one statement, and a running product read back in reverse order.
            [Differentiable(nameof(x))]
            public static double ProductOfLogs(double[] x)
            {
                double product = 1;
                for (int i = 0; i < x.Length; i++)
                {
                    product *= Math.Log(2 + x[i] * x[i]) + Math.Tanh(x[i]);
                }

                return product;
            }

            // A log-sum-exp per row of three, in a sum over rows differentiated row by row: each row's backward sweep
            // follows its forward sweep, so one buffer of three, declared before the loop over rows, serves every row.
            [Differentiable(nameof(x))]
            public static double RowLogSumExps(double[] x)
            {
                double total = 0;
                for (int r = 0; r < x.Length / 3; r++)
                {
                    double sum = 0;
                    for (int c = 0; c < 3; c++)
                    {
                        sum += Math.Exp(x[3 * r + c]);
                    }

                    total += Math.Log(sum);
                }

                return total;
            }

            // Nested in a loop run backwards: each outer iteration would overwrite a buffer before the backward sweep reads it,
            // so the call is kept on the stack of saved values instead (SharedDerivativeTests).
            [Differentiable(nameof(x))]
            public static double Nested(double[] x)
            {
                double state = 0.5;
                for (int t = 0; t < 3; t++)
                {
                    double next = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        next += Math.Exp(state * x[i]);
                    }

                    state = Math.Log(next) * 0.25;
                }

                return state;
            }

            // A square root is cheaper to compute again than to store and load.
            [Differentiable(nameof(x))]
            public static double RootSum(double[] x)
            {
                double total = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    total += Math.Sqrt(1 + x[i] * x[i]);
                }

                return total;
            }

            // sin's partial calls cos, which the forward sweep never computed: nothing to keep.
            [Differentiable(nameof(x))]
            public static double SineSum(double[] x)
            {
                double total = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    total += Math.Sin(x[i]);
                }

                return total;
            }

            // Second derivatives differentiate the gradient again, which would need a tangent beside each kept value.
            [Differentiable(SecondOrder = true)]
            public static double SecondOrderLogSumExp(double[] x)
            {
                double sum = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    sum += Math.Exp(x[i]);
                }

                return Math.Log(sum);
            }
        }
        """;

    [Theory]
    [InlineData("LogSumExp")]
    [InlineData("Tail")]
    [InlineData("ProductOfLogs")]
    [InlineData("RowLogSumExps")]
    [InlineData("Nested")]
    [InlineData("RootSum")]
    [InlineData("SineSum")]
    [InlineData("SecondOrderLogSumExp")]
    public void The_gradient_matches_finite_differences(string method)
    {
        var run = GeneratorHarness.Run(TestModels.LogSumExp, Models).ShouldSucceed();
        VectorFiniteDifferenceTests.Check(run.Load().GetType("Models")!, method, null);
    }

    [Fact]
    public void Log_sum_exp_computes_each_exponential_once_and_gives_the_softmax()
    {
        var run = GeneratorHarness.Run(TestModels.LogSumExp, Models).ShouldSucceed();
        string gradient = GradientCode(run.Source("Models.LogSumExp.g.cs"));

        // Once, in the forward sweep, kept in the gradient's own element (KeptInOutputTests); the backward sweep reads it
        // there before storing the softmax over it.
        Assert.Equal(1, GeneratedText.CountOf(gradient, "global::System.Math.Exp("));
        Assert.Contains("dX[i] = exp;", gradient, StringComparison.Ordinal);
        Assert.Contains("= dX[i];", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("keptExp", gradient, StringComparison.Ordinal);

        // Worked by hand: x = (0, ln 3): the sum of exponentials is 1 + 3 = 4, the value ln 4, the gradient the
        // softmax (1/4, 3/4).
        var call = (Func<double[], double[], double>)Delegate.CreateDelegate(
            typeof(Func<double[], double[], double>), run.Load().GetType("Models")!.GetMethod("LogSumExpIntoArray")!);
        double[] dX = new double[2];
        Assert.Equal(Math.Log(4), call(new[] { 0, Math.Log(3) }, dX), 12);
        Assert.Equal(0.25, dX[0], 12);
        Assert.Equal(0.75, dX[1], 12);

        // Past the 128 values a kept buffer holds on the stack, twice in a row into the same output (the second call
        // finds the first's gradient there): the softmax, e^(x_i) / Σ e^(x_j), computed here directly.
        double[] x = Enumerable.Range(0, 300).Select(i => Math.Sin(i * 0.37) * 3).ToArray();
        double total = x.Sum(Math.Exp);
        double[] dLarge = new double[x.Length];
        for (int round = 0; round < 2; round++)
        {
            Assert.Equal(Math.Log(total), call(x, dLarge), 12);
            for (int i = 0; i < x.Length; i++)
            {
                Assert.Equal(Math.Exp(x[i]) / total, dLarge[i], 14);
            }
        }
    }

    [Fact]
    public void A_loop_from_a_given_start_keeps_element_i_minus_start_and_runs_empty_past_the_end()
    {
        var run = GeneratorHarness.Run(TestModels.LogSumExp, Models).ShouldSucceed();
        string gradient = GradientCode(run.Source("Models.Tail.g.cs"));
        Assert.Contains("x.Length > start ? x.Length - start : 0", gradient, StringComparison.Ordinal);
        Assert.Contains("keptExp[i - start] = exp;", gradient, StringComparison.Ordinal);
        Assert.Equal(1, GeneratedText.CountOf(gradient, "global::System.Math.Exp("));

        // Worked by hand: x = (5, 0, ln 2), w = 1, from 1: total = e⁰ + e^(ln 2) = 3; ∂/∂x = (0, w·e⁰, w·2) = (0, 1, 2);
        // ∂/∂w = 0·e⁰ + ln 2 · 2.
        var tail = run.Load().GetType("Models")!.GetMethod("TailIntoArray")!;
        double[] dX = new double[3];
        object[] arguments = { new[] { 5, 0, Math.Log(2) }, 1.0, 1, dX, 0.0 };
        Assert.Equal(3.0, (double)tail.Invoke(null, arguments)!, 12);
        Assert.Equal(new[] { 0.0, 1, 2 }, dX.Select(v => Math.Round(v, 12)));
        Assert.Equal(2 * Math.Log(2), (double)arguments[4], 12);

        // A start past the end: no iteration, an empty buffer, a zero gradient.
        arguments = new object[] { new[] { 5, 0, Math.Log(2) }, 1.0, 7, dX, 1.0 };
        Assert.Equal(0.0, (double)tail.Invoke(null, arguments)!);
        Assert.All(dX, v => Assert.Equal(0.0, v));
        Assert.Equal(0.0, (double)arguments[4]);
    }

    [Fact]
    public void Two_calls_of_one_statement_are_each_kept_and_a_loop_run_backwards_reads_them()
    {
        var run = GeneratorHarness.Run(TestModels.LogSumExp, Models).ShouldSucceed();
        string gradient = GradientCode(run.Source("Models.ProductOfLogs.g.cs"));
        Assert.Equal(1, GeneratedText.CountOf(gradient, "global::System.Math.Log("));
        Assert.Equal(1, GeneratedText.CountOf(gradient, "global::System.Math.Tanh("));
        Assert.Contains("keptLog[i]", gradient, StringComparison.Ordinal);
        Assert.Contains("keptTanh[i]", gradient, StringComparison.Ordinal);
        Assert.Contains("i >= 0; i--", gradient, StringComparison.Ordinal); // the product's saved values pop in reverse

        // Worked by hand: x = (0, 1): factors ln 2 + 0 and ln 3 + tanh 1; ∂factor/∂x = 2x/(2 + x²) + 1 − tanh²x.
        var type = run.Load().GetType("Models")!;
        var result = type.GetMethod("ProductOfLogsWithGradient", new[] { typeof(double[]) })!.Invoke(null, new object[] { new[] { 0.0, 1 } })!;
        double first = Math.Log(2), second = Math.Log(3) + Math.Tanh(1);
        double[] dX = (double[])result.GetType().GetProperty("X")!.GetValue(result)!;
        Assert.Equal(first * second, (double)result.GetType().GetProperty("Value")!.GetValue(result)!, 12);
        Assert.Equal(1.0 * second, dX[0], 12);
        Assert.Equal(first * (2.0 / 3 + 1 - Math.Tanh(1) * Math.Tanh(1)), dX[1], 12);
    }

    [Fact]
    public void A_loop_in_the_body_of_a_sum_over_rows_differentiated_row_by_row_keeps_one_rows_values()
    {
        var run = GeneratorHarness.Run(TestModels.LogSumExp, Models).ShouldSucceed();
        string generated = run.Source("Models.RowLogSumExps.g.cs");
        string gradient = GradientCode(generated);
        Assert.Contains("Backward sweep, iteration by iteration", generated, StringComparison.Ordinal);
        Assert.Equal(1, GeneratedText.CountOf(gradient, "global::System.Math.Exp("));
        Assert.Contains("keptExp[c] = exp;", gradient, StringComparison.Ordinal);
        Assert.Contains(" keptExp[c];", gradient, StringComparison.Ordinal); // read in the backward sweep
        // Declared once, before the loop over rows, and released at the end.
        Assert.True(gradient.IndexOf("keptExpStorage = new", StringComparison.Ordinal) < gradient.IndexOf("for (int r = 0;", StringComparison.Ordinal));
        Assert.Equal(1, GeneratedText.CountOf(gradient, "keptExpStorage = new"));
        Assert.Contains("keptExpStorage.Dispose();", gradient, StringComparison.Ordinal);

        // Worked by hand: rows (0, ln 2, ln 5) and (1, 1, 1): sums 8 and 3e, the value ln 8 + ln 3 + 1, the gradient each
        // row's softmax, (1, 2, 5)/8 and (1, 1, 1)/3.
        var type = run.Load().GetType("Models")!;
        var result = type.GetMethod("RowLogSumExpsWithGradient", new[] { typeof(double[]) })!.Invoke(null, new object[] { new[] { 0, Math.Log(2), Math.Log(5), 1, 1, 1 } })!;
        double[] dX = (double[])result.GetType().GetProperty("X")!.GetValue(result)!;
        Assert.Equal(Math.Log(8) + Math.Log(3) + 1, (double)result.GetType().GetProperty("Value")!.GetValue(result)!, 12);
        double[] expected = { 1.0 / 8, 2.0 / 8, 5.0 / 8, 1.0 / 3, 1.0 / 3, 1.0 / 3 };
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], dX[i], 12);
        }
    }

    [Theory]
    [InlineData("RootSum", "Sqrt")]
    [InlineData("SineSum", "Cos")]
    [InlineData("SecondOrderLogSumExp", "Exp")]
    public void Shapes_outside_the_rule_compute_the_call_again(string method, string function)
    {
        var run = GeneratorHarness.Run(TestModels.LogSumExp, Models).ShouldSucceed();
        string generated = GeneratedText.Method(run.Source($"Models.{method}.g.cs"), "WithGradient(");
        Assert.DoesNotMatch("kept[A-Z]", GeneratedText.WithoutComments(generated));
        string backward = GeneratedText.WithoutComments(generated[generated.IndexOf("// Backward sweep", StringComparison.Ordinal)..]);
        Assert.Contains($"global::System.Math.{function}(", backward, StringComparison.Ordinal);
    }

    [Fact]
    public void A_loop_nested_in_a_loop_run_backwards_keeps_the_call_on_the_stack_of_saved_values()
    {
        var run = GeneratorHarness.Run(TestModels.LogSumExp, Models).ShouldSucceed();
        string gradient = GradientCode(run.Source("Models.Nested.g.cs"));
        Assert.DoesNotMatch("kept[A-Z]", gradient); // no buffer
        Assert.Equal(1, GeneratedText.CountOf(gradient, "global::System.Math.Exp("));
        Assert.Contains("saved.Push(exp);", gradient, StringComparison.Ordinal);
        Assert.Contains("double exp = saved.Pop();", gradient, StringComparison.Ordinal);

        // Worked by hand with one element: ln(e^(state·x)) / 4 = state·x / 4, so state = 0.5 (x/4)³ after three steps and
        // its derivative 1.5 x² / 64: at x = 2, 1/16 and 3/32.
        var type = run.Load().GetType("Models")!;
        var result = type.GetMethod("NestedWithGradient", new[] { typeof(double[]) })!.Invoke(null, new object[] { new[] { 2.0 } })!;
        Assert.Equal(1.0 / 16, (double)result.GetType().GetProperty("Value")!.GetValue(result)!, 14);
        Assert.Equal(3.0 / 32, ((double[])result.GetType().GetProperty("X")!.GetValue(result)!)[0], 14);
    }

    /// <summary>The code lines (not the comments) of the first generated method, the gradient that writes into spans.</summary>
    private static string GradientCode(string generated) => GeneratedText.WithoutComments(GeneratedText.Method(generated, "WithGradient("));
}
