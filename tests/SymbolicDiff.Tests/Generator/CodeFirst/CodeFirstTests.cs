using F = SymbolicDiff.Tests.Generator.CodeFirst.CodeFirstFunctions;

namespace SymbolicDiff.Tests.Generator.CodeFirst;

/// <summary>
/// The constructs of <see cref="CodeFirstFunctions"/> in every kind of generated method: each gradient against values
/// worked out by hand (in the comments) and central differences, forward mode against the gradient, the Hessian (dense
/// and Hessian-vector products) against hand values and central differences of the gradient, Jacobians against hand values.
/// </summary>
public partial class CodeFirstTests
{
    private const double H = 1e-6;

    private static void Close(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");

    private static void Close(double[] expected, ReadOnlySpan<double> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Close(expected[i], actual[i], tolerance, $"{what}[{i}]");
        }
    }

    /// <summary>Central differences of f at p, one per element.</summary>
    private static double[] Central(Func<double[], double> f, double[] p) => Enumerable.Range(0, p.Length).Select(i =>
    {
        double[] up = (double[])p.Clone(), down = (double[])p.Clone();
        up[i] += H;
        down[i] -= H;
        return (f(up) - f(down)) / (2 * H);
    }).ToArray();

    /// <summary>Central differences of a gradient g at p: the Hessian, row-major.</summary>
    private static double[] CentralHessian(Func<double[], double[]> g, double[] p) => Enumerable.Range(0, p.Length).SelectMany(j =>
    {
        double[] up = (double[])p.Clone(), down = (double[])p.Clone();
        up[j] += H;
        down[j] -= H;
        return g(up).Zip(g(down), (u, d) => (u - d) / (2 * H));
    }).ToArray(); // column j of a symmetric matrix is its row j

    private static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();

    private delegate double SpanScalar(ReadOnlySpan<double> x, double a);

    private delegate double SpanScalarWithGradient(ReadOnlySpan<double> x, double a, Span<double> dX, out double dA);

    private delegate (double Value, double Derivative) SpanScalarWithDerivative(ReadOnlySpan<double> x, double a, ReadOnlySpan<double> tX, double tA);

    private delegate double SpanScalarHessian(ReadOnlySpan<double> x, double a, Span<double> hessian);

    private delegate double SpanScalarHessianVectorProduct(
        ReadOnlySpan<double> x, double a, ReadOnlySpan<double> vX, double vA, Span<double> dX, out double dA, Span<double> hvX, out double hvA);

    /// <summary>
    /// The checks of the <c>CheckSpanScalar</c> below, which takes the methods as delegates,
    /// for the method f(x, a) of <see cref="CodeFirstFunctions"/> named <paramref name="name"/> and the methods generated for it
    /// (<c>WithGradient</c>, <c>WithDerivative</c>, <c>Hessian</c>, <c>HessianVectorProduct</c>), found by name.
    /// </summary>
    private static void CheckSpanScalar(string name, double[] x, double a, double value, double[] gradient, double[] hessian)
    {
        var f = Generated<SpanScalar>(name);
        var withGradient = Generated<SpanScalarWithGradient>(name + "WithGradient");
        var withDerivative = Generated<SpanScalarWithDerivative>(name + "WithDerivative");
        var dense = Generated<SpanScalarHessian>(name + "Hessian");
        var hessianVector = Generated<SpanScalarHessianVectorProduct>(name + "HessianVectorProduct");
        CheckSpanScalar(x, a, value, gradient, hessian,
            (v, s) => f(v, s),
            (v, s, dX) => (withGradient(v, s, dX, out double dA), dA),
            (v, s, tX, tA) => withDerivative(v, s, tX, tA),
            (v, s) => { var h = new double[(v.Length + 1) * (v.Length + 1)]; dense(v, s, h); return h; },
            (v, s, vX, vA, dX, hvX) => (hessianVector(v, s, vX, vA, dX, out _, hvX, out double hvA), hvA));

        // The method of CodeFirstFunctions called method whose parameters are those of TDelegate.
        static TDelegate Generated<TDelegate>(string method)
            where TDelegate : Delegate
        {
            var parameters = typeof(TDelegate).GetMethod("Invoke")!.GetParameters().Select(p => p.ParameterType).ToArray();
            var found = typeof(F).GetMethod(method, parameters);
            Assert.True(found is not null, $"{method}({string.Join(", ", parameters.Select(p => p.Name))}) not generated");
            return (TDelegate)Delegate.CreateDelegate(typeof(TDelegate), found!);
        }
    }

    /// <summary>
    /// The checks shared by the span methods f(x, a) below: the gradient is the hand one and the central differences,
    /// forward mode gives its dot product with a direction, the dense Hessian is the hand one and the central differences
    /// of the gradient, and the Hessian-vector product is the dense Hessian times the direction.
    /// </summary>
    private static void CheckSpanScalar(
        double[] x, double a, double value, double[] gradient, double[] hessian,
        Func<double[], double, double> f,
        Func<double[], double, double[], (double Value, double A)> withGradient,
        Func<double[], double, double[], double, (double Value, double Derivative)> withDerivative,
        Func<double[], double, double[]> dense,
        Func<double[], double, double[], double, double[], double[], (double Dot, double HvA)> hessianVector)
    {
        int n = x.Length;
        double[] packed = x.Append(a).ToArray();
        double Packed(double[] p) => f(p[..n], p[n]);
        double[] Gradient(double[] p)
        {
            var dX = new double[n];
            var (_, dA) = withGradient(p[..n], p[n], dX);
            return dX.Append(dA).ToArray();
        }

        var dXs = new double[n];
        var (actualValue, actualA) = withGradient(x, a, dXs);
        double[] actualGradient = dXs.Append(actualA).ToArray();
        Close(value, actualValue, 1e-13, "value");
        Close(gradient, actualGradient, 1e-13, "gradient, by hand");
        Close(Central(Packed, packed), actualGradient, 1e-7, "gradient, central differences");

        double[] direction = Enumerable.Range(0, n + 1).Select(i => 0.5 - 0.3 * i).ToArray();
        var forward = withDerivative(x, a, direction[..n], direction[n]);
        Close(value, forward.Value, 1e-13, "forward mode's value");
        Close(Dot(gradient, direction), forward.Derivative, 1e-12, "forward mode");

        double[] actualHessian = dense(x, a);
        Close(hessian, actualHessian, 1e-12, "Hessian, by hand");
        Close(CentralHessian(Gradient, packed), actualHessian, 1e-6, "Hessian, central differences of the gradient");

        var hvX = new double[n];
        var dX2 = new double[n];
        var (_, hvA) = hessianVector(x, a, direction[..n], direction[n], dX2, hvX);
        double[] product = Enumerable.Range(0, n + 1).Select(i => Enumerable.Range(0, n + 1).Sum(j => hessian[i * (n + 1) + j] * direction[j])).ToArray();
        Close(product, hvX.Append(hvA).ToArray(), 1e-12, "Hessian-vector product");
        Close(gradient[..n], dX2, 1e-13, "the Hessian-vector product's gradient");
    }

    [Fact]
    public void A_for_loop_stepping_by_two_in_every_kind_of_method()
    {
        // x = (1, 2, 3, −1, 0.5), a = 2: the even elements 1, 3, 0.5 give a·(1 + 9 + 0.25) = 20.5; ∂/∂x = 2a·x at the even
        // elements (4, 0, 12, 0, 2), ∂/∂a = 10.25; the Hessian: 2a on the even diagonal, 2x[i] between x[i] and a.
        double[] x = { 1, 2, 3, -1, 0.5 };
        double[] hessian =
        {
            4, 0, 0, 0, 0, 2,
            0, 0, 0, 0, 0, 0,
            0, 0, 4, 0, 0, 6,
            0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 4, 1,
            2, 0, 6, 0, 1, 0,
        };
        CheckSpanScalar(nameof(F.EvenSquares), x, 2, 20.5, new double[] { 4, 0, 12, 0, 2, 10.25 }, hessian);

        float[] xf = { 1, 2, 3, -1, 0.5f };
        var dXf = new float[5];
        float valuef = F.EvenSquaresFWithGradient(xf, 2f, dXf, out float dAf);
        Assert.Equal(20.5f, valuef);
        Assert.Equal(new float[] { 4, 0, 12, 0, 2 }, dXf);
        Assert.Equal(10.25f, dAf);
        Assert.Equal(4f - 12f, F.EvenSquaresFWithDerivative(xf, 2f, new float[] { 1, 9, -1, 9, 0 }, 0f).Derivative);
    }

    /// <summary>
    /// Horner's rule at x = (1, 2, 3), a = 2: ((1·2 + 2)·2 + 3) = 11 = x0·a² + x1·a + x2; ∂/∂x = (a², a, 1) = (4, 2, 1),
    /// ∂/∂a = 2·x0·a + x1 = 6; the Hessian: 2a between x0 and a, 1 between x1 and a, 2·x0 for a, a.
    /// </summary>
    private static readonly double[] HornerHessian =
    {
        0, 0, 0, 4,
        0, 0, 0, 1,
        0, 0, 0, 0,
        4, 1, 0, 2,
    };

    [Fact]
    public void For_without_a_condition_left_with_break_is_Horners_rule()
    {
        CheckSpanScalar(nameof(F.HornerUntilBreak), new double[] { 1, 2, 3 }, 2, 11, new double[] { 4, 2, 1, 6 }, HornerHessian);
    }

    [Fact]
    public void A_counted_while_loop_in_a_Hessian_vector_product_over_spans()
    {
        // The same Horner's rule with int i = 0; while (i < x.Length) { ...; i++; }: the same numbers.
        CheckSpanScalar(nameof(F.HornerWhile), new double[] { 1, 2, 3 }, 2, 11, new double[] { 4, 2, 1, 6 }, HornerHessian);
    }

    [Fact]
    public void An_uncounted_while_loop_in_a_Hessian_vector_product_over_spans()
    {
        // x = (1, 2), a = 0.5, t = 5: s = a·Σx = 1.5 doubles to 3, then 6 ≥ 5: f = (4·a·Σx)² = 36 = 16a²(Σx)²;
        // ∂/∂xᵢ = 32a²Σx = 24, ∂/∂a = 32a(Σx)² = 144; ∂²/∂xᵢ∂xⱼ = 32a² = 8, ∂²/∂xᵢ∂a = 64aΣx = 96, ∂²/∂a² = 32(Σx)² = 288.
        double[] hessian =
        {
            8, 8, 96,
            8, 8, 96,
            96, 96, 288,
        };
        CheckSpanScalar(new double[] { 1, 2 }, 0.5, 36, new double[] { 24, 24, 144 }, hessian,
            (v, a) => F.DoubleUntilPast(v, a, 5),
            (v, a, dX) => (F.DoubleUntilPastWithGradient(v, a, 5, dX, out double dA), dA),
            (v, a, tX, tA) => F.DoubleUntilPastWithDerivative(v, a, 5, tX, tA),
            (v, a) => { var h = new double[9]; F.DoubleUntilPastHessian(v, a, 5, h); return h; },
            (v, a, vX, vA, dX, hvX) => (F.DoubleUntilPastHessianVectorProduct(v, a, 5, vX, vA, dX, out _, hvX, out double hvA), hvA));
    }

    /// <summary>The checks shared by the span methods f(x) below (no scalar parameter).</summary>
    private static void CheckSpan(
        double[] x, double value, double[] gradient, double[] hessian,
        Func<double[], double> f,
        Func<double[], double[], double> withGradient,
        Func<double[], double[], (double Value, double Derivative)> withDerivative,
        Action<double[], double[]> dense,
        Action<double[], double[], double[], double[]> hessianVector)
    {
        int n = x.Length;
        double[] Gradient(double[] p)
        {
            var d = new double[n];
            withGradient(p, d);
            return d;
        }

        var actual = new double[n];
        Close(value, withGradient(x, actual), 1e-13, "value");
        Close(gradient, actual, 1e-13, "gradient, by hand");
        Close(Central(f, x), actual, 1e-7, "gradient, central differences");

        double[] direction = Enumerable.Range(0, n).Select(i => 0.5 - 0.3 * i).ToArray();
        Close(Dot(gradient, direction), withDerivative(x, direction).Derivative, 1e-12, "forward mode");

        var actualHessian = new double[n * n];
        dense(x, actualHessian);
        Close(hessian, actualHessian, 1e-12, "Hessian, by hand");
        Close(CentralHessian(Gradient, x), actualHessian, 1e-6, "Hessian, central differences of the gradient");

        var hv = new double[n];
        hessianVector(x, direction, new double[n], hv);
        Close(Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Sum(j => hessian[i * n + j] * direction[j])).ToArray(), hv, 1e-12, "Hessian-vector product");
    }

    [Fact]
    public void A_for_loop_whose_counter_doubles()
    {
        // x = (9, 2, 3, 5, 0.5, 7): i = 1, 2, 4 multiply 2·3·0.5 = 3; ∂/∂x = (0, 1.5, 1, 0, 6, 0); the Hessian pairs them:
        // ∂²/∂x1∂x2 = 0.5, ∂²/∂x1∂x4 = 3, ∂²/∂x2∂x4 = 2.
        var hessian = new double[36];
        void Pair(int i, int j, double v) { hessian[i * 6 + j] = v; hessian[j * 6 + i] = v; }
        Pair(1, 2, 0.5);
        Pair(1, 4, 3);
        Pair(2, 4, 2);
        CheckSpan(new double[] { 9, 2, 3, 5, 0.5, 7 }, 3, new double[] { 0, 1.5, 1, 0, 6, 0 }, hessian,
            v => F.PowersOfTwoProduct(v),
            (v, d) => F.PowersOfTwoProductWithGradient(v, d),
            (v, t) => F.PowersOfTwoProductWithDerivative(v, t),
            (v, h) => F.PowersOfTwoProductHessian(v, h),
            (v, dir, d, hv) => F.PowersOfTwoProductHessianVectorProduct(v, dir, d, hv));
    }

    [Fact]
    public void A_for_loop_with_two_counters_meeting_in_the_middle()
    {
        // x = (1, 2, 3, 4, 5): x0·x4 + x1·x3 = 13; ∂/∂x = (x4, x3, 0, x1, x0) = (5, 4, 0, 2, 1); ∂²/∂x0∂x4 = ∂²/∂x1∂x3 = 1.
        var hessian = new double[25];
        hessian[0 * 5 + 4] = hessian[4 * 5 + 0] = 1;
        hessian[1 * 5 + 3] = hessian[3 * 5 + 1] = 1;
        CheckSpan(new double[] { 1, 2, 3, 4, 5 }, 13, new double[] { 5, 4, 0, 2, 1 }, hessian,
            v => F.OuterPairs(v),
            (v, d) => F.OuterPairsWithGradient(v, d),
            (v, t) => F.OuterPairsWithDerivative(v, t),
            (v, h) => F.OuterPairsHessian(v, h),
            (v, dir, d, hv) => F.OuterPairsHessianVectorProduct(v, dir, d, hv));
    }

    [Fact]
    public void A_continue_in_a_for_loop_stepping_by_two_still_steps()
    {
        // x = (2, 5, −1, 7, 3): the even elements 2 and 3 (−1 skipped): 8 + 27 = 35; ∂/∂x = 3x² there: (12, 0, 0, 0, 27);
        // the Hessian's diagonal 6x: (12, 0, 0, 0, 18).
        var hessian = new double[25];
        hessian[0] = 12;
        hessian[24] = 18;
        CheckSpan(new double[] { 2, 5, -1, 7, 3 }, 35, new double[] { 12, 0, 0, 0, 27 }, hessian,
            v => F.EvenPositiveCubes(v),
            (v, d) => F.EvenPositiveCubesWithGradient(v, d),
            (v, t) => F.EvenPositiveCubesWithDerivative(v, t),
            (v, h) => F.EvenPositiveCubesHessian(v, h),
            (v, dir, d, hv) => F.EvenPositiveCubesHessianVectorProduct(v, dir, d, hv));
    }

    [Fact]
    public void Indices_from_the_end_of_spans_arrays_and_buffers()
    {
        // x = (1, 2, 3), y = (4, 5): x[^1]·x[^2] + y[^1]² + 3·y[0] = 6 + 25 + 12 = 43; ∂/∂x = (0, 3, 2), ∂/∂y = (3, 10).
        double[] x = { 1, 2, 3 }, y = { 4, 5 };
        double[] dX = new double[3], dY = new double[2];
        Close(43, F.FromTheEndWithGradient(x, y, dX, dY), 1e-14, "value");
        Close(new double[] { 0, 3, 2 }, dX, 1e-14, "∂/∂x");
        Close(new double[] { 3, 10 }, dY, 1e-14, "∂/∂y");
        Close(Central(p => F.FromTheEnd(p[..3], p[3..]), x.Concat(y).ToArray()), dX.Concat(dY).ToArray(), 1e-7, "central differences");
        Close(3 * 1 + 2 * -1 + 3 * 0.5 + 10 * 2, F.FromTheEndWithDerivative(x, y, new double[] { 9, 1, -1 }, new double[] { 0.5, 2 }).Derivative, 1e-13, "forward mode");

        // The Hessian: ∂²/∂x1∂x2 = 1, ∂²/∂y1² = 2.
        var hessian = new double[25];
        F.FromTheEndHessian(x, y, hessian);
        var expected = new double[25];
        expected[1 * 5 + 2] = expected[2 * 5 + 1] = 1;
        expected[4 * 5 + 4] = 2;
        Close(expected, hessian, 1e-14, "Hessian");

        float[] xf = { 1, 2, 3 };
        var dXf = new float[3];
        Assert.Equal(6f, F.FromTheEndFWithGradient(xf, dXf));
        Assert.Equal(new float[] { 0, 3, 2 }, dXf);
    }

    [Theory]
    [InlineData(2.0, 0.5)]
    [InlineData(-0.5, 3.0)]
    public void A_recurrence_written_with_a_tuple_assignment(double a, double b)
    {
        // (p, q) ← (q, p + a·q) three times from (1, b): q = 1 + 2ab + a² + a³b (11 at a = 2, b = 0.5);
        // ∂/∂a = 2b + 2a + 3a²b, ∂/∂b = 2a + a³; ∂²/∂a² = 2 + 6ab, ∂²/∂a∂b = 2 + 3a², ∂²/∂b² = 0.
        double value = 1 + 2 * a * b + a * a + a * a * a * b;
        var gradient = F.RecurrenceWithGradient(a, b, 3);
        Close(value, gradient.Value, 1e-14, "value");
        Close(2 * b + 2 * a + 3 * a * a * b, gradient.A, 1e-14, "∂/∂a");
        Close(2 * a + a * a * a, gradient.B, 1e-14, "∂/∂b");
        Close(Central(p => F.Recurrence(p[0], p[1], 3), new[] { a, b }), new[] { gradient.A, gradient.B }, 1e-7, "central differences");
        Close(gradient.A - 2 * gradient.B, F.RecurrenceWithDerivative(a, b, 3, 1, -2).Derivative, 1e-14, "forward mode");
        var hessian = F.RecurrenceWithHessian(a, b, 3).Hessian;
        Close(2 + 6 * a * b, hessian[0, 0], 1e-13, "∂²/∂a²");
        Close(2 + 3 * a * a, hessian[0, 1], 1e-13, "∂²/∂a∂b");
        Close(0, hessian[1, 1], 1e-13, "∂²/∂b²");
    }

    [Fact]
    public void A_swap_and_a_tuple_declaration()
    {
        // u = 2x, v = y; swapped: u = y, v = 2x; (w, u) = (u², u + 1): w = y², u = y + 1: f = 4x²(y + 1) + y².
        // At (1.5, 2): 31; ∂/∂x = 8x(y + 1) = 36, ∂/∂y = 4x² + 2y = 13; ∂²/∂x² = 8(y + 1) = 24, ∂²/∂x∂y = 8x = 12, ∂²/∂y² = 2.
        var gradient = F.SwapAndDeclareWithGradient(1.5, 2);
        Assert.Equal(31, gradient.Value);
        Assert.Equal(36, gradient.X);
        Assert.Equal(13, gradient.Y);
        Close(Central(p => F.SwapAndDeclare(p[0], p[1]), new[] { 1.5, 2.0 }), new[] { gradient.X, gradient.Y }, 1e-7, "central differences");
        Assert.Equal(36 - 13, F.SwapAndDeclareWithDerivative(1.5, 2, 1, -1).Derivative);
        var hessian = F.SwapAndDeclareWithHessian(1.5, 2).Hessian;
        Assert.Equal(new[,] { { 24.0, 12 }, { 12, 2 } }, hessian);
    }

    [Theory]
    // Inside (0, 1): x², 2x; k ≠ 0 triples it.
    [InlineData(0.5, 0, 0.25, 1.0, 2.0)]
    [InlineData(0.5, 2, 0.75, 3.0, 6.0)]
    // Outside: 2 − x, −1 (1 is not inside: the pattern's bounds are strict).
    [InlineData(3.0, 1, -3.0, -3.0, 0.0)]
    [InlineData(1.0, 0, 1.0, -1.0, 0.0)]
    public void An_is_pattern_in_a_condition(double x, int k, double value, double derivative, double second)
    {
        var gradient = F.InUnitIntervalWithGradient(x, k);
        Assert.Equal(value, gradient.Value);
        Assert.Equal(derivative, gradient.X);
        if (x != 1.0)
        {
            Close((F.InUnitInterval(x + H, k) - F.InUnitInterval(x - H, k)) / (2 * H), gradient.X, 1e-7, "central difference");
        }

        Assert.Equal(2 * derivative, F.InUnitIntervalWithDerivative(x, k, 2).Derivative);
        Assert.Equal(second, F.InUnitIntervalWithHessian(x, k).Hessian[0, 0]);
    }

    [Fact]
    public void The_Jacobian_of_a_counted_while_loop()
    {
        // x = (1, 2, 3), a = 2: r = (1, 4, 11), rᵢ = Σ_{j ≤ i} x[j]·a^(i−j); columns x0, x1, x2, a.
        double[] x = { 1, 2, 3 };
        double[] expected =
        {
            1, 0, 0, 0,
            2, 1, 0, 1,
            4, 2, 1, 6,
        };
        var r = new double[3];
        var jacobian = new double[12];
        F.RunningHornerJacobian(x, 2, r, jacobian);
        Close(new double[] { 1, 4, 11 }, r, 1e-14, "outputs");
        Close(expected, jacobian, 1e-14, "Jacobian, by hand");
        CheckJacobianColumns(jacobian, 3, x.Append(2).ToArray(), p => { var o = new double[3]; F.RunningHorner(p[..3], p[3], o); return o; });

        var dR = new double[3];
        F.RunningHornerWithDerivative(x, 2, r, new double[] { 1, -1, 0.5 }, 2, dR);
        Close(new double[] { 1, 2 - 1 + 2, 4 - 2 + 0.5 + 12 }, dR, 1e-14, "forward mode");
    }

    [Fact]
    public void The_Jacobian_of_an_uncounted_while_loop()
    {
        // x = (1, 3), a = 0.75, t = 2: s = 0.75 doubles to 1.5, then 3 ≥ 2: s = 4a·x0 = 3; r = (s, s·x1) = (3, 9);
        // columns x0, x1, a: r0 (4a, 0, 4x0) = (3, 0, 4), r1 (4a·x1, 4a·x0, 4x0·x1) = (9, 3, 12).
        double[] x = { 1, 3 };
        double[] expected = { 3, 0, 4, 9, 3, 12 };
        var r = new double[2];
        var jacobian = new double[6];
        F.DoubledPairJacobian(x, 0.75, 2, r, jacobian);
        Close(new double[] { 3, 9 }, r, 1e-14, "outputs");
        Close(expected, jacobian, 1e-14, "Jacobian, by hand");
        CheckJacobianColumns(jacobian, 2, x.Append(0.75).ToArray(), p => { var o = new double[2]; F.DoubledPair(p[..2], p[2], 2, o); return o; });
    }

    [Fact]
    public void The_Jacobian_of_a_for_loop_stepping_by_two()
    {
        // x = (1, 2, 3), a = 2: r = (a·x0², a·x2²) = (2, 18); columns x0, x1, x2, a: (4, 0, 0, 1), (0, 0, 12, 9).
        double[] x = { 1, 2, 3 };
        var r = new double[2];
        var jacobian = new double[8];
        F.EvenScaledJacobian(x, 2, r, jacobian);
        Close(new double[] { 2, 18 }, r, 1e-14, "outputs");
        Close(new double[] { 4, 0, 0, 1, 0, 0, 12, 9 }, jacobian, 1e-14, "Jacobian, by hand");
        CheckJacobianColumns(jacobian, 2, x.Append(2).ToArray(), p => { var o = new double[2]; F.EvenScaled(p[..3], p[3], o); return o; });
    }

    /// <summary>Each column of a row-major m × n Jacobian against central differences of the outputs.</summary>
    private static void CheckJacobianColumns(double[] jacobian, int m, double[] p, Func<double[], double[]> outputs)
    {
        int n = p.Length;
        for (int j = 0; j < n; j++)
        {
            double[] up = (double[])p.Clone(), down = (double[])p.Clone();
            up[j] += H;
            down[j] -= H;
            double[] high = outputs(up), low = outputs(down);
            for (int i = 0; i < m; i++)
            {
                Close((high[i] - low[i]) / (2 * H), jacobian[i * n + j], 1e-7, $"∂r{i}/∂p{j}, central difference");
            }
        }
    }

    [Fact]
    public void IsNaN_and_IsInfinity_in_a_condition_skip_the_elements_they_test()
    {
        // x = (1, NaN, 3, +∞, −2): 1 + 9 + 4 = 14; ∂/∂x = 2x at the finite elements, exactly 0 at the others.
        double[] x = { 1, double.NaN, 3, double.PositiveInfinity, -2 };
        var gradient = new double[5];
        Assert.Equal(14, FloatingTestFunctions.FiniteSquaresWithGradient(x, gradient));
        Assert.Equal(new double[] { 2, 0, 6, 0, -4 }, gradient);
        Assert.Equal(2 * 1 + 6 * 0.5 - 4 * 2, FloatingTestFunctions.FiniteSquaresWithDerivative(x, new double[] { 1, 0, 0.5, 0, 2 }).Derivative);

        // At a finite point: central differences, and the Hessian 2·I.
        double[] finite = { 1, -0.5, 3 };
        var finiteGradient = new double[3];
        FloatingTestFunctions.FiniteSquaresWithGradient(finite, finiteGradient);
        Close(Central(p => FloatingTestFunctions.FiniteSquares(p), finite), finiteGradient, 1e-7, "central differences");
        var hessian = new double[9];
        FloatingTestFunctions.FiniteSquaresHessian(finite, hessian);
        Assert.Equal(new double[] { 2, 0, 0, 0, 2, 0, 0, 0, 2 }, hessian);

        float[] xf = { 1, float.NaN, 3, float.NegativeInfinity, -2, float.PositiveInfinity };
        var gradientF = new float[6];
        Assert.Equal(14f, FloatingTestFunctions.FiniteSquaresFWithGradient(xf, gradientF));
        Assert.Equal(new float[] { 2, 0, 6, 0, -4, 0 }, gradientF);
    }

    [Theory]
    // Read again in the same statement, or run on one path only: C#'s order of evaluation is not kept by one step after.
    [InlineData("k = k++ + 1;", "The step 'k++' inside 'k = k++ + 1;', which also assigns 'k' (write the step as a statement of its own: x[k], then k++; on the next line)")]
    [InlineData("s += i > 0 ? x[k++] : 0;", "The step 'k++' inside 's += i > 0 ? x[k++] : 0;', which runs only on some paths through the statement (write the step as a statement of its own: x[k], then k++; on the next line)")]
    // In a condition: not lowered, the rewrite said as before.
    [InlineData("if (x[k++] > 0) s += 1;", "An increment or decrement inside an expression (write it as a statement of its own: x[k], then k++; on the next line) ('k++')")]
    public void An_increment_inside_an_index_that_cannot_be_its_own_statement_is_SD0005_saying_to_write_it_on_its_own_line(string statement, string message)
    {
        var run = GeneratorHarness.Run($$"""
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable]
                public static double F(ReadOnlySpan<double> x)
                {
                    double s = 0;
                    int k = 0;
                    for (int i = 0; i + 1 < x.Length; i++) { {{statement}} }
                    return s;
                }
            }
            """);
        var diagnostic = run.GeneratorDiagnostics.First(d => d.Id == "SD0005");
        Assert.Equal("k++", run.Input.SyntaxTrees.Single().GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.StartsWith(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(2.0, 0.4)]
    [InlineData(-1.0, 3.0)]
    public void A_for_loop_over_time_with_a_real_counter(double y0, double k)
    {
        // Four Euler steps (t = 0, 0.25, 0.5, 0.75; 0.25 adds exactly): y0·(1 − k/4)⁴; ∂/∂y0 = (1 − k/4)⁴,
        // ∂/∂k = −y0·(1 − k/4)³, ∂²/∂k² = 0.75·y0·(1 − k/4)², ∂²/∂y0∂k = −(1 − k/4)³.
        double m = 1 - k / 4;
        var gradient = TimeLoopFunctions.DecayWithGradient(y0, k);
        Close(y0 * Math.Pow(m, 4), gradient.Value, 1e-14, "value");
        Close(Math.Pow(m, 4), gradient.Y0, 1e-14, "∂/∂y0");
        Close(-y0 * Math.Pow(m, 3), gradient.K, 1e-14, "∂/∂k");
        Close(Central(p => TimeLoopFunctions.Decay(p[0], p[1]), new[] { y0, k }), new[] { gradient.Y0, gradient.K }, 1e-7, "central differences");
        Close(gradient.Y0 + 2 * gradient.K, TimeLoopFunctions.DecayWithDerivative(y0, k, 1, 2).Derivative, 1e-14, "forward mode");
        var hessian = TimeLoopFunctions.DecayWithHessian(y0, k).Hessian;
        Close(0, hessian[0, 0], 1e-14, "∂²/∂y0²");
        Close(-Math.Pow(m, 3), hessian[0, 1], 1e-14, "∂²/∂y0∂k");
        Close(0.75 * y0 * m * m, hessian[1, 1], 1e-14, "∂²/∂k²");
    }
}
