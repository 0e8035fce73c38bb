using System.Reflection;
using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.Nested;

/// <summary>
/// Nested differentiation: a [Differentiable] method that reads another one's generated gradient (or directional
/// derivative) is differentiated through it, the partials of a gradient entry being a row of the callee's Hessian.
/// The three examples, each against numbers worked out by hand (closed forms, computed here without the
/// generated code) and against central finite differences of the method itself.
/// </summary>
public class DifferentiatingThroughGradientsTests
{
    private const string Particle = """
        using SymbolicDiff;

        public static partial class Particle
        {
            /// <summary>The potential of a spring: U = ½ k x², so the force is −∂U/∂x = −k x.</summary>
            [Differentiable(SecondOrder = true)]
            public static double Potential(double x, double k) => 0.5 * k * x * x;

            /// <summary>Explicit Euler: x ← x + dt·v, v ← v − dt·∂U/∂x, both from the step's old values.</summary>
            [Differentiable(nameof(k))]
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
    [InlineData(0.3, -0.7, 0.5, 0.05, 200)]
    [InlineData(-1.2, 0.4, 3.0, 0.2, 7)]
    public void A_particle_driven_by_the_gradient_of_its_potential_is_differentiated_with_respect_to_the_spring_constant(double x0, double v0, double k, double dt, int steps)
    {
        var run = GeneratorHarness.Run(Particle).ShouldSucceed();
        var type = run.Load().GetType("Particle")!;
        var arguments = new object[] { x0, v0, k, dt, steps };

        var (value, gradient) = ValueAndGradient(type, "FinalPosition", arguments);
        var (expectedValue, expectedDerivative) = EulerClosedForm(x0, v0, k, dt, steps);
        Assert.Equal(expectedValue, value, 12);
        AssertClose(expectedDerivative, gradient.Single(), 1e-10, "dx_N/dk against the closed form");

        double h = 1e-6 * Math.Max(1, Math.Abs(k));
        double finiteDifference = (Invoke(type, "FinalPosition", x0, v0, k + h, dt, steps) - Invoke(type, "FinalPosition", x0, v0, k - h, dt, steps)) / (2 * h);
        AssertClose(finiteDifference, gradient.Single(), 1e-6, "dx_N/dk against central differences");

        // Forward mode differentiates through the same gradient: its derivative along dK = 1 is the same number.
        var (forwardValue, forwardDerivative) = WithDerivative(type, "FinalPosition", x0, v0, k, dt, steps, 1.0);
        Assert.Equal(value, forwardValue);
        AssertClose(expectedDerivative, forwardDerivative, 1e-10, "forward mode's dx_N/dk");
    }

    /// <summary>
    /// The explicit-Euler recurrence of the harmonic oscillator is linear: sₙ₊₁ = A sₙ with s = (x, v) and
    /// A = [[1, dt], [−k·dt, 1]], so x_N = e₁ᵀ Aᴺ s₀ and dx_N/dk = e₁ᵀ Σⱼ Aʲ (dA/dk) Aᴺ⁻¹⁻ʲ s₀, dA/dk = [[0, 0], [−dt, 0]].
    /// </summary>
    private static (double Value, double Derivative) EulerClosedForm(double x0, double v0, double k, double dt, int steps)
    {
        double[,] a = { { 1, dt }, { -k * dt, 1 } };
        double[,] dA = { { 0, 0 }, { -dt, 0 } };
        var powers = new List<double[,]> { Identity() };
        for (int n = 1; n <= steps; n++)
        {
            powers.Add(Multiply(powers[n - 1], a));
        }

        double[,] derivative = new double[2, 2];
        for (int j = 0; j < steps; j++)
        {
            var term = Multiply(Multiply(powers[j], dA), powers[steps - 1 - j]);
            for (int r = 0; r < 2; r++)
            {
                for (int c = 0; c < 2; c++)
                {
                    derivative[r, c] += term[r, c];
                }
            }
        }

        var final = powers[steps];
        return (final[0, 0] * x0 + final[0, 1] * v0, derivative[0, 0] * x0 + derivative[0, 1] * v0);
    }

    private const string Saddle = """
        using SymbolicDiff;

        public static partial class MinMax
        {
            /// <summary>A saddle: convex in x, concave in y.</summary>
            [Differentiable(SecondOrder = true)]
            public static double Saddle(double x, double y) => 0.5 * x * x + x * y - 0.5 * y * y;

            /// <summary>max over y of Saddle(x, y), by gradient ascent on y from y0: the outer objective in x.</summary>
            [Differentiable(nameof(x))]
            public static double Outer(double x, double y0, double eta, int steps)
            {
                double y = y0;
                for (int t = 0; t < steps; t++)
                {
                    y += eta * SaddleWithGradient(x, y).Y;
                }

                return Saddle(x, y);
            }
        }
        """;

    [Theory]
    [InlineData(1.5, 0.0, 0.3, 10)]
    [InlineData(-0.4, 2.0, 0.1, 40)]
    [InlineData(0.8, -1.0, 0.5, 3)]
    public void The_min_max_of_a_saddle_differentiates_the_inner_gradient_ascent(double x, double y0, double eta, int steps)
    {
        var run = GeneratorHarness.Run(Saddle).ShouldSucceed();
        var type = run.Load().GetType("MinMax")!;
        var (value, gradient) = ValueAndGradient(type, "Outer", new object[] { x, y0, eta, steps });

        // By hand: ∂S/∂y = x − y, so y ← (1 − η) y + η x and y_T = q y₀ + (1 − q) x with q = (1 − η)ᵀ, dy_T/dx = 1 − q;
        // L(x) = S(x, y_T) = ½x² + x y_T − ½y_T², dL/dx = x + y_T + (x − y_T)(1 − q).
        double q = Math.Pow(1 - eta, steps);
        double yT = q * y0 + (1 - q) * x;
        Assert.Equal(0.5 * x * x + x * yT - 0.5 * yT * yT, value, 12);
        AssertClose(x + yT + (x - yT) * (1 - q), gradient.Single(), 1e-10, "dL/dx against the closed form");

        double h = 1e-6 * Math.Max(1, Math.Abs(x));
        double finiteDifference = (Invoke(type, "Outer", x + h, y0, eta, steps) - Invoke(type, "Outer", x - h, y0, eta, steps)) / (2 * h);
        AssertClose(finiteDifference, gradient.Single(), 1e-6, "dL/dx against central differences");
    }

    [Fact]
    public void Outer_gradient_descent_on_the_differentiated_inner_ascent_finds_the_saddle_point()
    {
        var type = GeneratorHarness.Run(Saddle).ShouldSucceed().Load().GetType("MinMax")!;
        double x = 2.0;
        double y = 1.0;
        for (int iteration = 0; iteration < 100; iteration++)
        {
            var (_, gradient) = ValueAndGradient(type, "Outer", new object[] { x, y, 0.5, 20 });
            x -= 0.2 * gradient.Single();
        }

        // The saddle point of ½x² + xy − ½y² is (0, 0): the outer objective is then x² up to (1 − η)ᵀ.
        Assert.True(Math.Abs(x) < 1e-6, $"x = {x}");
    }

    private const string HessianRows = """
        using System;
        using SymbolicDiff;

        public static partial class Curvature
        {
            [Differentiable(SecondOrder = true)]
            public static double F(double x, double y) => x * x * x * y + Math.Sin(x) * y * y;

            /// <summary>∂F/∂x: its gradient is row 0 of F's Hessian, and its ∂/∂x the diagonal's first entry.</summary>
            [Differentiable]
            public static double Gx(double x, double y) => FWithGradient(x, y).X;

            /// <summary>∂F/∂y read from a local holding F's gradient.</summary>
            [Differentiable]
            public static double Gy(double x, double y)
            {
                var gradient = FWithGradient(x, y);
                return gradient.Y;
            }
        }
        """;

    [Theory]
    [InlineData(0.7, -1.3)]
    [InlineData(-2.0, 0.5)]
    [InlineData(1.1, 2.4)]
    public void Differentiating_a_gradient_entry_gives_a_row_of_the_Hessian(double x, double y)
    {
        var type = GeneratorHarness.Run(HessianRows).ShouldSucceed().Load().GetType("Curvature")!;
        var (gx, rowX) = ValueAndGradient(type, "Gx", new object[] { x, y });
        var (gy, rowY) = ValueAndGradient(type, "Gy", new object[] { x, y });

        // By hand: F = x³y + sin(x)·y², F_x = 3x²y + cos(x)·y², F_y = x³ + 2 sin(x)·y,
        // F_xx = 6xy − sin(x)·y², F_xy = 3x² + 2 cos(x)·y, F_yy = 2 sin(x).
        Assert.Equal(3 * x * x * y + Math.Cos(x) * y * y, gx, 12);
        Assert.Equal(x * x * x + 2 * Math.Sin(x) * y, gy, 12);
        AssertClose(6 * x * y - Math.Sin(x) * y * y, rowX[0], 1e-12, "∂²F/∂x²");
        AssertClose(3 * x * x + 2 * Math.Cos(x) * y, rowX[1], 1e-12, "∂²F/∂x∂y");
        AssertClose(3 * x * x + 2 * Math.Cos(x) * y, rowY[0], 1e-12, "∂²F/∂y∂x");
        AssertClose(2 * Math.Sin(x), rowY[1], 1e-12, "∂²F/∂y²");

        // The same rows as F's own Hessian.
        var withHessian = type.GetMethods().Single(m => m.Name == "FWithHessian" && m.GetParameters().Length == 2);
        var hessian = (double[,])withHessian.ReturnType.GetProperty("Hessian")!.GetValue(withHessian.Invoke(null, new object[] { x, y }))!;
        AssertClose(hessian[0, 0], rowX[0], 1e-12, "H[0, 0]");
        AssertClose(hessian[0, 1], rowX[1], 1e-12, "H[0, 1]");
        AssertClose(hessian[1, 1], rowY[1], 1e-12, "H[1, 1]");

        // And central differences of Gx and Gy themselves.
        double h = 1e-6;
        AssertClose((Invoke(type, "Gx", x + h, y) - Invoke(type, "Gx", x - h, y)) / (2 * h), rowX[0], 1e-6, "∂Gx/∂x by differences");
        AssertClose((Invoke(type, "Gx", x, y + h) - Invoke(type, "Gx", x, y - h)) / (2 * h), rowX[1], 1e-6, "∂Gx/∂y by differences");
        AssertClose((Invoke(type, "Gy", x, y + h) - Invoke(type, "Gy", x, y - h)) / (2 * h), rowY[1], 1e-6, "∂Gy/∂y by differences");
    }

    [Fact]
    public void A_directional_derivative_and_a_value_read_from_generated_code_are_differentiated_too()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Reads
            {
                [Differentiable(SecondOrder = true)]
                public static double F(double x, double y) => Math.Exp(x) * y + x * y * y;

                /// <summary>F along (1, 2) plus F itself, read from F's generated methods.</summary>
                [Differentiable]
                public static double Slope(double x, double y) => FWithDerivative(x, y, 1.0, 2.0).Derivative + 3 * FWithGradient(x, y).Value;
            }
            """).ShouldSucceed();
        var type = run.Load().GetType("Reads")!;
        foreach (var (x, y) in new[] { (0.3, 1.7), (-1.0, -0.5) })
        {
            var (value, gradient) = ValueAndGradient(type, "Slope", new object[] { x, y });

            // By hand: F_x = eˣy + y², F_y = eˣ + 2xy, Slope = F_x + 2F_y + 3F;
            // ∂/∂x = eˣy + 2(eˣ + 2y) + 3F_x, ∂/∂y = (eˣ + 2y) + 2(2x) + 3F_y.
            double ex = Math.Exp(x);
            double fx = ex * y + y * y;
            double fy = ex + 2 * x * y;
            Assert.Equal(fx + 2 * fy + 3 * (ex * y + x * y * y), value, 12);
            AssertClose(ex * y + 2 * (ex + 2 * y) + 3 * fx, gradient[0], 1e-12, "∂Slope/∂x");
            AssertClose(ex + 2 * y + 4 * x + 3 * fy, gradient[1], 1e-12, "∂Slope/∂y");
            FiniteDifferenceCheck.AgainstFiniteDifferences(run, "Reads", "Slope", x, y);
        }
    }

    [Fact]
    public void Reads_at_different_points_in_one_statement_and_reads_in_a_branch_are_differentiated_exactly()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class P
            {
                [Differentiable(SecondOrder = true)]
                public static double F(double x, double y) => x * x * y + Math.Sin(y) * x;

                /// <summary>Three points, so three Hessians held at once.</summary>
                [Differentiable]
                public static double Two(double x, double y) => FWithGradient(x, y).X * FWithGradient(y, x).Y + Math.Exp(FWithGradient(x, 2 * y).Y);

                [Differentiable]
                public static double Branch(double x, double y)
                {
                    double r = x;
                    if (x > 0)
                    {
                        var g = FWithGradient(x, y);
                        r = g.X + g.Y * r;
                    }

                    return r;
                }
            }
            """).ShouldSucceed();
        var type = run.Load().GetType("P")!;
        foreach (var (x, y) in new[] { (0.4, 1.3), (-0.7, 0.2), (1.6, -0.9) })
        {
            // By hand: F_x = 2xy + sin y, F_y = x² + x cos y. Two = F_x(x, y)·F_y(y, x) + exp(F_y(x, 2y)), with
            // F_y(y, x) = y² + y cos x and F_y(x, 2y) = x² + x cos 2y.
            double fx = 2 * x * y + Math.Sin(y);
            double fyAtYX = y * y + y * Math.Cos(x);
            double e = Math.Exp(x * x + x * Math.Cos(2 * y));
            var (_, two) = ValueAndGradient(type, "Two", new object[] { x, y });
            AssertClose(2 * y * fyAtYX - fx * y * Math.Sin(x) + e * (2 * x + Math.Cos(2 * y)), two[0], 1e-12, "∂Two/∂x");
            AssertClose((2 * x + Math.Cos(y)) * fyAtYX + fx * (2 * y + Math.Cos(x)) - e * 2 * x * Math.Sin(2 * y), two[1], 1e-12, "∂Two/∂y");
            FiniteDifferenceCheck.AgainstFiniteDifferences(run, "P", "Two", x, y);

            // Branch = F_x + F_y·x = 2xy + sin y + x³ + x² cos y where x > 0, else x.
            var (_, branch) = ValueAndGradient(type, "Branch", new object[] { x, y });
            AssertClose(x > 0 ? 2 * y + 3 * x * x + 2 * x * Math.Cos(y) : 1, branch[0], 1e-12, "∂Branch/∂x");
            AssertClose(x > 0 ? 2 * x + Math.Cos(y) - x * x * Math.Sin(y) : 0, branch[1], 1e-12, "∂Branch/∂y");
            FiniteDifferenceCheck.AgainstFiniteDifferences(run, "P", "Branch", x, y);
        }
    }

    [Fact]
    public void The_particles_sweeps_call_the_potentials_Hessian_where_they_need_its_partials()
    {
        // The numbers are checked above against the closed form and central differences; this is how they read.
        Snapshot.Verify(GeneratorHarness.Run(Particle).ShouldSucceed().Source("Particle.FinalPosition.g.cs"));
    }

    [Fact]
    public void A_gradient_entrys_gradient_is_read_from_one_call_of_the_Hessian()
    {
        Snapshot.Verify(GeneratorHarness.Run(HessianRows).ShouldSucceed().Source("Curvature.Gx.g.cs"));
    }

    private static (double Value, double[] Gradient) ValueAndGradient(Type type, string method, object[] arguments)
    {
        var withGradient = type.GetMethod(method + "WithGradient")!;
        object result = withGradient.Invoke(null, arguments)!;
        var properties = result.GetType().GetProperties();
        return ((double)properties.Single(p => p.Name == "Value").GetValue(result)!,
            properties.Where(p => p.Name != "Value").Select(p => (double)p.GetValue(result)!).ToArray());
    }

    private static (double Value, double Derivative) WithDerivative(Type type, string method, params object[] arguments)
    {
        var tuple = (ValueTuple<double, double>)type.GetMethod(method + "WithDerivative")!.Invoke(null, arguments)!;
        return (tuple.Item1, tuple.Item2);
    }

    private static double Invoke(Type type, string method, params object[] arguments) =>
        (double)type.GetMethod(method, BindingFlags.Public | BindingFlags.Static)!.Invoke(null, arguments)!;

    private static void AssertClose(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");

    private static double[,] Identity() => new double[,] { { 1, 0 }, { 0, 1 } };

    private static double[,] Multiply(double[,] left, double[,] right)
    {
        var product = new double[2, 2];
        for (int r = 0; r < 2; r++)
        {
            for (int c = 0; c < 2; c++)
            {
                product[r, c] = left[r, 0] * right[0, c] + left[r, 1] * right[1, c];
            }
        }

        return product;
    }
}
