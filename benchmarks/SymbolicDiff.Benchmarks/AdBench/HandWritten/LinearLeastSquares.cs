using SymbolicDiff.Runtime;
namespace SymbolicDiff.Benchmarks.AdBench;

public static partial class AdBenchHandWritten
{
    /// <summary>
    /// ∂/∂xⱼ ½ Σᵢ rᵢ² = −Σᵢ rᵢ tᵢʲ with rᵢ = sign(tᵢ) − Σₗ xₗ tᵢˡ (GradBench tools/manual/llsq.cpp: residuals
    /// first, then one sum per coefficient, with pow as the objective). Here the two passes are fused per point,
    /// so no buffer of residuals is needed.
    /// </summary>
    public static double LinearLeastSquares(ReadOnlySpan<double> x, int n, Span<double> dX)
    {
        Zeroing.Clear(dX);
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
            for (int j = 0; j < x.Length; j++)
            {
                dX[j] -= residual * Math.Pow(t, j);
            }
        }

        return sum / 2;
    }
}
