namespace SymbolicDiff.Tests.Generator.SecondOrder;

/// <summary>
/// MWithHessian of methods over scalars, each checked against a Hessian worked out by hand and against central
/// differences of the generated gradient, and for symmetry.
/// </summary>
public class HessianTests
{
    [Fact]
    public void A_polynomial_with_a_sine_x2y_plus_sin_xy()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Functions
            {
                [Differentiable(SecondOrder = true)]
                public static double F(double x, double y) => x * x * y + Math.Sin(x * y);
            }
            """).ShouldSucceed();
        var harness = new HessianHarness(run, "Functions", "F");
        foreach (var (x, y) in new[] { (0.7, -1.3), (2.0, 0.5), (-1.1, 3.0) })
        {
            // f_xx = 2y − y² sin(xy), f_xy = 2x + cos(xy) − xy sin(xy), f_yy = −x² sin(xy)
            double s = Math.Sin(x * y), c = Math.Cos(x * y);
            var byHand = new[,] { { 2 * y - y * y * s, 2 * x + c - x * y * s }, { 2 * x + c - x * y * s, -x * x * s } };
            harness.Check(new[] { x, y }, new[] { 0, 1 }, byHand);
        }
    }

    [Fact]
    public void Rosenbrock()
    {
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;

            public static partial class Functions
            {
                [Differentiable(SecondOrder = true)]
                public static double Rosenbrock(double x, double y)
                {
                    double a = 1 - x;
                    double b = y - x * x;
                    return a * a + 100 * b * b;
                }
            }
            """).ShouldSucceed();
        var harness = new HessianHarness(run, "Functions", "Rosenbrock");
        foreach (var (x, y) in new[] { (-1.2, 1.0), (1.0, 1.0), (0.3, -0.4) })
        {
            // f_xx = 2 − 400(y − x²) + 800x², f_xy = −400x, f_yy = 200
            var byHand = new[,] { { 2 - 400 * (y - x * x) + 800 * x * x, -400 * x }, { -400 * x, 200 } };
            harness.Check(new[] { x, y }, new[] { 0, 1 }, byHand);
        }
    }

    [Fact]
    public void A_method_with_branches_follows_the_branch_taken()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Functions
            {
                [Differentiable(SecondOrder = true)]
                public static double Piecewise(double x, double y)
                {
                    double r;
                    if (x > 0)
                    {
                        r = x * x * y;
                    }
                    else
                    {
                        r = Math.Exp(x * y);
                    }

                    return r + y * y * y;
                }
            }
            """).ShouldSucceed();
        var harness = new HessianHarness(run, "Functions", "Piecewise");
        foreach (var (x, y) in new[] { (1.5, 0.7), (-0.8, 1.2), (-2.0, -0.5) })
        {
            double[,] byHand;
            if (x > 0)
            {
                // x²y + y³: f_xx = 2y, f_xy = 2x, f_yy = 6y
                byHand = new[,] { { 2 * y, 2 * x }, { 2 * x, 6 * y } };
            }
            else
            {
                // e^(xy) + y³: f_xx = y²e, f_xy = (1 + xy)e, f_yy = x²e + 6y
                double e = Math.Exp(x * y);
                byHand = new[,] { { y * y * e, (1 + x * y) * e }, { (1 + x * y) * e, x * x * e + 6 * y } };
            }

            harness.Check(new[] { x, y }, new[] { 0, 1 }, byHand);
        }
    }

    [Fact]
    public void Calls_of_runtime_primitives_use_their_declared_second_derivatives()
    {
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;

            public static partial class Functions
            {
                [Differentiable(SecondOrder = true)]
                public static double Activated(double u, double v) =>
                    Activations.Softplus(u * v) + Activations.Tanh(u - v) + Losses.BinaryCrossEntropyWithLogits(u + 2 * v, 0.25);
            }
            """).ShouldSucceed();
        var harness = new HessianHarness(run, "Functions", "Activated");
        // Points on both sides of tanh's |x| = 1 switch and of the logit's sign.
        foreach (var (u, v) in new[] { (0.4, 0.9), (2.5, -0.7), (-1.3, -0.2) })
        {
            // softplus'' = σ(1 − σ) at uv, times (v, u)⊗(v, u), plus softplus'·(∂²(uv)) = σ(uv) off the diagonal;
            // tanh'' = −2 tanh·(1 − tanh²) at u − v, times (1, −1)⊗(1, −1);
            // BCE-with-logits'' = σ(1 − σ) at u + 2v, times (1, 2)⊗(1, 2).
            double s = 1 / (1 + Math.Exp(-u * v));
            double softplus2 = s * (1 - s);
            double t = Math.Tanh(u - v);
            double tanh2 = -2 * t * (1 - t * t);
            double l = 1 / (1 + Math.Exp(-(u + 2 * v)));
            double logit2 = l * (1 - l);
            var byHand = new[,]
            {
                { softplus2 * v * v + tanh2 + logit2, softplus2 * u * v + s - tanh2 + 2 * logit2 },
                { softplus2 * u * v + s - tanh2 + 2 * logit2, softplus2 * u * u + tanh2 + 4 * logit2 },
            };
            harness.Check(new[] { u, v }, new[] { 0, 1 }, byHand);
        }
    }

    [Fact]
    public void A_loop_over_a_constant_range_restores_its_saved_values_with_their_tangents()
    {
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;

            public static partial class Functions
            {
                [Differentiable(SecondOrder = true)]
                public static double Horner(double x, double y)
                {
                    double s = 0;
                    for (int i = 0; i < 3; i++)
                    {
                        s = s * x + y;
                    }

                    return s * s;
                }
            }
            """).ShouldSucceed();
        var harness = new HessianHarness(run, "Functions", "Horner");
        foreach (var (x, y) in new[] { (0.5, 2.0), (-1.5, 0.3), (2.0, -1.0) })
        {
            // p = y(x² + x + 1), f = p²: f_ij = 2(p_i p_j + p·p_ij) with p_x = y(2x + 1), p_y = x² + x + 1,
            // p_xx = 2y, p_xy = 2x + 1, p_yy = 0.
            double q = x * x + x + 1, p = y * q, px = y * (2 * x + 1), py = q;
            var byHand = new[,]
            {
                { 2 * (px * px + p * 2 * y), 2 * (px * py + p * (2 * x + 1)) },
                { 2 * (px * py + p * (2 * x + 1)), 2 * py * py },
            };
            harness.Check(new[] { x, y }, new[] { 0, 1 }, byHand);
        }
    }

    [Fact]
    public void Without_the_opt_in_nothing_more_is_generated()
    {
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;

            public static partial class Functions
            {
                [Differentiable]
                public static double F(double x, double y) => x * x * y;
            }
            """).ShouldSucceed();
        string source = run.Source("Functions.F.g.cs");
        Assert.DoesNotContain("Hessian", source);
        Assert.Contains("FWithGradient", source);
    }

    [Fact]
    public void The_span_overload_checks_its_lengths_and_allocates_nothing()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Functions
            {
                [Differentiable(SecondOrder = true)]
                public static double F(double x, double y) => x * x * y + Math.Sin(x * y);

                public static long Measure()
                {
                    Span<double> gradient = stackalloc double[2];
                    Span<double> hessian = stackalloc double[4];
                    // The fewest bytes over five windows of 1,000 calls: the first window also warms up (JIT),
                    // and tiered compilation's one-off bookkeeping on this thread is not the call's.
                    long allocated = long.MaxValue;
                    double sum = 0;
                    for (int window = 0; window < 5; window++)
                    {
                        long before = GC.GetAllocatedBytesForCurrentThread();
                        for (int i = 0; i < 1000; i++)
                        {
                            sum += FWithHessian(0.5 + i * 1e-3, 1.5, gradient, hessian) + hessian[1];
                        }

                        allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
                    }

                    return double.IsNaN(sum) ? -1 : allocated;
                }

                public static string WrongLength()
                {
                    try
                    {
                        FWithHessian(0.5, 1.5, new double[2], new double[3]);
                        return "no exception";
                    }
                    catch (ArgumentException exception)
                    {
                        return exception.ParamName ?? "null";
                    }
                }
            }
            """).ShouldSucceed();
        var type = run.Load().GetType("Functions")!;
        Assert.Equal(0L, (long)type.GetMethod("Measure")!.Invoke(null, null)!);
        Assert.Equal("hessian", (string)type.GetMethod("WrongLength")!.Invoke(null, null)!);
    }
}
