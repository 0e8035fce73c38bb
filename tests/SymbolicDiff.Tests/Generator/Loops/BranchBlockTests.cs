namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// A flattened <c>if</c>'s backward steps put back under one <c>if</c> (Differentiation/BranchBlocks.cs), and a call
/// that a local declared inside the <c>if</c> holds read from it where the branch holds
/// (LoopDifferentiator.GuardedValues.cs): bundle adjustment's Rodrigues branch, in the plane.
/// </summary>
public static partial class BranchBlockFunctions
{
    /// <summary>
    /// Σᵢ xrᵢ·yrᵢ, (xrᵢ, yrᵢ) the point (x₂ᵢ, x₂ᵢ₊₁) rotated by aᵢ: by cos and sin where aᵢ ≠ 0, by the first-order
    /// rotation (x − a·y, y + a·x) where aᵢ = 0, as bundle adjustment's Rodrigues formula does at θ = 0.
    /// </summary>
    [Differentiable]
    public static double RotatedProducts(double[] a, double[] x)
    {
        double total = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double xr;
            double yr;
            if (a[i] != 0)
            {
                double c = Math.Cos(a[i]);
                double s = Math.Sin(a[i]);
                xr = c * x[2 * i] - s * x[2 * i + 1];
                yr = s * x[2 * i] + c * x[2 * i + 1];
            }
            else
            {
                xr = x[2 * i] - a[i] * x[2 * i + 1];
                yr = x[2 * i + 1] + a[i] * x[2 * i];
            }

            total += xr * yr;
        }

        return total;
    }

    /// <summary>The same with respect to a only and with second derivatives: forward mode over the gradient's branches.</summary>
    [Differentiable(nameof(a), SecondOrder = true)]
    public static double RotatedProductsOfA(double[] a, double[] x)
    {
        double total = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double xr;
            double yr;
            if (a[i] != 0)
            {
                double c = Math.Cos(a[i]);
                double s = Math.Sin(a[i]);
                xr = c * x[2 * i] - s * x[2 * i + 1];
                yr = s * x[2 * i] + c * x[2 * i + 1];
            }
            else
            {
                xr = x[2 * i] - a[i] * x[2 * i + 1];
                yr = x[2 * i + 1] + a[i] * x[2 * i];
            }

            total += xr * yr;
        }

        return total;
    }

    /// <summary>The Hessian with respect to a into an array (the generated method takes a span).</summary>
    public static double RotatedProductsOfAHessianInto(double[] a, double[] x, double[] hessian) => RotatedProductsOfAHessian(a, x, hessian);

    /// <summary>
    /// A discounted sum (not a plain sum, so the loop runs backwards after the forward one) with an <c>if</c> in the
    /// body: its backward steps are grouped where the branch is restored at the start of each backward iteration.
    /// </summary>
    [Differentiable]
    public static double DiscountedBranches(double[] x)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double term = x[i];
            if (x[i] > 0)
            {
                double square = x[i] * x[i];
                term = square * x[i] + 2 * square;
            }

            total = 0.5 * total + term;
        }

        return total;
    }
}

public class BranchBlockTests
{
    private const string Models = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            [Differentiable]
            public static double RotatedProducts(double[] a, double[] x)
            {
                double total = 0;
                for (int i = 0; i < a.Length; i++)
                {
                    double xr;
                    double yr;
                    if (a[i] != 0)
                    {
                        double c = Math.Cos(a[i]);
                        double s = Math.Sin(a[i]);
                        xr = c * x[2 * i] - s * x[2 * i + 1];
                        yr = s * x[2 * i] + c * x[2 * i + 1];
                    }
                    else
                    {
                        xr = x[2 * i] - a[i] * x[2 * i + 1];
                        yr = x[2 * i + 1] + a[i] * x[2 * i];
                    }

                    total += xr * yr;
                }

                return total;
            }

            // The cosine on the other side of the branch: its partial, −sin, and the sine's partial, cos, are where
            // the branch does not hold, and c, declared 0 there, must not stand for them.
            [Differentiable]
            public static double CosineOnOneSide(double[] a, double[] x)
            {
                double total = 0;
                for (int i = 0; i < a.Length; i++)
                {
                    double term;
                    if (a[i] > 0)
                    {
                        double c = Math.Cos(a[i]);
                        term = c * x[i];
                    }
                    else
                    {
                        term = Math.Sin(a[i]) * x[i] + Math.Cos(a[i]);
                    }

                    total += term * term;
                }

                return total;
            }

            // The local assigned again inside the branch: it no longer holds the call when the backward sweep reads.
            [Differentiable]
            public static double CosineAssignedAgain(double[] a, double[] x)
            {
                double total = 0;
                for (int i = 0; i < a.Length; i++)
                {
                    double term = x[i];
                    if (a[i] > 0)
                    {
                        double c = Math.Cos(a[i]);
                        c = c * x[i];
                        term = c * Math.Sin(a[i]);
                    }

                    total += term;
                }

                return total;
            }

            // One step under the branch: a conditional expression is as cheap as an if; left as it is.
            [Differentiable]
            public static double OneGuardedStep(double[] x)
            {
                double total = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    double term = 1;
                    if (x[i] > 0)
                    {
                        term = 3;
                    }

                    total += term * x[i];
                }

                return total;
            }
        }
        """;

    [Fact]
    public void The_backward_steps_of_each_side_are_one_if_and_read_the_cosine_and_sine_the_branch_declared()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = GradientMethod(run.Source("Models.RotatedProducts.g.cs"), "RotatedProducts");

        // Each side's backward steps under one if, their partials unconditional inside it, and each side's forward
        // assignments one block too (the cosine and sine declared 0 before it and set in it): two of each in all.
        Assert.Equal(2, Lines(generated, "if (branch)"));
        Assert.Equal(2, Lines(generated, "if (!branch)"));
        Assert.DoesNotContain("branch ? global::System.Math.Cos", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("branch ? dTotal", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("*= branch", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("*= !branch", generated, StringComparison.Ordinal);

        // ∂s/∂a = cos a and ∂c/∂a = −sin a read c and s: each call made once, by the forward sweep.
        Assert.Equal(1, Count(generated, "Math.Cos("));
        Assert.Equal(1, Count(generated, "Math.Sin("));
    }

    [Fact]
    public void The_rotated_products_get_the_closed_form_gradient_and_central_differences()
    {
        // f = Σ xr·yr. With xr' = −yr and yr' = xr along a: ∂f/∂a = xr² − yr²; ∂f/∂(x, y) = (c·yr + s·xr, c·xr − s·yr).
        // At a = 0 the first-order rotation has the same derivatives (c = 1, s = 0).
        double[] a = { 0.5, 0, -1.2 };
        double[] x = { 1, 2, -0.5, 1.5, 2, -1 };
        var result = BranchBlockFunctions.RotatedProductsWithGradient(a, x);
        double value = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double c = Math.Cos(a[i]), s = Math.Sin(a[i]);
            double xr = c * x[2 * i] - s * x[2 * i + 1], yr = s * x[2 * i] + c * x[2 * i + 1];
            value += xr * yr;
            Assert.Equal(xr * xr - yr * yr, result.A[i], 13);
            Assert.Equal(c * yr + s * xr, result.X[2 * i], 13);
            Assert.Equal(c * xr - s * yr, result.X[2 * i + 1], 13);
        }

        Assert.Equal(value, result.Value, 13);

        // The middle angle by hand: the point (−0.5, 1.5) unrotated, ∂/∂a = 0.25 − 2.25, ∂/∂(x, y) = (1.5, −0.5).
        Assert.Equal(-2, result.A[1]);
        Assert.Equal(new[] { 1.5, -0.5 }, result.X[2..4]);

        AgainstCentralDifferences(BranchBlockFunctions.RotatedProducts, a, x, result.A, result.X);
        VectorFiniteDifferenceTests.Check(typeof(BranchBlockFunctions), nameof(BranchBlockFunctions.RotatedProducts), random =>
        {
            int n = random.Next(2, 5);
            return new[] { n, 2 * n };
        });
    }

    [Fact]
    public void Forward_mode_and_the_hessian_over_the_branches_match_the_closed_form_and_central_differences()
    {
        double[] a = { 0.5, 0, -1.2 };
        double[] x = { 1, 2, -0.5, 1.5, 2, -1 };

        // ∂²f/∂aᵢ² = 2 xr xr' − 2 yr yr' = −4 xr yr, and 0 off the diagonal.
        var hessian = new double[9];
        BranchBlockFunctions.RotatedProductsOfAHessianInto(a, x, hessian);
        var gradient = BranchBlockFunctions.RotatedProductsOfAWithGradient(a, x).A;
        double[] v = { 1, -1, 0.5 };
        double directional = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double c = Math.Cos(a[i]), s = Math.Sin(a[i]);
            double xr = c * x[2 * i] - s * x[2 * i + 1], yr = s * x[2 * i] + c * x[2 * i + 1];
            directional += (xr * xr - yr * yr) * v[i];
            for (int j = 0; j < a.Length; j++)
            {
                // At a = 0 the first-order rotation's own: f = (x − a·y)(y + a·x), f'' = 2·(−y)·x.
                double diagonal = a[i] == 0 ? -2 * x[2 * i] * x[2 * i + 1] : -4 * xr * yr;
                Assert.Equal(i == j ? diagonal : 0, hessian[i * 3 + j], 12);
            }
        }

        var (_, derivative) = BranchBlockFunctions.RotatedProductsOfAWithDerivative(a, x, v);
        Assert.Equal(directional, derivative, 13);
        Assert.Equal(directional, gradient.Zip(v, (g, w) => g * w).Sum(), 13);

        // The hand-worked diagonal at a = 0: (x, y) = (−0.5, 1.5), −2·(1.5)·(−0.5).
        Assert.Equal(1.5, hessian[4]);

        // The Hessian against central differences of the gradient, away from a = 0 (whose neighbours take the other side).
        const double h = 1e-6;
        foreach (int j in new[] { 0, 2 })
        {
            var plus = (double[])a.Clone();
            var minus = (double[])a.Clone();
            plus[j] += h;
            minus[j] -= h;
            var up = BranchBlockFunctions.RotatedProductsOfAWithGradient(plus, x).A;
            var down = BranchBlockFunctions.RotatedProductsOfAWithGradient(minus, x).A;
            for (int i = 0; i < a.Length; i++)
            {
                Assert.Equal((up[i] - down[i]) / (2 * h), hessian[i * 3 + j], 6);
            }
        }
    }

    [Fact]
    public void A_loop_run_backwards_groups_its_restored_branchs_steps_and_keeps_the_hand_worked_gradient()
    {
        // term = x³ + 2x² where x > 0, x elsewhere; total = Σ 0.5ⁿ⁻¹⁻ⁱ termᵢ. At x = (2, −1, 1):
        // ∂/∂x = (0.25 · (3·4 + 2·2·2), 0.5 · 1, 3 + 4) = (5, 0.5, 7).
        double[] x = { 2, -1, 1 };
        var result = BranchBlockFunctions.DiscountedBranchesWithGradient(x);
        Assert.Equal(0.25 * 16 + 0.5 * -1 + 3, result.Value);
        Assert.Equal(new[] { 5, 0.5, 7 }, result.X);
        VectorFiniteDifferenceTests.Check(typeof(BranchBlockFunctions), nameof(BranchBlockFunctions.DiscountedBranches), null);

        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Models
            {
                [Differentiable]
                public static double DiscountedBranches(double[] x)
                {
                    double total = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        double term = x[i];
                        if (x[i] > 0)
                        {
                            double square = x[i] * x[i];
                            term = square * x[i] + 2 * square;
                        }

                        total = 0.5 * total + term;
                    }

                    return total;
                }
            }
            """).ShouldSucceed();
        string generated = GradientMethod(run.Source("Models.DiscountedBranches.g.cs"), "DiscountedBranches");
        Assert.Contains("i >= 0; i--", generated, StringComparison.Ordinal);
        // One block in each sweep: the forward sweep's square and term, the backward sweep's steps.
        Assert.Equal(2, Lines(generated, "if (branch)"));
        Assert.DoesNotContain("branch ? dTotal", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void A_call_on_the_other_side_of_the_branch_is_still_called_and_the_gradient_is_right()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = GradientMethod(run.Source("Models.CosineOnOneSide.g.cs"), "CosineOnOneSide");

        // The forward sweep's two cosines and its sine, and, backwards, −sin for ∂c/∂a on the branch's side (no local
        // holds it), and on the other side, where c is 0, cos for ∂sin/∂a, −sin for ∂cos/∂a and sin for ∂term/∂x.
        Assert.True(Count(generated, "Math.Cos(") == 2 + 1, generated);
        Assert.True(Count(generated, "Math.Sin(") == 1 + 3, generated);

        // By hand at a = (0.5, −0.7), x = (2, 3): where a > 0, term = 2 cos 0.5 and ∂(term²)/∂a = −2 term · 2 sin 0.5;
        // where a ≤ 0, term = 3 sin(−0.7) + cos(−0.7) and ∂(term²)/∂a = 2 term (3 cos(−0.7) − sin(−0.7)).
        var type = run.Load().GetType("Models")!;
        var withGradient = type.GetMethods().Single(m => m.Name == "CosineOnOneSideWithGradient" && m.GetParameters().Length == 2);
        object result = withGradient.Invoke(null, new object[] { new[] { 0.5, -0.7 }, new[] { 2.0, 3.0 } })!;
        var dA = (double[])result.GetType().GetProperty("A")!.GetValue(result)!;
        var dX = (double[])result.GetType().GetProperty("X")!.GetValue(result)!;
        double first = 2 * Math.Cos(0.5), second = 3 * Math.Sin(-0.7) + Math.Cos(-0.7);
        Assert.Equal(-2 * first * 2 * Math.Sin(0.5), dA[0], 12);
        Assert.Equal(2 * second * (3 * Math.Cos(-0.7) - Math.Sin(-0.7)), dA[1], 12);
        Assert.Equal(2 * first * Math.Cos(0.5), dX[0], 12);
        Assert.Equal(2 * second * Math.Sin(-0.7), dX[1], 12);
        VectorFiniteDifferenceTests.Check(type, "CosineOnOneSide", null);
    }

    [Fact]
    public void A_local_assigned_again_in_the_branch_is_not_read_for_its_call()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = GradientMethod(run.Source("Models.CosineAssignedAgain.g.cs"), "CosineAssignedAgain");

        // ∂c/∂a = −sin a and ∂sin/∂a = cos a: the second is called again, c holding c · x by then.
        Assert.Equal(2, Count(generated, "Math.Cos("));
        VectorFiniteDifferenceTests.Check(run.Load().GetType("Models")!, "CosineAssignedAgain", null);
    }

    [Fact]
    public void A_single_guarded_step_stays_a_conditional_expression()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = GradientMethod(run.Source("Models.OneGuardedStep.g.cs"), "OneGuardedStep");
        Assert.Equal(0, Lines(generated, "if (branch)"));
        VectorFiniteDifferenceTests.Check(run.Load().GetType("Models")!, "OneGuardedStep", null);
    }

    private static void AgainstCentralDifferences(Func<double[], double[], double> f, double[] a, double[] x, double[] dA, double[] dX)
    {
        const double h = 1e-6;
        foreach (var (vector, gradient, name) in new[] { (a, dA, "a"), (x, dX, "x") })
        {
            for (int e = 0; e < vector.Length; e++)
            {
                double kept = vector[e];
                vector[e] = kept + h;
                double up = f(a, x);
                vector[e] = kept - h;
                double down = f(a, x);
                vector[e] = kept;
                double central = (up - down) / (2 * h);
                Assert.True(Math.Abs(central - gradient[e]) <= 1e-7 * Math.Max(1, Math.Abs(central)), $"∂/∂{name}[{e}]: generated {gradient[e]:R}, central difference {central:R}");
            }
        }
    }

    /// <summary>How many lines of <paramref name="text"/> are <paramref name="statement"/>, trimmed.</summary>
    private static int Lines(string text, string statement) =>
        text.Split('\n').Count(line => line.Trim() == statement);

    /// <summary>How many times <paramref name="part"/> occurs in <paramref name="text"/> outside comments.</summary>
    private static int Count(string text, string part) =>
        text.Split('\n').Select(line => line.Contains("//", StringComparison.Ordinal) ? line[..line.IndexOf("//", StringComparison.Ordinal)] : line)
            .Sum(code => (code.Length - code.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length);

    /// <summary>The text of the span overload of <c>{method}WithGradient</c>, the one the sweeps are in.</summary>
    private static string GradientMethod(string source, string method)
    {
        int start = source.IndexOf($"public static double {method}WithGradient(", StringComparison.Ordinal);
        int end = source.IndexOf("public static", start + 1, StringComparison.Ordinal);
        return source[start..end];
    }
}
