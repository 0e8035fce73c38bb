namespace SymbolicDiff.Benchmarks.AdBench;

/// <summary>
/// <see cref="AdBenchObjectives.BundleAdjustment"/> with the given numbers of cameras, points and observations:
/// cameras near the origin with rotations of about 0.1 rad (camera 0 with none, when <paramref name="firstUnrotated"/>,
/// to take the Rodrigues formula's θ = 0 branch), focal length about 1, small distortion; points 5 to 10 in front;
/// each observation a random (camera, point) pair with a feature near the projection and a weight about 1.
/// Parameters: cameras (11 per camera), points (3 each), weights (one per observation).
/// </summary>
public sealed class BundleAdjustmentProblem : AdBenchProblem
{
    private readonly int[] _observations;
    private readonly double[] _features;
    private readonly int _cameraLength, _pointLength, _weightLength;

    public BundleAdjustmentProblem(int seed, int cameras, int points, int observations, bool firstUnrotated = false)
    {
        var random = new Random(seed);
        var camera = new double[cameras * AdBenchObjectives.CameraParameters];
        for (int c = 0; c < cameras; c++)
        {
            int o = c * AdBenchObjectives.CameraParameters;
            for (int r = 0; r < 3; r++)
            {
                camera[o + r] = firstUnrotated && c == 0 ? 0 : 0.2 * (random.NextDouble() - 0.5);
                camera[o + 3 + r] = random.NextDouble() - 0.5;
            }

            camera[o + 6] = 0.8 + 0.4 * random.NextDouble();
            camera[o + 7] = 0.1 * (random.NextDouble() - 0.5);
            camera[o + 8] = 0.1 * (random.NextDouble() - 0.5);
            camera[o + 9] = 0.1 * (random.NextDouble() - 0.5);
            camera[o + 10] = 0.02 * (random.NextDouble() - 0.5);
        }

        var point = new double[points * 3];
        for (int p = 0; p < points; p++)
        {
            point[3 * p] = 2 * (random.NextDouble() - 0.5);
            point[3 * p + 1] = 2 * (random.NextDouble() - 0.5);
            point[3 * p + 2] = 5 + 5 * random.NextDouble();
        }

        _observations = new int[2 * observations];
        _features = Uniform(random, 2 * observations, -0.5, 0.5);
        for (int i = 0; i < observations; i++)
        {
            // Every camera and point seen at least once when there are enough observations.
            _observations[2 * i] = i < cameras ? i : random.Next(cameras);
            _observations[2 * i + 1] = i < points ? i : random.Next(points);
        }

        double[] weights = Uniform(random, observations, 0.8, 1.2);
        (_cameraLength, _pointLength, _weightLength) = (camera.Length, point.Length, weights.Length);
        Parameters = [.. camera, .. point, .. weights];
        Gradient = new double[Parameters.Length];
    }

    private ReadOnlySpan<double> Cameras => Parameters.AsSpan(0, _cameraLength);

    private ReadOnlySpan<double> Points => Parameters.AsSpan(_cameraLength, _pointLength);

    private ReadOnlySpan<double> Weights => Parameters.AsSpan(_cameraLength + _pointLength, _weightLength);

    public override double Objective() => AdBenchObjectives.BundleAdjustment(Cameras, Points, Weights, _observations, _features);

    public override double Generated() => AdBenchObjectives.BundleAdjustmentWithGradient(
        Cameras, Points, Weights, _observations, _features,
        Gradient.AsSpan(0, _cameraLength), Gradient.AsSpan(_cameraLength, _pointLength), Gradient.AsSpan(_cameraLength + _pointLength, _weightLength));

    public override double HandWritten() => AdBenchHandWritten.BundleAdjustment(
        Cameras, Points, Weights, _observations, _features,
        Gradient.AsSpan(0, _cameraLength), Gradient.AsSpan(_cameraLength, _pointLength), Gradient.AsSpan(_cameraLength + _pointLength, _weightLength));
}
