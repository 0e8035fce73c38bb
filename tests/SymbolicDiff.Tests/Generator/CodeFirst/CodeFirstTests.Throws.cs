using F = SymbolicDiff.Tests.Generator.CodeFirst.CodeFirstFunctions;

namespace SymbolicDiff.Tests.Generator.CodeFirst;

/// <summary>
/// <c>throw</c> in every kind of method: the values and derivatives where nothing throws, against values worked out by
/// hand (in the comments) and central differences, and where the user's method throws, the same exception (type,
/// message, parameter name) from every generated method, with nothing written to its outputs when the user's method
/// throws before writing.
/// </summary>
public partial class CodeFirstTests
{
    /// <summary>
    /// <paramref name="user"/> throws <typeparamref name="TException"/>, and so does each generated method, with the same
    /// message and parameter name.
    /// </summary>
    private static void ThrowsAsTheUsersMethod<TException>(Action user, params (string Method, Action Call)[] generated)
        where TException : Exception
    {
        var expected = Assert.Throws<TException>(user);
        foreach (var (method, call) in generated)
        {
            var actual = Assert.Throws<TException>(call);
            Assert.True(expected.Message == actual.Message, $"{method}: '{actual.Message}', not '{expected.Message}'");
            Assert.Equal((expected as ArgumentException)?.ParamName, (actual as ArgumentException)?.ParamName);
        }
    }

    private static void Untouched(double[] output, string what) =>
        Assert.True(output.All(double.IsNaN), $"{what} was written before the throw: [{string.Join(", ", output)}]");

    private static double[] Unwritten(int length) => Enumerable.Repeat(double.NaN, length).ToArray();

    [Fact]
    public void Argument_guards_and_a_throw_in_a_loop_in_every_kind_of_method()
    {
        // x = (1, 2, 3), a = 2: a²·Σx² = 4 · 14 = 56; ∂/∂x = 2a²x = (8, 16, 24), ∂/∂a = 2a·Σx² = 56;
        // ∂²/∂xᵢ² = 2a² = 8, ∂²/∂xᵢ∂a = 4a·xᵢ = (8, 16, 24), ∂²/∂a² = 2Σx² = 28.
        double[] hessian =
        {
            8, 0, 0, 8,
            0, 8, 0, 16,
            0, 0, 8, 24,
            8, 16, 24, 28,
        };
        CheckSpanScalar(nameof(F.GuardedSquares), new double[] { 1, 2, 3 }, 2, 56, new double[] { 8, 16, 24, 56 }, hessian);

        // Each guard, and the throw in the loop (a²·(x0² + x1²) = 2e6 > 1e6 at i = 1), from every generated method.
        foreach (var (x, a) in new[] { (new double[] { 1 }, 2.0), (new double[] { 1, 2 }, -1.0), (new double[] { 1000, 1000 }, 1.0) })
        {
            var dX = Unwritten(x.Length);
            var hvX = Unwritten(x.Length);
            var dense = Unwritten((x.Length + 1) * (x.Length + 1));
            Action user = () => F.GuardedSquares(x, a);
            var generated = new (string, Action)[]
            {
                ("WithGradient", () => F.GuardedSquaresWithGradient(x, a, dX, out _)),
                ("WithDerivative", () => F.GuardedSquaresWithDerivative(x, a, new double[x.Length], 1)),
                ("HessianVectorProduct", () => F.GuardedSquaresHessianVectorProduct(x, a, new double[x.Length], 1, dX, out _, hvX, out _)),
                ("Hessian", () => F.GuardedSquaresHessian(x, a, dense)),
                ("Derivation", () => F.GuardedSquaresDerivation(x, a)),
            };
            if (x.Length == 1)
            {
                ThrowsAsTheUsersMethod<ArgumentException>(user, generated);
            }
            else if (a < 0)
            {
                ThrowsAsTheUsersMethod<ArgumentOutOfRangeException>(user, generated);
            }
            else
            {
                ThrowsAsTheUsersMethod<OverflowException>(user, generated);
            }

            Untouched(dX, "dX");
            Untouched(hvX, "hvX");
            Untouched(dense, "the Hessian");
        }

        // The float method: the same values and the same exceptions.
        var dXf = new float[3];
        Assert.Equal(56f, F.GuardedSquaresFWithGradient(new float[] { 1, 2, 3 }, 2f, dXf, out float dAf));
        Assert.Equal(new float[] { 8, 16, 24 }, dXf);
        Assert.Equal(56f, dAf);
        ThrowsAsTheUsersMethod<ArgumentException>(() => F.GuardedSquaresF(new float[] { 1 }, 2f), ("float WithGradient", () => F.GuardedSquaresFWithGradient(new float[] { 1 }, 2f, new float[1], out _)));
        ThrowsAsTheUsersMethod<OverflowException>(() => F.GuardedSquaresF(new float[] { 1000, 1000 }, 1f), ("float WithGradient", () => F.GuardedSquaresFWithGradient(new float[] { 1000, 1000 }, 1f, new float[2], out _)));
    }

    [Fact]
    public void A_length_check_before_a_dot_product()
    {
        // x = (1, 2), y = (3, 4): x·y = 11; ∂/∂x = y, ∂/∂y = x; the Hessian over (x, y) is [[0, I], [I, 0]].
        double[] x = { 1, 2 }, y = { 3, 4 };
        var dX = new double[2];
        var dY = new double[2];
        Close(11, F.CheckedDotWithGradient(x, y, dX, dY), 1e-14, "value");
        Close(y, dX, 1e-14, "∂/∂x, by hand");
        Close(x, dY, 1e-14, "∂/∂y, by hand");
        var packed = x.Concat(y).ToArray();
        Close(Central(p => F.CheckedDot(p[..2], p[2..]), packed), dX.Concat(dY).ToArray(), 1e-7, "gradient, central differences");
        Close(3 * 0.5 + 4 * -1 + 1 * 2 + 2 * 0.25, F.CheckedDotWithDerivative(x, y, new[] { 0.5, -1 }, new[] { 2, 0.25 }).Derivative, 1e-14, "forward mode");
        var dense = new double[16];
        F.CheckedDotHessian(x, y, dense);
        Close(new double[] { 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0 }, dense, 1e-14, "Hessian, by hand");

        double[] shorter = { 3 };
        var unwritten = Unwritten(2);
        var unwrittenY = Unwritten(1);
        var unwrittenDense = Unwritten(9);
        ThrowsAsTheUsersMethod<ArgumentException>(() => F.CheckedDot(x, shorter),
            ("WithGradient", () => F.CheckedDotWithGradient(x, shorter, unwritten, unwrittenY)),
            ("WithDerivative", () => F.CheckedDotWithDerivative(x, shorter, new double[2], new double[1])),
            ("Hessian", () => F.CheckedDotHessian(x, shorter, unwrittenDense)));
        Untouched(unwritten, "dX");
        Untouched(unwrittenY, "dY");
        Untouched(unwrittenDense, "the Hessian");
    }

    [Fact]
    public void Static_throw_helpers_check_an_array_and_a_count()
    {
        // x = (1, 2, 3), a = 2, w = (0.5, 1, 2), n = 3: a·Σwᵢxᵢ = 2 · 8.5 = 17; ∂/∂x = a·w = (1, 2, 4), ∂/∂a = 8.5;
        // ∂²/∂xᵢ∂a = wᵢ, the rest 0.
        double[] x = { 1, 2, 3 }, w = { 0.5, 1, 2 };
        var dX = new double[3];
        Close(17, F.HelperGuardsWithGradient(x, 2, w, 3, dX, out double dA), 1e-14, "value");
        Close(new double[] { 1, 2, 4 }, dX, 1e-14, "∂/∂x, by hand");
        Close(8.5, dA, 1e-14, "∂/∂a, by hand");
        Close(Central(p => F.HelperGuards(p[..3], p[3], w, 3), x.Append(2).ToArray()), dX.Append(dA).ToArray(), 1e-7, "gradient, central differences");
        Close(1 * 0.5 + 2 * -1 + 4 * 0 + 8.5 * 2, F.HelperGuardsWithDerivative(x, 2, w, 3, new[] { 0.5, -1, 0 }, 2).Derivative, 1e-14, "forward mode");
        var dense = new double[16];
        F.HelperGuardsHessian(x, 2, w, 3, dense);
        Close(new double[] { 0, 0, 0, 0.5, 0, 0, 0, 1, 0, 0, 0, 2, 0.5, 1, 2, 0 }, dense, 1e-14, "Hessian, by hand");

        var unwritten = Unwritten(3);
        ThrowsAsTheUsersMethod<ArgumentOutOfRangeException>(() => F.HelperGuards(x, 2, w, 0),
            ("WithGradient", () => F.HelperGuardsWithGradient(x, 2, w, 0, unwritten, out _)),
            ("WithDerivative", () => F.HelperGuardsWithDerivative(x, 2, w, 0, new double[3], 1)),
            ("Hessian", () => F.HelperGuardsHessian(x, 2, w, 0, new double[16])));
        Untouched(unwritten, "dX");
        ThrowsAsTheUsersMethod<ArgumentNullException>(() => F.HelperGuards(x, 2, null!, 3),
            ("WithGradient", () => F.HelperGuardsWithGradient(x, 2, null!, 3, new double[3], out _)),
            ("WithDerivative", () => F.HelperGuardsWithDerivative(x, 2, null!, 3, new double[3], 1)));
    }

    [Fact]
    public void A_throw_expression_and_a_switch_that_throws_in_its_default()
    {
        // x = (1, 2, 3), a = 2: a · mean = 4; ∂/∂x = a/3 each, ∂/∂a = mean = 2; ∂²/∂xᵢ∂a = 1/3, the rest 0.
        const double third = 1.0 / 3;
        double[] hessian =
        {
            0, 0, 0, third,
            0, 0, 0, third,
            0, 0, 0, third,
            third, third, third, 0,
        };
        CheckSpanScalar(nameof(F.MeanOrThrow), new double[] { 1, 2, 3 }, 2, 4, new[] { 2 * third, 2 * third, 2 * third, 2 }, hessian);
        var unwritten = Unwritten(0);
        ThrowsAsTheUsersMethod<ArgumentException>(() => F.MeanOrThrow(Array.Empty<double>(), 2),
            ("WithGradient", () => F.MeanOrThrowWithGradient(Array.Empty<double>(), 2, unwritten, out _)),
            ("WithDerivative", () => F.MeanOrThrowWithDerivative(Array.Empty<double>(), 2, Array.Empty<double>(), 1)),
            ("Hessian", () => F.MeanOrThrowHessian(Array.Empty<double>(), 2, new double[1])));

        // k = 2, x = (3), a = 2: a·x0² = 18; ∂/∂x0 = 2a·x0 = 12, ∂/∂a = x0² = 9; Hessian [[2a, 2x0], [2x0, 0]] = [[4, 6], [6, 0]].
        var dX = new double[1];
        Close(18, F.PowerBySwitchWithGradient(new double[] { 3 }, 2, 2, dX, out double dA), 1e-14, "value");
        Close(new double[] { 12, 9 }, dX.Append(dA).ToArray(), 1e-14, "gradient, by hand");
        Close(Central(p => F.PowerBySwitch(p[..1], p[1], 2), new double[] { 3, 2 }), dX.Append(dA).ToArray(), 1e-7, "gradient, central differences");
        Close(12 * 0.5 + 9 * -1, F.PowerBySwitchWithDerivative(new double[] { 3 }, 2, 2, new[] { 0.5 }, -1).Derivative, 1e-14, "forward mode");
        var dense = new double[4];
        F.PowerBySwitchHessian(new double[] { 3 }, 2, 2, dense);
        Close(new double[] { 4, 6, 6, 0 }, dense, 1e-14, "Hessian, by hand");
        ThrowsAsTheUsersMethod<ArgumentOutOfRangeException>(() => F.PowerBySwitch(new double[] { 3 }, 2, 5),
            ("WithGradient", () => F.PowerBySwitchWithGradient(new double[] { 3 }, 2, 5, new double[1], out _)),
            ("WithDerivative", () => F.PowerBySwitchWithDerivative(new double[] { 3 }, 2, 5, new double[1], 1)),
            ("Hessian", () => F.PowerBySwitchHessian(new double[] { 3 }, 2, 5, new double[4])));
    }

    [Fact]
    public void A_Jacobian_and_forward_mode_throw_where_the_method_does()
    {
        // x = (1, 2), a = 3, limit 100: r = a·x = (3, 6); columns x0, x1, a: (a, 0, x0) = (3, 0, 1), (0, a, x1) = (0, 3, 2).
        double[] x = { 1, 2 };
        var r = new double[2];
        var jacobian = new double[6];
        F.ScaledUnderJacobian(x, 3, 100, r, jacobian);
        Close(new double[] { 3, 6 }, r, 1e-14, "outputs");
        Close(new double[] { 3, 0, 1, 0, 3, 2 }, jacobian, 1e-14, "Jacobian, by hand");
        CheckJacobianColumns(jacobian, 2, new double[] { 1, 2, 3 }, p => { var o = new double[2]; F.ScaledUnder(p[..2], p[2], 100, o); return o; });
        var dR = new double[2];
        F.ScaledUnderWithDerivative(x, 3, 100, r, new[] { 1.0, -1 }, 0.5, dR);
        Close(new double[] { 3 + 0.5, -3 + 1 }, dR, 1e-14, "forward mode");

        // r of the wrong length: the check runs before anything is written, the tangents and the Jacobian included.
        var wrong = Unwritten(3);
        var unwrittenJacobian = Unwritten(9);
        var unwrittenTangent = Unwritten(3);
        var unwrittenDX = Unwritten(2);
        ThrowsAsTheUsersMethod<ArgumentException>(() => F.ScaledUnder(x, 3, 100, Unwritten(3)),
            ("Jacobian", () => F.ScaledUnderJacobian(x, 3, 100, wrong, unwrittenJacobian)),
            ("WithDerivative", () => F.ScaledUnderWithDerivative(x, 3, 100, wrong, new double[2], 1, unwrittenTangent)),
            ("VectorJacobianProduct", () => F.ScaledUnderVectorJacobianProduct(x, 3, 100, wrong, new double[3], unwrittenDX, out _)),
            ("HessianVectorProduct", () => F.ScaledUnderHessianVectorProduct(x, 3, 100, wrong, new double[3], new double[2], 1, unwrittenDX, out _, new double[2], out _)));
        Untouched(wrong, "r");
        Untouched(unwrittenJacobian, "the Jacobian");
        Untouched(unwrittenTangent, "dR");
        Untouched(unwrittenDX, "dX");

        // limit 4: r[0] = 3 is written, then r[1] = 6 > 4 throws, as in the user's method.
        var written = Unwritten(2);
        ThrowsAsTheUsersMethod<InvalidOperationException>(() => F.ScaledUnder(x, 3, 4, new double[2]),
            ("Jacobian", () => F.ScaledUnderJacobian(x, 3, 4, written, new double[6])),
            ("WithDerivative", () => F.ScaledUnderWithDerivative(x, 3, 4, new double[2], new double[2], 1, new double[2])));
        Assert.Equal(3, written[0]);
    }

    [Fact]
    public void Collection_expressions_and_a_step_read_again_in_its_statement()
    {
        // x = (1, 2, 3), a = 2: w = [a, 2·x0, 3], t = [1, 2]; x[k++] * x[k++] reads x0·x1, x[k] * x[k++] reads x2·x2:
        // f = a·x0·x1 + 2·x0·x2² = 4 + 18 = 22; ∂/∂x = (a·x1 + 2·x2², a·x0, 4·x0·x2) = (22, 2, 12), ∂/∂a = x0·x1 = 2;
        // ∂²/∂x0∂x1 = a = 2, ∂²/∂x0∂x2 = 4·x2 = 12, ∂²/∂x0∂a = x1 = 2, ∂²/∂x1∂a = x0 = 1, ∂²/∂x2² = 4·x0 = 4.
        double[] hessian =
        {
            0, 2, 12, 2,
            2, 0, 0, 1,
            12, 0, 4, 0,
            2, 1, 0, 0,
        };
        CheckSpanScalar(nameof(F.CollectedPairs), new double[] { 1, 2, 3 }, 2, 22, new double[] { 22, 2, 12, 2 }, hessian);

        var dXf = new float[3];
        Assert.Equal(22f, F.CollectedPairsFWithGradient(new float[] { 1, 2, 3 }, 2f, dXf, out float dAf));
        Assert.Equal(new float[] { 22, 2, 12 }, dXf);
        Assert.Equal(2f, dAf);

        // r = (a·x0·x1, 2·x0·x2²) = (4, 18); columns x0, x1, x2, a: (a·x1, a·x0, 0, x0·x1) = (4, 2, 0, 2), (2·x2², 0, 4·x0·x2, 0) = (18, 0, 12, 0).
        double[] x = { 1, 2, 3 };
        var r = new double[2];
        var jacobian = new double[8];
        F.CollectedPairRowsJacobian(x, 2, r, jacobian);
        Close(new double[] { 4, 18 }, r, 1e-14, "outputs");
        Close(new double[] { 4, 2, 0, 2, 18, 0, 12, 0 }, jacobian, 1e-14, "Jacobian, by hand");
        CheckJacobianColumns(jacobian, 2, new double[] { 1, 2, 3, 2 }, p => { var o = new double[2]; F.CollectedPairRows(p[..3], p[3], o); return o; });
        var dR = new double[2];
        F.CollectedPairRowsWithDerivative(x, 2, r, new[] { 1.0, -1, 0.5 }, 2, dR);
        Close(new double[] { 4 - 2 + 4, 18 + 6 }, dR, 1e-14, "forward mode");
    }

    [Fact]
    public void A_straight_line_method_with_a_guard()
    {
        // x²/y at (3, 2): 4.5; ∂/∂x = 2x/y = 3, ∂/∂y = −x²/y² = −2.25; ∂²/∂x² = 2/y = 1, ∂²/∂x∂y = −2x/y² = −1.5, ∂²/∂y² = 2x²/y³ = 2.25.
        var gradient = F.GuardedRatioWithGradient(3, 2);
        Close(4.5, gradient.Value, 1e-14, "value");
        Close(new[] { 3, -2.25 }, new[] { gradient.X, gradient.Y }, 1e-14, "gradient, by hand");
        Close(Central(p => F.GuardedRatio(p[0], p[1]), new double[] { 3, 2 }), new[] { gradient.X, gradient.Y }, 1e-7, "gradient, central differences");
        Close(3 * 0.5 - 2.25 * 2, F.GuardedRatioWithDerivative(3, 2, 0.5, 2).Derivative, 1e-14, "forward mode");
        var hessian = F.GuardedRatioWithHessian(3, 2).Hessian;
        Close(new[] { 1, -1.5, -1.5, 2.25 }, new[] { hessian[0, 0], hessian[0, 1], hessian[1, 0], hessian[1, 1] }, 1e-14, "Hessian, by hand");

        ThrowsAsTheUsersMethod<DivideByZeroException>(() => F.GuardedRatio(3, 0),
            ("WithGradient", () => F.GuardedRatioWithGradient(3, 0)),
            ("WithDerivative", () => F.GuardedRatioWithDerivative(3, 0, 1, 1)),
            ("WithHessian", () => F.GuardedRatioWithHessian(3, 0)),
            ("Derivation", () => F.GuardedRatioDerivation(3, 0)));
    }
}
