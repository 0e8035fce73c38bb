using SymbolicDiff;

namespace SymbolicDiff.Benchmarks.AdBench;

public static partial class AdBenchObjectives
{
    /// <summary>
    /// GradBench's <c>kmeans</c> cost (cpp/gradbench/evals/kmeans.hpp): Σᵢ minⱼ ‖pᵢ − cⱼ‖², the squared distance of each
    /// point to its nearest centroid, points and centroids row-major with <paramref name="d"/> coordinates each.
    /// (GradBench then asks for a Newton direction, gradient over Hessian diagonal; here the gradient is the quantity.)
    /// </summary>
    [Differentiable(nameof(centroids))]
    public static double KMeansCost(ReadOnlySpan<double> points, ReadOnlySpan<double> centroids, int d)
    {
        int n = points.Length / d;
        int k = centroids.Length / d;
        double cost = 0;
        for (int i = 0; i < n; i++)
        {
            double closest = double.PositiveInfinity;
            for (int j = 0; j < k; j++)
            {
                double distance = 0;
                for (int l = 0; l < d; l++)
                {
                    double difference = points[i * d + l] - centroids[j * d + l];
                    distance += difference * difference;
                }

                closest = Math.Min(closest, distance);
            }

            cost += closest;
        }

        return cost;
    }
}
