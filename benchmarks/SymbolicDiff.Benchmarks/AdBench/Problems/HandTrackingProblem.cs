namespace SymbolicDiff.Benchmarks.AdBench;

/// <summary>
/// The simplified <see cref="AdBenchObjectives.HandTracking"/>: a palm (bone 0) with <paramref name="fingers"/>
/// chains of <paramref name="bonesPerFinger"/> bones, so 1 + fingers · bonesPerFinger bones (ADBench's hand has 22),
/// and the given number of vertices (ADBench's has 544) attached to random bones at random offsets; the targets
/// are the vertices at a random pose plus noise, and the parameters a pose near it.
/// </summary>
public sealed class HandTrackingProblem : AdBenchProblem
{
    private readonly int[] _parents, _vertexBones;
    private readonly double[] _lengths, _offsets, _targets;

    public HandTrackingProblem(int seed, int fingers, int bonesPerFinger, int vertices)
    {
        var random = new Random(seed);
        int bones = 1 + fingers * bonesPerFinger;
        _parents = new int[bones];
        for (int f = 0; f < fingers; f++)
        {
            for (int j = 0; j < bonesPerFinger; j++)
            {
                int bone = 1 + f * bonesPerFinger + j;
                _parents[bone] = j == 0 ? 0 : bone - 1;
            }
        }

        _lengths = Uniform(random, bones, 0.5, 1.5);
        _vertexBones = new int[vertices];
        for (int v = 0; v < vertices; v++)
        {
            _vertexBones[v] = random.Next(bones);
        }

        _offsets = Uniform(random, 2 * vertices, -0.3, 0.3);
        double[] pose = Uniform(random, 2 + bones, -0.5, 0.5);
        _targets = new double[2 * vertices];
        for (int i = 0; i < _targets.Length; i++)
        {
            _targets[i] = 0.1 * (random.NextDouble() - 0.5);
        }

        // Targets: the vertices at the first pose (the objective's own arithmetic is not needed: a perturbation
        // of the pose below keeps them a fair distance off), then the parameters a second pose near the first.
        Parameters = pose;
        Gradient = new double[pose.Length];
        double[] first = (double[])pose.Clone();
        PosedVertices(first, _targets);
        for (int i = 0; i < pose.Length; i++)
        {
            Parameters[i] = first[i] + 0.2 * (random.NextDouble() - 0.5);
        }
    }

    /// <summary>Adds the posed vertices to <paramref name="into"/> (forward kinematics, written plainly).</summary>
    private void PosedVertices(double[] pose, double[] into)
    {
        int bones = _lengths.Length;
        var angle = new double[bones];
        var x = new double[bones];
        var y = new double[bones];
        (angle[0], x[0], y[0]) = (pose[2], pose[0], pose[1]);
        for (int j = 1; j < bones; j++)
        {
            int p = _parents[j];
            angle[j] = angle[p] + pose[2 + j];
            x[j] = x[p] + _lengths[p] * Math.Cos(angle[p]);
            y[j] = y[p] + _lengths[p] * Math.Sin(angle[p]);
        }

        for (int v = 0; v < _vertexBones.Length; v++)
        {
            int b = _vertexBones[v];
            into[2 * v] += x[b] + Math.Cos(angle[b]) * _offsets[2 * v] - Math.Sin(angle[b]) * _offsets[2 * v + 1];
            into[2 * v + 1] += y[b] + Math.Sin(angle[b]) * _offsets[2 * v] + Math.Cos(angle[b]) * _offsets[2 * v + 1];
        }
    }

    public override double Objective() =>
        AdBenchObjectives.HandTracking(Parameters, _parents, _lengths, _vertexBones, _offsets, _targets);

    public override double Generated() =>
        AdBenchObjectives.HandTrackingWithGradient(Parameters, _parents, _lengths, _vertexBones, _offsets, _targets, Gradient);

    public override double HandWritten() =>
        AdBenchHandWritten.HandTracking(Parameters, _parents, _lengths, _vertexBones, _offsets, _targets, Gradient);
}
