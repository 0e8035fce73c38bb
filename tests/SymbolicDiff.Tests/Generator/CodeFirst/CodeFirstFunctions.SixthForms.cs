using System.Numerics.Tensors;

namespace SymbolicDiff.Tests.Generator.CodeFirst;

/// <summary>
/// The sixth round of forms people write first: the reductions of System.Numerics.Tensors' TensorPrimitives (Dot, Sum,
/// Norm, Max, Min, SumOfMagnitudes, Product) and LINQ's Sum, Average, Max and Min with a one-parameter selector, each
/// lowered to its loop; Math.IEEERemainder and Math.Floor; a ReadOnlySpan slice of an array buffer (<c>h.AsSpan(1, 1)</c>).
/// </summary>
public static partial class CodeFirstFunctions
{
    /// <summary>a·Σx² (the dot product of x and h = a·x) + a²·Σx + |x|.</summary>
    [Differentiable(SecondOrder = true)]
    public static double TensorReductions(ReadOnlySpan<double> x, double a)
    {
        Span<double> h = stackalloc double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            h[i] = a * x[i];
        }

        return TensorPrimitives.Dot(x, h) + TensorPrimitives.Sum(x) * a * a + TensorPrimitives.Norm(x);
    }

    /// <summary>a·max x − min x + a·Σ|x| + Πx; TensorPrimitives throws for an empty x, and so does every generated method.</summary>
    [Differentiable(SecondOrder = true)]
    public static double TensorExtremes(ReadOnlySpan<double> x, double a) =>
        TensorPrimitives.Max(x) * a - TensorPrimitives.Min(x) + TensorPrimitives.SumOfMagnitudes(x) * a + TensorPrimitives.Product(x);

    /// <summary>With h = a·x: Σh² + Σe^h + a·mean h + max h − min x.</summary>
    [Differentiable(SecondOrder = true)]
    public static double LinqReductions(ReadOnlySpan<double> x, double a)
    {
        double[] h = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            h[i] = x[i] * a;
        }

        return h.Sum(v => v * v) + h.Select(v => Math.Exp(v)).Sum() + h.Average() * a + h.Max() - x.ToArray().Min();
    }

    /// <summary>Σ (IEEERemainder(a·xᵢ, 3) + IEEERemainder(xᵢ, a)) + ⌊x0⌋·a + t0² with t = h.AsSpan(1, 1) of a copy h of x.</summary>
    [Differentiable(SecondOrder = true)]
    public static double Remainders(ReadOnlySpan<double> x, double a)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += Math.IEEERemainder(x[i] * a, 3) + Math.IEEERemainder(x[i], a);
        }

        double[] h = new double[x.Length];
        x.CopyTo(h);
        ReadOnlySpan<double> t = h.AsSpan(1, 1);
        return s + Math.Floor(x[0]) * a + t[0] * t[0];
    }
}
