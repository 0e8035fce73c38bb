namespace SymbolicDiff.Tests.Generator.Nested;

/// <summary>
/// Nested differentiation in float: a float method reading a float callee's generated gradient is differentiated through
/// the callee's float Hessian (<c>FWithHessian</c> into <c>Span&lt;float&gt;</c>). Checked against derivatives worked out
/// by hand and against central differences of a double twin, at float tolerances.
/// </summary>
public class FloatNestedGradientTests
{
    private const string Source = """
        using System;
        using SymbolicDiff;

        public static partial class Curvature
        {
            [Differentiable(SecondOrder = true)]
            public static float F(float x, float y) => x * x * x * y + MathF.Sin(x) * y * y;

            [Differentiable]
            public static float Gx(float x, float y) => FWithGradient(x, y).X;

            [Differentiable(SecondOrder = true)]
            public static double FTwin(double x, double y) => x * x * x * y + Math.Sin(x) * y * y;

            public static double GxTwin(double x, double y) => FTwinWithGradient(x, y).X;

            [Differentiable(SecondOrder = true)]
            public static float Potential(float x, float k) => 0.5f * k * x * x;

            [Differentiable(nameof(k))]
            public static float FinalPosition(float x0, float v0, float k, float dt, int steps)
            {
                float x = x0;
                float v = v0;
                for (int i = 0; i < steps; i++)
                {
                    var g = PotentialWithGradient(x, k);
                    x += dt * v;
                    v -= dt * g.X;
                }

                return x;
            }

            public static double FinalPositionTwin(double x0, double v0, double k, double dt, int steps)
            {
                double x = x0;
                double v = v0;
                for (int i = 0; i < steps; i++)
                {
                    double force = k * x;
                    x += dt * v;
                    v -= dt * force;
                }

                return x;
            }
        }
        """;

    private static double Relative(double expected, double actual) => Math.Abs(expected - actual) / Math.Max(1.0, Math.Abs(expected));

    [Fact]
    public void A_float_gradient_entrys_gradient_is_a_row_of_the_float_Hessian()
    {
        var run = GeneratorHarness.Run(Source).ShouldSucceed();
        Assert.Contains("global::System.Span<float> fHessian = stackalloc float[4];", run.Source("Curvature.Gx.g.cs"));
        var type = run.Load().GetType("Curvature")!;
        var gradient = type.GetMethod("GxWithGradient")!;
        var twin = type.GetMethod("GxTwin")!;
        foreach (var (x, y) in new[] { (0.7f, -1.3f), (1.5f, 0.4f), (-0.6f, 2.2f) })
        {
            object result = gradient.Invoke(null, new object[] { x, y })!;
            double dx = (float)result.GetType().GetProperty("X")!.GetValue(result)!;
            double dy = (float)result.GetType().GetProperty("Y")!.GetValue(result)!;

            // ∂F/∂x = 3x²y + cos(x)·y², so its gradient is (6xy − sin(x)·y², 3x² + 2cos(x)·y).
            Assert.True(Relative(6.0 * x * y - Math.Sin(x) * y * y, dx) < 2e-5, $"∂²F/∂x² {dx}");
            Assert.True(Relative(3.0 * x * x + 2 * Math.Cos(x) * y, dy) < 2e-5, $"∂²F/∂x∂y {dy}");

            const double h = 1e-5;
            double Twin(double a, double b) => (double)twin.Invoke(null, new object[] { a, b })!;
            Assert.True(Relative((Twin(x + h, y) - Twin(x - h, y)) / (2 * h), dx) < 2e-5, "∂/∂x against central differences of the double twin");
            Assert.True(Relative((Twin(x, y + h) - Twin(x, y - h)) / (2 * h), dy) < 2e-5, "∂/∂y against central differences of the double twin");
        }
    }

    [Fact]
    public void A_float_particle_is_differentiated_through_the_float_force()
    {
        var run = GeneratorHarness.Run(Source).ShouldSucceed();
        var type = run.Load().GetType("Curvature")!;
        object result = type.GetMethod("FinalPositionWithGradient")!.Invoke(null, new object[] { 1.0f, 0.0f, 2.0f, 0.1f, 25 })!;
        double dk = (float)result.GetType().GetProperty("K")!.GetValue(result)!;

        // The recurrence is linear, (x, v) ← A (x, v) with A = [[1, dt], [−k·dt, 1]]: dx_N/dk = e₁ᵀ Σⱼ Aʲ (dA/dk) Aᴺ⁻¹⁻ʲ s₀.
        const double k = 2.0, dt = 0.1;
        const int n = 25;
        static double[,] Times(double[,] p, double[,] q) => new[,]
        {
            { p[0, 0] * q[0, 0] + p[0, 1] * q[1, 0], p[0, 0] * q[0, 1] + p[0, 1] * q[1, 1] },
            { p[1, 0] * q[0, 0] + p[1, 1] * q[1, 0], p[1, 0] * q[0, 1] + p[1, 1] * q[1, 1] },
        };
        var a = new[,] { { 1.0, dt }, { -k * dt, 1.0 } };
        var dA = new[,] { { 0.0, 0.0 }, { -dt, 0.0 } };
        var powers = new double[n + 1][,];
        powers[0] = new[,] { { 1.0, 0.0 }, { 0.0, 1.0 } };
        for (int j = 1; j <= n; j++)
        {
            powers[j] = Times(powers[j - 1], a);
        }

        double byHand = 0;
        for (int j = 0; j < n; j++)
        {
            byHand += Times(Times(powers[j], dA), powers[n - 1 - j])[0, 0]; // s₀ = (1, 0)
        }

        var twin = type.GetMethod("FinalPositionTwin")!;
        const double h = 1e-6;
        double central = ((double)twin.Invoke(null, new object[] { 1.0, 0.0, k + h, dt, n })! - (double)twin.Invoke(null, new object[] { 1.0, 0.0, k - h, dt, n })!) / (2 * h);
        Assert.True(Relative(byHand, dk) < 1e-4, $"dx/dk {dk}, by hand {byHand}");
        Assert.True(Relative(central, dk) < 1e-4, $"dx/dk {dk}, central differences of the double twin {central}");
    }

    [Fact]
    public void A_double_method_reading_a_float_callees_gradient_is_still_SD0020()
    {
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;

            public static partial class Mixed
            {
                [Differentiable(SecondOrder = true)]
                public static float Square(float x) => x * x;

                [Differentiable]
                public static double Slope(double x) => SquareWithGradient((float)x).X;
            }
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "SD0020");
        Assert.Contains("a method that is not all double, called in a double method", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }
}
