using SymbolicDiff;

namespace SymbolicDiff.Benchmarks.AdBench;

public static partial class AdBenchObjectives
{
    /// <summary>
    /// GradBench's <c>llsq</c> (cpp/gradbench/evals/llsq.hpp): fit a polynomial with coefficients <paramref name="x"/>
    /// to the sign function at n points tᵢ = −1 + 2i/(n − 1); the objective is ½ Σᵢ (sign(tᵢ) − Σⱼ xⱼ tᵢʲ)².
    /// </summary>
    [Differentiable(nameof(x))]
    public static double LinearLeastSquares(ReadOnlySpan<double> x, int n)
    {
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double t = -1.0 + i * 2.0 / (n - 1);
            double residual = Math.Sign(t);
            for (int j = 0; j < x.Length; j++)
            {
                residual -= x[j] * Math.Pow(t, j);
            }

            sum += residual * residual;
        }

        return sum / 2;
    }
}
