using SymbolicDiff;

namespace SymbolicDiff.Benchmarks.AdBench;

public static partial class AdBenchObjectives
{
    /// <summary>
    /// A simplified hand tracking objective, after ADBench's (microsoft/ADBench src/cpp/shared/hand.h): a planar
    /// skeleton of bones, each with a parent (<paramref name="parents"/>, parents before children, bone 0 the root)
    /// and a length, posed by <paramref name="pose"/> = (root x, root y, one angle per bone relative to its parent);
    /// each mesh vertex is attached rigidly to one bone (<paramref name="vertexBones"/>) at a local offset
    /// (<paramref name="offsets"/>, x and y), and the objective is the sum of squared distances of the posed vertices
    /// to the observed points (<paramref name="targets"/>). Where ADBench's differs: 3-D with Euler-angle joints and
    /// a 4 × 4 transform per bone, linear-blend skinning of each vertex by weights over all bones, a global scale and
    /// rotation, and residuals (a Jacobian) rather than their squared sum.
    /// </summary>
    [Differentiable(nameof(pose))]
    public static double HandTracking(
        ReadOnlySpan<double> pose, ReadOnlySpan<int> parents, ReadOnlySpan<double> lengths,
        ReadOnlySpan<int> vertexBones, ReadOnlySpan<double> offsets, ReadOnlySpan<double> targets)
    {
        int bones = lengths.Length;
        Span<double> angle = stackalloc double[bones];
        Span<double> originX = stackalloc double[bones];
        Span<double> originY = stackalloc double[bones];
        angle[0] = pose[2];
        originX[0] = pose[0];
        originY[0] = pose[1];
        for (int j = 1; j < bones; j++)
        {
            int parent = parents[j];
            angle[j] = angle[parent] + pose[2 + j];
            originX[j] = originX[parent] + lengths[parent] * Math.Cos(angle[parent]);
            originY[j] = originY[parent] + lengths[parent] * Math.Sin(angle[parent]);
        }

        double total = 0;
        for (int v = 0; v < vertexBones.Length; v++)
        {
            int bone = vertexBones[v];
            double cos = Math.Cos(angle[bone]);
            double sin = Math.Sin(angle[bone]);
            double x = originX[bone] + cos * offsets[2 * v] - sin * offsets[2 * v + 1];
            double y = originY[bone] + sin * offsets[2 * v] + cos * offsets[2 * v + 1];
            double dx = x - targets[2 * v];
            double dy = y - targets[2 * v + 1];
            total += dx * dx + dy * dy;
        }

        return total;
    }
}
