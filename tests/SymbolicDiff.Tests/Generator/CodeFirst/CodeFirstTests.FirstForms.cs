using F = SymbolicDiff.Tests.Generator.CodeFirst.CodeFirstFunctions;

namespace SymbolicDiff.Tests.Generator.CodeFirst;

/// <summary>
/// <c>int k;</c> declared without a value, steps inside indices (<c>x[k++]</c>, <c>x[++j]</c>, <c>x[--m]</c>, <c>r[k++] = ...</c>),
/// integer <c>Math.Min</c>/<c>Max</c>/<c>Abs</c>/<c>Clamp</c>, and a static readonly table of coefficients, in every kind of
/// method, against values worked out by hand (in the comments) and central differences.
/// </summary>
public partial class CodeFirstTests
{
    [Fact]
    public void An_integer_local_declared_without_a_value_counts_a_loop()
    {
        // x = (1, 2, 3), a = 2: a·Σx² = 28; ∂/∂x = 2a·x = (4, 8, 12), ∂/∂a = 14; ∂²/∂xᵢ² = 2a = 4, ∂²/∂xᵢ∂a = 2xᵢ.
        double[] hessian =
        {
            4, 0, 0, 2,
            0, 4, 0, 4,
            0, 0, 4, 6,
            2, 4, 6, 0,
        };
        CheckSpanScalar(new double[] { 1, 2, 3 }, 2, 28, new double[] { 4, 8, 12, 14 }, hessian,
            (v, a) => F.UnassignedCounter(v, a),
            (v, a, dX) => (F.UnassignedCounterWithGradient(v, a, dX, out double dA), dA),
            (v, a, tX, tA) => F.UnassignedCounterWithDerivative(v, a, tX, tA),
            (v, a) => { var h = new double[16]; F.UnassignedCounterHessian(v, a, h); return h; },
            (v, a, vX, vA, dX, hvX) => (F.UnassignedCounterHessianVectorProduct(v, a, vX, vA, dX, out _, hvX, out double hvA), hvA));
    }

    [Fact]
    public void Integer_locals_declared_without_a_value_assigned_in_branches_and_read_after_their_loop()
    {
        // x = (1, 2, 3), a = 2: k = 2, the loop sums x0² + x1² = 5 and leaves i = 2: f = a·5·x2 = 30.
        // ∂/∂x0 = 2a·x0·x2 = 12, ∂/∂x1 = 2a·x1·x2 = 24, ∂/∂x2 = a·5 = 10, ∂/∂a = 5·x2 = 15;
        // ∂²/∂x0² = ∂²/∂x1² = 2a·x2 = 12, ∂²/∂x0∂x2 = 2a·x0 = 4, ∂²/∂x1∂x2 = 2a·x1 = 8, ∂²/∂x0∂a = 2x0·x2 = 6,
        // ∂²/∂x1∂a = 2x1·x2 = 12, ∂²/∂x2∂a = 5.
        double[] hessian =
        {
            12, 0, 4, 6,
            0, 12, 8, 12,
            4, 8, 0, 5,
            6, 12, 5, 0,
        };
        CheckSpanScalar(new double[] { 1, 2, 3 }, 2, 30, new double[] { 12, 24, 10, 15 }, hessian,
            (v, a) => F.UnassignedIndex(v, a),
            (v, a, dX) => (F.UnassignedIndexWithGradient(v, a, dX, out double dA), dA),
            (v, a, tX, tA) => F.UnassignedIndexWithDerivative(v, a, tX, tA),
            (v, a) => { var h = new double[16]; F.UnassignedIndexHessian(v, a, h); return h; },
            (v, a, vX, vA, dX, hvX) => (F.UnassignedIndexHessianVectorProduct(v, a, vX, vA, dX, out _, hvX, out double hvA), hvA));

        // a = −1 takes the else branch: k = 0, no iteration, i = 0: f = a·0·x0 = 0; ∂/∂x0 = a·s = 0, every partial 0 but none of x1, x2.
        var dX = new double[3];
        Close(0, F.UnassignedIndexWithGradient(new double[] { 1, 2, 3 }, -1, dX, out double dA), 1e-14, "value, else branch");
        Close(new double[] { 0, 0, 0 }, dX, 1e-14, "gradient, else branch");
        Close(0, dA, 1e-14, "∂/∂a, else branch");
    }

    [Fact]
    public void Steps_inside_indices_read_and_write_as_CSharp_evaluates_them()
    {
        // x = (1, 2, 3), a = 2: h = a·x, s = Σ h[k]·x[k] = a·Σx² = 28, last = x[2] = 3: f = 28 + 27 = 55.
        // ∂/∂x = 2a·x + (0, 0, 3x2²) = (4, 8, 39), ∂/∂a = Σx² = 14; the Hessian adds 6x2 = 18 to ∂²/∂x2².
        double[] hessian =
        {
            4, 0, 0, 2,
            0, 4, 0, 4,
            0, 0, 22, 6,
            2, 4, 6, 0,
        };
        CheckSpanScalar(new double[] { 1, 2, 3 }, 2, 55, new double[] { 4, 8, 39, 14 }, hessian,
            (v, a) => F.SteppedIndices(v, a),
            (v, a, dX) => (F.SteppedIndicesWithGradient(v, a, dX, out double dA), dA),
            (v, a, tX, tA) => F.SteppedIndicesWithDerivative(v, a, tX, tA),
            (v, a) => { var h = new double[16]; F.SteppedIndicesHessian(v, a, h); return h; },
            (v, a, vX, vA, dX, hvX) => (F.SteppedIndicesHessianVectorProduct(v, a, vX, vA, dX, out _, hvX, out double hvA), hvA));

        // x = (1, 2), a = 3: r = (a·x1², a·x0²) = (12, 3); columns x0, x1, a: (0, 2a·x1, x1²) = (0, 12, 4), (2a·x0, 0, x0²) = (6, 0, 1).
        var r = new double[2];
        var jacobian = new double[6];
        F.SteppedOutputsJacobian(new double[] { 1, 2 }, 3, r, jacobian);
        Close(new double[] { 12, 3 }, r, 1e-14, "outputs");
        Close(new double[] { 0, 12, 4, 6, 0, 1 }, jacobian, 1e-14, "Jacobian, by hand");
        CheckJacobianColumns(jacobian, 2, new double[] { 1, 2, 3 }, p => { var o = new double[2]; F.SteppedOutputs(p[..2], p[2], o); return o; });

        // Forward mode along (1, −1, 0.5): dr = J·d = (−12 + 2, 6 + 0.5).
        var dR = new double[2];
        F.SteppedOutputsWithDerivative(new double[] { 1, 2 }, 3, r, new double[] { 1, -1 }, 0.5, dR);
        Close(new double[] { -10, 6.5 }, dR, 1e-14, "forward mode");
    }

    [Fact]
    public void Integer_Math_Min_Max_Abs_and_Clamp_in_bounds_and_indices()
    {
        // x = (1, 2, 3, 4), a = 2: weights |i − 1| = (1, 0, 1) over the first three, a·(x0 + x2) = 8; then i = 2, 3:
        // x3·x2 + x3·x3 (index clamped to 3) = 12 + 16: f = 36. ∂/∂x = (a, 0, a + x3, x2 + 2x3) = (2, 0, 6, 11),
        // ∂/∂a = x0 + x2 = 4; ∂²/∂x2∂x3 = 1, ∂²/∂x3² = 2, ∂²/∂x0∂a = ∂²/∂x2∂a = 1.
        double[] hessian =
        {
            0, 0, 0, 0, 1,
            0, 0, 0, 0, 0,
            0, 0, 0, 1, 1,
            0, 0, 1, 2, 0,
            1, 0, 1, 0, 0,
        };
        CheckSpanScalar(new double[] { 1, 2, 3, 4 }, 2, 36, new double[] { 2, 0, 6, 11, 4 }, hessian,
            (v, a) => F.FirstFew(v, a),
            (v, a, dX) => (F.FirstFewWithGradient(v, a, dX, out double dA), dA),
            (v, a, tX, tA) => F.FirstFewWithDerivative(v, a, tX, tA),
            (v, a) => { var h = new double[25]; F.FirstFewHessian(v, a, h); return h; },
            (v, a, vX, vA, dX, hvX) => (F.FirstFewHessianVectorProduct(v, a, vX, vA, dX, out _, hvX, out double hvA), hvA));

        // Two elements: Math.Min(3, 2) = 2, weights (1, 0): a·x0; Math.Max(0, 0) = 0: x1·x0 + x1·x1 (clamped). x = (1, 2), a = 2:
        // f = 2 + 2 + 4 = 8; ∂/∂x = (a + x1, x0 + 2x1) = (4, 5), ∂/∂a = x0 = 1.
        var dX = new double[2];
        Close(8, F.FirstFewWithGradient(new double[] { 1, 2 }, 2, dX, out double dA), 1e-14, "value, short vector");
        Close(new double[] { 4, 5 }, dX, 1e-14, "gradient, short vector");
        Close(1, dA, 1e-14, "∂/∂a, short vector");

        // x = (1, 2, 3), a = 3: r = (a·x0, a·x1) = (3, 6); columns x0, x1, x2, a: (3, 0, 0, 1), (0, 3, 0, 2).
        var r = new double[2];
        var jacobian = new double[8];
        F.FirstOutputsJacobian(new double[] { 1, 2, 3 }, 3, r, jacobian);
        Close(new double[] { 3, 6 }, r, 1e-14, "outputs");
        Close(new double[] { 3, 0, 0, 1, 0, 3, 0, 2 }, jacobian, 1e-14, "Jacobian, by hand");
        CheckJacobianColumns(jacobian, 2, new double[] { 1, 2, 3, 3 }, p => { var o = new double[2]; F.FirstOutputs(p[..3], p[3], o); return o; });
        var dR = new double[2];
        F.FirstOutputsWithDerivative(new double[] { 1, 2, 3 }, 3, r, new double[] { 1, -1, 7 }, 0.5, dR);
        Close(new double[] { 3 + 0.5, -3 + 1 }, dR, 1e-14, "forward mode");
    }

    [Fact]
    public void The_float_method_with_all_three_forms()
    {
        // x = (1, 2, 3, 4), a = 2: a·(1 + 4 + 9) + x3 = 32; ∂/∂x = (2a·x0, 2a·x1, 2a·x2, 1) = (4, 8, 12, 1), ∂/∂a = 14.
        var dX = new float[4];
        Assert.Equal(32f, F.FirstFormsFWithGradient(new float[] { 1, 2, 3, 4 }, 2f, dX, out float dA));
        Assert.Equal(new float[] { 4, 8, 12, 1 }, dX);
        Assert.Equal(14f, dA);
        Assert.Equal(4f - 8f + 12f * 0.5f + 1f * 2f + 14f * -1f, F.FirstFormsFWithDerivative(new float[] { 1, 2, 3, 4 }, 2f, new float[] { 1, -1, 0.5f, 2 }, -1f).Derivative);
    }

    [Fact]
    public void Horner_over_a_static_readonly_table_of_coefficients()
    {
        // Coefficients (1, −2, 3): f = x0·(1 − 2a + 3a²); x0 = 2, a = 0.5: 2·(1 − 1 + 0.75) = 1.5.
        // ∂/∂x0 = 1 − 2a + 3a² = 0.75, ∂/∂a = x0·(−2 + 6a) = 2; ∂²/∂x0∂a = −2 + 6a = 1, ∂²/∂a² = 6x0 = 12.
        double[] hessian =
        {
            0, 1,
            1, 12,
        };
        CheckSpanScalar(new double[] { 2 }, 0.5, 1.5, new double[] { 0.75, 2 }, hessian,
            (v, a) => F.HornerTable(v, a),
            (v, a, dX) => (F.HornerTableWithGradient(v, a, dX, out double dA), dA),
            (v, a, tX, tA) => F.HornerTableWithDerivative(v, a, tX, tA),
            (v, a) => { var h = new double[4]; F.HornerTableHessian(v, a, h); return h; },
            (v, a, vX, vA, dX, hvX) => (F.HornerTableHessianVectorProduct(v, a, vX, vA, dX, out _, hvX, out double hvA), hvA));
    }

    [Fact]
    public void A_local_array_declared_with_its_values()
    {
        // x = (1, 2, 3), a = 2: w·x = 0.5 + 2 + 6 = 8.5, p = (a·x0, x1) = (2, 2): f = a·8.5 + a·x0·x1 = 17 + 4 = 21.
        // ∂/∂x = (0.5a + a·x1, a + a·x0, 2a) = (5, 4, 4), ∂/∂a = 8.5 + x0·x1 = 10.5; ∂²/∂x0∂x1 = a = 2,
        // ∂²/∂x0∂a = 0.5 + x1 = 2.5, ∂²/∂x1∂a = 1 + x0 = 2, ∂²/∂x2∂a = 2.
        double[] hessian =
        {
            0, 2, 0, 2.5,
            2, 0, 0, 2,
            0, 0, 0, 2,
            2.5, 2, 2, 0,
        };
        CheckSpanScalar(new double[] { 1, 2, 3 }, 2, 21, new double[] { 5, 4, 4, 10.5 }, hessian,
            (v, a) => F.LocalWeights(v, a),
            (v, a, dX) => (F.LocalWeightsWithGradient(v, a, dX, out double dA), dA),
            (v, a, tX, tA) => F.LocalWeightsWithDerivative(v, a, tX, tA),
            (v, a) => { var h = new double[16]; F.LocalWeightsHessian(v, a, h); return h; },
            (v, a, vX, vA, dX, hvX) => (F.LocalWeightsHessianVectorProduct(v, a, vX, vA, dX, out _, hvX, out double hvA), hvA));

        // Float, the weights declared in the loop: x = (1, 2, 3), a = 2: a·(1 + 4 + 9) = 28; ∂/∂x = a·w = (2, 4, 6), ∂/∂a = 14.
        var dX = new float[3];
        Assert.Equal(28f, F.LocalWeightsFWithGradient(new float[] { 1, 2, 3 }, 2f, dX, out float dA));
        Assert.Equal(new float[] { 2, 4, 6 }, dX);
        Assert.Equal(14f, dA);
    }
}
