namespace SymbolicDiff.Benchmarks.AdBench;

public static partial class AdBenchHandWritten
{
    /// <summary>
    /// ∂ lse(x)/∂xᵢ = exp(xᵢ − lse(x)), the softmax (GradBench tools/manual/lse.cpp computes the same). Each
    /// exp(xᵢ − max) is computed once, into the gradient, and scaled by 1/Σ at the end.
    /// </summary>
    public static double LogSumExp(ReadOnlySpan<double> x, Span<double> dX)
    {
        double max = x[0];
        for (int i = 1; i < x.Length; i++)
        {
            max = Math.Max(max, x[i]);
        }

        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double e = Math.Exp(x[i] - max);
            dX[i] = e;
            sum += e;
        }

        double inverse = 1 / sum;
        for (int i = 0; i < x.Length; i++)
        {
            dX[i] *= inverse;
        }

        return Math.Log(sum) + max;
    }
}
