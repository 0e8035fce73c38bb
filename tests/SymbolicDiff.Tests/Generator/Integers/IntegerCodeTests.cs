using SymbolicDiff;

namespace SymbolicDiff.Tests.Generator.Integers;

/// <summary>
/// The integer code of <see cref="IntegerModels"/>, checked two ways in every kind of generated method: against
/// derivatives worked out by hand (in the comments), and against central finite differences of the method itself.
/// Each scalar model is checked in reverse mode (<c>MWithGradient</c>), forward mode (<c>MWithDerivative</c>) and,
/// where it opts in, second order (<c>MWithHessian</c>).
/// </summary>
public class IntegerCodeTests
{
    private const double H = 1e-6;

    private static double Central(Func<double, double> f, double x) => (f(x + H) - f(x - H)) / (2 * H);

    private static double[] Central(Func<double[], double> f, double[] x)
    {
        var gradient = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            var plus = (double[])x.Clone();
            var minus = (double[])x.Clone();
            plus[i] += H;
            minus[i] -= H;
            gradient[i] = (f(plus) - f(minus)) / (2 * H);
        }

        return gradient;
    }

    private static void Close(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");

    private static void Close(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Close(expected[i], actual[i], tolerance, $"{what}[{i}]");
        }
    }

    // ---- bit operations ----

    [Theory]
    // n = 6: m = (6 & 3) | (12 ^ 3) = 2 | 15 = 15, k = ~6 = −7, w = (6·2³³) >> 32 = 12: f = 27x − 7x², f' = 27 − 14x, f'' = −14.
    [InlineData(1.5, 6, 27 * 1.5 - 7 * 1.5 * 1.5, 27 - 14 * 1.5, -14)]
    // n = −5: m = (−5 & 3) | (−10 ^ −3) = 3 | 11 = 11, k = ~−5 = 4, w = −10: f = x + 4x², f' = 1 + 8x, f'' = 8.
    [InlineData(-0.75, -5, -0.75 + 4 * 0.5625, 1 + 8 * -0.75, 8)]
    public void Bit_operations_and_shifts_are_integer_code_with_derivative_0_in_every_sweep(double x, int n, double value, double derivative, double second)
    {
        var gradient = IntegerModels.BitMixWithGradient(x, n);
        Close(value, gradient.Value, 1e-12, "value");
        Close(derivative, gradient.X, 1e-12, "∂f/∂x");
        Close(derivative, Central(v => IntegerModels.BitMix(v, n), x), 1e-6, "∂f/∂x by finite differences");

        var (forwardValue, tangent) = IntegerModels.BitMixWithDerivative(x, n, 2.0);
        Close(value, forwardValue, 1e-12, "forward value");
        Close(2 * derivative, tangent, 1e-12, "derivative along 2");

        var hessian = IntegerModels.BitMixWithHessian(x, n);
        Close(derivative, hessian.X, 1e-12, "gradient of MWithHessian");
        Close(second, hessian.Hessian[0, 0], 1e-12, "∂²f/∂x²");
        Close(second, Central(v => IntegerModels.BitMixWithGradient(v, n).X, x), 1e-6, "∂²f/∂x² by finite differences");
    }

    [Fact]
    public void Generated_code_keeps_the_evaluation_order_of_every_mix_of_integer_precedence_levels()
    {
        // The generated forward sweep prints each integer expression again; any lost or misplaced parenthesis changes
        // the value for some n (shifts bind looser than + and −, & ^ | looser than comparisons, in that order).
        for (int n = -40; n <= 40; n++)
        {
            foreach (double x in new[] { -1.25, 0.5, 2.0 })
            {
                double expected = IntegerModels.Precedence(x, n);
                Assert.Equal(expected, IntegerModels.PrecedenceWithGradient(x, n).Value);
                Assert.Equal(expected, IntegerModels.PrecedenceWithDerivative(x, n, 1.0).Value);
                Close(Central(v => IntegerModels.Precedence(v, n), x), IntegerModels.PrecedenceWithGradient(x, n).X, 1e-6, $"∂f/∂x at n = {n}");
            }
        }
    }

    // ---- an integer ?: ----

    [Theory]
    // x > 0: sign = 1; i = 0: j = 0. f = x², f' = 2x, f'' = 2.
    [InlineData(1.5, 0, 2.25, 3.0, 2.0)]
    // x < 0: sign = −1; i = 4: j = 3. f = −x² + 3x = −4 − 6 = −10, f' = −2x + 3 = 7, f'' = −2.
    [InlineData(-2.0, 4, -10.0, 7.0, -2.0)]
    public void An_integer_conditional_in_an_integer_local_is_read_as_the_branch_taken(double x, int i, double value, double derivative, double second)
    {
        var gradient = IntegerModels.IntegerConditionalWithGradient(x, i);
        Close(value, gradient.Value, 1e-12, "value");
        Close(derivative, gradient.X, 1e-12, "∂f/∂x");
        Close(derivative, Central(v => IntegerModels.IntegerConditional(v, i), x), 1e-6, "finite differences");
        Close(derivative, IntegerModels.IntegerConditionalWithDerivative(x, i, 1.0).Derivative, 1e-12, "forward mode");
        Close(second, IntegerModels.IntegerConditionalWithHessian(x, i).Hessian[0, 0], 1e-12, "∂²f/∂x²");
    }

    [Fact]
    public void An_integer_conditional_on_a_real_the_loop_overwrites_is_read_as_the_forward_sweep_took_it()
    {
        // x = 0.9, a = 0.5, n = 3: s goes 0.9 → 1.125 → 0.84375 → 1.0546875 with dir = +1, −1, +1; each iteration's s
        // crosses 1, so a dir computed again from the final s would have the other sign.
        // s₃ = x·Π(1 + dₖa/2): ∂/∂x = 1.25·0.75·1.25 = 1.171875;
        // ∂/∂a = x·Σₖ (dₖ/2)·Π_{j≠k}(1 + dⱼa/2) = 0.9·(0.46875 − 0.78125 + 0.46875) = 0.140625.
        var gradient = IntegerModels.WobbleWithGradient(0.9, 0.5, 3);
        Close(1.0546875, gradient.Value, 1e-12, "value");
        Close(1.171875, gradient.X, 1e-12, "∂/∂x");
        Close(0.140625, gradient.A, 1e-12, "∂/∂a");
        Close(gradient.X, Central(x => IntegerModels.Wobble(x, 0.5, 3), 0.9), 1e-6, "∂/∂x by finite differences");
        Close(gradient.A, Central(a => IntegerModels.Wobble(0.9, a, 3), 0.5), 1e-6, "∂/∂a by finite differences");

        var (value, derivative) = IntegerModels.WobbleWithDerivative(0.9, 0.5, 3, 1.0, -2.0);
        Close(1.0546875, value, 1e-12, "forward value");
        Close(1.171875 - 2 * 0.140625, derivative, 1e-12, "derivative along (1, −2)");

        // ∂²/∂x² = 0, ∂²/∂x∂a = P'(a) = 0.15625; ∂²/∂a² = x·P''(a) = 0.9·2·Σ_{k<l} (dₖ/2)(dₗ/2)·Π_{j≠k,l}(1 + dⱼa/2)
        // = 1.8·(−0.25·1.25 + 0.25·0.75 − 0.25·1.25) = −0.7875.
        var hessian = IntegerModels.WobbleWithHessian(0.9, 0.5, 3).Hessian;
        AssertHessian(new[,] { { 0, 0.15625 }, { 0.15625, -0.7875 } }, hessian, p => { var g = IntegerModels.WobbleWithGradient(p[0], p[1], 3); return new[] { g.X, g.A }; }, new[] { 0.9, 0.5 });
    }

    // ---- a real converted to an integer ----

    [Theory]
    // x = 1.7, n = 3: cell = (int)5.1 = 5, whole = 1. f = 5x² + x + 5 = 21.15, f' = 10x + 1 = 18, f'' = 10.
    [InlineData(1.7, 3, 21.15, 18.0, 10.0)]
    // x = −1.7: cell = (int)−5.1 = −5 (toward zero), whole = −1. f = −5x² − x − 5 = −17.75, f' = −10x − 1 = 16, f'' = −10.
    [InlineData(-1.7, 3, -17.75, 16.0, -10.0)]
    public void A_real_converted_to_an_integer_is_piecewise_constant_with_derivative_0(double x, int n, double value, double derivative, double second)
    {
        var gradient = IntegerModels.CellsWithGradient(x, n);
        Close(value, gradient.Value, 1e-12, "value");
        Close(derivative, gradient.X, 1e-12, "∂f/∂x");
        Close(derivative, Central(v => IntegerModels.Cells(v, n), x), 1e-6, "finite differences");
        Close(derivative, IntegerModels.CellsWithDerivative(x, n, 1.0).Derivative, 1e-12, "forward mode");
        Close(second, IntegerModels.CellsWithHessian(x, n).Hessian[0, 0], 1e-12, "∂²f/∂x²");
    }

    [Fact]
    public void A_converted_real_the_loop_overwrites_is_read_as_the_forward_sweep_converted_it()
    {
        // x = 0.9, a = 0.3, n = 3: level = (int)1.8 = 1, (int)2.34 = 2, (int)3.744 = 3; s = 0.9·1.3·1.6·1.9 = 3.5568.
        // ∂/∂x = 1.3·1.6·1.9 = 3.952; ∂/∂a = x·(1·1.6·1.9 + 2·1.3·1.9 + 3·1.3·1.6) = 0.9·14.22 = 12.798.
        var gradient = IntegerModels.LevelsWithGradient(0.9, 0.3, 3);
        Close(3.5568, gradient.Value, 1e-12, "value");
        Close(3.952, gradient.X, 1e-12, "∂/∂x");
        Close(12.798, gradient.A, 1e-12, "∂/∂a");
        Close(gradient.X, Central(x => IntegerModels.Levels(x, 0.3, 3), 0.9), 1e-6, "∂/∂x by finite differences");
        Close(gradient.A, Central(a => IntegerModels.Levels(0.9, a, 3), 0.3), 1e-6, "∂/∂a by finite differences");
        Close(3.952 + 12.798, IntegerModels.LevelsWithDerivative(0.9, 0.3, 3, 1.0, 1.0).Derivative, 1e-12, "forward mode along (1, 1)");

        // ∂²/∂x² = 0, ∂²/∂x∂a = 14.22; ∂²/∂a² = x·2·Σ_{k<l} LₖLₗ·Π_{others} = 1.8·(2·1.9 + 3·1.6 + 6·1.3) = 29.52.
        var hessian = IntegerModels.LevelsWithHessian(0.9, 0.3, 3).Hessian;
        AssertHessian(new[,] { { 0, 14.22 }, { 14.22, 29.52 } }, hessian, p => { var g = IntegerModels.LevelsWithGradient(p[0], p[1], 3); return new[] { g.X, g.A }; }, new[] { 0.9, 0.3 });
    }

    [Fact]
    public void Integer_code_that_reads_only_inputs_is_computed_again_in_the_backward_sweep()
    {
        // x = (0.5, 1.5, 2.5), a = 1.2: up = (0, 1, 1), level = (int)(1.2, 2.4, 3.6) = (1, 2, 3);
        // s = 1 → 0.5 + 1.2 = 1.7 → 1.7·2.5 + 2.4 = 6.65 → 6.65·3.5 + 3.6 = 26.875.
        // ∂/∂x = (3.5·2.5·1, 3.5·1.7, 6.65) = (8.75, 5.95, 6.65); ∂/∂a = 3 + 3.5·(2 + 2.5·1) = 18.75.
        double[] x = { 0.5, 1.5, 2.5 };
        var dX = new double[3];
        double value = IntegerModels.StepsWithGradient(x, 1.2, dX, out double dA);
        Close(26.875, value, 1e-12, "value");
        Close(new[] { 8.75, 5.95, 6.65 }, dX, 1e-12, "∂/∂x");
        Close(18.75, dA, 1e-12, "∂/∂a");
        Close(Central(v => IntegerModels.Steps(v, 1.2), x), dX, 1e-6, "∂/∂x by finite differences");
        Close(18.75, Central(a => IntegerModels.Steps(x, a), 1.2), 1e-6, "∂/∂a by finite differences");

    }

    [Fact]
    public void A_callee_read_in_place_with_a_constant_argument_keeps_its_conversions_a_run_time_division()
    {
        // Found by fuzzing: H(w, 0.25) read in place made (int)q / (int)q the constant division (int)0.25 / (int)0.25,
        // which C# rejects (CS0020) where the callee's own code divides at run time.
        var run = GeneratorHarness.Run(
            """
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable("q")]
                public static double H(double p, double q) => Math.Tanh(1.5 > p ? Math.Min(q, 2) : (int)q / (int)q);

                [Differentiable]
                public static double M(double x, double w) => x / (1 + Math.Pow(H(w, 0.25), 2));
            }
            """).ShouldSucceed();
        Assert.Contains("double qReal = 0.25;", run.Source("C.M.g.cs"));
    }

    [Fact]
    public void In_a_loop_only_integer_code_that_reads_real_locals_records_what_it_reads()
    {
        var run = GeneratorHarness.Run(
            """
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable]
                public static double Inputs(ReadOnlySpan<double> x, double a)
                {
                    double s = 1;
                    for (int i = 0; i < x.Length; i++)
                    {
                        int up = x[i] > a ? 1 : 0;
                        int level = (int)(a * (i + 1));
                        s = s * x[i] + up * s + level * a;
                    }

                    return s;
                }

                [Differentiable]
                public static double Locals(double x, double a, int n)
                {
                    double s = x;
                    for (int i = 0; i < n; i++)
                    {
                        int dir = s > 1 ? -1 : 1;
                        int level = (int)(s * 2);
                        s = s + dir * s * a + level * s * a;
                    }

                    return s;
                }
            }
            """).ShouldSucceed();

        string inputs = run.Source("C.Inputs.g.cs");
        Assert.Contains("int up = x[i] > a ? 1 : 0;", inputs);
        Assert.Contains("int level = (int)(a * (double)(i + 1));", inputs);
        Assert.DoesNotContain("upCondition", inputs); // s itself is saved, as any real the loop overwrites and a partial reads
        Assert.DoesNotContain("levelReal", inputs);

        string locals = run.Source("C.Locals.g.cs");
        Assert.Contains("bool dirCondition = s > 1;", locals);
        Assert.Contains("double levelReal = s * 2;", locals);
        // The condition and the real, saved one after the other, go in one call (Differentiation/SavedRuns.cs).
        Assert.Contains("saved.Push(dirCondition ? 1.0 : 0.0, levelReal);", locals);
    }

    // ---- index tables of the type, and a loop of integer code ----

    [Fact]
    public void A_static_readonly_array_and_a_span_property_index_like_a_table_of_the_methods_own()
    {
        double[] x = { 0.5, -1.25, 2.0, 0.75 };
        var dX = new double[4];
        double value = IntegerModels.TabledWithGradient(x, dX);

        // total = 3·x2·x0 + x0·x1 + 2·x3·x2 + x1·x3.
        Close(3 * x[2] * x[0] + x[0] * x[1] + 2 * x[3] * x[2] + x[1] * x[3], value, 1e-12, "value");
        Close(new[] { 3 * x[2] + x[1], x[0] + x[3], 3 * x[0] + 2 * x[3], 2 * x[2] + x[1] }, dX, 1e-12, "gradient");
        Close(Central(v => IntegerModels.Tabled(v), x), dX, 1e-6, "finite differences");

        var (forwardValue, derivative) = IntegerModels.TabledWithDerivative(x, new double[] { 1, 0, 0, -1 });
        Close(value, forwardValue, 1e-12, "forward value");
        Close(dX[0] - dX[3], derivative, 1e-12, "derivative along e0 − e3");

        // ∂²/∂x0∂x2 = 3, ∂²/∂x0∂x1 = 1, ∂²/∂x2∂x3 = 2, ∂²/∂x1∂x3 = 1.
        var hessian = new double[16];
        IntegerModels.TabledHessian(x, hessian);
        AssertHessian(new double[,] { { 0, 1, 3, 0 }, { 1, 0, 0, 1 }, { 3, 0, 0, 2 }, { 0, 1, 2, 0 } }, Square(hessian, 4), p => Gradient(IntegerModels.TabledWithGradient, p), x);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void Parity_signs_xor_partners_and_a_conditional_index_in_a_loop(int length)
    {
        double[] x = { 0.5, -1.25, 2.0, 0.75, 1.5, -0.4 };
        x = x[..length];
        var dX = new double[length];
        double value = IntegerModels.ParityWithGradient(x, dX);

        // i = 0, 1 cancel (x0·x1 − x1·x0); i = 2: x2·x3 + 2·x2·x1; i = 3: −x3·x2 + 2·x3·x2; i = 4, 5 cancel.
        // total = 2·x1·x2 + 2·x2·x3.
        Close(2 * x[1] * x[2] + 2 * x[2] * x[3], value, 1e-12, "value");
        var expected = new double[length];
        expected[1] = 2 * x[2];
        expected[2] = 2 * x[1] + 2 * x[3];
        expected[3] = 2 * x[2];
        Close(expected, dX, 1e-12, "gradient");
        Close(Central(v => IntegerModels.Parity(v), x), dX, 1e-6, "finite differences");

        var direction = Enumerable.Range(0, length).Select(i => 0.5 - 0.25 * i).ToArray();
        var (_, derivative) = IntegerModels.ParityWithDerivative(x, direction);
        Close(expected.Zip(direction, (g, d) => g * d).Sum(), derivative, 1e-12, "forward mode");

        // ∂²/∂x1∂x2 = ∂²/∂x2∂x3 = 2, every other second derivative 0.
        var hessian = new double[length * length];
        IntegerModels.ParityHessian(x, hessian);
        var byHand = new double[length, length];
        byHand[1, 2] = byHand[2, 1] = byHand[2, 3] = byHand[3, 2] = 2;
        AssertHessian(byHand, Square(hessian, length), p => Gradient(IntegerModels.ParityWithGradient, p), x);
    }

    [Fact]
    public void A_vector_valued_method_of_integer_code_gets_its_Jacobian_in_both_sweeps()
    {
        // n = 4: mirror = 3 ^ i = 3 − i; s = (+, −, +, −); L = (int)(2x) = (int)(1.2, −2.6, 1.8, 4.4) = (1, −2, 1, 4).
        double[] x = { 0.6, -1.3, 0.9, 2.2 };
        var byHand = new double[,]
        {
            { x[3] + 1, 0, 0, x[0] },    // y0 = x0·x3 + x0
            { 0, -x[2] - 2, -x[1], 0 },  // y1 = −x1·x2 − 2x1
            { 0, x[2], x[1] + 1, 0 },    // y2 = x2·x1 + x2
            { -x[3], 0, 0, -x[0] + 4 },  // y3 = −x3·x0 + 4x3
        };
        var jacobian = new double[16];
        var y = new double[4];
        IntegerModels.MirroredJacobian(x, y, jacobian);
        Close(new[] { x[0] * x[3] + x[0], -x[1] * x[2] - 2 * x[1], x[2] * x[1] + x[2], -x[3] * x[0] + 4 * x[3] }, y, 1e-12, "values");
        for (int i = 0; i < 4; i++)
        {
            var row = new double[4];
            IntegerModels.MirroredVectorJacobianProduct(x, new double[4], Enumerable.Range(0, 4).Select(k => k == i ? 1.0 : 0.0).ToArray(), row);
            var column = new double[4];
            IntegerModels.MirroredWithDerivative(x, new double[4], Enumerable.Range(0, 4).Select(k => k == i ? 1.0 : 0.0).ToArray(), column);
            for (int j = 0; j < 4; j++)
            {
                Close(byHand[i, j], jacobian[i * 4 + j], 1e-12, $"J[{i},{j}]");
                Close(byHand[i, j], row[j], 1e-12, $"reverse sweep J[{i},{j}]");
                Close(byHand[j, i], column[j], 1e-12, $"forward sweep J[{j},{i}]");
                var plus = (double[])x.Clone();
                var minus = (double[])x.Clone();
                plus[j] += H;
                minus[j] -= H;
                var yPlus = new double[4];
                var yMinus = new double[4];
                IntegerModels.Mirrored(plus, yPlus);
                IntegerModels.Mirrored(minus, yMinus);
                Close((yPlus[i] - yMinus[i]) / (2 * H), jacobian[i * 4 + j], 1e-6, $"J[{i},{j}] by finite differences");
            }
        }
    }

    private delegate double SpanGradient(ReadOnlySpan<double> x, Span<double> gradient);

    private static double[] Gradient(SpanGradient withGradient, double[] point)
    {
        var gradient = new double[point.Length];
        withGradient(point, gradient);
        return gradient;
    }

    private static double[,] Square(double[] flat, int n)
    {
        var square = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                square[i, j] = flat[i * n + j];
            }
        }

        return square;
    }

    /// <summary>The Hessian equals the one worked out by hand, and central differences of the generated gradient.</summary>
    private static void AssertHessian(double[,] byHand, double[,] hessian, Func<double[], double[]> gradient, double[] point)
    {
        int n = point.Length;
        for (int j = 0; j < n; j++)
        {
            var plus = (double[])point.Clone();
            var minus = (double[])point.Clone();
            plus[j] += H;
            minus[j] -= H;
            var gPlus = gradient(plus);
            var gMinus = gradient(minus);
            for (int i = 0; i < n; i++)
            {
                Close(byHand[i, j], hessian[i, j], 1e-12, $"H[{i},{j}]");
                Close((gPlus[i] - gMinus[i]) / (2 * H), hessian[i, j], 1e-6, $"H[{i},{j}] by finite differences of the gradient");
            }
        }
    }

    // ---- running indices ----

    [Fact]
    public void A_running_index_declared_in_a_loop_and_stepped_in_a_deeper_one_walks_a_packed_triangle()
    {
        double[] t = { 0.5, -1.2, 2.0, 0.7, 1.1, -0.3 };

        // Rows of 1, 2, 3 entries: total = t0² + t1² + 2t2² + t3² + 2t4² + 3t5²; ∂/∂t = (2t0, 2t1, 4t2, 2t3, 4t4, 6t5).
        double expectedValue = 0.25 + 1.44 + 8 + 0.49 + 2.42 + 0.27;
        var expected = new[] { 2 * t[0], 2 * t[1], 4 * t[2], 2 * t[3], 4 * t[4], 6 * t[5] };
        foreach (var (name, withGradient, method) in new (string, Func<double[], double[], double>, Func<double[], double>)[]
                 {
                     ("declared inside", (v, g) => IntegerModels.TriangleInsideWithGradient(v, 3, g), v => IntegerModels.TriangleInside(v, 3)),
                     ("declared outside, long", (v, g) => IntegerModels.TriangleOutsideWithGradient(v, 3, g), v => IntegerModels.TriangleOutside(v, 3)),
                     ("read before its step", (v, g) => IntegerModels.TriangleRowsWithGradient(v, 3, g), v => IntegerModels.TriangleRows(v, 3)),
                 })
        {
            var dT = new double[6];
            Close(expectedValue, withGradient(t, dT), 1e-12, name + " value");
            Close(expected, dT, 1e-12, name);
            Close(Central(method, t), dT, 1e-6, name + " finite differences");
        }

        var direction = new[] { 1.0, -1, 0.5, 0, 2, -0.5 };
        Close(expected.Zip(direction, (g, d) => g * d).Sum(), IntegerModels.TriangleInsideWithDerivative(t, 3, direction).Derivative, 1e-12, "forward mode, inside");
        Close(expected.Zip(direction, (g, d) => g * d).Sum(), IntegerModels.TriangleOutsideWithDerivative(t, 3, direction).Derivative, 1e-12, "forward mode, outside");
    }

    [Fact]
    public void A_local_read_from_a_running_index_before_its_step_keeps_the_value_it_read()
    {
        double[] x = { 0.5, -1.2, 2.0, 0.7, 1.1, -0.3 };
        var dX = new double[6];

        // Two rows of weights 1, 2, 3: total = x0² + 2x1² + 3x2² + x3² + 2x4² + 3x5².
        double value = IntegerModels.GridWithGradient(x, 2, dX);
        Close(0.25 + 2 * 1.44 + 3 * 4 + 0.49 + 2 * 1.21 + 3 * 0.09, value, 1e-12, "value");
        Close(new[] { 2 * x[0], 4 * x[1], 6 * x[2], 2 * x[3], 4 * x[4], 6 * x[5] }, dX, 1e-12, "gradient");
        Close(Central(v => IntegerModels.Grid(v, 2), x), dX, 1e-6, "finite differences");
        Close(dX[0] + dX[5], IntegerModels.GridWithDerivative(x, 2, new double[] { 1, 0, 0, 0, 0, 1 }).Derivative, 1e-12, "forward mode");
    }

    [Fact]
    public void A_running_index_stepped_by_a_stride_restarts_at_each_row()
    {
        double[] x = { 0.5, -1.2, 2.0, 0.7, 1.1, -0.3 };
        var dX = new double[6];

        // rows = 2, stride = 3: total = x0·x0 + x3·x0 + x1·x1 + x4·x1.
        double value = IntegerModels.StridedWithGradient(x, 2, 3, dX);
        Close(x[0] * x[0] + x[3] * x[0] + x[1] * x[1] + x[4] * x[1], value, 1e-12, "value");
        Close(new[] { 2 * x[0] + x[3], 2 * x[1] + x[4], 0, x[0], x[1], 0 }, dX, 1e-12, "gradient");
        Close(Central(v => IntegerModels.Strided(v, 2, 3), x), dX, 1e-6, "finite differences");
    }

    // ---- a callee with an int, long or bool parameter ----

    [Theory]
    // x = 1.2, y = 0.5, n = 4: f = x³ + 1.7⁴ + 4y² = 1.728 + 8.3521 + 1 = 11.0801;
    // ∂/∂x = 3x² + 4·1.7³ = 4.32 + 19.652 = 23.972; ∂/∂y = 4·1.7³ + 8y = 23.652.
    [InlineData(1.2, 0.5, 4, 11.0801, 23.972, 23.652)]
    // x = −0.5, y = 0.8, n = 2 (Scaled negates): f = −0.125 + 0.09 − 2.56 = −2.595; ∂/∂x = 0.75 + 0.6 = 1.35; ∂/∂y = 0.6 − 6.4 = −5.8.
    [InlineData(-0.5, 0.8, 2, -2.595, 1.35, -5.8)]
    public void A_callees_int_long_and_bool_arguments_are_passed_through_with_no_partial(double x, double y, int n, double value, double dx, double dy)
    {
        var gradient = IntegerModels.CallsWithIntegersWithGradient(x, y, n);
        Close(value, gradient.Value, 1e-12, "value");
        Close(dx, gradient.X, 1e-12, "∂/∂x");
        Close(dy, gradient.Y, 1e-12, "∂/∂y");
        Close(dx, Central(v => IntegerModels.CallsWithIntegers(v, y, n), x), 1e-6, "∂/∂x by finite differences");
        Close(dy, Central(v => IntegerModels.CallsWithIntegers(x, v, n), y), 1e-6, "∂/∂y by finite differences");
        Close(dx - 0.5 * dy, IntegerModels.CallsWithIntegersWithDerivative(x, y, n, 1.0, -0.5).Derivative, 1e-12, "forward mode");
    }

    // ---- what stays unsupported, and says how to write it ----

    [Fact]
    public void An_index_table_field_that_may_change_is_SD0005_saying_what_a_table_of_the_type_is()
    {
        SymbolicDiff.Tests.Generator.Diagnostics.DiagnosticAssert.Single(
            """
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                private static int[] s_order = { 1, 0 };

                [Differentiable]
                public static double F(ReadOnlySpan<double> x)
                {
                    double total = 0;
                    for (int i = 0; i < 2; i++)
                    {
                        total += x[[|s_order[i]|]] * x[i];
                    }

                    return total;
                }
            }
            """,
            "SD0005",
            "Reading the integer table 's_order' by index, a member that may change ('s_order[i]') (an index table of the type is a static readonly int[] field or a static ReadOnlySpan<int> property; or pass it as a ReadOnlySpan<int> parameter) is not supported in a [Differentiable] method; supported expressions are double arithmetic (+, -, *, /, unary -), integer arithmetic, ?:, literals and constants, parameters, locals, fields and properties of this object or static ones, and calls of functions with a known derivative");
    }

    [Theory]
    [InlineData("public double Twice(double v) => 2 * v;", "Twice(x)", "an instance method")]
    [InlineData("public static double Twice(double v, float scale) => 2 * v * scale;", "Twice(x, 1f)", "whose parameter 'scale' is 'float'")]
    public void A_Differentiable_callee_that_cannot_be_called_is_SD0005_saying_what_a_callee_takes(string callee, string call, string reason)
    {
        var (run, spans) = SymbolicDiff.Tests.Generator.Diagnostics.DiagnosticAssert.Run(
            $$"""
            using SymbolicDiff;

            public partial class C
            {
                [Differentiable(nameof(v))]
                {{callee}}

                [Differentiable(nameof(x))]
                public double F(double x, int n) => [|Twice|]{{call.Substring("Twice".Length)}} + n;
            }
            """);

        // Twice itself is fine and gets its code; F gets none.
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0005", diagnostic.Id);
        SymbolicDiff.Tests.Generator.Diagnostics.DiagnosticAssert.AtSpan(run, diagnostic, spans[0]);
        Assert.DoesNotContain(run.GeneratedSources, source => source.HintName.StartsWith("C.F.", StringComparison.Ordinal));
        Assert.Equal(
            $"A call of the [Differentiable] method 'C.Twice', {reason} (a [Differentiable] method called from another is static, not generic, returns double and takes its parameters by value, as double, int, long or bool) is not supported in a [Differentiable] method; supported expressions are double arithmetic (+, -, *, /, unary -), integer arithmetic, ?:, literals and constants, parameters, locals, fields and properties of this object or static ones, and calls of functions with a known derivative",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Bit_operations_in_a_generated_file_read_as_written_with_parentheses_where_operators_mix()
    {
        var run = GeneratorHarness.Run(
            """
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x, int n)
                {
                    int m = (n & 3) | (n << 1) ^ (n >> 1);
                    int k = n + 1 << 2;
                    long w = (long)n << 33;
                    int cell = (int)(x * n);
                    return x * (m + k + ~n + cell) + w;
                }
            }
            """).ShouldSucceed();
        string source = run.Source("C.F.g.cs");
        Assert.Contains("int m = (n & 3) | ((n << 1) ^ (n >> 1));", source);
        Assert.Contains("int k = (n + 1) << 2;", source);
        Assert.Contains("long w = (long)n << 33;", source);
        Assert.Contains("int cell = (int)(x * ", source);
    }

    [Fact]
    public void A_callees_integer_and_bool_arguments_in_a_loop_are_passed_through_with_no_partial()
    {
        // x = (0.5, −1.2, 2): x0 + 1·x0² = 0.75; x1² − 2·x1² = −1.44; x2³ + 3·x2² = 20: 19.31.
        // ∂/∂x = (1 + 2x0, 2x1 − 4x1, 3x2² + 6x2) = (2, 2.4, 24).
        double[] x = { 0.5, -1.2, 2.0 };
        var dX = new double[3];
        Close(19.31, IntegerModels.SumOfPowersWithGradient(x, dX), 1e-12, "value");
        Close(new[] { 2, 2.4, 24 }, dX, 1e-12, "gradient");
        Close(Central(v => IntegerModels.SumOfPowers(v), x), dX, 1e-6, "finite differences");
        Close(2 - 24, IntegerModels.SumOfPowersWithDerivative(x, new double[] { 1, 0, -1 }).Derivative, 1e-12, "forward mode");
    }

    [Fact]
    public void The_derivation_of_integer_code_reports_the_value_and_gradient_the_gradient_method_computes()
    {
        foreach (var (name, derivation, value, gradient) in new (string, Derivation, double, double[])[]
                 {
                     ("BitMix", IntegerModels.BitMixDerivation(1.5, 6), IntegerModels.BitMix(1.5, 6), new[] { IntegerModels.BitMixWithGradient(1.5, 6).X }),
                     ("IntegerConditional", IntegerModels.IntegerConditionalDerivation(-2, 4), IntegerModels.IntegerConditional(-2, 4), new[] { IntegerModels.IntegerConditionalWithGradient(-2, 4).X }),
                     ("Cells", IntegerModels.CellsDerivation(1.7, 3), IntegerModels.Cells(1.7, 3), new[] { IntegerModels.CellsWithGradient(1.7, 3).X }),
                     ("Wobble", IntegerModels.WobbleDerivation(0.9, 0.5, 3), IntegerModels.Wobble(0.9, 0.5, 3), new[] { 1.171875, 0.140625 }),
                     ("Levels", IntegerModels.LevelsDerivation(0.9, 0.3, 3), IntegerModels.Levels(0.9, 0.3, 3), new[] { 3.952, 12.798 }),
                     ("CallsWithIntegers", IntegerModels.CallsWithIntegersDerivation(1.2, 0.5, 4), 11.0801, new[] { 23.972, 23.652 }),
                 })
        {
            Close(value, derivation.Value, 1e-12, name + " value");
            Close(gradient, derivation.Gradient.Select(step => step.Value).ToArray(), 1e-12, name + " gradient");
        }
    }
}
