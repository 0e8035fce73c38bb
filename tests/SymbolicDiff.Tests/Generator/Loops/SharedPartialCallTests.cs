namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// A call that several partials of one statement share (log-sum-exp's exp(x[i] − max), which is both ∂/∂x[i] and
/// −∂/∂max) is computed once in the backward sweep, and never taken out of a conditional. Each case is checked against
/// central finite differences and a value worked by hand.
/// </summary>
public class SharedPartialCallTests
{
    private const string Models = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            // exp(x[i − 1]) only where i > 0: the call stays under its condition, though another partial shares it.
            [Differentiable(nameof(x), nameof(k))]
            public static double Guarded(double[] x, double k)
            {
                double total = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    total += k * (i > 0 ? Math.Exp(x[i - 1]) : x[i]);
                }

                return total;
            }

            public static double GuardedIntoArray(double[] x, double k, double[] dX, out double dK)
            {
                var gradient = GuardedWithGradient(x, k);
                gradient.X.CopyTo(dX, 0);
                dK = gradient.K;
                return gradient.Value;
            }
        }
        """;

    [Theory]
    [InlineData("LogSumExp")]
    [InlineData("Guarded")]
    public void The_gradient_matches_finite_differences(string method)
    {
        var run = GeneratorHarness.Run(TestModels.LogSumExp, Models).ShouldSucceed();
        VectorFiniteDifferenceTests.Check(run.Load().GetType("Models")!, method, null);
    }

    [Fact]
    public void Log_sum_exps_backward_loop_computes_each_exponential_once_and_gives_the_softmax()
    {
        var run = GeneratorHarness.Run(TestModels.LogSumExp, Models).ShouldSucceed();
        // The first method is the gradient that writes into spans; its lines but those that are comments quoting the user's.
        string gradient = string.Join('\n', GeneratedText.Method(run.Source("Models.LogSumExp.g.cs"), "WithGradient(").Split('\n')
            .Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal)));

        // Once, in the forward sweep (it was three times): the backward sweep's shared local reads the value the forward
        // sweep kept (KeptCallTests).
        Assert.Equal(1, GeneratedText.CountOf(gradient, "global::System.Math.Exp(x[i] - max)"));
        Assert.Contains("as the forward sweep computed it, used in 2 partials below", gradient, StringComparison.Ordinal);

        // Worked by hand: x = (0, ln 3): the sum of exponentials is 1 + 3 = 4, the value ln 4, the gradient the
        // softmax (1/4, 3/4).
        var call = (Func<double[], double[], double>)Delegate.CreateDelegate(
            typeof(Func<double[], double[], double>), run.Load().GetType("Models")!.GetMethod("LogSumExpIntoArray")!);
        double[] dX = new double[2];
        Assert.Equal(Math.Log(4), call(new[] { 0, Math.Log(3) }, dX), 12);
        Assert.Equal(0.25, dX[0], 12);
        Assert.Equal(0.75, dX[1], 12);
    }

    [Fact]
    public void A_call_under_a_condition_stays_under_it()
    {
        var run = GeneratorHarness.Run(TestModels.LogSumExp, Models).ShouldSucceed();
        string generated = run.Source("Models.Guarded.g.cs");
        Assert.DoesNotContain("computed once, used in", generated, StringComparison.Ordinal);

        // Worked by hand: x = (2, 0, 1), k = 3: total = 3 (2 + e² + e⁰); ∂/∂x = 3 (1 + e², 1, 0), ∂/∂k = 2 + e² + 1.
        var type = run.Load().GetType("Models")!;
        double[] dX = new double[3];
        object[] arguments = { new[] { 2.0, 0, 1 }, 3.0, dX, 0.0 };
        double value = (double)type.GetMethod("GuardedIntoArray")!.Invoke(null, arguments)!;
        double e2 = Math.Exp(2);
        Assert.Equal(3 * (3 + e2), value, 12);
        Assert.Equal(3 * (1 + e2), dX[0], 12);
        Assert.Equal(3.0, dX[1], 12);
        Assert.Equal(0.0, dX[2], 12);
        Assert.Equal(3 + e2, (double)arguments[3], 12);
    }
}
