using SymbolicDiff.Solvers;

namespace SymbolicDiff.Tests.Generator.SecondOrder;

/// <summary>The runtime's Newton–CG fed with generated gradients and Hessian-vector products (compiled into this test project by the generator).</summary>
public static partial class SecondOrderObjectives
{
    /// <summary>The extended Rosenbrock function, Σ (1 − xᵢ)² + 100(xᵢ₊₁ − xᵢ²)²: minimum 0 at all ones.</summary>
    [Differentiable(SecondOrder = true)]
    public static double Rosenbrock(ReadOnlySpan<double> x)
    {
        double sum = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double a = 1 - x[i];
            double b = x[i + 1] - x[i] * x[i];
            sum += a * a + 100 * b * b;
        }

        return sum;
    }

    /// <summary>The two-dimensional Rosenbrock function over scalars, for MWithHessian.</summary>
    [Differentiable(SecondOrder = true)]
    public static double Rosenbrock2(double x, double y) => (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
}

public class NewtonCgOnGeneratedProductsTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(10)]
    public void Newton_CG_on_the_generated_Hessian_vector_product_reaches_all_ones(int n)
    {
        var scratchGradient = new double[n];
        var solver = new NewtonCg(n);
        double[] x = Enumerable.Range(0, n).Select(i => i % 2 == 0 ? -1.2 : 1.0).ToArray();
        SolverResult result = solver.Minimize(
            (p, g) => SecondOrderObjectives.RosenbrockWithGradient(p, g),
            (p, v, hv) => SecondOrderObjectives.RosenbrockHessianVectorProduct(p, v, scratchGradient, hv),
            x);

        Assert.True(result.Converged, result.ToString());
        Assert.All(x, xi => Assert.Equal(1, xi, 1e-8));
        Assert.True(result.HessianVectorProducts > 0);
        // Newton steps: a few dozen on the classic start (L-BFGS needs about 35 in 2-D), more in 10-D.
        Assert.True(result.Iterations < (n == 2 ? 60 : 200), result.ToString());
    }

    [Fact]
    public void Newtons_method_on_MWithHessian_reaches_1_1()
    {
        // Plain damped Newton steps on the generated dense Hessian: solve H·s = −∇f (2×2 by hand), halve until f decreases.
        double x = -1.2, y = 1.0;
        for (int iteration = 0; iteration < 100; iteration++)
        {
            var h = SecondOrderObjectives.Rosenbrock2WithHessian(x, y);
            if (Math.Sqrt(h.X * h.X + h.Y * h.Y) < 1e-12)
            {
                break;
            }

            double a = h.Hessian[0, 0], b = h.Hessian[0, 1], d = h.Hessian[1, 1];
            double determinant = a * d - b * b;
            double sx = -(d * h.X - b * h.Y) / determinant, sy = -(a * h.Y - b * h.X) / determinant;
            double t = 1;
            while (SecondOrderObjectives.Rosenbrock2(x + t * sx, y + t * sy) > h.Value && t > 1e-10)
            {
                t /= 2;
            }

            x += t * sx;
            y += t * sy;
        }

        Assert.Equal(1, x, 1e-10);
        Assert.Equal(1, y, 1e-10);
    }
}
