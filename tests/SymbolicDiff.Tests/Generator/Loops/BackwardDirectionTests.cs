using System.Reflection;

namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// Which way a backward loop runs. Where each iteration's backward step only adds into adjoints and reads nothing
/// another iteration's step writes, the backward loop counts up, as a hand-written adjoint does (the JIT drops its
/// bounds checks); a recurrence, a loop restoring saved values and a loop reading an adjoint another iteration adds to
/// keep counting down. Each shape is checked against numbers worked out by hand and against central finite
/// differences, so a loop turned the wrong way shows as a wrong gradient, not only as a different header.
/// </summary>
public class BackwardDirectionTests
{
    private const string Upward = "each iteration only adds into adjoints";

    private const string Models = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            // L = Σ w_i x_i²: the backward loop only adds into dW and dX.
            [Differentiable]
            public static double WeightedSquares(double[] w, double[] x)
            {
                double total = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    total += w[i] * x[i] * x[i];
                }

                return total;
            }

            // L = |A x|², A row-major with x.Length columns: the backward loop over k reads and clears ∂L/∂y[k], its own
            // element, and adds into dX[j] from every k.
            [Differentiable]
            public static double SquaredImage(double[] a, double[] x)
            {
                int m = x.Length;
                int n = a.Length / m;
                Span<double> y = stackalloc double[n];
                for (int k = 0; k < n; k++)
                {
                    double z = 0;
                    for (int j = 0; j < m; j++)
                    {
                        z += a[k * m + j] * x[j];
                    }

                    y[k] = z;
                }

                double total = 0;
                for (int k = 0; k < n; k++)
                {
                    total += y[k] * y[k];
                }

                return total;
            }

            // s ← s/2 + w_i x_i: ∂L/∂s is carried from one iteration to the one before.
            [Differentiable]
            public static double Discounted(double[] w, double[] x)
            {
                double s = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    s = 0.5 * s + w[i] * x[i];
                }

                return s;
            }

            // L = Σ_j v_j h_j, h_j = tanh(Σ_c W_jc x_c): each a_j is saved and restored, so the backward loop computing h
            // runs back; the loop over c inside it, and the loop summing v_j h_j, only add into adjoints.
            [Differentiable(nameof(weights), nameof(v))]
            public static double TanhLayer(double[] weights, double[] v, double[] x)
            {
                int d = x.Length;
                Span<double> h = stackalloc double[v.Length];
                for (int j = 0; j < v.Length; j++)
                {
                    double a = 0;
                    for (int c = 0; c < d; c++)
                    {
                        a += weights[j * d + c] * x[c];
                    }

                    h[j] = Math.Tanh(a);
                }

                double total = 0;
                for (int j = 0; j < v.Length; j++)
                {
                    total += v[j] * h[j];
                }

                return total;
            }

            // h_{i+1} = h_i w_i + x_i from h_0 = 1: ∂L/∂h[i] is read from ∂L/∂h[i + 1], which the next iteration adds to.
            [Differentiable]
            public static double Chain(double[] w, double[] x)
            {
                Span<double> h = stackalloc double[x.Length + 1];
                h[0] = 1;
                for (int i = 0; i < x.Length; i++)
                {
                    h[i + 1] = h[i] * w[i] + x[i];
                }

                return h[x.Length];
            }
        }
        """;

    private static readonly Lazy<(GeneratorRun Run, Type Type)> Compiled = new(() =>
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        return (run, run.Load().GetType("Models")!);
    });

    private static string Source(string method) => Compiled.Value.Run.Source("Models." + method + ".g.cs");

    [Fact]
    public void A_reduction_runs_its_backward_loop_up_and_gives_the_hand_worked_gradient()
    {
        // w = (4, 5, 6), x = (1, 2, 3): L = 4 + 20 + 54 = 78, ∂L/∂w = x² = (1, 4, 9), ∂L/∂x = 2 w x = (8, 20, 36).
        double[] w = { 4, 5, 6 }, x = { 1, 2, 3 };
        var (value, gradient) = Gradient("WeightedSquares", w, x);
        Assert.Equal(78, value, 12);
        AssertClose(new[] { 1.0, 4, 9 }, gradient["W"], 1e-12);
        AssertClose(new[] { 8.0, 20, 36 }, gradient["X"], 1e-12);
        AgainstFiniteDifferences("WeightedSquares", w, x);

        string generated = Source("WeightedSquares");
        Assert.DoesNotContain("i >= 0; i--", generated, StringComparison.Ordinal);
        Assert.Contains($"for (int i = 0; i < x.Length; i++) // {Upward}", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_loops_that_clear_their_own_element_and_add_across_rows_run_up_and_give_the_hand_worked_gradient()
    {
        // A = [[1, 2], [3, 4]], x = (1, −1): y = A x = (−1, −1), L = 2, ∂L/∂x = 2 Aᵀ y = (−8, −12),
        // ∂L/∂A = 2 y xᵀ = [[−2, 2], [−2, 2]].
        double[] a = { 1, 2, 3, 4 }, x = { 1, -1 };
        var (value, gradient) = Gradient("SquaredImage", a, x);
        Assert.Equal(2, value, 12);
        AssertClose(new[] { -8.0, -12 }, gradient["X"], 1e-12);
        AssertClose(new[] { -2.0, 2, -2, 2 }, gradient["A"], 1e-12);
        AgainstFiniteDifferences("SquaredImage", new[] { 0.5, -1.25, 2, 0.75, -0.5, 1.5 }, new[] { 1.5, -0.25 });

        string generated = Source("SquaredImage");
        Assert.DoesNotContain("--)", generated, StringComparison.Ordinal);
        Assert.Contains($"for (int k = 0; k < n; k++) // {Upward}", generated, StringComparison.Ordinal);
        Assert.Contains($"for (int j = 0; j < m; j++) // {Upward}", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recurrence_keeps_its_backward_loop_counting_down_and_gives_the_hand_worked_gradient()
    {
        // w = (4, 5, 6), x = (1, 2, 3): s = ¼·4·1 + ½·5·2 + 6·3 = 24, ∂s/∂w_i = 2^(i−2) x_i = (¼, 1, 3),
        // ∂s/∂x_i = 2^(i−2) w_i = (1, 2.5, 6).
        double[] w = { 4, 5, 6 }, x = { 1, 2, 3 };
        var (value, gradient) = Gradient("Discounted", w, x);
        Assert.Equal(24, value, 12);
        AssertClose(new[] { 0.25, 1, 3 }, gradient["W"], 1e-12);
        AssertClose(new[] { 1.0, 2.5, 6 }, gradient["X"], 1e-12);
        AgainstFiniteDifferences("Discounted", w, x);

        string generated = Source("Discounted");
        Assert.DoesNotContain(Upward, generated, StringComparison.Ordinal);
        Assert.Contains("for (int i = x.Length - 1; i >= 0; i--)", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void A_loop_restoring_saved_values_keeps_counting_down_while_the_loop_inside_it_runs_up()
    {
        // Two units over x = (1, −2): a = W x = (0.5 − 0.5, 1 + 1) = (0, 2); L = v₀ tanh 0 + v₁ tanh 2 = 3 tanh 2.
        // ∂L/∂v = (tanh 0, tanh 2); ∂L/∂W_jc = v_j (1 − tanh² a_j) x_c: row 0 is 2 (1, −2), row 1 is 3 (1 − tanh² 2)(1, −2).
        double[] weights = { 0.5, 0.25, 0.5, -0.75 }, v = { 2, 3 }, x = { 1, -2 };
        var (value, gradient) = Gradient("TanhLayer", weights, v, x);
        double t = Math.Tanh(2), slope = 3 * (1 - t * t);
        Assert.Equal(3 * t, value, 12);
        AssertClose(new[] { 0, t }, gradient["V"], 1e-12);
        AssertClose(new[] { 2.0, -4, slope, -2 * slope }, gradient["Weights"], 1e-12);
        AgainstFiniteDifferences("TanhLayer", weights, v, x);

        string generated = Source("TanhLayer");
        Assert.Contains("saved.Pop()", generated, StringComparison.Ordinal);
        Assert.Contains("for (int j = v.Length - 1; j >= 0; j--)", generated, StringComparison.Ordinal);
        Assert.Contains($"for (int c = 0; c < d; c++) // {Upward}", generated, StringComparison.Ordinal);
        Assert.Contains($"for (int j = 0; j < v.Length; j++) // {Upward}", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void A_loop_reading_an_adjoint_the_next_iteration_adds_to_keeps_counting_down_and_gives_the_hand_worked_gradient()
    {
        // w = (2, 3, 4), x = (1, 2, 3): h = (1, 3, 11, 47); ∂h₃/∂w_i = h_i Π_{k>i} w_k = (12, 12, 11),
        // ∂h₃/∂x_i = Π_{k>i} w_k = (12, 4, 1).
        double[] w = { 2, 3, 4 }, x = { 1, 2, 3 };
        var (value, gradient) = Gradient("Chain", w, x);
        Assert.Equal(47, value, 12);
        AssertClose(new[] { 12.0, 12, 11 }, gradient["W"], 1e-12);
        AssertClose(new[] { 12.0, 4, 1 }, gradient["X"], 1e-12);
        AgainstFiniteDifferences("Chain", w, x);

        string generated = Source("Chain");
        Assert.DoesNotContain(Upward, generated, StringComparison.Ordinal);
        Assert.Contains("for (int i = x.Length - 1; i >= 0; i--)", generated, StringComparison.Ordinal);
    }

    /// <summary>The value and each gradient property (by name) of <c>MWithGradient</c>, the struct overload.</summary>
    private static (double Value, Dictionary<string, double[]> Gradient) Gradient(string method, params double[][] arguments)
    {
        var withGradient = Compiled.Value.Type.GetMethods()
            .Single(m => m.Name == method + "WithGradient" && m.GetParameters().Length == arguments.Length);
        object result = withGradient.Invoke(null, arguments.Select(a => (object)a.ToArray()).ToArray())!;
        var properties = result.GetType().GetProperties();
        double value = (double)properties.Single(p => p.Name == "Value").GetValue(result)!;
        var gradient = properties.Where(p => p.Name != "Value").ToDictionary(p => p.Name, p => (double[])p.GetValue(result)!);
        return (value, gradient);
    }

    /// <summary>Each element of each differentiated array against (f(x + h) − f(x − h)) / 2h of the method itself.</summary>
    private static void AgainstFiniteDifferences(string method, params double[][] point)
    {
        MethodInfo function = Compiled.Value.Type.GetMethod(method)!;
        double F(double[][] arguments) => (double)function.Invoke(null, arguments.Select(a => (object)a).ToArray())!;
        var (_, gradient) = Gradient(method, point);
        var parameters = function.GetParameters();
        Assert.NotEmpty(gradient);
        foreach (var (name, analytic) in gradient)
        {
            int index = Array.FindIndex(parameters, p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            Assert.True(index >= 0, $"no parameter for gradient property {name}");
            for (int element = 0; element < analytic.Length; element++)
            {
                double h = 1e-6 * Math.Max(1, Math.Abs(point[index][element]));
                var plus = point.Select(a => a.ToArray()).ToArray();
                var minus = point.Select(a => a.ToArray()).ToArray();
                plus[index][element] += h;
                minus[index][element] -= h;
                double difference = (F(plus) - F(minus)) / (2 * h);
                Assert.True(
                    Math.Abs(analytic[element] - difference) <= 1e-6 * Math.Max(1, Math.Abs(difference)),
                    $"∂{method}/∂{name}[{element}]: generated {analytic[element]}, central difference {difference}");
            }
        }
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
