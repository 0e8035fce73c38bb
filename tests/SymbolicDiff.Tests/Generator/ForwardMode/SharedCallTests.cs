namespace SymbolicDiff.Tests.Generator.ForwardMode;

/// <summary>
/// A costly call that a statement's value and its tangent both make is computed once, into a local before the two
/// (log-sum-exp's <c>sum += Math.Exp(x[i] - max)</c>, whose tangent goes first): checked by counting the calls in the
/// generated <c>MWithDerivative</c>, against directional derivatives worked by hand and central differences, in the
/// Hessian-vector product built on forward mode, and on a call under a conditional, which stays where it is.
/// </summary>
public class SharedCallTests
{
    private const string Models = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            // The tangent goes after the value here, and still reads sin and cos.
            [Differentiable]
            public static double SinCos(double a)
            {
                double s = Math.Sin(a) * Math.Cos(a);
                return s;
            }

            // Exp only where a is positive: the value does not always call it, so neither does a local.
            [Differentiable(nameof(x))]
            public static double Guarded(double[] x)
            {
                double sum = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    sum += x[i] > 0 ? Math.Exp(x[i]) : x[i];
                }

                return sum;
            }

            public static double GuardedJvp(double[] x, double[] v) => GuardedWithDerivative(x, v).Derivative;

            [Differentiable(SecondOrder = true)]
            public static double SecondOrderLogSumExp(ReadOnlySpan<double> x)
            {
                double sum = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    sum += Math.Exp(x[i]);
                }

                return Math.Log(sum);
            }

            public static double Product(double[] x, double[] v, double[] gradient, double[] product) =>
                SecondOrderLogSumExpHessianVectorProduct(x, v, gradient, product);

            public static double Gradient(double[] x, double[] gradient) => SecondOrderLogSumExpWithGradient(x, gradient);
        }
        """;

    [Fact]
    public void Log_sum_exps_derivative_computes_each_exponential_once()
    {
        var run = GeneratorHarness.Run(TestModels.LogSumExp, Models).ShouldSucceed();
        string derivative = Method(run.Source("Models.LogSumExp.g.cs"), "LogSumExpWithDerivative(");
        Assert.Equal(1, GeneratedText.CountOf(derivative, "global::System.Math.Exp("));
        Assert.Contains("double exp = global::System.Math.Exp(x[i] - max);", derivative, StringComparison.Ordinal);
        Assert.Contains("dSum += exp * (dX[i] - dMax);", derivative, StringComparison.Ordinal);
        Assert.Contains("sum += exp;", derivative, StringComparison.Ordinal);

        // Worked by hand: x = (ln 2, 0, ln 5), v = (1, 2, 3): the derivative along v is softmax · v = (2·1 + 1·2 + 5·3)/8.
        var type = run.Load().GetType("Models")!;
        var jvp = type.GetMethod("LogSumExpJvp")!;
        double[] x = { Math.Log(2), 0, Math.Log(5) }, v = { 1, 2, 3 };
        Assert.Equal(19.0 / 8, (double)jvp.Invoke(null, new object[] { x, v })!, 14);

        // Central differences along a direction, at a point with 40 elements.
        var random = new Random(5);
        x = Enumerable.Range(0, 40).Select(_ => random.NextDouble() * 4 - 2).ToArray();
        v = Enumerable.Range(0, 40).Select(_ => random.NextDouble() - 0.5).ToArray();
        var f = type.GetMethod("LogSumExp")!;
        const double h = 1e-6;
        double Along(double t) => (double)f.Invoke(null, new object[] { x.Zip(v, (xi, vi) => xi + t * vi).ToArray() })!;
        Assert.Equal((Along(h) - Along(-h)) / (2 * h), (double)jvp.Invoke(null, new object[] { x, v })!, 7);
    }

    [Fact]
    public void A_tangent_after_its_value_reads_the_shared_calls_too()
    {
        var run = GeneratorHarness.Run(TestModels.LogSumExp, Models).ShouldSucceed();
        string derivative = Method(run.Source("Models.SinCos.g.cs"), "SinCosWithDerivative(");
        Assert.Equal(1, GeneratedText.CountOf(derivative, "global::System.Math.Sin("));
        Assert.Equal(1, GeneratedText.CountOf(derivative, "global::System.Math.Cos("));

        // d/da (sin a cos a) = cos² a − sin² a = cos 2a.
        var method = run.Load().GetType("Models")!.GetMethod("SinCosWithDerivative")!;
        foreach (double a in new[] { 0.3, -1.2, 2.5 })
        {
            var result = ((double Value, double Derivative))method.Invoke(null, new object[] { a, 1.0 })!;
            Assert.Equal(Math.Sin(a) * Math.Cos(a), result.Value, 14);
            Assert.Equal(Math.Cos(2 * a), result.Derivative, 14);
        }
    }

    [Fact]
    public void A_call_the_value_makes_only_under_a_condition_is_not_hoisted()
    {
        var run = GeneratorHarness.Run(TestModels.LogSumExp, Models).ShouldSucceed();
        string derivative = Method(run.Source("Models.Guarded.g.cs"), "GuardedWithDerivative(");
        Assert.DoesNotContain("computed once", derivative, StringComparison.Ordinal);

        // Worked by hand: x = (1, −2), v = (3, 5): e¹·3 + 1·5.
        var jvp = run.Load().GetType("Models")!.GetMethod("GuardedJvp")!;
        Assert.Equal(3 * Math.E + 5, (double)jvp.Invoke(null, new object[] { new[] { 1.0, -2 }, new[] { 3.0, 5 } })!, 13);
    }

    [Fact]
    public void The_hessian_vector_product_over_the_shared_call_matches_the_softmax_hessian_and_central_differences()
    {
        var run = GeneratorHarness.Run(TestModels.LogSumExp, Models).ShouldSucceed();
        var type = run.Load().GetType("Models")!;
        var product = type.GetMethod("Product")!;
        var gradient = type.GetMethod("Gradient")!;

        // The Hessian of log Σ e^(xᵢ) is diag(p) − p pᵀ with p the softmax: H·v = p ⊙ v − p (p · v).
        double[] x = { 0, Math.Log(3), -1 }, v = { 1, -2, 0.5 };
        double total = x.Sum(Math.Exp);
        double[] p = x.Select(xi => Math.Exp(xi) / total).ToArray();
        double pv = p.Zip(v, (a, b) => a * b).Sum();
        double[] g = new double[3], hv = new double[3];
        product.Invoke(null, new object[] { x, v, g, hv });
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(p[i] * v[i] - p[i] * pv, hv[i], 14);
            Assert.Equal(p[i], g[i], 14);
        }

        // Central differences of the generated gradient along v.
        const double h = 1e-6;
        double[] plus = new double[3], minus = new double[3];
        gradient.Invoke(null, new object[] { x.Zip(v, (a, b) => a + h * b).ToArray(), plus });
        gradient.Invoke(null, new object[] { x.Zip(v, (a, b) => a - h * b).ToArray(), minus });
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal((plus[i] - minus[i]) / (2 * h), hv[i], 7);
        }
    }

    [Fact]
    public void Log_sum_exps_derivative_allocates_nothing()
    {
        var run = GeneratorHarness.Run(TestModels.LogSumExp, Models).ShouldSucceed();
        var jvp = (Func<double[], double[], double>)Delegate.CreateDelegate(typeof(Func<double[], double[], double>), run.Load().GetType("Models")!.GetMethod("LogSumExpJvp")!);
        double[] x = Enumerable.Range(0, 500).Select(i => Math.Sin(i * 0.3)).ToArray();
        double[] v = Enumerable.Range(0, 500).Select(i => Math.Cos(i * 0.7)).ToArray();
        Assert.Equal(0, Allocations.PerCall(() => jvp(x, v)));
    }

    /// <summary>The code lines (comments dropped) of the generated method whose signature starts with <paramref name="signature"/>.</summary>
    private static string Method(string generated, string signature) => GeneratedText.WithoutComments(GeneratedText.Method(generated, signature));
}
