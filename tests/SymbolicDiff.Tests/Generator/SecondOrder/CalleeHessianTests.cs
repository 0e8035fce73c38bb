using System.Globalization;
using Microsoft.CodeAnalysis;
using SymbolicDiff.Tests.Generator.Diagnostics;
using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.SecondOrder;

/// <summary>
/// Second derivatives of a method that calls another [Differentiable] method G: the Hessian differentiates G's gradient
/// again, through G's own Hessian (G has SecondOrder = true). Each Hessian is checked against one worked out by hand
/// and against central differences of the generated gradient, in straight-line code, a branch, loops and float.
/// </summary>
public class CalleeHessianTests
{
    private const string Source = """
        using System;
        using SymbolicDiff;

        public static partial class Model
        {
            [Differentiable(SecondOrder = true)]
            public static double G(double u, double y) => u * u * y + Math.Sin(y);

            [Differentiable(SecondOrder = true)]
            public static double F(double x, double y) => G(x, y) * x + y;

            [Differentiable(SecondOrder = true)]
            public static double Guarded(double x, double y)
            {
                double s = y * y;
                if (x > 0)
                {
                    s = G(x, y) * y;
                }

                return s;
            }

            [Differentiable(SecondOrder = true)]
            public static double Sum(double x, double y)
            {
                double s = 0;
                for (int i = 0; i < 5; i++)
                {
                    s += x * G(x + 0.1 * i, y);
                }

                return s;
            }

            [Differentiable(SecondOrder = true)]
            public static double Linear(double u, double y) => u * y + y * y;

            [Differentiable(SecondOrder = true)]
            public static double Recurrence(double x, double y)
            {
                double s = 0;
                for (int i = 0; i < 6; i++)
                {
                    s += 0.1 * Linear(s + x, y);
                }

                return s;
            }
        }
        """;

    private static readonly double[][] Points = { new[] { 0.7, -1.3 }, new[] { 1.5, 0.4 }, new[] { -0.6, 2.2 } };

    private static GeneratorRun Run() => GeneratorHarness.Run(Source).ShouldSucceed();

    [Fact]
    public void A_straight_line_callers_Hessian_reads_the_callees()
    {
        var harness = new HessianHarness(Run(), "Model", "F");
        foreach (var point in Points)
        {
            // F = (x²y + sin y)·x + y = x³y + x·sin y + y: F_xx = 6xy, F_xy = 3x² + cos y, F_yy = −x·sin y.
            double x = point[0], y = point[1];
            var byHand = new[,] { { 6 * x * y, 3 * x * x + Math.Cos(y) }, { 3 * x * x + Math.Cos(y), -x * Math.Sin(y) } };
            harness.Check(point, new[] { 0, 1 }, byHand);
        }
    }

    [Fact]
    public void A_call_in_a_branch_is_differentiated_where_the_branch_is_taken()
    {
        var harness = new HessianHarness(Run(), "Model", "Guarded");
        foreach (var point in Points)
        {
            // x > 0: s = (x²y + sin y)·y = x²y² + y·sin y, so s_xx = 2y², s_xy = 4xy, s_yy = 2x² + 2cos y − y·sin y; else s = y².
            double x = point[0], y = point[1];
            var byHand = x > 0
                ? new[,] { { 2 * y * y, 4 * x * y }, { 4 * x * y, 2 * x * x + 2 * Math.Cos(y) - y * Math.Sin(y) } }
                : new[,] { { 0.0, 0.0 }, { 0.0, 2.0 } };
            harness.Check(point, new[] { 0, 1 }, byHand);
        }
    }

    [Fact]
    public void A_loop_calling_the_callee_sums_its_Hessians()
    {
        var harness = new HessianHarness(Run(), "Model", "Sum");
        foreach (var point in Points)
        {
            // Each term T = x·G(u, y) with u = x + cᵢ: T_xx = 2G_u + x·G_uu, T_xy = G_y + x·G_uy, T_yy = x·G_yy, where
            // G_u = 2uy, G_y = u² + cos y, G_uu = 2y, G_uy = 2u, G_yy = −sin y.
            double x = point[0], y = point[1];
            var byHand = new double[2, 2];
            for (int i = 0; i < 5; i++)
            {
                double u = x + 0.1 * i;
                byHand[0, 0] += 2 * (2 * u * y) + x * 2 * y;
                byHand[0, 1] += u * u + Math.Cos(y) + x * 2 * u;
                byHand[1, 1] += x * -Math.Sin(y);
            }

            byHand[1, 0] = byHand[0, 1];
            harness.Check(point, new[] { 0, 1 }, byHand);
        }
    }

    [Fact]
    public void A_recurrence_through_the_callee_follows_the_saved_values_back()
    {
        var harness = new HessianHarness(Run(), "Model", "Recurrence");
        foreach (var point in Points)
        {
            // s ← s + 0.1·((s + x)·y + y²) = a·s + 0.1·y(x + y), a = 1 + 0.1y, from s = 0: after n steps
            // s = (x + y)(aⁿ − 1). So s_xx = 0, s_xy = 0.1·n·aⁿ⁻¹, s_yy = 0.2·n·aⁿ⁻¹ + (x + y)·0.01·n(n − 1)·aⁿ⁻².
            double x = point[0], y = point[1], a = 1 + 0.1 * y;
            const int n = 6;
            double xy = 0.1 * n * Math.Pow(a, n - 1);
            var byHand = new[,] { { 0.0, xy }, { xy, 0.2 * n * Math.Pow(a, n - 1) + (x + y) * 0.01 * n * (n - 1) * Math.Pow(a, n - 2) } };
            harness.Check(point, new[] { 0, 1 }, byHand);
        }
    }

    [Fact]
    public void The_callers_Hessian_calls_the_callees_Hessian_into_spans_declared_once_before_the_sweeps()
    {
        var run = Run();
        string source = run.Source("Model.F.g.cs");
        Snapshot.Verify(source);

        // The scratch spans are declared before the loop over directions, never in it.
        int spans = source.IndexOf("stackalloc double[4]", StringComparison.Ordinal);
        int loop = source.IndexOf("for (int k = 0; k < 2; k++)", StringComparison.Ordinal);
        Assert.True(spans > 0 && loop > spans, "the callee's Hessian span is declared before the sweeps");

        var harness = new HessianHarness(run, "Model", "F");
        double x = 0.3, y = 0.9;
        harness.Check(new[] { x, y }, new[] { 0, 1 }, new[,] { { 6 * x * y, 3 * x * x + Math.Cos(y) }, { 3 * x * x + Math.Cos(y), -x * Math.Sin(y) } });
    }

    /// <summary>
    /// MWithHessian runs its body once per direction: a callee's Hessian (and gradient) at arguments no direction changes
    /// is taken once before the sweeps, also from inside a loop; where the arguments read a loop counter or a parameter the
    /// body assigns, it stays where it is read. The Hessians are the same either way (checked by hand and by differences).
    /// </summary>
    [Fact]
    public void A_callees_Hessian_at_arguments_no_direction_changes_is_taken_once_before_the_sweeps()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable(SecondOrder = true)]
                public static double G(double u, double y) => u * u * y + Math.Sin(y);

                [Differentiable(SecondOrder = true)]
                public static double Repeated(double x, double y)
                {
                    double s = 0;
                    for (int i = 0; i < 3; i++)
                    {
                        s += x * G(x, y);
                    }

                    return s;
                }

                [Differentiable(SecondOrder = true)]
                public static double Shifted(double x, double y)
                {
                    double s = 0;
                    for (int i = 0; i < 3; i++)
                    {
                        s += G(x + i, y);
                    }

                    return s;
                }

                [Differentiable(SecondOrder = true)]
                public static double Reassigned(double x, double y)
                {
                    x = x * x;
                    return G(x, y);
                }
            }
            """).ShouldSucceed();

        static (int Call, int Sweeps) Where(string source, string call) =>
            (source.IndexOf(call, StringComparison.Ordinal), source.IndexOf("for (int k = 0; k < 2; k++)", StringComparison.Ordinal));

        var repeated = Where(run.Source("Model.Repeated.g.cs"), "global::Model.GWithHessian(x, y, ");
        Assert.True(repeated.Call > 0 && repeated.Call < repeated.Sweeps, "G's Hessian at (x, y) is taken before the sweeps");
        var shifted = Where(run.Source("Model.Shifted.g.cs"), "global::Model.GWithHessian(");
        Assert.True(shifted.Call > shifted.Sweeps, "G's Hessian at x + i stays in the loop that reads it");
        var reassigned = Where(run.Source("Model.Reassigned.g.cs"), "global::Model.GWithHessian(");
        Assert.True(reassigned.Call > reassigned.Sweeps, "G's Hessian at an x the body assigns stays where it is read");

        foreach (var point in Points)
        {
            double x = point[0], y = point[1];

            // Repeated = 3x·G(x, y) = 3(x³y + x·sin y): 18xy, 9x² + 3cos y, −3x·sin y.
            new HessianHarness(run, "Model", "Repeated").Check(point, new[] { 0, 1 }, new[,] { { 18 * x * y, 9 * x * x + 3 * Math.Cos(y) }, { 9 * x * x + 3 * Math.Cos(y), -3 * x * Math.Sin(y) } });

            // Shifted = Σᵢ (x + i)²y + 3 sin y: 2y·3, 2Σ(x + i), −3 sin y.
            double sum = 3 * x + 3;
            new HessianHarness(run, "Model", "Shifted").Check(point, new[] { 0, 1 }, new[,] { { 6 * y, 2 * sum }, { 2 * sum, -3 * Math.Sin(y) } });

            // Reassigned = G(x², y) = x⁴y + sin y: 12x²y, 4x³, −sin y.
            new HessianHarness(run, "Model", "Reassigned").Check(point, new[] { 0, 1 }, new[,] { { 12 * x * x * y, 4 * x * x * x }, { 4 * x * x * x, -Math.Sin(y) } });
        }
    }

    [Fact]
    public void A_float_callers_Hessian_reads_the_float_callees()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable(SecondOrder = true)]
                public static float G(float u, float y) => u * u * y + MathF.Sin(y);

                [Differentiable(SecondOrder = true)]
                public static float F(float x, float y) => G(x, y) * x + y;

                [Differentiable]
                public static double Twin(double x, double y) => (x * x * y + Math.Sin(y)) * x + y;
            }
            """).ShouldSucceed();
        Assert.Contains("global::System.Span<float>", run.Source("Model.F.g.cs"));
        var model = run.Load().GetType("Model")!;
        var withHessian = model.GetMethods().Single(m => m.Name == "FWithHessian" && m.GetParameters().Length == 2);
        var twin = new HessianHarness(run, "Model", "Twin", withHessian: false);
        foreach (var point in Points)
        {
            float x = (float)point[0], y = (float)point[1];
            object result = withHessian.Invoke(null, new object[] { x, y })!;
            var matrix = (float[,])result.GetType().GetProperty("Hessian")!.GetValue(result)!;
            var hessian = new double[2, 2];
            for (int i = 0; i < 2; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    hessian[i, j] = matrix[i, j];
                }
            }

            var byHand = new[,] { { 6.0 * x * y, 3.0 * x * x + Math.Cos(y) }, { 3.0 * x * x + Math.Cos(y), -x * Math.Sin(y) } };
            HessianHarness.AssertClose(byHand, hessian, 2e-5, "float Hessian against the one worked out by hand");
            HessianHarness.AssertClose(twin.FiniteDifferenceHessian(new double[] { x, y }, new[] { 0, 1 }), hessian, 2e-5, "float Hessian against central differences of the double twin's gradient");
            HessianHarness.AssertSymmetric(hessian);
        }
    }

    [Fact]
    public void A_callee_without_second_derivatives_is_SD0032_at_the_call_and_the_gradient_is_still_generated()
    {
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable]
                public static double Square(double u) => u * u;

                [Differentiable(SecondOrder = true)]
                public static double Outer(double x) => Square(x) * x;
            }
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0032", diagnostic.Id);
        string source = run.Input.SyntaxTrees.First().ToString();
        Assert.Equal("Square(x)", source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        string message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        Assert.Contains("'Outer' asks for second derivatives", message);
        Assert.Contains("add SecondOrder = true to the [Differentiable] of 'Square'", message);
        Assert.Contains("OuterWithGradient", run.Source("Model.Outer.g.cs"));
        Assert.DoesNotContain("OuterWithHessian", run.Source("Model.Outer.g.cs"));
        Assert.Empty(run.CompilationProblems);
    }

    /// <summary>
    /// A chain F → G → H where H has no second derivatives: G is SD0032 at its call of H and gets no Hessian, so neither
    /// F's Hessian (which reads G's) nor the gradient of N (which reads G's gradient, so its Hessian) may call
    /// GWithHessian: SD0033 at their calls of G, and every generated file compiles.
    /// </summary>
    [Fact]
    public void A_callee_that_got_no_Hessian_is_SD0033_at_each_caller_that_reads_it_and_no_generated_code_calls_it()
    {
        var (run, spans) = DiagnosticAssert.Run(
            """
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable]
                public static double H(double u) => u * u * u;

                [Differentiable(SecondOrder = true)]
                public static double G(double u, double y) => [|H(u)|] * y;

                [Differentiable(SecondOrder = true)]
                public static double F(double x, double y) => [|G(x, y)|] * x + y;

                [Differentiable(SecondOrder = true)]
                public static double E(double x) => [|F(x, 2.0)|] * x;

                [Differentiable]
                public static double N(double x, double y) => [|GWithGradient(x, y)|].U;
            }
            """);

        Assert.Empty(run.CompilationProblems);
        var reported = run.GeneratorDiagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.Equal(new[] { "SD0032", "SD0033", "SD0033", "SD0033" }, reported.Select(d => d.Id));
        for (int i = 0; i < reported.Count; i++)
        {
            DiagnosticAssert.AtSpan(run, reported[i], spans[i]);
        }

        Assert.Contains("the second derivatives of 'F' read them, so they are not generated either (its gradient is)", reported[1].GetMessage(CultureInfo.InvariantCulture));
        Assert.Contains("'E' calls 'Model.F'", reported[2].GetMessage(CultureInfo.InvariantCulture));
        Assert.Contains("the gradient of 'N' reads them", reported[3].GetMessage(CultureInfo.InvariantCulture));

        // The gradients of G, F and E are still generated; N, whose gradient needs G's Hessian, gets no code.
        foreach (string method in new[] { "G", "F", "E" })
        {
            Assert.Contains(method + "WithGradient", run.Source($"Model.{method}.g.cs"));
            Assert.DoesNotContain(method + "WithHessian", run.Source($"Model.{method}.g.cs"));
        }

        Assert.DoesNotContain(run.GeneratedSources, source => source.HintName.EndsWith("Model.N.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void A_method_over_spans_calling_the_callee_in_a_loop_gets_its_Hessian_vector_product()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable(SecondOrder = true)]
                public static double G(double u, double y) => u * u * y + Math.Sin(y);

                [Differentiable(SecondOrder = true)]
                public static double Chain(ReadOnlySpan<double> w)
                {
                    double s = 0;
                    for (int i = 0; i < w.Length - 1; i++)
                    {
                        s += G(w[i], w[i + 1]);
                    }

                    return s;
                }
            }

            public static class Adapters
            {
                public static double Product(double[] w, double[] v, double[] gradient, double[] product) => Model.ChainHessianVectorProduct(w, v, gradient, product);

                public static double Gradient(double[] w, double[] gradient) => Model.ChainWithGradient(w, gradient);
            }
            """).ShouldSucceed();
        var adapters = run.Load().GetType("Adapters")!;
        double[] Product(double[] w, double[] v)
        {
            var product = new double[w.Length];
            adapters.GetMethod("Product")!.Invoke(null, new object[] { w, v, new double[w.Length], product });
            return product;
        }

        double[] Gradient(double[] w)
        {
            var gradient = new double[w.Length];
            adapters.GetMethod("Gradient")!.Invoke(null, new object[] { w, gradient });
            return gradient;
        }

        double[] point = { 0.7, -1.3, 0.4, 2.1, -0.5 }, direction = { 0.3, -0.8, 1.1, 0.2, -0.6 };
        int n = point.Length;

        // Term i is G(wᵢ, wᵢ₊₁): G_uu = 2y on (i, i), G_uy = 2u on (i, i+1) and (i+1, i), G_yy = −sin y on (i+1, i+1).
        var byHand = new double[n, n];
        for (int i = 0; i < n - 1; i++)
        {
            double u = point[i], y = point[i + 1];
            byHand[i, i] += 2 * y;
            byHand[i, i + 1] += 2 * u;
            byHand[i + 1, i] += 2 * u;
            byHand[i + 1, i + 1] -= Math.Sin(y);
        }

        var product = Product(point, direction);
        const double h = 1e-6;
        var plus = Gradient(point.Select((w, i) => w + h * direction[i]).ToArray());
        var minus = Gradient(point.Select((w, i) => w - h * direction[i]).ToArray());
        for (int i = 0; i < n; i++)
        {
            double expected = Enumerable.Range(0, n).Sum(j => byHand[i, j] * direction[j]);
            Assert.Equal(expected, product[i], 12);
            Assert.Equal((plus[i] - minus[i]) / (2 * h), product[i], 6);
        }
    }

    [Fact]
    public void A_callee_whose_arguments_are_constants_needs_no_second_derivatives()
    {
        // Square(2.0) is a constant: the gradient never calls SquareWithGradient, so nothing of Square's is differentiated.
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable]
                public static double Square(double u) => u * u;

                [Differentiable(SecondOrder = true)]
                public static double Outer(double x) => Square(2.0) * x * x;
            }
            """).ShouldSucceed();
        var harness = new HessianHarness(run, "Model", "Outer");
        harness.Check(new[] { 0.8 }, new[] { 0 }, new[,] { { 8.0 } });
    }
}
