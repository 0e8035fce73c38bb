namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// In a sum over rows differentiated row by row, a buffer that each iteration of an inner loop rewrites in full (GMM's
/// <c>centered</c> and <c>qTimesCentered</c>, per component) is kept one row per iteration instead of each element
/// being pushed before it is overwritten and popped in the backward sweep; shapes outside the rule keep the saved
/// values, and a method asking for second derivatives keeps them too. Each case is checked against the gradient worked
/// out by hand and central differences.
/// </summary>
public class KeptRowsTests
{
    private const string Models = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            // GMM's shape in two dimensions: per row r, per component c, centered = x_r − w_c, then t = A_c centered with
            // A_c = [[s_c, 0], [lo_c, s_c]] (written in full, then its second element added to), the squared norm of t
            // per component, and the log of 1 + their sum per row.
            [Differentiable(nameof(w), nameof(s), nameof(lo))]
            public static double Rows(double[] x, double[] w, double[] s, double[] lo)
            {
                int d = 2;
                int k = s.Length;
                int n = x.Length / d;
                Span<double> centered = stackalloc double[d];
                Span<double> transformed = stackalloc double[d];
                Span<double> norms = stackalloc double[k];
                double total = 0;
                for (int r = 0; r < n; r++)
                {
                    for (int c = 0; c < k; c++)
                    {
                        for (int j = 0; j < d; j++)
                        {
                            centered[j] = x[r * d + j] - w[c * d + j];
                            transformed[j] = s[c] * centered[j];
                        }

                        transformed[1] += lo[c] * centered[0];
                        double norm = 0;
                        for (int j = 0; j < d; j++)
                        {
                            norm += transformed[j] * transformed[j];
                        }

                        norms[c] = norm;
                    }

                    double sum = 1;
                    for (int c = 0; c < k; c++)
                    {
                        sum += norms[c];
                    }

                    total += Math.Log(sum);
                }

                return total;
            }

            // GMM's triangular product in three dimensions: per row r, per component c, centered = x_r − w_c, then
            // t = (diag(s_c) + L_c) centered, L_c strictly lower and packed column by column (three per component) and
            // added in by a loop over columns i and rows j > i, then the discounted sum u ← u/2 + t_j² over j, and the log
            // of 1 + Σ_c u per row. Once centered and transformed are kept in rows, the backward loops over i and j pop
            // nothing and count up; the discounted sum's backward loop reads the adjoint of u each iteration leaves to the
            // one before, and keeps counting down.
            [Differentiable(nameof(w), nameof(s), nameof(lo))]
            public static double Triangle(double[] x, double[] w, double[] s, double[] lo)
            {
                int d = 3;
                int k = s.Length;
                int n = x.Length / d;
                Span<double> centered = stackalloc double[d];
                Span<double> transformed = stackalloc double[d];
                Span<double> terms = stackalloc double[k];
                double total = 0;
                for (int r = 0; r < n; r++)
                {
                    for (int c = 0; c < k; c++)
                    {
                        for (int j = 0; j < d; j++)
                        {
                            centered[j] = x[r * d + j] - w[c * d + j];
                            transformed[j] = s[c] * centered[j];
                        }

                        for (int i = 0; i < d; i++)
                        {
                            int column = c * 3 + i * (2 * d - i - 1) / 2 - i - 1;
                            for (int j = i + 1; j < d; j++)
                            {
                                transformed[j] += lo[column + j] * centered[i];
                            }
                        }

                        double u = 0;
                        for (int j = 0; j < d; j++)
                        {
                            u = 0.5 * u + transformed[j] * transformed[j];
                        }

                        terms[c] = u;
                    }

                    double sum = 1;
                    for (int c = 0; c < k; c++)
                    {
                        sum += terms[c];
                    }

                    total += Math.Log(sum);
                }

                return total;
            }

            public static double TriangleIntoArrays(double[] x, double[] w, double[] s, double[] lo, double[] dW, double[] dS, double[] dLo) =>
                TriangleWithGradient(x, w, s, lo, dW, dS, dLo);

            public static double RowsIntoArrays(double[] x, double[] w, double[] s, double[] lo, double[] dW, double[] dS, double[] dLo) =>
                RowsWithGradient(x, w, s, lo, dW, dS, dLo);

            // The buffer is squared in place after it is written: that write's partial reads the value before it, which
            // the row does not hold. The saved values stay.
            [Differentiable(nameof(w))]
            public static double SquaredInPlace(double[] x, double[] w)
            {
                int d = 2;
                int k = w.Length / d;
                Span<double> centered = stackalloc double[d];
                double total = 0;
                for (int r = 0; r < x.Length / d; r++)
                {
                    for (int c = 0; c < k; c++)
                    {
                        for (int j = 0; j < d; j++)
                        {
                            centered[j] = x[r * d + j] - w[c * d + j];
                        }

                        for (int j = 0; j < d; j++)
                        {
                            centered[j] = centered[j] * centered[j];
                        }

                        total += centered[0] * centered[1];
                    }
                }

                return total;
            }

            public static double SquaredInPlaceIntoArrays(double[] x, double[] w, double[] dW) => SquaredInPlaceWithGradient(x, w, dW);

            // The loop over components runs a number of times that changes from row to row: how many rows to keep is
            // not known before the loop over rows. The saved values stay.
            [Differentiable(nameof(w))]
            public static double VaryingCount(double[] x, double[] w)
            {
                int d = 2;
                int k = w.Length / d;
                Span<double> centered = stackalloc double[d];
                double total = 0;
                for (int r = 0; r < x.Length / d; r++)
                {
                    for (int c = 0; c < 1 + r % k; c++)
                    {
                        for (int j = 0; j < d; j++)
                        {
                            centered[j] = x[r * d + j] - w[c * d + j];
                        }

                        total += Math.Sin(centered[0]) * centered[1];
                    }
                }

                return total;
            }

            public static double VaryingCountIntoArrays(double[] x, double[] w, double[] dW) => VaryingCountWithGradient(x, w, dW);

            // A quadratic of the same shape asking for second derivatives: its gradient keeps the saved values (forward mode
            // over the gradient has no tangent for kept rows), and its Hessian is constant.
            [Differentiable(nameof(w), SecondOrder = true)]
            public static double SecondOrderRows(double[] w, double[] x)
            {
                int d = 2;
                int k = w.Length / d;
                Span<double> centered = stackalloc double[d];
                Span<double> transformed = stackalloc double[d];
                double total = 0;
                for (int r = 0; r < x.Length / d; r++)
                {
                    for (int c = 0; c < k; c++)
                    {
                        for (int j = 0; j < d; j++)
                        {
                            centered[j] = x[r * d + j] - w[c * d + j];
                            transformed[j] = 2 * centered[j];
                        }

                        transformed[1] += 0.5 * centered[0];
                        total += transformed[0] * transformed[0] + transformed[1] * transformed[1];
                    }
                }

                return total;
            }

            public static double SecondOrderRowsProduct(double[] w, double[] x, double[] v, double[] gradient, double[] product) =>
                SecondOrderRowsHessianVectorProduct(w, x, v, gradient, product);
        }
        """;

    private const string Fused = "Backward sweep, iteration by iteration";

    [Fact]
    public void A_buffer_rewritten_per_component_is_kept_one_row_each_and_the_gradient_is_the_closed_form()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = run.Source("Models.Rows.g.cs");
        string gradient = GradientCode(generated);
        Assert.Contains(Fused, generated, StringComparison.Ordinal);

        // Each component's forward and backward iterations read and write its own row; no element is pushed or popped, so
        // no stack of saved values is left at all.
        Assert.Equal(2, GeneratedText.CountOf(gradient, "var centeredRow = keptCentered.Slice(c * centered.Length, centered.Length);"));
        Assert.Equal(2, GeneratedText.CountOf(gradient, "var transformedRow = keptTransformed.Slice(c * transformed.Length, transformed.Length);"));
        Assert.Contains("centeredRow[j] = x[r * d + j] - w[c * d + j];", gradient, StringComparison.Ordinal);
        Assert.Contains("transformedRow[1] += lo[c] * centeredRow[0];", gradient, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?<!\w)centered\[", gradient);
        Assert.DoesNotMatch(@"(?<!\w)transformed\[", gradient);
        Assert.Contains("(k > 0 ? k : 0) * centered.Length", gradient, StringComparison.Ordinal);
        Assert.True(gradient.IndexOf("keptCenteredStorage = new", StringComparison.Ordinal) < gradient.IndexOf("for (int r = 0;", StringComparison.Ordinal));
        Assert.Contains("keptCenteredStorage.Dispose();", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("saved", gradient, StringComparison.Ordinal);

        var rows = Rows(run);

        // Worked on paper: x = (1, 2), w = (0, 0), s = 2, lo = 0.5: centered = (1, 2), t = (2, 4 + 0.5) = (2, 4.5),
        // ‖t‖² = 4 + 20.25 = 24.25, f = ln 25.25, g = 1/25.25; ∂f/∂s = g(2·2·1 + 2·4.5·2) = 22g, ∂f/∂lo = g·2·4.5·1 = 9g,
        // ∂f/∂w = −g(2·2·2 + 2·4.5·0.5, 2·4.5·2) = −g(12.5, 18).
        double[] dW = new double[2], dS = new double[1], dLo = new double[1];
        Assert.Equal(Math.Log(25.25), rows(new[] { 1.0, 2 }, new[] { 0.0, 0 }, new[] { 2.0 }, new[] { 0.5 }, dW, dS, dLo), 13);
        AssertClose(new[] { -12.5 / 25.25, -18 / 25.25 }, dW, 1e-14);
        AssertClose(new[] { 22 / 25.25 }, dS, 1e-14);
        AssertClose(new[] { 9 / 25.25 }, dLo, 1e-14);

        // Three rows, three components (both signs of s and lo), against the closed form and central differences; then
        // 80 components (160 kept values per buffer, past the 128 kept on the stack: from the pool), twice in a row
        // (the pooled array comes back holding the last call's rows).
        CheckRows(run, rows, seed: 3, rowCount: 3, components: 3, differences: true);
        CheckRows(run, rows, seed: 4, rowCount: 2, components: 80, differences: false);
        CheckRows(run, rows, seed: 4, rowCount: 2, components: 80, differences: false);
        VectorFiniteDifferenceTests.Check(run.Load().GetType("Models")!, "Rows", random =>
        {
            int n = random.Next(1, 4), k = random.Next(1, 4);
            return new[] { 2 * n, 2 * k, k, k };
        });
    }

    [Fact]
    public void Once_the_rows_are_kept_the_triangular_products_backward_loops_count_up_and_the_gradient_is_the_closed_form()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = run.Source("Models.Triangle.g.cs");
        string gradient = GradientCode(generated);
        Assert.Contains(Fused, generated, StringComparison.Ordinal);
        Assert.DoesNotContain("saved", gradient, StringComparison.Ordinal);

        // The backward loops over the columns i and the rows j > i, and the one undoing the cover, pop nothing once the
        // rows are kept: they count up, as GMM's hand-written adjoint does, and the one undoing the cover joins the loop
        // over i (LoopFusion), its counter read as i. The discounted sum's backward loop reads ∂/∂u, which the iteration
        // after it left, and still counts down.
        const string upward = "// each iteration only adds into adjoints, so the iterations run in their own order";
        Assert.Equal(1, GeneratedText.CountOf(generated, $"for (int i = 0; i < d; i++) {upward}"));
        Assert.Equal(1, GeneratedText.CountOf(generated, $"for (int j = i + 1; j < d; j++) {upward}"));
        Assert.Equal(0, GeneratedText.CountOf(generated, $"for (int j = 0; j < d; j++) {upward}"));
        Assert.Equal(1, GeneratedText.CountOf(generated, "// centered[i] = x[r * d + i] - w[c * d + i];"));
        Assert.DoesNotContain("for (int i = d - 1; i >= 0; i--)", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("j >= i + 1; j--", generated, StringComparison.Ordinal);
        Assert.Equal(1, GeneratedText.CountOf(generated, "for (int j = d - 1; j >= 0; j--)"));
        Assert.Contains("dTotal_du *= 0.5;", gradient, StringComparison.Ordinal);

        var triangle = (RowsCall)Delegate.CreateDelegate(typeof(RowsCall), run.Load().GetType("Models")!.GetMethod("TriangleIntoArrays")!);
        var method = run.Load().GetType("Models")!.GetMethod("Triangle")!;
        double F(double[] xs, double[] ws, double[] ss, double[] ls) => (double)method.Invoke(null, new object[] { xs, ws, ss, ls })!;
        foreach (var (seed, rowCount, components) in new[] { (5, 1, 1), (6, 3, 2), (7, 2, 4) })
        {
            var random = new Random(seed);
            double[] x = Values(random, 3 * rowCount), w = Values(random, 3 * components), s = Values(random, components), lo = Values(random, 3 * components);
            double[] dW = new double[w.Length], dS = new double[components], dLo = new double[lo.Length];
            double value = triangle(x, w, s, lo, dW, dS, dLo);

            // By hand: (a₀, a₁, a₂) = x_r − w_c, t = (s a₀, s a₁ + l₀a₀, s a₂ + l₁a₀ + l₂a₁) with l = lo[3c..3c + 3],
            // u = t₀²/4 + t₁²/2 + t₂², so ∂u/∂t = (t₀/2, t₁, 2t₂) =: e; per row g = 1/(1 + Σ_c u_c) and
            // ∂f/∂s_c += g e·a, ∂f/∂l += g(e₁a₀, e₂a₀, e₂a₁), ∂f/∂w_c −= g(e₀s + e₁l₀ + e₂l₁, e₁s + e₂l₂, e₂s).
            double expectedValue = 0;
            double[] eW = new double[w.Length], eS = new double[components], eLo = new double[lo.Length];
            for (int r = 0; r < rowCount; r++)
            {
                var parts = new (double[] A, double[] E)[components];
                double sum = 1;
                for (int c = 0; c < components; c++)
                {
                    double[] a = { x[3 * r] - w[3 * c], x[3 * r + 1] - w[3 * c + 1], x[3 * r + 2] - w[3 * c + 2] };
                    double t0 = s[c] * a[0], t1 = s[c] * a[1] + lo[3 * c] * a[0], t2 = s[c] * a[2] + lo[3 * c + 1] * a[0] + lo[3 * c + 2] * a[1];
                    sum += t0 * t0 / 4 + t1 * t1 / 2 + t2 * t2;
                    parts[c] = (a, new[] { t0 / 2, t1, 2 * t2 });
                }

                expectedValue += Math.Log(sum);
                double g = 1 / sum;
                for (int c = 0; c < components; c++)
                {
                    var (a, e) = parts[c];
                    double l0 = lo[3 * c], l1 = lo[3 * c + 1], l2 = lo[3 * c + 2];
                    eS[c] += g * (e[0] * a[0] + e[1] * a[1] + e[2] * a[2]);
                    eLo[3 * c] += g * e[1] * a[0];
                    eLo[3 * c + 1] += g * e[2] * a[0];
                    eLo[3 * c + 2] += g * e[2] * a[1];
                    eW[3 * c] -= g * (e[0] * s[c] + e[1] * l0 + e[2] * l1);
                    eW[3 * c + 1] -= g * (e[1] * s[c] + e[2] * l2);
                    eW[3 * c + 2] -= g * e[2] * s[c];
                }
            }

            Assert.Equal(expectedValue, value, 12);
            AssertClose(eW, dW, 1e-12);
            AssertClose(eS, dS, 1e-12);
            AssertClose(eLo, dLo, 1e-12);
            AssertClose(CentralDifferences(p => F(x, p, s, lo), w), dW, 1e-7);
            AssertClose(CentralDifferences(p => F(x, w, p, lo), s), dS, 1e-7);
            AssertClose(CentralDifferences(p => F(x, w, s, p), lo), dLo, 1e-7);
        }
    }

    [Fact]
    public void Keeping_rows_allocates_nothing_past_the_first_call()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        var rows = Rows(run);
        foreach (int components in new[] { 3, 80 })
        {
            var random = new Random(components);
            double[] x = Values(random, 8), w = Values(random, 2 * components), s = Values(random, components), lo = Values(random, components);
            double[] dW = new double[w.Length], dS = new double[components], dLo = new double[components];
            Assert.Equal(0, Allocations.PerCall(() => rows(x, w, s, lo, dW, dS, dLo)));
        }
    }

    [Theory]
    [InlineData("SquaredInPlace")]
    [InlineData("VaryingCount")]
    public void Shapes_outside_the_rule_keep_the_saved_values_and_their_gradients_are_right(string method)
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string gradient = GradientCode(run.Source($"Models.{method}.g.cs"));
        Assert.Contains("centered[j] = saved.Pop();", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("keptCentered", gradient, StringComparison.Ordinal);
        VectorFiniteDifferenceTests.Check(run.Load().GetType("Models")!, method, random => new[] { 2 * random.Next(1, 5), 2 * random.Next(1, 4) });

        var call = (Func<double[], double[], double[], double>)Delegate.CreateDelegate(
            typeof(Func<double[], double[], double[], double>), run.Load().GetType("Models")!.GetMethod(method + "IntoArrays")!);
        double[] x = { 0.5, -1.0, 2.0, 0.25, -0.75, 1.5 };
        double[] w = { 0.1, 0.2, -0.3, 0.4 };
        double[] dW = new double[4];
        double value = call(x, w, dW);

        // By hand, with a = x_r0 − w_c0 and b = x_r1 − w_c1 over the pairs (r, c) the method visits:
        // SquaredInPlace sums a²b² (∂/∂w_c = (−2ab², −2a²b)); VaryingCount visits c ≤ r mod 2 and sums sin(a)·b
        // (∂/∂w_c = (−cos(a)·b, −sin a)).
        double expectedValue = 0;
        double[] expected = new double[4];
        for (int r = 0; r < 3; r++)
        {
            for (int c = 0; c < (method == "SquaredInPlace" ? 2 : 1 + r % 2); c++)
            {
                double a = x[2 * r] - w[2 * c], b = x[2 * r + 1] - w[2 * c + 1];
                if (method == "SquaredInPlace")
                {
                    expectedValue += a * a * b * b;
                    expected[2 * c] -= 2 * a * b * b;
                    expected[2 * c + 1] -= 2 * a * a * b;
                }
                else
                {
                    expectedValue += Math.Sin(a) * b;
                    expected[2 * c] -= Math.Cos(a) * b;
                    expected[2 * c + 1] -= Math.Sin(a);
                }
            }
        }

        Assert.Equal(expectedValue, value, 13);
        AssertClose(expected, dW, 1e-13);
    }

    [Fact]
    public void A_method_asking_for_second_derivatives_keeps_the_saved_values_and_its_Hessian_vector_product_is_right()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = run.Source("Models.SecondOrderRows.g.cs");
        // transformed, whose values the squares' partials read, is pushed and popped, value and tangent alike.
        Assert.DoesNotContain("keptTransformed", generated, StringComparison.Ordinal);
        Assert.Contains("transformed[j] = saved.Pop();", GradientCode(generated), StringComparison.Ordinal);
        Assert.Contains("dTransformed[j] = saved.Pop();", generated, StringComparison.Ordinal);

        var product = (Func<double[], double[], double[], double[], double[], double>)Delegate.CreateDelegate(
            typeof(Func<double[], double[], double[], double[], double[], double>), run.Load().GetType("Models")!.GetMethod("SecondOrderRowsProduct")!);

        // By hand: t = A(x_r − w_c), A = [[2, 0], [0.5, 2]], f = Σ_r Σ_c ‖t‖²: ∂f/∂w_c = −2 Σ_r AᵀA(x_r − w_c), and the
        // Hessian is block diagonal, 2n·AᵀA per component, AᵀA = [[4.25, 1], [1, 4]].
        double[] x = { 0.5, -1.0, 2.0, 0.25, -0.75, 1.5 };
        double[] w = { 0.1, 0.2, -0.3, 0.4 };
        double[] v = { 1.0, -2.0, 0.5, 3.0 };
        double[] gradient = new double[4], hv = new double[4];
        double value = product(w, x, v, gradient, hv);
        double expectedValue = 0;
        double[] expectedGradient = new double[4];
        for (int r = 0; r < 3; r++)
        {
            for (int c = 0; c < 2; c++)
            {
                double a = x[2 * r] - w[2 * c], b = x[2 * r + 1] - w[2 * c + 1];
                double t0 = 2 * a, t1 = 2 * b + 0.5 * a;
                expectedValue += t0 * t0 + t1 * t1;
                expectedGradient[2 * c] -= 2 * (4.25 * a + b);
                expectedGradient[2 * c + 1] -= 2 * (a + 4 * b);
            }
        }

        double[] expectedProduct = new double[4];
        for (int c = 0; c < 2; c++)
        {
            expectedProduct[2 * c] = 2 * 3 * (4.25 * v[2 * c] + v[2 * c + 1]);
            expectedProduct[2 * c + 1] = 2 * 3 * (v[2 * c] + 4 * v[2 * c + 1]);
        }

        Assert.Equal(expectedValue, value, 12);
        AssertClose(expectedGradient, gradient, 1e-13);
        AssertClose(expectedProduct, hv, 1e-12);

        // And central differences of the generated gradient along v.
        const double h = 1e-5;
        double[] plus = new double[4], minus = new double[4], ignored = new double[4];
        product(w.Select((wi, i) => wi + h * v[i]).ToArray(), x, v, plus, ignored);
        product(w.Select((wi, i) => wi - h * v[i]).ToArray(), x, v, minus, ignored);
        AssertClose(plus.Select((p, i) => (p - minus[i]) / (2 * h)).ToArray(), hv, 1e-7);
    }

    [Fact]
    public void The_forward_mode_derivative_of_the_kept_shape_is_the_gradient_along_the_direction()
    {
        // Forward mode is a transform of its own, untouched by kept rows: its derivative must still agree with the
        // gradient (itself checked by hand above) along a direction.
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        var jvp = Assert.Single(ForwardMode.JvpHarness.Methods(run), method => method.Name == "Rows");
        var random = new Random(11);
        double[] x = Values(random, 6), w = Values(random, 4), s = Values(random, 2), lo = Values(random, 2);
        double[] dW = Values(random, 4), dS = Values(random, 2), dLo = Values(random, 2);
        double[] gW = new double[4], gS = new double[2], gLo = new double[2];
        Rows(run)(x, w, s, lo, gW, gS, gLo);
        double expected = gW.Zip(dW, (g, d) => g * d).Sum() + gS.Zip(dS, (g, d) => g * d).Sum() + gLo.Zip(dLo, (g, d) => g * d).Sum();
        var arguments = new object[] { x, w, s, lo };
        var tangents = new object[] { dW, dS, dLo };
        var (value, derivative) = jvp.Derivative(arguments, tangents);
        Assert.Equal(jvp.F(arguments), value);
        Assert.Equal(expected, derivative, 12);
        Assert.True(Math.Abs(jvp.CentralDifference(arguments, tangents, 1e-6) - derivative) <= 1e-7 * Math.Max(1, Math.Abs(derivative)));
    }

    private delegate double RowsCall(double[] x, double[] w, double[] s, double[] lo, double[] dW, double[] dS, double[] dLo);

    private static RowsCall Rows(GeneratorRun run) =>
        (RowsCall)Delegate.CreateDelegate(typeof(RowsCall), run.Load().GetType("Models")!.GetMethod("RowsIntoArrays")!);

    /// <summary>The gradient on a seeded instance against the closed form (and, if asked, central differences of the method).</summary>
    private static void CheckRows(GeneratorRun run, RowsCall rows, int seed, int rowCount, int components, bool differences)
    {
        var random = new Random(seed);
        double[] x = Values(random, 2 * rowCount), w = Values(random, 2 * components), s = Values(random, components), lo = Values(random, components);
        double[] dW = new double[w.Length], dS = new double[components], dLo = new double[components];
        double value = rows(x, w, s, lo, dW, dS, dLo);

        // Per row: g = 1/(1 + Σ_c ‖t_c‖²), t_c = (s_c a, s_c b + lo_c a), (a, b) = x_r − w_c; ∂f/∂s_c += g(2t₀a + 2t₁b),
        // ∂f/∂lo_c += 2g t₁a, ∂f/∂w_c += −g(2t₀s_c + 2t₁lo_c, 2t₁s_c).
        double expectedValue = 0;
        double[] eW = new double[w.Length], eS = new double[components], eLo = new double[components];
        for (int r = 0; r < rowCount; r++)
        {
            double sum = 1;
            for (int c = 0; c < components; c++)
            {
                double a = x[2 * r] - w[2 * c], b = x[2 * r + 1] - w[2 * c + 1];
                double t0 = s[c] * a, t1 = s[c] * b + lo[c] * a;
                sum += t0 * t0 + t1 * t1;
            }

            expectedValue += Math.Log(sum);
            double g = 1 / sum;
            for (int c = 0; c < components; c++)
            {
                double a = x[2 * r] - w[2 * c], b = x[2 * r + 1] - w[2 * c + 1];
                double t0 = s[c] * a, t1 = s[c] * b + lo[c] * a;
                eS[c] += g * (2 * t0 * a + 2 * t1 * b);
                eLo[c] += g * 2 * t1 * a;
                eW[2 * c] -= g * (2 * t0 * s[c] + 2 * t1 * lo[c]);
                eW[2 * c + 1] -= g * 2 * t1 * s[c];
            }
        }

        Assert.Equal(expectedValue, value, 12);
        AssertClose(eW, dW, 1e-12);
        AssertClose(eS, dS, 1e-12);
        AssertClose(eLo, dLo, 1e-12);
        if (differences)
        {
            var method = run.Load().GetType("Models")!.GetMethod("Rows")!;
            double F(double[] xs, double[] ws, double[] ss, double[] ls) => (double)method.Invoke(null, new object[] { xs, ws, ss, ls })!;
            AssertClose(CentralDifferences(p => F(x, p, s, lo), w), dW, 1e-7);
            AssertClose(CentralDifferences(p => F(x, w, p, lo), s), dS, 1e-7);
            AssertClose(CentralDifferences(p => F(x, w, s, p), lo), dLo, 1e-7);
        }
    }

    private static double[] Values(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (random.NextDouble() - 0.5) * 3).ToArray();

    /// <summary>The code lines (not the comments) of the first generated method, the gradient that writes into spans.</summary>
    private static string GradientCode(string generated)
    {
        int start = generated.IndexOf("WithGradient(", StringComparison.Ordinal);
        int end = generated.IndexOf("public static", start, StringComparison.Ordinal);
        return string.Join('\n', generated[start..end].Split('\n').Select(line => line.Split("//")[0]));
    }

    /// <summary>(f(p + h·eᵢ) − f(p − h·eᵢ)) / 2h for each element i.</summary>
    private static double[] CentralDifferences(Func<double[], double> f, double[] at)
    {
        const double h = 1e-6;
        var result = new double[at.Length];
        for (int i = 0; i < at.Length; i++)
        {
            var plus = (double[])at.Clone();
            var minus = (double[])at.Clone();
            plus[i] += h;
            minus[i] -= h;
            result[i] = (f(plus) - f(minus)) / (2 * h);
        }

        return result;
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
