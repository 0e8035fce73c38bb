using F = SymbolicDiff.Tests.Generator.CodeFirst.CodeFirstFunctions;

namespace SymbolicDiff.Tests.Generator.CodeFirst;

/// <summary>
/// <c>return;</c> in a void method writing spans, a <c>long</c> counter, a loop condition calling a function over vectors,
/// and <c>ref</c> locals aliasing an element, in every kind of method, against values worked out by hand (in the comments)
/// and central differences.
/// </summary>
public partial class CodeFirstTests
{
    [Fact]
    public void A_return_without_a_value_leaves_a_void_method_in_its_Jacobian_and_forward_mode()
    {
        // x = (2, 3, 4), a = 1, limit 5: p = 2, then 6 > 5 returns: r = (2, 6) and r[2] keeps the 7 it held.
        // Columns x0, x1, x2, a: r0 = a·x0 (a, 0, 0, x0) = (1, 0, 0, 2); r1 = a·x0·x1 (a·x1, a·x0, 0, x0·x1) = (3, 2, 0, 6); r2: 0.
        double[] x = { 2, 3, 4 };
        var r = new double[] { 0, 0, 7 };
        var jacobian = new double[12];
        F.RunningProductUntilJacobian(x, 1, 5, r, jacobian);
        Close(new double[] { 2, 6, 7 }, r, 1e-14, "outputs, r[2] as it was");
        Close(new double[] { 1, 0, 0, 2, 3, 2, 0, 6, 0, 0, 0, 0 }, jacobian, 1e-14, "Jacobian, by hand");
        CheckJacobianColumns(jacobian, 3, x.Append(1).ToArray(), p => { var o = new double[] { 0, 0, 7 }; F.RunningProductUntil(p[..3], p[3], 5, o); return o; });

        // x = (0.5, 2, 3): p = 0.5, 1, 3, never past 5: r2 = a·x0·x1·x2 (a·x1·x2, a·x0·x2, a·x0·x1, x0·x1·x2) = (6, 1.5, 1, 3).
        double[] y = { 0.5, 2, 3 };
        F.RunningProductUntilJacobian(y, 1, 5, r, jacobian);
        Close(new double[] { 0.5, 1, 3 }, r, 1e-14, "outputs");
        Close(new double[] { 1, 0, 0, 0.5, 2, 0.5, 0, 1, 6, 1.5, 1, 3 }, jacobian, 1e-14, "Jacobian without the early exit, by hand");

        // Forward mode along (dx, da) = (1, −1, 0.5, 2) at the first point: dr = J·d = (1 + 4, 3 − 2 + 12, 0).
        var dR = new double[3];
        r = new double[] { 0, 0, 7 };
        F.RunningProductUntilWithDerivative(x, 1, 5, r, new double[] { 1, -1, 0.5 }, 2, dR);
        Close(new double[] { 5, 13, 0 }, dR, 1e-14, "forward mode");

        // Left straight away (a·x0 < 0): r[1] keeps its 9 and has no derivative. a = −1, x = (2, 3): row r0 (a, 0, x0) = (−1, 0, 2).
        var pair = new double[] { 0, 9 };
        var pairJacobian = new double[6];
        F.PairUnlessNegativeJacobian(new double[] { 2, 3 }, -1, new double[] { 0, 9 }, pairJacobian);
        F.PairUnlessNegative(new double[] { 2, 3 }, -1, pair);
        Close(new double[] { -2, 9 }, pair, 1e-14, "outputs after the return");
        Close(new double[] { -1, 0, 2, 0, 0, 0 }, pairJacobian, 1e-14, "Jacobian after the return");
        F.PairUnlessNegativeJacobian(new double[] { 2, 3 }, 1, new double[2], pairJacobian);
        F.PairUnlessNegative(new double[] { 2, 3 }, 1, pair);
        Close(new double[] { 2, 6 }, pair, 1e-14, "outputs without the return");
        Close(new double[] { 1, 0, 2, 3, 2, 6 }, pairJacobian, 1e-14, "Jacobian without the return, by hand");
        CheckJacobianColumns(pairJacobian, 2, new double[] { 2, 3, 1 }, p => { var o = new double[] { 0, 9 }; F.PairUnlessNegative(p[..2], p[2], o); return o; });
    }

    [Fact]
    public void A_helper_that_returns_early_in_a_gradient_a_Hessian_and_a_Hessian_vector_product()
    {
        // x = (2, 3, 4), a = 1: the helper leaves after r1, so f = a·x0 + a·x0·x1 = 8; ∂/∂x = (a + a·x1, a·x0, 0) = (4, 2, 0),
        // ∂/∂a = x0 + x0·x1 = 8; ∂²/∂x0∂x1 = a = 1, ∂²/∂x0∂a = 1 + x1 = 4, ∂²/∂x1∂a = x0 = 2.
        double[] hessian =
        {
            0, 1, 0, 4,
            1, 0, 0, 2,
            0, 0, 0, 0,
            4, 2, 0, 0,
        };
        CheckSpanScalar(nameof(F.SumOfRunningProducts), new double[] { 2, 3, 4 }, 1, 8, new double[] { 4, 2, 0, 8 }, hessian);

        // The void method's own Hessian-vector product of c·r with c = (1, 1, 1) is the same Hessian times the direction.
        double[] direction = { 0.5, 0.2, -0.1, -0.4 };
        var hvX = new double[3];
        F.RunningProductUntilHessianVectorProduct(new double[] { 2, 3, 4 }, 1, 5, new double[3], new double[] { 1, 1, 1 }, direction[..3], direction[3], new double[3], out _, hvX, out double hvA);
        double[] product = Enumerable.Range(0, 4).Select(i => Enumerable.Range(0, 4).Sum(j => hessian[i * 4 + j] * direction[j])).ToArray();
        Close(product, hvX.Append(hvA).ToArray(), 1e-13, "the void method's Hessian-vector product");
    }

    [Fact]
    public void A_long_counter_read_as_a_real_and_as_an_index()
    {
        // x = (1, 2, 3), a = 2: a·(0·1 + 1·2 + 2·3) = 16; ∂/∂x = a·i = (0, 2, 4), ∂/∂a = 8; ∂²/∂xᵢ∂a = i.
        double[] hessian =
        {
            0, 0, 0, 0,
            0, 0, 0, 1,
            0, 0, 0, 2,
            0, 1, 2, 0,
        };
        CheckSpanScalar(nameof(F.LongWeighted), new double[] { 1, 2, 3 }, 2, 16, new double[] { 0, 2, 4, 8 }, hessian);

        var dXf = new float[3];
        Assert.Equal(16f, F.LongWeightedFWithGradient(new float[] { 1, 2, 3 }, 2f, dXf, out float dAf));
        Assert.Equal(new float[] { 0, 2, 4 }, dXf);
        Assert.Equal(8f, dAf);

        // An array indexed by the long itself, stepping by two: x = (1, 2, 3, 4, 5): 1 + 9 + 25 = 35, ∂/∂x = (2, 0, 6, 0, 10).
        double[] x = { 1, 2, 3, 4, 5 };
        var dX = new double[5];
        Close(35, F.LongEvenSquaresWithGradient(x, dX), 1e-14, "value");
        Close(new double[] { 2, 0, 6, 0, 10 }, dX, 1e-14, "gradient, by hand");
        Close(Central(F.LongEvenSquares, x), dX, 1e-7, "gradient, central differences");
        Close(2 - 6 + 50, F.LongEvenSquaresWithDerivative(x, new double[] { 1, 9, -1, 9, 5 }).Derivative, 1e-13, "forward mode");
    }

    [Theory]
    // x = (3, 4), a = 1: |v| = 5 halves three times to 0.625: f = a²·x0·x1/64 = 0.1875; ∂/∂x = (a²x1, a²x0)/64, ∂/∂a = 2a·x0·x1/64;
    // ∂²/∂x0∂x1 = a²/64, ∂²/∂x0∂a = 2a·x1/64, ∂²/∂x1∂a = 2a·x0/64, ∂²/∂a² = 2x0·x1/64. The do loop halves as often.
    [InlineData(3.0, 4.0, false, 64.0)]
    [InlineData(3.0, 4.0, true, 64.0)]
    // x = (0.3, 0.4): |v| = 0.5: the while loop never halves (÷1), the do loop halves once before its test (÷4).
    [InlineData(0.3, 0.4, false, 1.0)]
    [InlineData(0.3, 0.4, true, 4.0)]
    public void A_loop_condition_calling_a_function_over_vectors(double x0, double x1, bool isDo, double divisor)
    {
        const double a = 1;
        double[] hessian =
        {
            0, a * a / divisor, 2 * a * x1 / divisor,
            a * a / divisor, 0, 2 * a * x0 / divisor,
            2 * a * x1 / divisor, 2 * a * x0 / divisor, 2 * x0 * x1 / divisor,
        };
        double[] gradient = { a * a * x1 / divisor, a * a * x0 / divisor, 2 * a * x0 * x1 / divisor };
        CheckSpanScalar(isDo ? nameof(F.HalvedUntilShortDo) : nameof(F.HalvedUntilShort), new[] { x0, x1 }, a, a * a * x0 * x1 / divisor, gradient, hessian);
    }

    [Fact]
    public void The_Jacobian_of_a_loop_whose_condition_calls_a_function_of_its_outputs()
    {
        // x = (3, 4), a = 1: r = a·x halved three times = (3/8, 1/2); columns x0, x1, a: (a/8, 0, x0/8), (0, a/8, x1/8).
        double[] x = { 3, 4 };
        var r = new double[2];
        var jacobian = new double[6];
        F.HalvedRowsJacobian(x, 1, r, jacobian);
        Close(new double[] { 0.375, 0.5 }, r, 1e-14, "outputs");
        Close(new double[] { 0.125, 0, 0.375, 0, 0.125, 0.5 }, jacobian, 1e-14, "Jacobian, by hand");
        CheckJacobianColumns(jacobian, 2, x.Append(1).ToArray(), p => { var o = new double[2]; F.HalvedRows(p[..2], p[2], o); return o; });
    }

    [Fact]
    public void Ref_locals_that_alias_an_element()
    {
        // x = (1, 2, 3), a = 2: a·Σx² + x0 = 28 + 1 = 29; ∂/∂x = 2a·x + (1, 0, 0) = (5, 8, 12), ∂/∂a = Σx² = 14;
        // ∂²/∂xᵢ² = 2a = 4, ∂²/∂xᵢ∂a = 2xᵢ = (2, 4, 6).
        double[] hessian =
        {
            4, 0, 0, 2,
            0, 4, 0, 4,
            0, 0, 4, 6,
            2, 4, 6, 0,
        };
        CheckSpanScalar(nameof(F.ThroughRefs), new double[] { 1, 2, 3 }, 2, 29, new double[] { 5, 8, 12, 14 }, hessian);

        // x = (1, 2), a = 3: r = (a·x)² = (9, 36); columns x0, x1, a: (2a²x0, 0, 2a·x0²) = (18, 0, 6), (0, 2a²x1, 2a·x1²) = (0, 36, 24).
        var r = new double[2];
        var jacobian = new double[6];
        F.SquaresThroughRefJacobian(new double[] { 1, 2 }, 3, r, jacobian);
        F.SquaresThroughRef(new double[] { 1, 2 }, 3, r);
        Close(new double[] { 9, 36 }, r, 1e-14, "outputs");
        Close(new double[] { 18, 0, 6, 0, 36, 24 }, jacobian, 1e-14, "Jacobian, by hand");
        CheckJacobianColumns(jacobian, 2, new double[] { 1, 2, 3 }, p => { var o = new double[2]; F.SquaresThroughRef(p[..2], p[2], o); return o; });
        var dR = new double[2];
        F.SquaresThroughRefWithDerivative(new double[] { 1, 2 }, 3, r, new double[] { 1, -1 }, 0.5, dR);
        Close(new double[] { 18 + 3, -36 + 12 }, dR, 1e-14, "forward mode");
    }
}
