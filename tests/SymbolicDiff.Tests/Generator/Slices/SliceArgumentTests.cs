using SymbolicDiff.Tests.Generator.Diagnostics;
using SymbolicDiff.Tests.Runtime;
using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.Slices;

/// <summary>
/// A slice passed where a span is accepted (<see cref="SliceArgumentFunctions"/>): the argument is the view of the sliced
/// vector, and a derivative of it the same view of the vector's adjoint or tangent. Each derivative is checked against
/// numbers worked out by hand (in each test) and against central finite differences of the method itself.
/// </summary>
public class SliceArgumentTests
{
    // The hand-worked problem of RowProblem (its comment has the numbers).
    private static readonly double[] W = RowProblem.W;
    private static readonly double[] Features = RowProblem.Features;
    private static readonly double[] Y = RowProblem.Y;

    private static double DotRowLoss(double[] w, double[] features) => SliceArgumentFunctions.DotRowLoss(w, features, Y);

    [Fact]
    public void Dot_of_a_differentiated_row_slice_gives_the_hand_worked_gradient_and_matches_central_differences()
    {
        var dW = new double[2];
        var dFeatures = new double[6];
        double value = SliceArgumentFunctions.DotRowLossWithGradient(W, Features, Y, dW, dFeatures);

        Assert.Equal(RowProblem.Loss, value, 12);
        // ∂L/∂w = (2/3) Σ_r e_r x_r = (1.5, 1); ∂L/∂x_r = (2/3) e_r w, landing in the row's part of dFeatures.
        SpanTestData.AssertClose(RowProblem.LossByW, dW, 1e-12);
        SpanTestData.AssertClose(RowProblem.LossByFeatures, dFeatures, 1e-12);
        SpanTestData.AssertClose(FiniteDifference.CentralGradient(w => DotRowLoss(w, Features), W), dW, 1e-7);
        SpanTestData.AssertClose(FiniteDifference.CentralGradient(f => DotRowLoss(W, f), Features), dFeatures, 1e-7);
    }

    [Fact]
    public void Dot_of_a_constant_row_slice_written_in_the_call_gives_the_hand_worked_gradient()
    {
        var dW = new double[2];
        double value = SliceArgumentFunctions.InPlaceRowLossWithGradient(W, Features, Y, dW);

        // L = Σ e² = 1.5; ∂L/∂w = 2 Σ_r e_r x_r = 2(0.5 − 0.25 + 2, 0 + 0.5 + 1) = (4.5, 3).
        Assert.Equal(1.5, value, 12);
        SpanTestData.AssertClose(new[] { 4.5, 3.0 }, dW, 1e-12);
        SpanTestData.AssertClose(FiniteDifference.CentralGradient(w => SliceArgumentFunctions.InPlaceRowLoss(w, Features, Y), W), dW, 1e-7);
    }

    [Fact]
    public void Forward_mode_through_a_row_slice_argument_is_the_gradient_along_the_direction()
    {
        RowProblem.AssertForwardMode((w, f, dW, dF) => SliceArgumentFunctions.DotRowLossWithDerivative(w, f, Y, dW, dF), DotRowLoss);
    }

    [Fact]
    public void The_Hessian_vector_product_through_a_row_slice_argument_matches_the_hand_worked_one_and_central_differences()
    {
        double[] vW = { 1, -2 };
        double[] vF = { 0.5, 0, -1, 1, 2, 0.25 };
        var dW = new double[2];
        var dF = new double[6];
        var hvW = new double[2];
        var hvF = new double[6];
        double value = SliceArgumentFunctions.DotRowLossHessianVectorProduct(W, Features, Y, vW, vF, dW, dF, hvW, hvF);
        Assert.Equal(RowProblem.Loss, value, 12);
        SpanTestData.AssertClose(RowProblem.LossByW, dW, 1e-12);

        // Along w alone: H_ww v = (2/3) Σ_r x_r (x_r · v) = (2/3)[(1,0)·1 + (0.5,−1)·2.5 + (2,1)·0] = (1.5, −5/3), and
        // H_xw v for row r = (2/3)(w (x_r · v) + e_r v): row 0 (2/3)((1,2) + 0.5(1,−2)) = (1, 2/3).
        var hvWAlongW = new double[2];
        var hvFAlongW = new double[6];
        SliceArgumentFunctions.DotRowLossHessianVectorProduct(W, Features, Y, vW, new double[6], dW, dF, hvWAlongW, hvFAlongW);
        SpanTestData.AssertClose(new[] { 1.5, -5 / 3.0 }, hvWAlongW, 1e-12);
        SpanTestData.AssertClose(new[] { 1.0, 2 / 3.0 }, hvFAlongW.Take(2).ToArray(), 1e-12);

        // Both blocks against central differences of the generated gradient along v.
        RowProblem.AssertCentralHessianVectorProduct((w, f, gW, gF) => SliceArgumentFunctions.DotRowLossWithGradient(w, f, Y, gW, gF), vW, vF, hvW, hvF);
    }

    // Two rows of three logits, (1, 2, 3) with label 2 and (0, 0, 0) with label 0.
    private static readonly double[] Logits = { 1, 2, 3, 0, 0, 0 };
    private static readonly int[] Labels = { 2, 0 };

    [Fact]
    public void A_span_loss_over_a_slice_of_logits_gives_the_softmax_minus_one_hot_and_its_Hessian_vector_product()
    {
        var dLogits = new double[6];
        double value = SliceArgumentFunctions.RowSoftmaxLossWithGradient(Logits, Labels, dLogits);

        // Row 0: p = (e, e², e³)/S, CE = log S − 3; row 1: p = (1/3, 1/3, 1/3), CE = log 3. L is their mean, and
        // ∂L/∂row = (p − onehot(label)) / 2.
        double s = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        double[] p0 = { Math.Exp(1) / s, Math.Exp(2) / s, Math.Exp(3) / s };
        double[] p = { p0[0], p0[1], p0[2], 1 / 3.0, 1 / 3.0, 1 / 3.0 };
        Assert.Equal((Math.Log(s) - 3 + Math.Log(3)) / 2, value, 12);
        double[] byHand = { p[0] / 2, p[1] / 2, (p[2] - 1) / 2, (p[3] - 1) / 2, p[4] / 2, p[5] / 2 };
        SpanTestData.AssertClose(byHand, dLogits, 1e-12);
        SpanTestData.AssertClose(FiniteDifference.CentralGradient(x => SliceArgumentFunctions.RowSoftmaxLoss(x, Labels), Logits), dLogits, 1e-7);

        // H·v per row is (diag(p) − p pᵀ) v_row / 2.
        double[] v = { 1, -1, 0.5, 2, 0, -1 };
        var gradient = new double[6];
        var hv = new double[6];
        SliceArgumentFunctions.RowSoftmaxLossHessianVectorProduct(Logits, Labels, v, gradient, hv);
        SpanTestData.AssertClose(byHand, gradient, 1e-12);
        var expected = new double[6];
        for (int row = 0; row < 2; row++)
        {
            double pv = 0;
            for (int j = 0; j < 3; j++)
            {
                pv += p[row * 3 + j] * v[row * 3 + j];
            }

            for (int i = 0; i < 3; i++)
            {
                expected[row * 3 + i] = p[row * 3 + i] * (v[row * 3 + i] - pv) / 2;
            }
        }

        SpanTestData.AssertClose(expected, hv, 1e-12);

        const double h = 1e-6;
        double[] GradientAt(double t)
        {
            var g = new double[6];
            SliceArgumentFunctions.RowSoftmaxLossWithGradient(Logits.Select((x, i) => x + t * v[i]).ToArray(), Labels, g);
            return g;
        }

        var plus = GradientAt(h);
        var minus = GradientAt(-h);
        SpanTestData.AssertClose(plus.Select((g, i) => (g - minus[i]) / (2 * h)).ToArray(), hv, 1e-6);
    }

    [Fact]
    public void A_differentiable_span_method_called_on_a_slice_gives_the_hand_worked_gradient_tangent_and_Hessian_vector_product()
    {
        double[] p = { 1, 2, 3, -1 };
        var dP = new double[4];
        double value = SliceArgumentFunctions.WeightedRowQuarticsWithGradient(p, 2, dP);

        // F = 1·(1 + 16)/4 + 2·(81 + 1)/4 = 45.25; ∂F/∂p_i = (r + 1)·p_i³ = (1, 8, 54, −2); H = diag(3(r + 1)p_i²) = diag(3, 12, 54, 6).
        Assert.Equal(45.25, value, 12);
        SpanTestData.AssertClose(new double[] { 1, 8, 54, -2 }, dP, 1e-12);
        SpanTestData.AssertClose(FiniteDifference.CentralGradient(x => SliceArgumentFunctions.WeightedRowQuartics(x, 2), p), dP, 1e-7);

        double[] v = { 1, -1, 0.5, 2 };
        var (_, derivative) = SliceArgumentFunctions.WeightedRowQuarticsWithDerivative(p, 2, v);
        Assert.Equal(1 - 8 + 27 - 4, derivative, 12);

        var gradient = new double[4];
        var hv = new double[4];
        SliceArgumentFunctions.WeightedRowQuarticsHessianVectorProduct(p, 2, v, gradient, hv);
        SpanTestData.AssertClose(new double[] { 1, 8, 54, -2 }, gradient, 1e-12);
        SpanTestData.AssertClose(new double[] { 3, -12, 27, 12 }, hv, 1e-12);

        const double h = 1e-6;
        double[] GradientAt(double t)
        {
            var g = new double[4];
            SliceArgumentFunctions.WeightedRowQuarticsWithGradient(p.Select((x, i) => x + t * v[i]).ToArray(), 2, g);
            return g;
        }

        var plus = GradientAt(h);
        var minus = GradientAt(-h);
        SpanTestData.AssertClose(plus.Select((g, i) => (g - minus[i]) / (2 * h)).ToArray(), hv, 1e-6);
    }

    [Fact]
    public void A_vector_valued_method_passing_row_slices_to_Dot_has_the_hand_worked_Jacobian()
    {
        double[] w = { 2, -1 };
        double[] m = { 1, 2, 3, -1 };
        var jacobian = new double[2 * 6];
        SliceArgumentFunctions.RowDotsJacobian(w, m, new double[2], jacobian);

        // z_i = w · m_i: columns w then m; ∂z_i/∂w = m_i, ∂z_i/∂m_i = w (zero on the other row).
        SpanTestData.AssertClose(new double[] { 1, 2, 2, -1, 0, 0, 3, -1, 0, 0, 2, -1 }, jacobian, 1e-12);

        const double h = 1e-6;
        var point = w.Concat(m).ToArray();
        for (int j = 0; j < 6; j++)
        {
            var plus = (double[])point.Clone();
            var minus = (double[])point.Clone();
            plus[j] += h;
            minus[j] -= h;
            var zPlus = new double[2];
            var zMinus = new double[2];
            SliceArgumentFunctions.RowDots(plus.AsSpan(0, 2), plus.AsSpan(2), zPlus);
            SliceArgumentFunctions.RowDots(minus.AsSpan(0, 2), minus.AsSpan(2), zMinus);
            for (int i = 0; i < 2; i++)
            {
                Assert.Equal((zPlus[i] - zMinus[i]) / (2 * h), jacobian[i * 6 + j], 6);
            }
        }
    }

    [Fact]
    public void A_slice_argument_past_the_end_throws_ArgumentOutOfRangeException_as_the_users_code_does()
    {
        double[] shortFeatures = { 1, 0, 0.5, -1, 2 };
        Assert.Throws<ArgumentOutOfRangeException>(() => SliceArgumentFunctions.DotRowLoss(W, shortFeatures, Y));
        Assert.Throws<ArgumentOutOfRangeException>(() => SliceArgumentFunctions.DotRowLossWithGradient(W, shortFeatures, Y, new double[2], new double[5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SliceArgumentFunctions.InPlaceRowLossWithGradient(W, shortFeatures, Y, new double[2]));
    }

    private const string DotRowsSource = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            [Differentiable]
            public static double Rows(ReadOnlySpan<double> w, ReadOnlySpan<double> features, ReadOnlySpan<double> y)
            {
                int d = w.Length;
                double total = 0;
                for (int r = 0; r < y.Length; r++)
                {
                    ReadOnlySpan<double> x = features.Slice(r * d, d);
                    total += Math.Log(1 + Math.Exp(-y[r] * Vectors.Dot(w, x)));
                }

                return total / y.Length;
            }
        }
        """;

    [Fact]
    public void A_row_slice_passed_to_Dot_is_the_view_and_its_adjoint_the_same_view_of_the_adjoint()
    {
        var run = GeneratorHarness.Run(DotRowsSource).ShouldSucceed();
        string generated = run.Source("Models.Rows.g.cs");
        Snapshot.Verify(generated);
        Assert.Contains("int xStart = global::SymbolicDiff.Runtime.SliceBounds.Start(features.Length, r * d, d);", generated, StringComparison.Ordinal);
        Assert.Contains("global::SymbolicDiff.Vectors.Dot(w, x)", generated, StringComparison.Ordinal);
        Assert.Contains("global::SymbolicDiff.Vectors.DotRightGradient(w, x, ", generated, StringComparison.Ordinal);
        Assert.Contains("dFeatures.Slice(xStart, d));", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void A_slice_passed_to_a_vector_valued_helper_is_SD0005_saying_what_accepts_a_slice()
    {
        var (run, spans) = DiagnosticAssert.Run(
            """
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable(nameof(p))]
                public static void Twice(ReadOnlySpan<double> p, Span<double> q)
                {
                    for (int i = 0; i < q.Length; i++)
                    {
                        q[i] = 2 * p[i];
                    }
                }

                [Differentiable(nameof(w))]
                public static double F(ReadOnlySpan<double> w, ReadOnlySpan<double> features)
                {
                    ReadOnlySpan<double> x = features.Slice(0, w.Length);
                    Span<double> doubled = stackalloc double[w.Length];
                    Twice([|x|], doubled);
                    return Vectors.Dot(w, doubled);
                }
            }
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0005", diagnostic.Id);
        DiagnosticAssert.AtSpan(run, diagnostic, Assert.Single(spans));
        Assert.DoesNotContain(run.GeneratedSources, source => source.HintName.StartsWith("C.F", StringComparison.Ordinal));
        Assert.Contains("The slice 'x' passed to a vector-valued helper, which writes outputs (a slice is passed to a function that only reads it: Vectors.Dot(w, x), a loss, a [Differentiable] method over spans; to a helper that writes outputs, pass the whole vector, or copy the slice into a local buffer and pass that)", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_slice_passed_to_a_helper_to_write_into_is_SD0004_saying_to_pass_a_buffer()
    {
        var (run, spans) = DiagnosticAssert.Run(
            """
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable(nameof(p))]
                public static void Twice(ReadOnlySpan<double> p, Span<double> q)
                {
                    for (int i = 0; i < q.Length; i++)
                    {
                        q[i] = 2 * p[i];
                    }
                }

                [Differentiable(nameof(w))]
                public static double F(ReadOnlySpan<double> w)
                {
                    Span<double> buffer = stackalloc double[2 * w.Length];
                    Twice(w, [|buffer.Slice(0, w.Length)|]);
                    return Vectors.Dot(w, buffer.Slice(0, w.Length));
                }
            }
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0004", diagnostic.Id);
        DiagnosticAssert.AtSpan(run, diagnostic, Assert.Single(spans));
        Assert.DoesNotContain(run.GeneratedSources, source => source.HintName.StartsWith("C.F", StringComparison.Ordinal));
        Assert.Contains("Passing the slice 'buffer.Slice(0, w.Length)' to 'C.Twice' to write its results into (a helper writes into a whole local buffer or output of this method: declare a buffer of the slice's length, pass that, and copy its elements into the slice)", diagnostic.GetMessage(), StringComparison.Ordinal);
    }
}
