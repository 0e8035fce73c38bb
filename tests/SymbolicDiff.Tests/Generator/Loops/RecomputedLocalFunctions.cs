using System;
using SymbolicDiff;

namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// Real locals a loop declares from a little arithmetic on values the backward sweep still has, declared again in the
/// backward iteration instead of saved at the end of each forward one (LoopDifferentiator.RecomputedLocals.cs).
/// RecomputedLocalTests reads both the code generated at build time and, running this file through the generator, its text.
/// </summary>
public static partial class RecomputedLocalFunctions
{
    /// <summary>
    /// Σᵢ 0.5ⁿ⁻¹⁻ⁱ (xᵢ − cᵢ)², folded as total = total/2 + d²: not a plain sum, so the loop runs backwards after the
    /// forward one, and its backward step reads the difference.
    /// </summary>
    [Differentiable]
    public static double DiscountedSquares(double[] x, double[] c)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double difference = x[i] - c[i];
            total = 0.5 * total + difference * difference;
        }

        return total;
    }

    /// <summary>The same, with respect to c only and with second derivatives: forward mode over the gradient.</summary>
    [Differentiable(nameof(c), SecondOrder = true)]
    public static double DiscountedSquaresOfC(double[] x, double[] c)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double difference = x[i] - c[i];
            total = 0.5 * total + difference * difference;
        }

        return total;
    }

    /// <summary>The Hessian with respect to c into an array (the generated method takes a span).</summary>
    public static double DiscountedSquaresOfCHessianInto(double[] x, double[] c, double[] hessian) => DiscountedSquaresOfCHessian(x, c, hessian);
}
