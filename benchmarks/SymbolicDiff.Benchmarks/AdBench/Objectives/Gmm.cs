using SymbolicDiff;

namespace SymbolicDiff.Benchmarks.AdBench;

public static partial class AdBenchObjectives
{
    /// <summary>
    /// ADBench's Gaussian mixture objective (microsoft/ADBench src/cpp/shared/gmm.h, as GradBench's
    /// cpp/gradbench/evals/gmm.hpp lays out its arguments): the negative log-likelihood of n points in d dimensions
    /// under k components with weights softmax(<paramref name="alpha"/>), means <paramref name="mu"/> (k × d) and
    /// inverse-covariance Cholesky factors Qₖ = diag(exp(<paramref name="q"/>ₖ)) + Lₖ, the strictly lower part
    /// <paramref name="l"/>ₖ packed column by column (d(d − 1)/2 each), plus the Wishart prior with
    /// <paramref name="gamma"/> and <paramref name="m"/>. As ADBench's: Σᵢ logsumexpₖ(αₖ + Σⱼ qₖⱼ − ½‖Qₖ(xᵢ − μₖ)‖²)
    /// − n logsumexp(α) − n d ½ log 2π + Σₖ (½γ²(‖exp(qₖ)‖² + ‖lₖ‖²) − m Σⱼ qₖⱼ) taken negatively, plus k·C; C's
    /// log Γ_d term is left out (a constant, with no derivative, and .NET has no log-gamma).
    /// </summary>
    [Differentiable(nameof(alpha), nameof(mu), nameof(q), nameof(l))]
    public static double GmmObjective(
        ReadOnlySpan<double> alpha, ReadOnlySpan<double> mu, ReadOnlySpan<double> q, ReadOnlySpan<double> l,
        ReadOnlySpan<double> x, double gamma, int m)
    {
        int k = alpha.Length;
        int d = mu.Length / k;
        int n = x.Length / d;
        int lSize = d * (d - 1) / 2;
        Span<double> centered = stackalloc double[d];
        Span<double> qTimesCentered = stackalloc double[d];
        Span<double> mainTerm = stackalloc double[k];
        Span<double> qDiagonal = stackalloc double[k * d];
        Span<double> sumQ = stackalloc double[k];

        // As ADBench: the diagonals exp(q) and the sums Σⱼ qₖⱼ once, before the points.
        for (int ik = 0; ik < k; ik++)
        {
            for (int j = 0; j < d; j++)
            {
                qDiagonal[ik * d + j] = Math.Exp(q[ik * d + j]);
                sumQ[ik] += q[ik * d + j];
            }
        }

        double sumLogSumExp = 0;
        for (int ix = 0; ix < n; ix++)
        {
            for (int ik = 0; ik < k; ik++)
            {
                for (int j = 0; j < d; j++)
                {
                    centered[j] = x[ix * d + j] - mu[ik * d + j];
                    qTimesCentered[j] = qDiagonal[ik * d + j] * centered[j];
                }

                // ADBench steps a running index into l (Lparamsidx++); the generator takes an int stepped in a loop
                // only when it is declared before all loops and never reset (SD0004), so the packed index of
                // column i, row j is computed instead: the columns before i hold Σ_{c<i} (d − 1 − c) entries.
                for (int i = 0; i < d; i++)
                {
                    int column = ik * lSize + i * (2 * d - i - 1) / 2 - i - 1;
                    for (int j = i + 1; j < d; j++)
                    {
                        qTimesCentered[j] += l[column + j] * centered[i];
                    }
                }

                double squaredNorm = 0;
                for (int j = 0; j < d; j++)
                {
                    squaredNorm += qTimesCentered[j] * qTimesCentered[j];
                }

                mainTerm[ik] = alpha[ik] + sumQ[ik] - 0.5 * squaredNorm;
            }

            double max = mainTerm[0];
            for (int ik = 1; ik < k; ik++)
            {
                max = Math.Max(max, mainTerm[ik]);
            }

            double sumExp = 0;
            for (int ik = 0; ik < k; ik++)
            {
                sumExp += Math.Exp(mainTerm[ik] - max);
            }

            sumLogSumExp += Math.Log(sumExp) + max;
        }

        double maxAlpha = alpha[0];
        for (int ik = 1; ik < k; ik++)
        {
            maxAlpha = Math.Max(maxAlpha, alpha[ik]);
        }

        double sumExpAlpha = 0;
        for (int ik = 0; ik < k; ik++)
        {
            sumExpAlpha += Math.Exp(alpha[ik] - maxAlpha);
        }

        double logSumExpAlpha = Math.Log(sumExpAlpha) + maxAlpha;

        double prior = 0;
        for (int ik = 0; ik < k; ik++)
        {
            double frobenius = 0;
            for (int j = 0; j < d; j++)
            {
                frobenius += qDiagonal[ik * d + j] * qDiagonal[ik * d + j];
            }

            for (int j = 0; j < lSize; j++)
            {
                frobenius += l[ik * lSize + j] * l[ik * lSize + j];
            }

            prior += 0.5 * gamma * gamma * frobenius - m * sumQ[ik];
        }

        int wishartN = d + m + 1;
        double priorConstant = wishartN * d * (Math.Log(gamma) - 0.5 * Math.Log(2));
        double constant = -n * d * 0.5 * Math.Log(2 * Math.PI);
        return constant + sumLogSumExp - n * logSumExpAlpha - prior + k * priorConstant;
    }
}
