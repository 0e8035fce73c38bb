namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// The backward sweep of a checkpointed loop computes an iteration again only as far as something reads it: a statement
/// writing a buffer rewritten in full each iteration is left out of the recomputation when neither the iteration's
/// backward sweep nor a later recomputed statement reads that buffer (the ODE's fourth stage). Each shape is checked by
/// the statements the generator writes (how often the stage's loop appears) and by its gradient against values worked by
/// hand and central differences; the shape whose stage a backward sweep reads must keep it, and forward mode and second
/// order are checked on the shape that drops it. The same shapes check the stored adjoints: a rewritten buffer's adjoint
/// set (not added to) by a first contribution over every element, and its clearing gone, but where that contribution
/// leaves an element out (<c>ShiftedStage</c>).
/// </summary>
public class UnreadReplayTests
{
    private static readonly string Models = $$"""
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            // q is read only by the last update of y (linear in q), whose backward sweep reads nothing; q's own backward
            // sweep reads r and a: the recomputation leaves q out. p and r, read by backward sweeps, are computed again.
            {{StageModel("UnreadStage", ", SecondOrder = true", QStage, "y[i] = y[i] + 0.5 * q[i];", TotalOfY)}}

            public static double UnreadStageHessianIntoArray(double[] a, int steps, double[] hessian) => UnreadStageHessian(a, steps, hessian);

            public static double UnreadStageDerivativeAlong(double[] a, int steps, double[] v) => UnreadStageWithDerivative(a, steps, v).Derivative;

            // The same step but for the last update, which squares q: its backward sweep reads q, so q is computed again.
            {{StageModel("ReadStage", "", QStage, "y[i] = y[i] + 0.5 * q[i] * q[i];", TotalOfY)}}

            // r's adjoint is first added to by q's backward sweep at i − 1 for i from 1: r[n − 1]'s is never set there, so
            // it is not stored, and r's clearing stays (those of p and q, whose first contributions cover them, go).
            {{StageModel("ShiftedStage", "", ShiftedQStage, "y[i] = y[i] + 0.5 * q[i];", "return y[n - 1];")}}
        }
        """;

    private const string QStage = """
        for (int i = 0; i < n; i++)
        {
            q[i] = r[i] * a[i];
        }
        """;

    private const string ShiftedQStage = """
        q[0] = a[0];
        for (int i = 1; i < n; i++)
        {
            q[i] = r[i - 1] * a[i];
        }
        """;

    private const string TotalOfY = """
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            total += y[i];
        }

        return total;
        """;

    private const string Checkpointed = "computed again from its checkpoint";

    private const string Stage = "q[i] = r[i] * a[i];";

    [Fact]
    public void A_stage_nothing_reads_after_it_is_not_computed_again()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = GeneratedText.GradientMethod(run.Source("Models.UnreadStage.g.cs"), "UnreadStage");
        Assert.Contains("computed again from its checkpoint (p, r written again before they are read) but for its last update of y, whose backward sweep reads none of its values, and for q, which neither the rest of it nor its backward sweep reads", generated, StringComparison.Ordinal);
        // The forward sweep's only. The step's loops fuse into one, so each value is read only in its iteration and held
        // in a local, in both sweeps (IterationElementTests).
        Assert.Equal(1, GeneratedText.Occurrences(generated, "double qElement = rElement * a[i];"));
        Assert.Equal(0, GeneratedText.Occurrences(generated, Stage));
        // r's is computed again (q's backward sweep reads it), as p's.
        Assert.Equal(2, GeneratedText.Occurrences(generated, "double rElement = pElement * pElement;"));
        Assert.Equal(2, GeneratedText.Occurrences(generated, "double pElement = global::System.Math.Sin(y[i]) * a[i];"));
        // q's, r's and p's adjoints are each set by a first contribution covering them (and, read only in that iteration,
        // held in locals), never cleared.
        Assert.Contains("double dTotal_dqElement = 0.5 * dTotal_dy[i];", generated, StringComparison.Ordinal);
        Assert.Contains("double dTotal_drElement = dTotal_dqElement * a[i];", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("dTotal_dq[i] = 0.0;", generated, StringComparison.Ordinal);

        var type = run.Load().GetType("Models")!;
        // n = 1, one step from y = 1: p = S a, r = S² a², q = S² a³ (S = sin 1), f = y = 1 + S² a³/2, f' = 1.5 S² a², f'' = 3 S² a.
        double a = 0.8, s = Math.Sin(1);
        var (value, gradient) = SteppedModels.Gradient(type, "UnreadStage", new[] { a }, 1);
        Assert.Equal(1 + 0.5 * s * s * a * a * a, value, 12);
        Assert.Equal(1.5 * s * s * a * a, gradient[0], 12);
        var hessian = new double[1];
        type.GetMethod("UnreadStageHessianIntoArray")!.Invoke(null, new object[] { new[] { a }, 1, hessian });
        Assert.Equal(3 * s * s * a, hessian[0], 12);

        // Two steps: y₁ = 1 + S² a³/2, y₂ = y₁ + sin²(y₁) a³/2, y₂' = y₁' + sin(y₁) cos(y₁) y₁' a³ + 1.5 sin²(y₁) a², y₁' = 1.5 S² a².
        double y1 = 1 + 0.5 * s * s * a * a * a, dy1 = 1.5 * s * s * a * a;
        (value, gradient) = SteppedModels.Gradient(type, "UnreadStage", new[] { a }, 2);
        Assert.Equal(y1 + 0.5 * Math.Sin(y1) * Math.Sin(y1) * a * a * a, value, 12);
        Assert.Equal(dy1 + Math.Sin(y1) * Math.Cos(y1) * dy1 * a * a * a + 1.5 * Math.Sin(y1) * Math.Sin(y1) * a * a, gradient[0], 12);

        // Elements are independent: with n = 2 the gradient is the one-element one per element; forward mode is ∇f · v.
        double[] pair = { 0.8, -1.1 };
        (value, gradient) = SteppedModels.Gradient(type, "UnreadStage", pair, 1);
        Assert.Equal(2 + 0.5 * s * s * (Math.Pow(pair[0], 3) + Math.Pow(pair[1], 3)), value, 12);
        Assert.Equal(1.5 * s * s * pair[1] * pair[1], gradient[1], 12);
        double[] v = { 0.3, -0.7 };
        double along = (double)type.GetMethod("UnreadStageDerivativeAlong")!.Invoke(null, new object[] { pair, 1, v })!;
        Assert.Equal(1.5 * s * s * (pair[0] * pair[0] * v[0] + pair[1] * pair[1] * v[1]), along, 12);

        VectorFiniteDifferenceTests.Check(type, "UnreadStage", null);
    }

    [Fact]
    public void A_stage_the_last_update_reads_in_its_backward_sweep_is_computed_again()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = GeneratedText.GradientMethod(run.Source("Models.ReadStage.g.cs"), "ReadStage");
        Assert.Contains("computed again from its checkpoint (p, r, q written again before they are read) but for its last update of y, whose backward sweep reads none of its values, then", generated, StringComparison.Ordinal);
        Assert.Equal(2, GeneratedText.Occurrences(generated, "double qElement = rElement * a[i];")); // read in its iteration only, in both sweeps

        // n = 1, one step from y = 1: q = S² a³, f = 1 + q²/2 = 1 + S⁴ a⁶/2, f' = 3 S⁴ a⁵.
        var type = run.Load().GetType("Models")!;
        double a = 0.8, s = Math.Sin(1);
        var (value, gradient) = SteppedModels.Gradient(type, "ReadStage", new[] { a }, 1);
        Assert.Equal(1 + 0.5 * Math.Pow(s, 4) * Math.Pow(a, 6), value, 12);
        Assert.Equal(3 * Math.Pow(s, 4) * Math.Pow(a, 5), gradient[0], 12);

        VectorFiniteDifferenceTests.Check(type, "ReadStage", null);
    }

    [Fact]
    public void A_rewritten_buffers_adjoint_is_stored_by_a_first_contribution_covering_it_and_kept_cleared_otherwise()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = GeneratedText.GradientMethod(run.Source("Models.ShiftedStage.g.cs"), "ShiftedStage");
        Assert.Contains(Checkpointed, generated, StringComparison.Ordinal);
        Assert.Contains("double dShiftedStage_dqElement = 0.5 * dShiftedStage_dy[i]; // ∂shiftedStage/∂q[i] = ∂shiftedStage/∂y[i]", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("dShiftedStage_dq[i] = 0.0;", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("dShiftedStage_dq[0] = 0.0;", generated, StringComparison.Ordinal);
        Assert.Contains("double dShiftedStage_dpElement = dShiftedStage_dr[i] * (2 * p[i]);", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("dShiftedStage_dp[i] = 0.0;", generated, StringComparison.Ordinal);
        Assert.Contains("dShiftedStage_dr[i - 1] += ", generated, StringComparison.Ordinal);
        Assert.Contains("dShiftedStage_dr[i] = 0.0;", generated, StringComparison.Ordinal);

        // n = 2, one step from y = 1: p = S a (S = sin 1), r = S² a², q = (a₀, r₀ a₁), f = y₁ = 1 + S² a₀² a₁/2:
        // f' = (S² a₀ a₁, S² a₀²/2).
        var type = run.Load().GetType("Models")!;
        double s = Math.Sin(1);
        double[] a = { 0.8, -1.1 };
        var (value, gradient) = SteppedModels.Gradient(type, "ShiftedStage", a, 1);
        Assert.Equal(1 + 0.5 * s * s * a[0] * a[0] * a[1], value, 12);
        Assert.Equal(s * s * a[0] * a[1], gradient[0], 12);
        Assert.Equal(0.5 * s * s * a[0] * a[0], gradient[1], 12);

        // Two steps: y₀ = u = 1 + a₀/2 after the first, so f = 1 + (S² + sin²u) a₀² a₁/2,
        // ∂f/∂a₀ = (S² + sin²u) a₀ a₁ + sin u cos u a₀² a₁/2, ∂f/∂a₁ = (S² + sin²u) a₀²/2.
        double u = 1 + a[0] / 2, both = s * s + Math.Sin(u) * Math.Sin(u);
        (value, gradient) = SteppedModels.Gradient(type, "ShiftedStage", a, 2);
        Assert.Equal(1 + 0.5 * both * a[0] * a[0] * a[1], value, 12);
        Assert.Equal(both * a[0] * a[1] + 0.5 * Math.Sin(u) * Math.Cos(u) * a[0] * a[0] * a[1], gradient[0], 12);
        Assert.Equal(0.5 * both * a[0] * a[0], gradient[1], 12);

        VectorFiniteDifferenceTests.Check(type, "ShiftedStage", null);
    }

    /// <summary>
    /// The shape the models share, written once: y from 1, then each step p = sin(y)·a and r = p², then
    /// <paramref name="qStage"/> (q from r), then each y updated by <paramref name="update"/>, then <paramref name="result"/>.
    /// </summary>
    private static string StageModel(string name, string moreArguments, string qStage, string update, string result) => $$"""
        [Differentiable(nameof(a){{moreArguments}})]
        public static double {{name}}(double[] a, int steps)
        {
            int n = a.Length;
            Span<double> y = stackalloc double[n];
            Span<double> p = stackalloc double[n];
            Span<double> r = stackalloc double[n];
            Span<double> q = stackalloc double[n];
            for (int i = 0; i < n; i++)
            {
                y[i] = 1;
            }

            for (int step = 0; step < steps; step++)
            {
                for (int i = 0; i < n; i++)
                {
                    p[i] = Math.Sin(y[i]) * a[i];
                }

                for (int i = 0; i < n; i++)
                {
                    r[i] = p[i] * p[i];
                }

        {{qStage}}

                for (int i = 0; i < n; i++)
                {
                    {{update}}
                }
            }

        {{result}}
        }
        """;
}
