using SymbolicDiff;

namespace SymbolicDiff.Benchmarks.AdBench;

public static partial class AdBenchObjectives
{
    /// <summary>
    /// GradBench's <c>lse</c> (cpp/gradbench/evals/lse.hpp): log Σ exp(xᵢ), shifted by the largest element so that
    /// no exponential overflows.
    /// </summary>
    [Differentiable]
    public static double LogSumExp(ReadOnlySpan<double> x)
    {
        double max = x[0];
        for (int i = 1; i < x.Length; i++)
        {
            max = Math.Max(max, x[i]);
        }

        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += Math.Exp(x[i] - max);
        }

        return Math.Log(sum) + max;
    }
}
