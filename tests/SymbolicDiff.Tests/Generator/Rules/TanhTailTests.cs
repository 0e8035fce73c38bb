using System.Globalization;

namespace SymbolicDiff.Tests.Generator.Rules;

/// <summary>
/// tanh′(x) in the tails. The generator's rule was 1 − tanh²: its relative error grows like e<sup>2|x|</sup> and it is
/// 0 from |x| ≈ 19, where tanh rounds to ±1, although the derivative 4/(eˣ + e⁻ˣ)² is a normal double up to
/// |x| ≈ 354.9. The generated gradient, and the runtime's <see cref="Activations.TanhDerivative(double, double)"/>,
/// must now be within 2·10⁻¹⁵ relative (about 9 ulps) of an independent reference across that range, and agree with
/// finite differences taken where they do not cancel. Since 2026-12-01 the generated rule is a call of that runtime
/// function (before, it wrote out 2(1 + |tanh x|)/(e<sup>2|x|</sup> + 1) in the tail, which differs from the runtime's
/// 4e/(1 + e)² by an ulp at some of the points below): one tanh derivative, and a loop that calls it compiles to faster
/// code than one holding the conditional (docs/performance.md). Its second derivative comes from the runtime function's
/// own [Derivative]s, checked here against the closed form and central differences of the gradient.
/// </summary>
public class TanhTailTests
{
    private static readonly double[] Points =
    {
        0, 1e-3, 0.5, 0.999, 1, 1.001, 1.5, 2, 5, 10, 18.5, 19, 20, 37.5, 50, 100, 200, 300, 350, 354,
    };

    public static IEnumerable<object[]> SignedPoints() => Points.SelectMany(x => x == 0 ? new[] { x } : new[] { x, -x }).Select(x => new object[] { x });

    /// <summary>
    /// The reference, computed from the exponentials directly: tanh′(x) = sech²(x) = 4/(eˣ + e⁻ˣ)². Each exponential is
    /// within an ulp, the sum adds a positive tiny term to a large one, so the whole is within a few ulps; for
    /// |x| ≤ 354, e^|x| ≤ 10¹⁵⁴ and the square does not overflow.
    /// </summary>
    private static double Reference(double x)
    {
        double sum = Math.Exp(Math.Abs(x)) + Math.Exp(-Math.Abs(x));
        return 4 / (sum * sum);
    }

    /// <summary>
    /// A central difference that does not cancel in the tails: tanh′ is even, and for t ≥ 0 it is −d/dt (1 − tanh t),
    /// where 1 − tanh t = 2/(1 + e²ᵗ) is computed without subtracting nearly equal numbers. Near 0, the plain central
    /// difference of Math.Tanh.
    /// </summary>
    private static double FiniteDifference(double x)
    {
        double t = Math.Abs(x);
        double h = 1e-6 * Math.Max(1, t);
        if (t < 1)
        {
            return (Math.Tanh(x + h) - Math.Tanh(x - h)) / (2 * h);
        }

        static double OneMinusTanh(double u) => 2 / (1 + Math.Exp(2 * u));
        return -(OneMinusTanh(t + h) - OneMinusTanh(t - h)) / (2 * h);
    }

    private static readonly Lazy<Func<double, double>> GeneratedDerivative = new(() =>
    {
        var type = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class T
            {
                [Differentiable]
                public static double F(double x) => Math.Tanh(x);
            }
            """).ShouldSucceed().Load().GetType("T")!;
        var method = type.GetMethod("FWithGradient")!;
        return x =>
        {
            object gradient = method.Invoke(null, new object[] { x })!;
            return (double)gradient.GetType().GetProperty("X")!.GetValue(gradient)!;
        };
    });

    private static void AssertAccurate(string what, double x, double actual)
    {
        double reference = Reference(x);
        Assert.True(reference > 0 && double.IsNormal(reference), $"the reference at {x} is {reference}");
        double relative = Math.Abs(actual - reference) / reference;
        Assert.True(
            relative <= 2e-15,
            $"{what} at x = {x.ToString("R", CultureInfo.InvariantCulture)}: {actual:R}, reference 4/(eˣ + e⁻ˣ)² = {reference:R}, relative error {relative:E2}");

        double finiteDifference = FiniteDifference(x);
        Assert.True(
            Math.Abs(actual - finiteDifference) <= 1e-6 * finiteDifference,
            $"{what} at x = {x.ToString("R", CultureInfo.InvariantCulture)}: {actual:R}, finite difference {finiteDifference:R}");
    }

    [Theory]
    [MemberData(nameof(SignedPoints))]
    public void The_generated_derivative_of_Math_Tanh_is_accurate_across_the_range(double x) =>
        AssertAccurate("the generated ∂tanh(x)/∂x", x, GeneratedDerivative.Value(x));

    [Theory]
    [MemberData(nameof(SignedPoints))]
    public void The_runtimes_Tanh_derivative_is_accurate_across_the_range(double x) =>
        AssertAccurate("Activations.TanhDerivative", x, Activations.TanhDerivative(x, Activations.Tanh(x)));

    [Theory]
    [MemberData(nameof(SignedPoints))]
    public void The_generated_derivative_of_Math_Tanh_is_the_runtimes_TanhDerivative_bit_for_bit(double x) =>
        Assert.Equal(
            BitConverter.DoubleToInt64Bits(Activations.TanhDerivative(x, Math.Tanh(x))),
            BitConverter.DoubleToInt64Bits(GeneratedDerivative.Value(x)));

    [Fact]
    public void The_second_derivative_of_Math_Tanh_is_right_on_both_sides_of_the_tails_boundary()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class T
            {
                [Differentiable(SecondOrder = true)]
                public static double F(double x, double y) => Math.Tanh(x * y);
            }
            """).ShouldSucceed();
        var harness = new SymbolicDiff.Tests.Generator.SecondOrder.HessianHarness(run, "T", "F");
        // u = xy, t = tanh u, s = 1 − t² = sech² u, tanh'' = −2ts. f_x = s·y, f_y = s·x;
        // f_xx = −2ts·y², f_xy = s − 2ts·xy, f_yy = −2ts·x². |u| from 0.35 (1 − t² from the value) to 12 (the tail).
        foreach (var (x, y) in new[] { (0.7, 0.5), (-0.9, 1.1), (1.5, 1.2), (3.0, -1.0), (4.0, 3.0) })
        {
            double u = x * y, t = Math.Tanh(u), sech = 1 / Math.Cosh(u), s = sech * sech;
            var byHand = new[,] { { -2 * t * s * y * y, s - 2 * t * s * x * y }, { s - 2 * t * s * x * y, -2 * t * s * x * x } };
            harness.Check(new[] { x, y }, new[] { 0, 1 }, byHand);
        }
    }

    [Fact]
    public void Past_the_normal_range_and_at_the_edges_the_generated_derivative_is_zero_or_NaN_as_the_math_says()
    {
        // Beyond |x| ≈ 355 the derivative is below the smallest normal double: 0 (or a subnormal), never negative or NaN.
        foreach (double x in new[] { 355.5, 400.0, 1e300, double.PositiveInfinity, double.NegativeInfinity })
        {
            double d = GeneratedDerivative.Value(x);
            Assert.True(d >= 0 && d < 2.3e-308, $"∂tanh/∂x at {x} = {d}");
        }

        Assert.True(double.IsNaN(GeneratedDerivative.Value(double.NaN)));
        Assert.Equal(1.0, GeneratedDerivative.Value(0.0));
    }

    [Fact]
    public void A_float_method_gets_tanh_derivatives_accurate_to_float_in_the_tails()
    {
        var type = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class T
            {
                [Differentiable]
                public static float F(float x) => MathF.Tanh(x);
            }
            """).ShouldSucceed().Load().GetType("T")!;
        var method = type.GetMethod("FWithGradient")!;
        // In float, 1 − tanh² is 0 from |x| ≈ 9, but the derivative is a normal float up to |x| ≈ 44.
        foreach (float x in new[] { 0.5f, 2f, 9f, 12f, 20f, 30f, 40f, -40f })
        {
            object gradient = method.Invoke(null, new object[] { x })!;
            float actual = (float)gradient.GetType().GetProperty("X")!.GetValue(gradient)!;
            double reference = Reference(x);
            Assert.True(Math.Abs(actual - reference) <= 1e-5 * reference, $"float ∂tanh/∂x at {x}: {actual:R}, reference {reference:R}");
            float runtime = Activations.TanhDerivative(x, Activations.Tanh(x));
            Assert.True(Math.Abs(runtime - reference) <= 1e-6 * reference, $"float Activations.TanhDerivative at {x}: {runtime:R}, reference {reference:R}");
        }
    }
}
