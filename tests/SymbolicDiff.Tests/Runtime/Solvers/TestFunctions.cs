namespace SymbolicDiff.Tests.Runtime.Solvers;

/// <summary>Objectives with known minima, their gradients and Hessian-vector products written out by hand.</summary>
public static partial class TestFunctions
{
    /// <summary>f = 100(y − x²)² + (1 − x)², minimum 0 at (1, 1).</summary>
    public static double Rosenbrock(ReadOnlySpan<double> p, Span<double> g)
    {
        double a = p[1] - p[0] * p[0], b = 1 - p[0];
        g[0] = -400 * a * p[0] - 2 * b;
        g[1] = 200 * a;
        return 100 * a * a + b * b;
    }

    /// <summary>∇²f·v for <see cref="Rosenbrock"/>: ∇²f = [[1200x² − 400y + 2, −400x], [−400x, 200]].</summary>
    public static void RosenbrockHessianTimes(ReadOnlySpan<double> p, ReadOnlySpan<double> v, Span<double> hv)
    {
        double hxx = 1200 * p[0] * p[0] - 400 * p[1] + 2, hxy = -400 * p[0];
        hv[0] = hxx * v[0] + hxy * v[1];
        hv[1] = hxy * v[0] + 200 * v[1];
    }

    /// <summary>Σ over pairs (x₂ᵢ, x₂ᵢ₊₁) of the 2-D Rosenbrock function: minimum 0 at all ones.</summary>
    public static double ExtendedRosenbrock(ReadOnlySpan<double> p, Span<double> g)
    {
        double f = 0;
        for (int i = 0; i < p.Length; i += 2)
        {
            f += Rosenbrock(p.Slice(i, 2), g.Slice(i, 2));
        }

        return f;
    }

    /// <summary>The Hessian-vector product of <see cref="ExtendedRosenbrock"/>: block diagonal, one 2 × 2 block per pair.</summary>
    public static void ExtendedRosenbrockHessianTimes(ReadOnlySpan<double> p, ReadOnlySpan<double> v, Span<double> hv)
    {
        for (int i = 0; i < p.Length; i += 2)
        {
            RosenbrockHessianTimes(p.Slice(i, 2), v.Slice(i, 2), hv.Slice(i, 2));
        }
    }

    /// <summary>f = ½xᵀAx − bᵀx with A = [[4, 1, 0], [1, 3, 1], [0, 1, 2]], b = (1, 2, 3).</summary>
    public static double Quadratic(ReadOnlySpan<double> x, Span<double> g)
    {
        g[0] = 4 * x[0] + x[1] - 1;
        g[1] = x[0] + 3 * x[1] + x[2] - 2;
        g[2] = x[1] + 2 * x[2] - 3;
        return 0.5 * (x[0] * (4 * x[0] + x[1]) + x[1] * (x[0] + 3 * x[1] + x[2]) + x[2] * (x[1] + 2 * x[2])) - x[0] - 2 * x[1] - 3 * x[2];
    }

    /// <summary>
    /// The same Rosenbrock sum, as a [Differentiable] method over a span, so the generator writes
    /// <c>RosenbrockSumWithGradient(x, dX)</c>.
    /// </summary>
    [Differentiable]
    public static double RosenbrockSum(ReadOnlySpan<double> x)
    {
        double f = 0;
        for (int k = 0; k < x.Length / 2; k++)
        {
            double a = x[2 * k + 1] - x[2 * k] * x[2 * k];
            double b = 1 - x[2 * k];
            f += 100 * a * a + b * b;
        }

        return f;
    }
}
