using SymbolicDiff.Runtime;
namespace SymbolicDiff.Benchmarks.AdBench;

public static partial class AdBenchHandWritten
{
    /// <summary>
    /// ∂/∂cⱼ Σᵢ minⱼ ‖pᵢ − cⱼ‖² = 2 (|Sⱼ| cⱼ − Σ_{i∈Sⱼ} pᵢ), Sⱼ the points whose nearest centroid is cⱼ. GradBench
    /// (tools/manual/kmeans_d.cpp) gathers the same cluster sizes and sums and returns them as a Newton direction
    /// (the gradient divided by the Hessian's diagonal 2|Sⱼ|); here they give the gradient.
    /// </summary>
    public static double KMeansCost(ReadOnlySpan<double> points, ReadOnlySpan<double> centroids, int d, Span<double> dCentroids)
    {
        int n = points.Length / d;
        int k = centroids.Length / d;
        Span<int> clusterSize = k <= 256 ? stackalloc int[k] : new int[k];
        Zeroing.Clear(clusterSize);
        Zeroing.Clear(dCentroids);
        double cost = 0;
        for (int i = 0; i < n; i++)
        {
            double closest = double.PositiveInfinity;
            int nearest = 0;
            for (int j = 0; j < k; j++)
            {
                double distance = 0;
                for (int l = 0; l < d; l++)
                {
                    double difference = points[i * d + l] - centroids[j * d + l];
                    distance += difference * difference;
                }

                if (distance < closest)
                {
                    closest = distance;
                    nearest = j;
                }
            }

            cost += closest;
            clusterSize[nearest]++;
            for (int l = 0; l < d; l++)
            {
                dCentroids[nearest * d + l] -= 2 * points[i * d + l];
            }
        }

        for (int j = 0; j < k; j++)
        {
            for (int l = 0; l < d; l++)
            {
                dCentroids[j * d + l] += 2 * clusterSize[j] * centroids[j * d + l];
            }
        }

        return cost;
    }
}
