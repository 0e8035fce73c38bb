using SymbolicDiff.Runtime;
using System.Buffers;

namespace SymbolicDiff.Benchmarks.AdBench;

public static partial class AdBenchHandWritten
{
    /// <summary>
    /// The gradient of <see cref="AdBenchObjectives.GmmObjective"/>, derived as ADBench's manual one
    /// (microsoft/ADBench src/cpp/shared/gmm_d.cpp; GradBench tools/manual/gmm_d.cpp): per point, with
    /// c = xᵢ − μₖ, v = Qₖ c and the component's responsibility wₖ = softmaxₖ(mainₖ), mainₖ = αₖ + Σⱼ qₖⱼ − ½‖v‖²:
    /// ∂/∂αₖ += wₖ; ∂/∂μₖ += wₖ Qₖᵀ v; ∂/∂qₖⱼ += wₖ (1 − vⱼ cⱼ exp(qₖⱼ)); ∂/∂Lₖ[j, i] += −wₖ vⱼ cᵢ.
    /// Then −n softmax(α) for α, and the prior's −(γ² exp(2qₖⱼ) − m) and −γ² lₖ. c and v are kept per component
    /// (2kd values from the array pool) between the forward pass over components and the backward one.
    /// </summary>
    public static double GmmObjective(
        ReadOnlySpan<double> alpha, ReadOnlySpan<double> mu, ReadOnlySpan<double> q, ReadOnlySpan<double> l,
        ReadOnlySpan<double> x, double gamma, int m,
        Span<double> dAlpha, Span<double> dMu, Span<double> dQ, Span<double> dL)
    {
        int k = alpha.Length;
        int d = mu.Length / k;
        int n = x.Length / d;
        int lSize = d * (d - 1) / 2;
        double[] buffer = ArrayPool<double>.Shared.Rent(3 * k * d + 2 * k);
        Span<double> diagonal = buffer.AsSpan(0, k * d);
        Span<double> centered = buffer.AsSpan(k * d, k * d);
        Span<double> transformed = buffer.AsSpan(2 * k * d, k * d);
        Span<double> mainTerm = buffer.AsSpan(3 * k * d, k);
        Span<double> sumQ = buffer.AsSpan(3 * k * d + k, k);

        for (int ik = 0; ik < k; ik++)
        {
            double s = 0;
            for (int j = 0; j < d; j++)
            {
                diagonal[ik * d + j] = Math.Exp(q[ik * d + j]);
                s += q[ik * d + j];
            }

            sumQ[ik] = s;
        }

        Zeroing.Clear(dAlpha);
        Zeroing.Clear(dMu);
        Zeroing.Clear(dQ);
        Zeroing.Clear(dL);
        double sumLogSumExp = 0;
        for (int ix = 0; ix < n; ix++)
        {
            double max = double.NegativeInfinity;
            for (int ik = 0; ik < k; ik++)
            {
                Span<double> c = centered.Slice(ik * d, d);
                Span<double> v = transformed.Slice(ik * d, d);
                for (int j = 0; j < d; j++)
                {
                    c[j] = x[ix * d + j] - mu[ik * d + j];
                    v[j] = diagonal[ik * d + j] * c[j];
                }

                int index = ik * lSize;
                for (int i = 0; i < d; i++)
                {
                    for (int j = i + 1; j < d; j++)
                    {
                        v[j] += l[index++] * c[i];
                    }
                }

                double squaredNorm = 0;
                for (int j = 0; j < d; j++)
                {
                    squaredNorm += v[j] * v[j];
                }

                mainTerm[ik] = alpha[ik] + sumQ[ik] - 0.5 * squaredNorm;
                max = Math.Max(max, mainTerm[ik]);
            }

            double sumExp = 0;
            for (int ik = 0; ik < k; ik++)
            {
                sumExp += Math.Exp(mainTerm[ik] - max);
            }

            double logSumExp = Math.Log(sumExp) + max;
            sumLogSumExp += logSumExp;

            for (int ik = 0; ik < k; ik++)
            {
                double w = Math.Exp(mainTerm[ik] - logSumExp);
                Span<double> c = centered.Slice(ik * d, d);
                Span<double> v = transformed.Slice(ik * d, d);
                dAlpha[ik] += w;
                for (int j = 0; j < d; j++)
                {
                    double qd = diagonal[ik * d + j];
                    dQ[ik * d + j] += w * (1 - v[j] * c[j] * qd);
                    dMu[ik * d + j] += w * qd * v[j];
                }

                int index = ik * lSize;
                for (int i = 0; i < d; i++)
                {
                    double muBar = 0;
                    for (int j = i + 1; j < d; j++)
                    {
                        muBar += l[index] * v[j];
                        dL[index] -= w * v[j] * c[i];
                        index++;
                    }

                    dMu[ik * d + i] += w * muBar;
                }
            }
        }

        double maxAlpha = double.NegativeInfinity;
        for (int ik = 0; ik < k; ik++)
        {
            maxAlpha = Math.Max(maxAlpha, alpha[ik]);
        }

        double sumExpAlpha = 0;
        for (int ik = 0; ik < k; ik++)
        {
            sumExpAlpha += Math.Exp(alpha[ik] - maxAlpha);
        }

        double logSumExpAlpha = Math.Log(sumExpAlpha) + maxAlpha;
        for (int ik = 0; ik < k; ik++)
        {
            dAlpha[ik] -= n * Math.Exp(alpha[ik] - logSumExpAlpha);
        }

        double prior = 0;
        double gammaSquared = gamma * gamma;
        for (int ik = 0; ik < k; ik++)
        {
            double frobenius = 0;
            for (int j = 0; j < d; j++)
            {
                double qd = diagonal[ik * d + j];
                frobenius += qd * qd;
                dQ[ik * d + j] -= gammaSquared * qd * qd - m;
            }

            for (int j = 0; j < lSize; j++)
            {
                double lj = l[ik * lSize + j];
                frobenius += lj * lj;
                dL[ik * lSize + j] -= gammaSquared * lj;
            }

            prior += 0.5 * gammaSquared * frobenius - m * sumQ[ik];
        }

        ArrayPool<double>.Shared.Return(buffer);
        int wishartN = d + m + 1;
        double priorConstant = wishartN * d * (Math.Log(gamma) - 0.5 * Math.Log(2));
        double constant = -n * d * 0.5 * Math.Log(2 * Math.PI);
        return constant + sumLogSumExp - n * logSumExpAlpha - prior + k * priorConstant;
    }
}
