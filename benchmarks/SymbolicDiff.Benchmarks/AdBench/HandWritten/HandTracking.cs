using SymbolicDiff.Runtime;
namespace SymbolicDiff.Benchmarks.AdBench;

public static partial class AdBenchHandWritten
{
    /// <summary>
    /// The gradient of the simplified <see cref="AdBenchObjectives.HandTracking"/>. ADBench's manual hand gradient
    /// (microsoft/ADBench src/cpp/shared/hand_d.cpp; GradBench tools/manual/ht_d.cpp) propagates derivatives of the
    /// posed vertices through the bone transforms, children before parents; the same order here: each vertex
    /// adds to its bone's adjoints (origin: the residual 2(p − target); angle: the residual dotted with the
    /// offset rotated by a further quarter turn), and then each bone, from the last to the first, passes its
    /// adjoints to its parent (the child's origin moves with the parent's origin and, through length · (cos, sin),
    /// with the parent's angle; the child's angle adds the parent's).
    /// </summary>
    public static double HandTracking(
        ReadOnlySpan<double> pose, ReadOnlySpan<int> parents, ReadOnlySpan<double> lengths,
        ReadOnlySpan<int> vertexBones, ReadOnlySpan<double> offsets, ReadOnlySpan<double> targets, Span<double> dPose)
    {
        int bones = lengths.Length;
        Span<double> work = bones <= 128 ? stackalloc double[6 * bones] : new double[6 * bones];
        Span<double> angle = work.Slice(0, bones);
        Span<double> originX = work.Slice(bones, bones);
        Span<double> originY = work.Slice(2 * bones, bones);
        Span<double> angleBar = work.Slice(3 * bones, bones);
        Span<double> originXBar = work.Slice(4 * bones, bones);
        Span<double> originYBar = work.Slice(5 * bones, bones);
        Zeroing.Clear(angleBar);
        Zeroing.Clear(originXBar);
        Zeroing.Clear(originYBar);
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
            double ox = offsets[2 * v], oy = offsets[2 * v + 1];
            double dx = originX[bone] + cos * ox - sin * oy - targets[2 * v];
            double dy = originY[bone] + sin * ox + cos * oy - targets[2 * v + 1];
            total += dx * dx + dy * dy;
            originXBar[bone] += 2 * dx;
            originYBar[bone] += 2 * dy;
            angleBar[bone] += 2 * dx * (-sin * ox - cos * oy) + 2 * dy * (cos * ox - sin * oy);
        }

        for (int j = bones - 1; j >= 1; j--)
        {
            int parent = parents[j];
            dPose[2 + j] = angleBar[j];
            angleBar[parent] += angleBar[j];
            originXBar[parent] += originXBar[j];
            originYBar[parent] += originYBar[j];
            angleBar[parent] += lengths[parent] * (originYBar[j] * Math.Cos(angle[parent]) - originXBar[j] * Math.Sin(angle[parent]));
        }

        dPose[0] = originXBar[0];
        dPose[1] = originYBar[0];
        dPose[2] = angleBar[0];
        return total;
    }
}
