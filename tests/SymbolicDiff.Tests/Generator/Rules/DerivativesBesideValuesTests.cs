using SymbolicDiff.Tests.Generator.Loops;
using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.Rules;

/// <summary>
/// A call of a function whose [Derivative] names a value-and-derivative method (<c>WithValue</c>) is made through it in a
/// first-order gradient's forward sweep, and the backward sweep reads the derivative it declared instead of calling the
/// derivative method (Differentiation/DerivativesBesideValues.cs): <c>Activations.Sigmoid</c>, <c>Activations.Tanh</c>
/// and a user's own primitive, in straight-line code and in a loop, nested or not. Each gradient against a closed form
/// worked out here (σ′ = e/(1 + e)², tanh′ = 4e/(1 + e)² from e<sup>−|z|</sup>, computed in the test) and central
/// differences, also where a gate saturates (z = 40, where σ(1 − σ) would give 0).
/// </summary>
public class DerivativesBesideValuesTests
{
    private const string Models = """
        using System;
        using SymbolicDiff;

        public static partial class Beside
        {
            // Straight line: a sigmoid into a tanh, and a sigmoid nested in a product.
            [Differentiable]
            public static double Chain(double x, double w, double b)
            {
                double a = Activations.Sigmoid(w * x + b);
                double h = Activations.Tanh(a * w - b);
                return h * a + x * Activations.Sigmoid(h);
            }

            // A loop: an LSTM-like cell over a sequence; the gate and the change declared, the cell's tanh nested.
            [Differentiable(nameof(w))]
            public static double Cell(double[] w, double[] xs)
            {
                double c = 0, h = 0;
                for (int t = 0; t < xs.Length; t++)
                {
                    double f = Activations.Sigmoid(w[0] * xs[t] + w[1] * h + w[2]);
                    double g = Activations.Tanh(w[3] * xs[t] + w[4] * h + w[5]);
                    c = c * f + (1 - f) * g;
                    h = Activations.Tanh(c) * f;
                }

                return h;
            }

            // A user's own primitive with a value-and-derivative method.
            [Derivative(nameof(SoftsignDerivative), WithValue = nameof(SoftsignWithDerivative))]
            public static double Softsign(double x) => x / (1 + Math.Abs(x));

            public static double SoftsignDerivative(double x)
            {
                double d = 1 + Math.Abs(x);
                return 1 / (d * d);
            }

            public static double SoftsignWithDerivative(double x, out double derivative)
            {
                double d = 1 + Math.Abs(x);
                derivative = 1 / (d * d);
                return x / d;
            }

            [Differentiable]
            public static double UsesSoftsign(double x, double y) => Softsign(x * y) * y;

            // Second derivatives differentiate the derivative method: today's rule.
            [Differentiable(SecondOrder = true)]
            public static double Curved(double x) => Activations.Sigmoid(3 * x) * x;
        }
        """;

    /// <summary>σ′(z) from e = e^−|z|: accurate in both tails.</summary>
    private static double SigmoidPrime(double z)
    {
        double e = Math.Exp(-Math.Abs(z));
        return e / ((1 + e) * (1 + e));
    }

    /// <summary>tanh′(u) = 4e/(1 + e)² with e = e^−2|u|: accurate in both tails.</summary>
    private static double TanhPrime(double u)
    {
        double e = Math.Exp(-2 * Math.Abs(u));
        return 4 * e / ((1 + e) * (1 + e));
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    private static string Gradient(string source, string method)
    {
        int start = source.IndexOf($" {method}WithGradient(", StringComparison.Ordinal);
        int end = source.IndexOf("\n    }\n", start, StringComparison.Ordinal);
        return source.Substring(start, end - start);
    }

    [Fact]
    public void The_straight_line_forward_sweep_calls_the_value_and_derivative_methods()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = run.Source("Beside.Chain.g.cs");
        Snapshot.Verify(generated);
        string gradient = Gradient(generated, "Chain");
        Assert.Contains("double a = global::SymbolicDiff.Activations.SigmoidWithDerivative(z, out double da_dz);", gradient, StringComparison.Ordinal);
        Assert.Contains("global::SymbolicDiff.Activations.TanhWithDerivative(", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("SigmoidDerivative(", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("TanhDerivative(", gradient, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.7, -1.3, 0.4)]
    [InlineData(-2.0, 0.5, 1.5)]
    [InlineData(2.0, 15.0, 10.0)] // w·x + b = 40: σ rounds to 1, σ′ ≈ 4.25·10⁻¹⁸
    public void The_straight_line_gradient_is_the_closed_form_and_central_differences(double x, double w, double b)
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();

        // By hand: a = σ(wx + b), h = tanh(aw − b), s = σ(h), f = ha + xs.
        double z = w * x + b, a = Sigmoid(z), sa = SigmoidPrime(z);
        double u = a * w - b, h = Math.Tanh(u), th = TanhPrime(u);
        double s = Sigmoid(h), ss = SigmoidPrime(h);
        double daDx = sa * w, daDw = sa * x, daDb = sa;
        double dhDx = th * w * daDx, dhDw = th * (a + w * daDw), dhDb = th * (w * daDb - 1);
        double[] expected =
        {
            a * dhDx + h * daDx + s + x * ss * dhDx,
            a * dhDw + h * daDw + x * ss * dhDw,
            a * dhDb + h * daDb + x * ss * dhDb,
        };
        double[] actual = FiniteDifferenceCheck.Gradient(run, "Beside", "Chain", x, w, b);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-13 * Math.Max(1, Math.Abs(expected[i])), $"component {i}: generated {actual[i]:R}, by hand {expected[i]:R}");
        }

        FiniteDifferenceCheck.AgainstFiniteDifferences(run, "Beside", "Chain", x, w, b);
    }

    [Fact]
    public void In_a_saturated_gate_the_derivative_is_the_accurate_tail_not_zero()
    {
        // ∂/∂b of σ(b) · 1 alone: the model's a at z = 40 where only σ′ carries b's influence on a.
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;

            public static partial class Tail
            {
                [Differentiable]
                public static double Gate(double b) => Activations.Sigmoid(b) + Activations.Tanh(b / 2);
            }
            """).ShouldSucceed();
        Assert.Contains("SigmoidWithDerivative(b, out double", run.Source("Tail.Gate.g.cs"), StringComparison.Ordinal);
        // σ′(40) + tanh′(20)/2 = 4.2483542552915890·10⁻¹⁸ + 8.4967085105831779·10⁻¹⁸ (mpmath, 50 digits).
        double expected = 4.248354255291588959232e-18 + 1.699341702116635583693e-17 / 2;
        double actual = FiniteDifferenceCheck.Gradient(run, "Tail", "Gate", 40.0)[0];
        Assert.True(Math.Abs(actual - expected) <= 1e-15 * expected, $"generated {actual:R}, by hand {expected:R}");
    }

    [Fact]
    public void The_loop_forward_sweep_keeps_each_derivative_with_the_values()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = run.Source("Beside.Cell.g.cs");
        Snapshot.Verify(generated);
        string gradient = Gradient(generated, "Cell");
        Assert.Contains("double f = global::SymbolicDiff.Activations.SigmoidWithDerivative(", gradient, StringComparison.Ordinal);
        Assert.Contains("out double df_dz);", gradient, StringComparison.Ordinal);
        Assert.Contains("double g = global::SymbolicDiff.Activations.TanhWithDerivative(", gradient, StringComparison.Ordinal);
        Assert.Contains("double tanh = global::SymbolicDiff.Activations.TanhWithDerivative(c, out double dtanh_dc);", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("SigmoidDerivative(", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("TanhDerivative(", gradient, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the gate's bias at 40: σ rounds to 1 in every step
    public void The_loop_gradient_is_the_closed_form_and_central_differences(bool saturated)
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        var type = run.Load().GetType("Beside")!;
        double[] w = { 0.6, -0.4, saturated ? 40 : 0.3, 1.1, 0.7, -0.2 }, xs = { 0.5, -1.2, 2.0, 0.3 };

        // By hand: forward mode along each wₖ, with the tails' derivatives from e^−|z|.
        var expected = new double[w.Length];
        for (int k = 0; k < w.Length; k++)
        {
            double c = 0, h = 0, dc = 0, dh = 0;
            foreach (double x in xs)
            {
                double zf = w[0] * x + w[1] * h + w[2], zg = w[3] * x + w[4] * h + w[5];
                double dzf = (k == 0 ? x : 0) + (k == 1 ? h : 0) + w[1] * dh + (k == 2 ? 1 : 0);
                double dzg = (k == 3 ? x : 0) + (k == 4 ? h : 0) + w[4] * dh + (k == 5 ? 1 : 0);
                double f = Sigmoid(zf), df = SigmoidPrime(zf) * dzf;
                double g = Math.Tanh(zg), dg = TanhPrime(zg) * dzg;
                double cNext = c * f + (1 - f) * g;
                dc = dc * f + c * df - df * g + (1 - f) * dg;
                c = cNext;
                double tc = Math.Tanh(c);
                dh = TanhPrime(c) * dc * f + tc * df;
                h = tc * f;
            }

            expected[k] = dh;
        }

        object result = type.GetMethod("CellWithGradient", new[] { typeof(double[]), typeof(double[]) })!.Invoke(null, new object[] { w, xs })!;
        double[] actual = (double[])result.GetType().GetProperty("W")!.GetValue(result)!;
        for (int k = 0; k < w.Length; k++)
        {
            Assert.True(Math.Abs(actual[k] - expected[k]) <= 1e-12 * Math.Abs(expected[k]) + 1e-300, $"∂/∂w[{k}]: generated {actual[k]:R}, by hand {expected[k]:R}");
        }

        if (saturated)
        {
            // σ′(≈40) reaches w[2] only through the saturated gate: about 10⁻¹⁸, where σ(1 − σ) would give exactly 0.
            Assert.InRange(Math.Abs(actual[2]), 1e-21, 1e-15);
        }

        VectorFiniteDifferenceTests.Check(type, "Cell", random => new[] { 6, 3 + random.Next(4) });
    }

    [Fact]
    public void A_users_primitive_declares_its_own_value_and_derivative_method()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string gradient = Gradient(run.Source("Beside.UsesSoftsign.g.cs"), "UsesSoftsign");
        Assert.Contains("global::Beside.SoftsignWithDerivative(x_1, out double dsoftsign_dx_1)", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("SoftsignDerivative(", gradient, StringComparison.Ordinal);

        // By hand: f = softsign(xy)·y, softsign′(v) = 1/(1 + |v|)².
        foreach (var (x, y) in new[] { (0.5, 2.0), (-3.0, 0.7) })
        {
            double v = x * y, d = 1 + Math.Abs(v), prime = 1 / (d * d);
            double[] actual = FiniteDifferenceCheck.Gradient(run, "Beside", "UsesSoftsign", x, y);
            Assert.Equal(prime * y * y, actual[0], 14);
            Assert.Equal(prime * x * y + v / d, actual[1], 14);
            FiniteDifferenceCheck.AgainstFiniteDifferences(run, "Beside", "UsesSoftsign", x, y);
        }
    }

    [Fact]
    public void Second_derivatives_keep_the_derivative_method()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = run.Source("Beside.Curved.g.cs");
        Assert.DoesNotContain("SigmoidWithDerivative(", generated, StringComparison.Ordinal);
        Assert.Contains("SigmoidDerivative(", generated, StringComparison.Ordinal);
        FiniteDifferenceCheck.AgainstFiniteDifferences(run, "Beside", "Curved", 0.4);
    }
}
