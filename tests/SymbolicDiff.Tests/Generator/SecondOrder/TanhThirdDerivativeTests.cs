namespace SymbolicDiff.Tests.Generator.SecondOrder;

/// <summary>
/// Math.Tanh's derivative is a call of <see cref="Activations.TanhDerivative"/>, whose own partials are declared with
/// [Derivative]; a third derivative through tanh must still be generated (ThirdOrder = true) and be exact, on both
/// sides of |u| = 1 where TanhDerivative changes formula. Checked against tanh''' by hand and against central
/// differences of the generated Hessian.
/// </summary>
public class TanhThirdDerivativeTests
{
    private const string Source = """
        using System;
        using SymbolicDiff;

        public static partial class TanhThird
        {
            [Differentiable(ThirdOrder = true)]
            public static double U(double x, double y) => Math.Tanh(x * y);

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
        }
        """;

    [Fact]
    public void The_third_derivatives_of_tanh_of_a_product_match_the_closed_form_and_central_differences()
    {
        var type = GeneratorHarness.Run(Source).ShouldSucceed().Load().GetType("TanhThird")!;
        foreach (var (x, y) in new[] { (0.4, 0.9), (1.5, 1.2), (-2.0, 1.7), (0.8, -3.0) })
        {
            double dx = 0.3, dy = -0.8;
            var all = Call(type, "HessianWithDerivative", x, y, dx, dy);

            // By hand, with u = xy, t = tanh u: t' = 1 − t², t'' = −2t(1 − t²), t''' = (1 − t²)(6t² − 2).
            // U_x = y t', U_xx = y² t'', U_xy = t' + xy t''; the third derivatives:
            // U_xxx = y³ t''', U_xxy = 2y t'' + x y² t''', U_xyy = 2x t'' + x² y t''', U_yyy = x³ t'''.
            double t = Math.Tanh(x * y), d1 = 1 - t * t, d2 = -2 * t * d1, d3 = d1 * (6 * t * t - 2);
            double xxx = y * y * y * d3, xxy = 2 * y * d2 + x * y * y * d3, xyy = 2 * x * d2 + x * x * y * d3, yyy = x * x * x * d3;
            var byHand = new[] { xxx * dx + xxy * dy, xxy * dx + xyy * dy, xxy * dx + xyy * dy, xyy * dx + yyy * dy };

            double h = 1e-5;
            var plus = Call(type, "Hessian", x + h * dx, y + h * dy);
            var minus = Call(type, "Hessian", x - h * dx, y - h * dy);
            for (int i = 0; i < 4; i++)
            {
                double tangent = all[7 + i];
                Assert.True(Math.Abs(byHand[i] - tangent) <= 1e-12 * Math.Max(1, Math.Abs(byHand[i])), $"({x}, {y}) T[{i}]: expected {byHand[i]:R}, got {tangent:R}");
                double central = (plus[3 + i] - minus[3 + i]) / (2 * h);
                Assert.True(Math.Abs(central - tangent) <= 1e-6 * Math.Max(1, Math.Abs(central)), $"({x}, {y}) T[{i}] against central differences: {central:R}, got {tangent:R}");
            }
        }
    }

    private static double[] Call(Type type, string name, params double[] arguments) =>
        (double[])type.GetMethod(name)!.Invoke(null, arguments.Cast<object>().ToArray())!;
}
