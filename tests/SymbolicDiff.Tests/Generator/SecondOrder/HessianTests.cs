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
}
