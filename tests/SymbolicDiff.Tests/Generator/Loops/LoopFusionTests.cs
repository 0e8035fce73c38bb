using SymbolicDiff.Tests.AdBench;

namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// Adjacent loops whose second never reaches ahead of what the first writes become one loop, in every program the
/// generator prints (<c>Differentiation.LoopFusion</c>); a checkpoint's state is saved and restored with one call each
/// (<c>Differentiation.SavedSpans</c>). Each shape is checked by what the generator writes and by its gradient, forward
/// mode and Hessian against closed forms, and against central differences (the ODE's in <see cref="BufferRenamingTests"/>); pairs that must stay apart (the second reads
/// element i + 1 of what the first writes, or a scalar the first writes) stay two loops and are checked the same way. A first
/// loop may hold a loop that counts up from its counter (the second's counter then read as the first's), and GMM's
/// backward loops over i and j join so (<see cref="HeldAccumulatorTests"/>).
/// </summary>
public class LoopFusionTests
{
    // RK4 on the linear system y' = A y, A = diag(x), from y = 1 over t ∈ [0, 1]: every loop runs over the same range and
    // reads only element i of the stage before, so the whole step is one loop. One step multiplies yᵢ by
    // R(h xᵢ) = 1 + z + z²/2 + z³/6 + z⁴/24.
    private const string LinearRk4 = """
            [Differentiable(nameof(x), SecondOrder = true)]
            public static double LinearRk4(double[] x, int steps)
            {
                int n = x.Length;
                Span<double> y = stackalloc double[n];
                Span<double> k1 = stackalloc double[n];
                Span<double> k2 = stackalloc double[n];
                Span<double> k3 = stackalloc double[n];
                Span<double> u = stackalloc double[n];
                double h = 1.0 / steps;
                for (int i = 0; i < n; i++)
                {
                    y[i] = 1;
                }

                for (int step = 0; step < steps; step++)
                {
                    for (int i = 0; i < n; i++)
                    {
                        k1[i] = x[i] * y[i];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        k2[i] = x[i] * (y[i] + h / 2 * k1[i]);
                    }

                    for (int i = 0; i < n; i++)
                    {
                        k3[i] = x[i] * (y[i] + h / 2 * k2[i]);
                    }

                    for (int i = 0; i < n; i++)
                    {
                        u[i] = y[i] + h * k3[i];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        y[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + x[i] * u[i]);
                    }
                }

                double total = 0;
                for (int i = 0; i < n; i++)
                {
                    total += y[i];
                }

                return total;
            }
""";

    // The second loop reads a[i + 1], which the first loop's next iteration writes: fused, it would read it before.
    private const string ReadsAhead = """
            [Differentiable(nameof(x))]
            public static double ReadsAhead(double[] x)
            {
                int n = x.Length;
                Span<double> a = stackalloc double[n + 1];
                double s = 0;
                for (int i = 0; i < n; i++)
                {
                    a[i] = x[i] * x[i];
                }

                for (int i = 0; i < n; i++)
                {
                    s += a[i + 1] * x[i];
                }

                return s;
            }
""";

    // The second loop reads the running sum the first loop writes: fused, it would read a partial sum.
    private const string ReadsScalar = """
            [Differentiable(nameof(x))]
            public static double ReadsScalar(double[] x)
            {
                int n = x.Length;
                Span<double> a = stackalloc double[n];
                double t = 0;
                for (int i = 0; i < n; i++)
                {
                    t += x[i];
                    a[i] = x[i] * t;
                }

                double s = 0;
                for (int i = 0; i < n; i++)
                {
                    s += a[i] * t;
                }

                return s;
            }
""";

    // a[j] = x_j P_j with P_j = x_0 + … + x_j, summed by a loop over i holding one over j ≥ i; then Σ_k a[k] x_k. The second
    // loop reads a[k], and the first's iterations after k add only into elements after k: one loop, its counter named i.
    private const string NestedThenReads = """
            [Differentiable(nameof(x))]
            public static double NestedThenReads(double[] x)
            {
                int n = x.Length;
                Span<double> a = stackalloc double[n + 1];
                double s = 0;
                for (int i = 0; i < n; i++)
                {
                    for (int j = i; j < n; j++)
                    {
                        a[j] += x[i] * x[j];
                    }
                }

                for (int k = 0; k < n; k++)
                {
                    s += a[k] * x[k];
                }

                return s;
            }
""";

    // The same sums, but the second loop reads a[k + 1], which the first loop's iteration k + 1 still adds into: apart.
    private static readonly string NestedThenReadsAhead = NestedThenReads
        .Replace("NestedThenReads(", "NestedThenReadsAhead(", StringComparison.Ordinal)
        .Replace("s += a[k] * x[k];", "s += a[k + 1] * x[k];", StringComparison.Ordinal);

    private static readonly string Models = $$"""
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
        {{LinearRk4}}

            public static double LinearRk4HessianIntoArray(double[] x, int steps, double[] hessian) => LinearRk4Hessian(x, steps, hessian);

            public static double LinearRk4DerivativeAlong(double[] x, int steps, double[] v) => LinearRk4WithDerivative(x, steps, v).Derivative;

        {{ReadsAhead}}

        {{ReadsScalar}}

        {{NestedThenReads}}

            public static double NestedThenReadsDerivativeAlong(double[] x, double[] v) => NestedThenReadsWithDerivative(x, v).Derivative;

        {{NestedThenReadsAhead}}

            public static double NestedThenReadsAheadDerivativeAlong(double[] x, double[] v) => NestedThenReadsAheadWithDerivative(x, v).Derivative;
        }
        """;

    [Fact]
    public void The_ode_benchmarks_stages_are_computed_inside_the_loop_after_them_and_its_state_is_saved_in_one_call()
    {
        // The model is the AD benchmarks' ODE itself (AdBenchObjectives.OdeFinalState), whose gradient, forward mode and
        // Hessian BufferRenamingTests checks against the closed form and central differences: here, what the generator writes for it.
        var run = AdBenchObjectiveSource.Run("Ode.cs", "x", string.Empty);
        string source = run.Source(AdBenchObjectiveSource.TypeName + ".OdeFinalState.g.cs");
        string generated = GeneratedText.GradientMethod(source, "OdeFinalState");

        // Forward sweep: the state saved with one call; each stage computed inside the loop after it, that loop's element 0
        // on its own before it (unguarded: k4[0] = x[0] just before shows n > 0, k4 being n long); k4, read only there, in a local.
        Assert.Contains("saved.Push(y); // checkpoint", generated, StringComparison.Ordinal);
        Assert.Contains("saved.Pop(y); // y as this iteration started", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("saved.Push(y[j]);", generated, StringComparison.Ordinal);
        AssertContainsLines("""
            k4[0] = x[0];
            y[0] += h * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]) / 6; // i = 0 on its own: the fused loop below starts at 1
            for (int i = 1; i < n; i++)
            {
                double k4Element = x[i] * yStage3[i - 1];
                y[i] += h * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4Element) / 6;
            }
            """, generated);
        AssertContainsLines("""
            k1[0] = x[0];
            yStage[0] = y[0] + h * k1[0] / 2; // i = 0 on its own: the fused loop below starts at 1
            for (int i = 1; i < n; i++)
            {
                k1[i] = x[i] * y[i - 1];
                yStage[i] = y[i] + h * k1[i] / 2;
            }
            """, generated);
        Assert.DoesNotContain("if (0 < n)", generated, StringComparison.Ordinal);

        // Forward mode is fused the same way (the fourth stage and its tangent, read only there, held in locals: IterationElementTests).
        string derivative = GeneratedText.Method(source, "public static (double Value, double Derivative) OdeFinalStateWithDerivative(");
        AssertContainsLines("""
            dY[i] += h * (dK1[i] + 2 * dK2[i] + 2 * dK3[i] + dK4Element) / 6;
            y[i] += h * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4Element) / 6;
            """, derivative);

        // A single element: every stage loop is empty and element 0 is all there is, y₀(2) = 2 x₀.
        var type = run.Load().GetType(AdBenchObjectiveSource.TypeName)!;
        var (value, gradient) = SteppedModels.Gradient(type, "OdeFinalState", new[] { 0.8 }, 3);
        Assert.Equal(0.8 * 2, value, 12);
        Assert.Equal(2, gradient[0], 12);
    }

    [Fact]
    public void Loops_over_one_range_each_reading_element_i_of_the_last_become_one_and_the_gradient_is_the_closed_form()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = GeneratedText.GradientMethod(run.Source("Models.LinearRk4.g.cs"), "LinearRk4");

        // The four stages and the update in one loop; each stage, read only in its iteration, in a local (IterationElementTests).
        AssertContainsLines("""
                    {
                        double k1Element = x[i] * y[i];
                        double k2Element = x[i] * (y[i] + h / 2 * k1Element);
                        double k3Element = x[i] * (y[i] + h / 2 * k2Element);
                        double uElement = y[i] + h * k3Element;
                        y[i] += h / 6 * (k1Element + 2 * k2Element + 2 * k3Element + x[i] * uElement);
                    }
""", generated);

        // One step multiplies yᵢ by R(zᵢ), zᵢ = h xᵢ: f = Σ R(zᵢ)ˢ, ∂f/∂xᵢ = s h R(zᵢ)ˢ⁻¹ R'(zᵢ),
        // ∂²f/∂xᵢ² = h² (s (s − 1) Rˢ⁻² R'² + s Rˢ⁻¹ R''), and no mixed terms.
        static double R(double z) => 1 + z + z * z / 2 + z * z * z / 6 + z * z * z * z / 24;
        static double R1(double z) => 1 + z + z * z / 2 + z * z * z / 6;
        static double R2(double z) => 1 + z + z * z / 2;
        var type = run.Load().GetType("Models")!;
        double[] x = { 0.7, -1.3, 0.9 };
        foreach (int s in new[] { 1, 3, 8 })
        {
            double h = 1.0 / s;
            var (value, gradient) = SteppedModels.Gradient(type, "LinearRk4", x, s);
            Assert.Equal(x.Sum(xi => Math.Pow(R(h * xi), s)), value, 12);
            for (int i = 0; i < 3; i++)
            {
                double z = h * x[i];
                Assert.Equal(s * h * Math.Pow(R(z), s - 1) * R1(z), gradient[i], 12);
            }

            double[] v = { 0.3, -0.6, 1.1 };
            double along = (double)type.GetMethod("LinearRk4DerivativeAlong")!.Invoke(null, new object[] { x, s, v })!;
            Assert.Equal(Enumerable.Range(0, 3).Sum(i => s * h * Math.Pow(R(h * x[i]), s - 1) * R1(h * x[i]) * v[i]), along, 12);
            var hessian = new double[9];
            type.GetMethod("LinearRk4HessianIntoArray")!.Invoke(null, new object[] { x, s, hessian });
            for (int i = 0; i < 3; i++)
            {
                double z = h * x[i];
                double diagonal = h * h * (s * (s - 1) * (s >= 2 ? Math.Pow(R(z), s - 2) : 0) * R1(z) * R1(z) + s * Math.Pow(R(z), s - 1) * R2(z));
                for (int j = 0; j < 3; j++)
                {
                    Assert.Equal(i == j ? diagonal : 0, hessian[i * 3 + j], 11);
                }
            }
        }

        VectorFiniteDifferenceTests.Check(type, "LinearRk4", null);
    }

    [Fact]
    public void A_loop_reading_element_i_plus_1_of_what_the_loop_before_writes_stays_apart()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string source = run.Source("Models.ReadsAhead.g.cs");
        AssertLoopEndsAfter(GeneratedText.GradientMethod(source, "ReadsAhead"), "a[i] = x[i] * x[i];");
        AssertLoopEndsAfter(GeneratedText.Method(source, "public static (double Value, double Derivative) ReadsAheadWithDerivative("), "a[i] = x[i] * x[i];");

        // f = Σᵢ₌₀ⁿ⁻² xᵢ₊₁² xᵢ: ∂f/∂xⱼ = xⱼ₊₁² (j < n − 1) + 2 xⱼ xⱼ₋₁ (j > 0).
        var type = run.Load().GetType("Models")!;
        double[] x = { 0.7, -1.3, 0.9, 1.6 };
        var result = SteppedModels.Gradient(type, "ReadsAhead", x);
        Assert.Equal(Enumerable.Range(0, 3).Sum(i => x[i + 1] * x[i + 1] * x[i]), result.Value, 12);
        for (int j = 0; j < 4; j++)
        {
            Assert.Equal((j < 3 ? x[j + 1] * x[j + 1] : 0) + (j > 0 ? 2 * x[j] * x[j - 1] : 0), result.Gradient[j], 12);
        }

        VectorFiniteDifferenceTests.Check(type, "ReadsAhead", null);
    }

    [Fact]
    public void A_loop_reading_a_scalar_the_loop_before_writes_stays_apart()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string source = run.Source("Models.ReadsScalar.g.cs");
        AssertLoopEndsAfter(GeneratedText.GradientMethod(source, "ReadsScalar"), "a[i] = x[i] * t;");
        AssertLoopEndsAfter(GeneratedText.Method(source, "public static (double Value, double Derivative) ReadsScalarWithDerivative("), "a[i] = x[i] * t;");

        // f = T Σᵢ xᵢ Pᵢ with Pᵢ = x₀ + … + xᵢ and T = Pₙ₋₁: ∂f/∂xⱼ = Σᵢ xᵢPᵢ + T (Pⱼ + Σᵢ≥ⱼ xᵢ).
        var type = run.Load().GetType("Models")!;
        double[] x = { 0.7, -1.3, 0.9, 1.6 };
        double[] prefix = new double[4];
        for (int i = 0; i < 4; i++)
        {
            prefix[i] = (i > 0 ? prefix[i - 1] : 0) + x[i];
        }

        double total = prefix[3];
        double weighted = Enumerable.Range(0, 4).Sum(i => x[i] * prefix[i]);
        var result = SteppedModels.Gradient(type, "ReadsScalar", x);
        Assert.Equal(total * weighted, result.Value, 12);
        for (int j = 0; j < 4; j++)
        {
            double suffix = Enumerable.Range(j, 4 - j).Sum(i => x[i]);
            Assert.Equal(weighted + total * (prefix[j] + suffix), result.Gradient[j], 12);
        }

        VectorFiniteDifferenceTests.Check(type, "ReadsScalar", null);
    }

    [Fact]
    public void A_loop_after_one_holding_a_loop_from_its_counter_up_joins_it_unless_it_reads_ahead()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();

        // Fused in the gradient's forward sweep and in forward mode, the second loop's counter k read as i. The gradient's
        // backward loops stay apart: the loop over i, now second, adds into ∂/∂x[j] for every j ≥ i, which the loop over
        // k before it stores (offsets from i up, in the second body: no highest).
        string source = run.Source("Models.NestedThenReads.g.cs");
        string gradient = GeneratedText.GradientMethod(source, "NestedThenReads");
        string forward = GeneratedText.Method(source, "public static (double Value, double Derivative) NestedThenReadsWithDerivative(");
        AssertContainsLines("""
                a[j] += x[i] * x[j];
            }
            s += a[i] * x[i];
            """, gradient);
        AssertContainsLines("""
                a[j] += x[i] * x[j];
            }
            dS += dA[i] * x[i] + a[i] * dX[i];
            s += a[i] * x[i];
            """, forward);
        Assert.Contains("dX[k] = dS_ds * a[k];", gradient, StringComparison.Ordinal);
        string ahead = run.Source("Models.NestedThenReadsAhead.g.cs");
        Assert.Contains("s += a[k + 1] * x[k];", GeneratedText.GradientMethod(ahead, "NestedThenReadsAhead"), StringComparison.Ordinal);
        Assert.Contains("s += a[k + 1] * x[k];", GeneratedText.Method(ahead, "public static (double Value, double Derivative) NestedThenReadsAheadWithDerivative("), StringComparison.Ordinal);

        // With Pⱼ = x₀ + … + xⱼ: f = Σₖ xₖ² Pₖ, ∂f/∂xₘ = 2 xₘ Pₘ + Σₖ≥ₘ xₖ²; ahead, f = Σₖ₌₀ⁿ⁻² xₖ xₖ₊₁ Pₖ₊₁, whose term k gives
        // xₖ₊₁ Pₖ₊₁ to m = k, xₖ Pₖ₊₁ to m = k + 1 and xₖ xₖ₊₁ to every m ≤ k + 1.
        var type = run.Load().GetType("Models")!;
        double[] x = { 0.7, -1.3, 0.9, 1.6, -0.4 };
        int n = x.Length;
        double[] prefix = new double[n];
        for (int i = 0; i < n; i++)
        {
            prefix[i] = (i > 0 ? prefix[i - 1] : 0) + x[i];
        }

        double[] expected = Enumerable.Range(0, n).Select(m => 2 * x[m] * prefix[m] + Enumerable.Range(m, n - m).Sum(k => x[k] * x[k])).ToArray();
        double[] expectedAhead = new double[n];
        for (int k = 0; k + 1 < n; k++)
        {
            expectedAhead[k] += x[k + 1] * prefix[k + 1];
            expectedAhead[k + 1] += x[k] * prefix[k + 1];
            for (int m = 0; m <= k + 1; m++)
            {
                expectedAhead[m] += x[k] * x[k + 1];
            }
        }

        double[] direction = { 0.3, 0.5, -0.8, 1.1, 0.2 };
        foreach (var (name, value, partials) in new[]
        {
            ("NestedThenReads", Enumerable.Range(0, n).Sum(k => x[k] * x[k] * prefix[k]), expected),
            ("NestedThenReadsAhead", Enumerable.Range(0, n - 1).Sum(k => x[k] * x[k + 1] * prefix[k + 1]), expectedAhead),
        })
        {
            var result = SteppedModels.Gradient(type, name, x);
            Assert.Equal(value, result.Value, 12);
            for (int m = 0; m < n; m++)
            {
                Assert.Equal(partials[m], result.Gradient[m], 12);
            }

            double along = (double)type.GetMethod(name + "DerivativeAlong")!.Invoke(null, new object[] { x, direction })!;
            Assert.Equal(direction.Zip(partials, (v, g) => v * g).Sum(), along, 12);
            VectorFiniteDifferenceTests.Check(type, name, null);
        }
    }

    /// <summary>The lines of <paramref name="expected"/> appear in <paramref name="generated"/> one after the other, indentation aside.</summary>
    private static void AssertContainsLines(string expected, string generated)
    {
        static string Squash(string text) => string.Join("\n", text.ReplaceLineEndings("\n").Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0));
        Assert.Contains(Squash(expected), Squash(generated), StringComparison.Ordinal);
    }

    /// <summary>The line after <paramref name="statement"/>'s first occurrence closes its loop: nothing was fused after it.</summary>
    private static void AssertLoopEndsAfter(string generated, string statement)
    {
        var lines = generated.ReplaceLineEndings("\n").Split('\n');
        int at = Array.FindIndex(lines, line => line.Trim() == statement);
        Assert.True(at >= 0, $"'{statement}' not found");
        Assert.Equal("}", lines[at + 1].Trim());
    }
}
