using System.Globalization;
using System.Reflection;
using Microsoft.CodeAnalysis;
using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.SecondOrder;

/// <summary>
/// Second derivatives of a method that reads another method's generated gradient are third derivatives of that method:
/// the callee asks for them with ThirdOrder = true (UHessianWithDerivative, forward mode over its Hessian program), and
/// the caller's MWithHessian reads them. Each is checked against third derivatives worked out by hand and against
/// central differences of generated code one order lower.
/// </summary>
public class ThirdDerivativeTests
{
    private const string Slopes = """
        using System;
        using SymbolicDiff;

        public static partial class Third
        {
            [Differentiable(ThirdOrder = true)]
            public static double U(double x, double y) => x * x * x * y + Math.Sin(x) * y * y;

            /// <summary>∂U/∂x: its Hessian holds U's third derivatives.</summary>
            [Differentiable(SecondOrder = true)]
            public static double Slope(double x, double y) => UWithGradient(x, y).X;

            [Differentiable(ThirdOrder = true)]
            public static double Bump(double x, double k) => Math.Exp(k * x) + 0.5 * k * x * x;

            /// <summary>g(k) = ∂Bump/∂x(x0, k), differentiated with respect to k only.</summary>
            [Differentiable(nameof(k), SecondOrder = true)]
            public static double Stiffness(double x0, double k) => BumpWithGradient(x0, k).X;

            /// <summary>s ← s·x² + k three times from 0: k·(x⁴ + x² + 1), the backward sweep reading s's earlier values from the saved stack.</summary>
            [Differentiable(ThirdOrder = true)]
            public static double Horner(double x, double k)
            {
                double s = 0;
                for (int i = 0; i < 3; i++)
                {
                    s = s * x * x + k;
                }

                return s;
            }

            [Differentiable(SecondOrder = true)]
            public static double HornerSlope(double x, double k) => HornerWithGradient(x, k).X;

            /// <summary>The span methods, for reflection: value, gradient (2), Hessian (4), and the Hessian's tangent (4).</summary>
            public static double[] HessianWithDerivative(double x, double y, double dx, double dy)
            {
                var all = new double[11];
                all[0] = UHessianWithDerivative(x, y, dx, dy, all.AsSpan(1, 2), all.AsSpan(3, 4), all.AsSpan(7, 4));
                return all;
            }

            public static double[] Hessian(double x, double y)
            {
                var all = new double[7];
                all[0] = UWithHessian(x, y, all.AsSpan(1, 2), all.AsSpan(3, 4));
                return all;
            }

            public static string? WrongLength(int tangentLength)
            {
                try
                {
                    UHessianWithDerivative(1, 2, 1, 0, new double[2], new double[4], new double[tangentLength]);
                    return null;
                }
                catch (ArgumentException e)
                {
                    return e.ParamName;
                }
            }
        }
        """;

    private static readonly double[][] Points = { new[] { 0.7, -1.3 }, new[] { -2.0, 0.5 }, new[] { 1.1, 2.4 } };

    private static GeneratorRun RunSlopes() => GeneratorHarness.Run(Slopes).ShouldSucceed();

    [Fact]
    public void The_Hessian_of_a_gradient_entry_holds_the_callees_third_derivatives()
    {
        var harness = new HessianHarness(RunSlopes(), "Third", "Slope");
        foreach (var point in Points)
        {
            // By hand: U = x³y + sin(x)·y², U_x = 3x²y + cos(x)·y²;
            // U_xxx = 6y − cos(x)·y², U_xxy = 6x − 2 sin(x)·y, U_xyy = 2 cos(x).
            double x = point[0], y = point[1];
            double xxx = 6 * y - Math.Cos(x) * y * y, xxy = 6 * x - 2 * Math.Sin(x) * y, xyy = 2 * Math.Cos(x);
            harness.Check(point, new[] { 0, 1 }, new[,] { { xxx, xxy }, { xxy, xyy } });
        }
    }

    [Fact]
    public void A_caller_differentiated_with_respect_to_one_argument_reads_the_third_derivative_along_it()
    {
        var run = RunSlopes();
        var type = run.Load().GetType("Third")!;
        var withHessian = type.GetMethods().Single(m => m.Name == "StiffnessWithHessian" && m.GetParameters().Length == 2);
        var harness = new HessianHarness(run, "Third", "Stiffness");
        foreach (var (x0, k) in new[] { (0.8, 0.3), (-1.5, 1.2), (2.0, -0.7) })
        {
            // By hand: Bump_x = k·e^{kx} + k·x, so g(k) = k·e^{k x0} + k·x0, g' = (1 + k x0)·e^{k x0} + x0,
            // g'' = (2 x0 + k x0²)·e^{k x0}.
            double e = Math.Exp(k * x0);
            object result = withHessian.Invoke(null, new object[] { x0, k })!;
            var hessian = (double[,])result.GetType().GetProperty("Hessian")!.GetValue(result)!;
            Assert.Equal(k * e + k * x0, (double)result.GetType().GetProperty("Value")!.GetValue(result)!, 12);
            Assert.Equal((1 + k * x0) * e + x0, (double)result.GetType().GetProperty("K")!.GetValue(result)!, 12);
            HessianHarness.AssertClose(new[,] { { (2 * x0 + k * x0 * x0) * e } }, hessian, 1e-12, "g'' against the closed form");
            HessianHarness.AssertClose(harness.FiniteDifferenceHessian(new[] { x0, k }, new[] { 1 }), hessian, 1e-6, "g'' against central differences of the gradient");
        }
    }

    [Fact]
    public void The_callees_Hessian_with_derivative_is_its_third_derivatives_along_the_tangents()
    {
        var type = RunSlopes().Load().GetType("Third")!;
        foreach (var point in Points)
        {
            double x = point[0], y = point[1], dx = 0.3, dy = -1.7;
            var all = Call(type, "HessianWithDerivative", x, y, dx, dy);

            // The value, gradient and Hessian are UWithHessian's.
            Assert.Equal(Call(type, "Hessian", x, y), all.Take(7).ToArray());

            // By hand: T[d]ᵢⱼ = Σₘ U_ijm dₘ with U_xxx = 6y − cos(x)·y², U_xxy = 6x − 2 sin(x)·y, U_xyy = 2 cos(x), U_yyy = 0.
            double xxx = 6 * y - Math.Cos(x) * y * y, xxy = 6 * x - 2 * Math.Sin(x) * y, xyy = 2 * Math.Cos(x);
            var byHand = new[] { xxx * dx + xxy * dy, xxy * dx + xyy * dy, xxy * dx + xyy * dy, xyy * dx };

            // And central differences of the generated Hessian along (dx, dy).
            double h = 1e-5;
            var plus = Call(type, "Hessian", x + h * dx, y + h * dy);
            var minus = Call(type, "Hessian", x - h * dx, y - h * dy);
            for (int i = 0; i < 4; i++)
            {
                double tangent = all[7 + i];
                Assert.True(Math.Abs(byHand[i] - tangent) <= 1e-12 * Math.Max(1, Math.Abs(byHand[i])), $"T[{i}]: expected {byHand[i]:R}, got {tangent:R}");
                double central = (plus[3 + i] - minus[3 + i]) / (2 * h);
                Assert.True(Math.Abs(central - tangent) <= 1e-6 * Math.Max(1, Math.Abs(central)), $"T[{i}] against central differences: {central:R}, got {tangent:R}");
            }
        }
    }

    [Fact]
    public void A_callee_with_a_loop_gives_its_third_derivatives_through_the_saved_stack()
    {
        var harness = new HessianHarness(RunSlopes(), "Third", "HornerSlope");
        foreach (var point in Points)
        {
            // By hand: U = k·(x⁴ + x² + 1), U_x = k·(4x³ + 2x); U_xxx = 24kx, U_xxk = 12x² + 2, U_xkk = 0.
            double x = point[0], k = point[1];
            harness.Check(point, new[] { 0, 1 }, new[,] { { 24 * k * x, 12 * x * x + 2 }, { 12 * x * x + 2, 0 } });
        }
    }

    [Fact]
    public void The_Hessian_with_derivative_checks_its_spans()
    {
        var wrongLength = RunSlopes().Load().GetType("Third")!.GetMethod("WrongLength")!;
        Assert.Equal("hessianTangent", (string?)wrongLength.Invoke(null, new object[] { 3 }));
        Assert.Null(wrongLength.Invoke(null, new object[] { 4 }));
    }

    [Fact]
    public void A_float_caller_reads_the_float_callees_third_derivatives()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class ThirdFloat
            {
                [Differentiable(ThirdOrder = true)]
                public static float U(float x, float y) => x * x * x * y + MathF.Sin(x) * y * y;

                [Differentiable(SecondOrder = true)]
                public static float Slope(float x, float y) => UWithGradient(x, y).X;
            }
            """).ShouldSucceed();
        Assert.Contains("float dX, float dY, global::System.Span<float> gradient, global::System.Span<float> hessian, global::System.Span<float> hessianTangent", run.Source("ThirdFloat.U.g.cs"));
        var type = run.Load().GetType("ThirdFloat")!;
        var withHessian = type.GetMethods().Single(m => m.Name == "SlopeWithHessian" && m.GetParameters().Length == 2);
        var withGradient = type.GetMethod("SlopeWithGradient")!;
        float[] Gradient(float x, float y)
        {
            object result = withGradient.Invoke(null, new object[] { x, y })!;
            return new[] { (float)result.GetType().GetProperty("X")!.GetValue(result)!, (float)result.GetType().GetProperty("Y")!.GetValue(result)! };
        }

        foreach (var point in Points)
        {
            float x = (float)point[0], y = (float)point[1];
            object result = withHessian.Invoke(null, new object[] { x, y })!;
            var hessian = (float[,])result.GetType().GetProperty("Hessian")!.GetValue(result)!;

            // By hand, as for double: U_xxx = 6y − cos(x)·y², U_xxy = 6x − 2 sin(x)·y, U_xyy = 2 cos(x).
            double xxx = 6 * y - Math.Cos(x) * y * y, xxy = 6 * x - 2 * Math.Sin(x) * y, xyy = 2 * Math.Cos(x);
            var byHand = new[,] { { xxx, xxy }, { xxy, xyy } };
            const float h = 1e-2f;
            var columns = new[] { (Gradient(x + h, y), Gradient(x - h, y)), (Gradient(x, y + h), Gradient(x, y - h)) };
            for (int i = 0; i < 2; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    double scale = Math.Max(1, Math.Abs(byHand[i, j]));
                    Assert.True(Math.Abs(byHand[i, j] - hessian[i, j]) <= 1e-5 * scale, $"H[{i},{j}]: expected {byHand[i, j]:R}, got {hessian[i, j]:R}");
                    double central = (columns[j].Item1[i] - columns[j].Item2[i]) / (2.0 * h);
                    Assert.True(Math.Abs(central - hessian[i, j]) <= 2e-3 * scale, $"H[{i},{j}] against central differences: {central:R}, got {hessian[i, j]:R}");
                }
            }
        }
    }

    private const string Particle = """
        using SymbolicDiff;

        public static partial class Particle
        {
            /// <summary>A stiffening spring: U = k·(½x² + 0.1x⁴), so the force is −k·(x + 0.4x³).</summary>
            [Differentiable(ThirdOrder = true)]
            public static double Potential(double x, double k) => k * (0.5 * x * x + 0.1 * x * x * x * x);

            /// <summary>Explicit Euler: x ← x + dt·v, v ← v − dt·∂U/∂x, both from the step's old values.</summary>
            [Differentiable(nameof(x0), nameof(k), SecondOrder = true)]
            public static double FinalPosition(double x0, double v0, double k, double dt, int steps)
            {
                double x = x0;
                double v = v0;
                for (int i = 0; i < steps; i++)
                {
                    var g = PotentialWithGradient(x, k);
                    x += dt * v;
                    v -= dt * g.X;
                }

                return x;
            }
        }
        """;

    [Theory]
    [InlineData(1.0, 0.0, 2.0, 0.1, 25)]
    [InlineData(0.3, -0.7, 0.5, 0.05, 60)]
    [InlineData(-1.2, 0.4, 3.0, 0.02, 7)]
    public void The_particles_Hessian_differentiates_its_Euler_steps_through_the_potentials_third_derivatives(double x0, double v0, double k, double dt, int steps)
    {
        var run = GeneratorHarness.Run(Particle).ShouldSucceed();
        var point = new object[] { x0, v0, k, dt, steps };
        var withHessian = run.Load().GetType("Particle")!.GetMethods().Single(m => m.Name == "FinalPositionWithHessian" && m.GetParameters().Length == 5);
        object result = withHessian.Invoke(null, point)!;
        var hessian = (double[,])result.GetType().GetProperty("Hessian")!.GetValue(result)!;

        HessianHarness.AssertClose(EulerSecondDerivatives(x0, v0, k, dt, steps), hessian, 1e-10, "against the recurrence differentiated by hand");
        HessianHarness.AssertSymmetric(hessian);

        // Central differences of the generated gradient, moving x0 and k (steps is an int: the harness takes doubles only).
        var fd = new double[2, 2];
        var positions = new[] { 0, 2 };
        for (int j = 0; j < 2; j++)
        {
            double h = 1e-5 * Math.Max(1, Math.Abs((double)point[positions[j]]));
            var plus = (object[])point.Clone();
            var minus = (object[])point.Clone();
            plus[positions[j]] = (double)point[positions[j]] + h;
            minus[positions[j]] = (double)point[positions[j]] - h;
            var gPlus = Gradient(run, plus);
            var gMinus = Gradient(run, minus);
            for (int i = 0; i < 2; i++)
            {
                fd[i, j] = (gPlus[i] - gMinus[i]) / (2 * h);
            }
        }

        HessianHarness.AssertClose(fd, hessian, 1e-6, "against central differences of the gradient");
    }

    [Fact]
    public void The_particles_second_derivatives_call_the_potentials_Hessian_with_derivative_in_their_sweeps()
    {
        // The numbers are checked above against the recurrence differentiated by hand and central differences; this is how they read.
        Snapshot.Verify(GeneratorHarness.Run(Particle).ShouldSucceed().Source("Particle.FinalPosition.g.cs"));
    }

    [Fact]
    public void The_callees_third_order_method_runs_forward_mode_over_its_Hessians_sweep()
    {
        Snapshot.Verify(RunSlopes().Source("Third.U.g.cs"));
    }

    [Fact]
    public void A_callee_without_ThirdOrder_is_SD0034_at_the_read_of_its_gradient()
    {
        const string source = """
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable(SecondOrder = true)]
                public static double F(double x, double y) => x * x * x * y;

                [Differentiable(SecondOrder = true)]
                public static double Gx(double x, double y) => FWithGradient(x, y).X;
            }
            """;
        var run = GeneratorHarness.Run(source);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0034", diagnostic.Id);
        string message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        Assert.Contains("'Gx'", message);
        Assert.Contains("add ThirdOrder = true to the [Differentiable] of 'F'", message);
        Assert.Equal("FWithGradient(x, y)", source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));

        // Gx's gradient (a row of F's Hessian) is still generated, without Gx's own Hessian.
        Assert.Contains("GxWithGradient", run.Source("Model.Gx.g.cs"));
        Assert.DoesNotContain("GxWithHessian", run.Source("Model.Gx.g.cs"));
    }

    [Fact]
    public void ThirdOrder_on_a_method_over_spans_is_no_longer_SD0035_and_adds_its_products_forward_mode()
    {
        const string source = """
            using System;
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable(ThirdOrder = true)]
                public static double Energy(ReadOnlySpan<double> w)
                {
                    double s = 0;
                    for (int i = 0; i < w.Length; i++)
                    {
                        s += w[i] * w[i] * w[i];
                    }

                    return s;
                }

                public static double[] Tangents(double[] w, double[] c, double[] dw, double[] dc)
                {
                    var all = new double[4 * w.Length];
                    EnergyHessianVectorProductWithDerivative(w, c, all.AsSpan(0, w.Length), all.AsSpan(w.Length, w.Length), dw, dc, all.AsSpan(2 * w.Length, w.Length), all.AsSpan(3 * w.Length, w.Length));
                    return all;
                }
            }
            """;
        var run = GeneratorHarness.Run(source).ShouldSucceed();
        double[] w = { 0.5, -1.2, 2.0 }, c = { 1.0, 0.3, -0.4 }, dw = { -0.7, 0.2, 0.9 }, dc = { 0.6, -1.1, 0.25 };
        var all = Call(run.Load().GetType("Model")!, "Tangents", w, c, dw, dc);

        // By hand: ∇U = 3w², H = diag(6w), H·c = 6w∘c; along (dw, dc): d∇U = 6w∘dw, d(H·c) = 6dw∘c + 6w∘dc (∂³U/∂wᵢ³ = 6).
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(3 * w[i] * w[i], all[i], 12);
            Assert.Equal(6 * w[i] * c[i], all[3 + i], 12);
            Assert.Equal(6 * w[i] * dw[i], all[6 + i], 12);
            Assert.Equal(6 * dw[i] * c[i] + 6 * w[i] * dc[i], all[9 + i], 12);
        }
    }

    /// <summary>
    /// The Euler recurrence differentiated twice by hand, with respect to p = (x0, k): with f(x, k) = k·(x + 0.4x³) the
    /// force's magnitude, x' = x + dt·v and v' = v − dt·f(x, k) (old values), so
    /// dx' = dx + dt·dv, dv' = dv − dt·(f_x·dx + f_k·dk) and
    /// d²x' = d²x + dt·d²v, d²v' = d²v − dt·(f_xx·dx_i·dx_j + f_xk·(dx_i·dk_j + dk_i·dx_j) + f_x·d²x), f_kk = 0.
    /// </summary>
    private static double[,] EulerSecondDerivatives(double x0, double v0, double k, double dt, int steps)
    {
        double x = x0, v = v0;
        var dx = new[] { 1.0, 0.0 };
        var dv = new[] { 0.0, 0.0 };
        var dk = new[] { 0.0, 1.0 };
        var d2x = new double[2, 2];
        var d2v = new double[2, 2];
        for (int step = 0; step < steps; step++)
        {
            double fx = k * (1 + 1.2 * x * x), fk = x + 0.4 * x * x * x, fxx = 2.4 * k * x, fxk = 1 + 1.2 * x * x;
            var nextD2x = new double[2, 2];
            var nextD2v = new double[2, 2];
            for (int i = 0; i < 2; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    nextD2x[i, j] = d2x[i, j] + dt * d2v[i, j];
                    nextD2v[i, j] = d2v[i, j] - dt * (fxx * dx[i] * dx[j] + fxk * (dx[i] * dk[j] + dk[i] * dx[j]) + fx * d2x[i, j]);
                }
            }

            var nextDx = new[] { dx[0] + dt * dv[0], dx[1] + dt * dv[1] };
            var nextDv = new[] { dv[0] - dt * (fx * dx[0] + fk * dk[0]), dv[1] - dt * (fx * dx[1] + fk * dk[1]) };
            double nextX = x + dt * v;
            v -= dt * k * (x + 0.4 * x * x * x);
            x = nextX;
            dx = nextDx;
            dv = nextDv;
            d2x = nextD2x;
            d2v = nextD2v;
        }

        return d2x;
    }

    private static double[] Gradient(GeneratorRun run, object[] point)
    {
        object result = run.Load().GetType("Particle")!.GetMethod("FinalPositionWithGradient")!.Invoke(null, point)!;
        return new[] { (double)result.GetType().GetProperty("X0")!.GetValue(result)!, (double)result.GetType().GetProperty("K")!.GetValue(result)! };
    }

    private static double[] Call(Type type, string method, params object[] arguments) =>
        (double[])type.GetMethod(method)!.Invoke(null, arguments)!;
}
