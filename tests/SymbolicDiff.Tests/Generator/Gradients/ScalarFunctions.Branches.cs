namespace SymbolicDiff.Tests.Generator.Gradients;

/// <summary>Branches: if/else, ?:, comparisons with &amp;&amp;, || and !, bool locals, early returns.</summary>
public static partial class ScalarFunctions
{
    [Differentiable]
    public static double PiecewiseQuadratic(double x, double y)
    {
        double r;
        if (x > 0.3)
        {
            r = x * x * y;
        }
        else
        {
            r = -x * y + 0.09 * y;
        }

        return r + y;
    }

    [Differentiable]
    public static double NestedBranchesWithReassignment(double x, double y)
    {
        double s = x + y;
        if (x > 0 && y > -1)
        {
            s *= 2;
            if (!(y < 0.5) || x > 1.5)
            {
                s = Math.Sin(s) * x;
            }
        }
        else if (x < -1)
        {
            s = Math.Exp(s * y);
        }

        return s * s;
    }

    [Differentiable]
    public static double TernaryAndBoolLocal(double x, double y)
    {
        bool bigX = x > y;
        double m = bigX ? x * 3 : Math.Cos(y);
        bool both = bigX || y > 1.2;
        return (both ? m * y : m - y) + (x < 0 ? -x : x);
    }

    [Differentiable]
    public static double EarlyReturns(double x, double y)
    {
        if (x < -1.2)
        {
            return y * y;
        }

        double t = x * y;
        if (t > 1)
        {
            return Math.Log(t);
        }

        return t * t + x;
    }

    [Differentiable]
    public static double EveryPathReturnsInABranch(double x)
    {
        if (x > 0.5)
        {
            return Math.Sqrt(x);
        }
        else
        {
            return x * x;
        }
    }
}
