using SymbolicDiff.Tests.Generator.Diagnostics;
using SymbolicDiff.Tests.Runtime;
using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.Slices;

/// <summary>
/// Slices in [Differentiable] methods (<see cref="SliceFunctions"/>): every generated method reads x[j] of
/// <c>x = p.Slice(s, n)</c> as p[s + j], so each derivative is checked against numbers worked out by hand (in each
/// test) and against central finite differences of the method itself; C#'s bounds semantics are kept.
/// </summary>
public class SliceTests
{
    // The hand-worked problem of RowProblem (its comment has the numbers).
    private static readonly double[] W = RowProblem.W;
    private static readonly double[] Features = RowProblem.Features;
    private static readonly double[] Y = RowProblem.Y;

    private static double RowLoss(double[] w, double[] features) => SliceFunctions.RowLoss(w, features, Y);

    [Fact]
    public void The_gradient_through_a_row_slice_is_the_hand_worked_one()
    {
        var dW = new double[2];
        var dFeatures = new double[6];
        double value = SliceFunctions.RowLossWithGradient(W, Features, Y, dW, dFeatures);

        Assert.Equal(RowProblem.Loss, value, 12);
        // ∂L/∂w = (2/3) Σ_r e_r x_r = (2/3)(0.5 − 0.25 + 2, 0 + 0.5 + 1) = (1.5, 1).
        SpanTestData.AssertClose(RowProblem.LossByW, dW, 1e-12);
        // ∂L/∂x_r = (2/3) e_r w: (1/3)(1, 2), (−1/3)(1, 2), (2/3)(1, 2).
        SpanTestData.AssertClose(RowProblem.LossByFeatures, dFeatures, 1e-12);
    }

    [Fact]
    public void The_gradient_through_a_row_slice_matches_central_finite_differences()
    {
        var dW = new double[2];
        var dFeatures = new double[6];
        SliceFunctions.RowLossWithGradient(W, Features, Y, dW, dFeatures);

        SpanTestData.AssertClose(FiniteDifference.CentralGradient(w => RowLoss(w, Features), W), dW, 1e-7);
        SpanTestData.AssertClose(FiniteDifference.CentralGradient(f => RowLoss(W, f), Features), dFeatures, 1e-7);
    }

    [Fact]
    public void Forward_mode_through_a_row_slice_is_the_gradient_along_the_direction_and_matches_finite_differences()
    {
        RowProblem.AssertForwardMode((w, f, dW, dF) => SliceFunctions.RowLossWithDerivative(w, f, Y, dW, dF), RowLoss);
    }

    [Fact]
    public void The_Hessian_vector_product_through_a_row_slice_matches_the_hand_worked_one_and_finite_differences_of_the_gradient()
    {
        double[] vW = { 1, -2 };
        double[] vF = { 0.5, 0, -1, 1, 2, 0.25 };
        var dW = new double[2];
        var dF = new double[6];
        var hvW = new double[2];
        var hvF = new double[6];
        double value = SliceFunctions.RowLossHessianVectorProduct(W, Features, Y, vW, vF, dW, dF, hvW, hvF);
        Assert.Equal(RowProblem.Loss, value, 12);
        SpanTestData.AssertClose(RowProblem.LossByW, dW, 1e-12);

        // Along w alone the w-block is H_ww = (2/3) Σ_r x_r x_rᵀ: (2/3)[(1,0)·1 + (0.5,−1)·2.5 + (2,1)·0] = (2/3)(2.25, −2.5).
        var hvWAlongW = new double[2];
        SliceFunctions.RowLossHessianVectorProduct(W, Features, Y, vW, new double[6], dW, dF, hvWAlongW, new double[6]);
        SpanTestData.AssertClose(new[] { 1.5, -5 / 3.0 }, hvWAlongW, 1e-12);

        // Both blocks against central differences of the generated gradient along v.
        RowProblem.AssertCentralHessianVectorProduct((w, f, gW, gF) => SliceFunctions.RowLossWithGradient(w, f, Y, gW, gF), vW, vF, hvW, hvF);
    }

    [Fact]
    public void Ranges_a_slice_of_a_slice_and_writes_through_a_buffers_slice_give_the_hand_worked_gradient()
    {
        double[] p = { 1, 2, 3, 4, 5, 6 };
        var dP = new double[6];
        double value = SliceFunctions.FormsWithGradient(p, dP);

        // F = p0·p1 + p3²·p2 + sin(p4) = 2 + 48 + sin 5; ∇F = (p1, p0, p3², 2·p3·p2, cos p4, 0).
        Assert.Equal(50 + Math.Sin(5), value, 12);
        SpanTestData.AssertClose(new[] { 2, 1, 16, 24, Math.Cos(5), 0 }, dP, 1e-12);
        SpanTestData.AssertClose(FiniteDifference.CentralGradient(x => SliceFunctions.Forms(x), p), dP, 1e-6);
    }

    [Fact]
    public void Foreach_over_a_slice_gives_the_hand_worked_gradient()
    {
        double[] p = { 1, 2, 3, 4, 5, 6 };
        var dP = new double[6];
        double value = SliceFunctions.RowCubesWithGradient(p, 1, 2, dP);

        // Row 1 of 2 is (3, 4): 27 + 64 = 91, and ∂/∂p = 3·v² there, 0 elsewhere.
        Assert.Equal(91, value);
        SpanTestData.AssertClose(new double[] { 0, 0, 27, 48, 0, 0 }, dP, 1e-12);
        SpanTestData.AssertClose(FiniteDifference.CentralGradient(x => SliceFunctions.RowCubes(x, 1, 2), p), dP, 1e-6);
    }

    [Fact]
    public void Slices_of_an_array_parameter_and_of_an_array_buffer_give_the_hand_worked_gradient()
    {
        double[] a = { 7, 2, 3 };
        var dA = new double[3];
        double value = SliceFunctions.ArraySlices(a);
        Assert.Equal(value, SliceFunctions.ArraySlicesWithGradient(a, dA));

        // F = a1·a2·(a1 + a2) = 6 · 5 = 30; ∂F/∂a1 = a2·(a1 + a2) + a1·a2 = 15 + 6 = 21, ∂F/∂a2 = a1·(a1 + a2) + a1·a2 = 10 + 6 = 16.
        Assert.Equal(30, value);
        SpanTestData.AssertClose(new double[] { 0, 21, 16 }, dA, 1e-12);
        SpanTestData.AssertClose(FiniteDifference.CentralGradient(x => SliceFunctions.ArraySlices(x), a), dA, 1e-6);
    }

    [Fact]
    public void A_vector_valued_method_reading_rows_through_slices_has_the_hand_worked_Jacobian()
    {
        double[] m = { 1, 2, 3, -1 };
        var jacobian = new double[2 * 4];
        SliceFunctions.RowSquaresJacobian(m, 2, new double[2], jacobian);

        // r_0 = m0² + m1², r_1 = m2² + m3².
        SpanTestData.AssertClose(new double[] { 2, 4, 0, 0, 0, 0, 6, -2 }, jacobian, 1e-12);

        const double h = 1e-6;
        for (int j = 0; j < 4; j++)
        {
            var plus = (double[])m.Clone();
            var minus = (double[])m.Clone();
            plus[j] += h;
            minus[j] -= h;
            var sumsPlus = new double[2];
            var sumsMinus = new double[2];
            SliceFunctions.RowSquares(plus, 2, sumsPlus);
            SliceFunctions.RowSquares(minus, 2, sumsMinus);
            for (int i = 0; i < 2; i++)
            {
                Assert.Equal((sumsPlus[i] - sumsMinus[i]) / (2 * h), jacobian[i * 4 + j], 6);
            }
        }
    }

    [Fact]
    public void A_float_slice_in_a_float_method_gives_the_hand_worked_gradient()
    {
        float[] dW = new float[2];
        float value = SliceFunctions.FloatRowLossWithGradient(W.Select(x => (float)x).ToArray(), Features.Select(x => (float)x).ToArray(), Y.Select(x => (float)x).ToArray(), dW);
        Assert.Equal(0.5f, value, 6);
        Assert.Equal(1.5f, dW[0], 5);
        Assert.Equal(1.0f, dW[1], 5);
    }

    [Fact]
    public void A_slice_past_the_end_throws_ArgumentOutOfRangeException_as_the_users_code_does()
    {
        double[] shortFeatures = { 1, 0, 0.5, -1, 2 }; // the third row needs 6 elements
        Assert.Throws<ArgumentOutOfRangeException>(() => SliceFunctions.RowLoss(W, shortFeatures, Y));
        Assert.Throws<ArgumentOutOfRangeException>(() => SliceFunctions.RowLossWithGradient(W, shortFeatures, Y, new double[2], new double[5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SliceFunctions.RowLossWithDerivative(W, shortFeatures, Y, new double[2], new double[5]));
    }

    [Fact]
    public void An_index_past_a_slices_end_throws_IndexOutOfRangeException_even_where_the_sliced_span_has_the_element()
    {
        double[] p = { 1, 2, 3, 4, 5 };
        Assert.Throws<IndexOutOfRangeException>(() => SliceFunctions.At(p, 2));
        Assert.Throws<IndexOutOfRangeException>(() => SliceFunctions.AtWithGradient(p, 2, new double[5]));
        Assert.Throws<IndexOutOfRangeException>(() => SliceFunctions.AtWithGradient(p, -1, new double[5]));

        // In range: x[1] = p[2], so F = p2² and ∂F/∂p2 = 2·p2 = 6.
        var dP = new double[5];
        Assert.Equal(9, SliceFunctions.AtWithGradient(p, 1, dP));
        SpanTestData.AssertClose(new double[] { 0, 0, 6, 0, 0 }, dP, 0);
    }

    private const string RowsSource = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            [Differentiable(nameof(w))]
            public static double Rows(ReadOnlySpan<double> w, ReadOnlySpan<double> features, ReadOnlySpan<double> y)
            {
                int d = w.Length;
                double total = 0;
                for (int r = 0; r < y.Length; r++)
                {
                    ReadOnlySpan<double> x = features.Slice(r * d, d);
                    double z = 0;
                    for (int c = 0; c < d; c++)
                    {
                        z += w[c] * x[c];
                    }

                    total += Math.Log(1 + Math.Exp(-y[r] * z));
                }

                return total / y.Length;
            }
        }
        """;

    [Fact]
    public void A_row_slice_is_read_through_a_view_from_a_checked_start()
    {
        var run = GeneratorHarness.Run(RowsSource).ShouldSucceed();
        string generated = run.Source("Models.Rows.g.cs");
        Snapshot.Verify(generated);
        Assert.Contains("int xStart = global::SymbolicDiff.Runtime.SliceBounds.Start(features.Length, r * d, d);", generated, StringComparison.Ordinal);
        // Read through a view of the user's name, as hand-written code reads it, so the JIT can drop the bounds checks of
        // x[c] in the loop to d; the loop runs over the slice's length, so no index needs a check of its own.
        Assert.Contains("var x = features.Slice(xStart, d);", generated, StringComparison.Ordinal);
        Assert.Contains("z += w[c] * x[c];", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("SliceBounds.Index", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void Writing_through_a_slice_of_an_input_is_SD0004()
    {
        var diagnostic = DiagnosticAssert.Single(
            """
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable]
                public static double F(double[] p)
                {
                    Span<double> h = p.AsSpan(0, 2);
                    [|h|][0] = 1;
                    return p[0] * p[1];
                }
            }
            """,
            "SD0004",
            null!);
        Assert.Contains("Writing into 'h', a slice of 'p', which is not a local buffer or an output of this method", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Assigning_a_slice_again_is_SD0004_at_its_declaration()
    {
        var diagnostic = DiagnosticAssert.Single(
            """
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable]
                public static double F(ReadOnlySpan<double> p)
                {
                    ReadOnlySpan<double> x [|=|] p.Slice(0, 1);
                    double first = x[0];
                    x = p.Slice(1, 1);
                    return first * x[0];
                }
            }
            """,
            "SD0004",
            null!);
        Assert.Contains("Assigning the slice 'x' again", diagnostic.GetMessage(), StringComparison.Ordinal);
    }
}
