namespace SymbolicDiff.Benchmarks.AdBench;

/// <summary>
/// <see cref="AdBenchObjectives.GmmObjective"/> with n points in d dimensions and k components, as ADBench's
/// generator draws them: points and means uniform on [0, 1), α, q and l uniform on [−0.5, 0.5) here (ADBench's are
/// uniform too), γ = 1, and the given Wishart m (ADBench uses 0). Parameters: α (k), μ (kd), q (kd), l (k d(d−1)/2).
/// </summary>
public sealed class GmmProblem : AdBenchProblem
{
    private readonly double[] _x;
    private readonly int _k, _d, _m, _lSize;

    public GmmProblem(int seed, int d, int k, int n, int m)
    {
        var random = new Random(seed);
        (_k, _d, _m, _lSize) = (k, d, m, d * (d - 1) / 2);
        _x = Uniform(random, n * d, 0, 1);
        double[] alpha = Uniform(random, k, -0.5, 0.5);
        double[] mu = Uniform(random, k * d, 0, 1);
        double[] q = Uniform(random, k * d, -0.5, 0.5);
        double[] l = Uniform(random, k * _lSize, -0.5, 0.5);
        Parameters = [.. alpha, .. mu, .. q, .. l];
        Gradient = new double[Parameters.Length];
    }

    private ReadOnlySpan<double> Alpha => Parameters.AsSpan(0, _k);

    private ReadOnlySpan<double> Mu => Parameters.AsSpan(_k, _k * _d);

    private ReadOnlySpan<double> Q => Parameters.AsSpan(_k + _k * _d, _k * _d);

    private ReadOnlySpan<double> L => Parameters.AsSpan(_k + 2 * _k * _d, _k * _lSize);

    public override double Objective() => AdBenchObjectives.GmmObjective(Alpha, Mu, Q, L, _x, 1.0, _m);

    public override double Generated() => AdBenchObjectives.GmmObjectiveWithGradient(
        Alpha, Mu, Q, L, _x, 1.0, _m,
        Gradient.AsSpan(0, _k), Gradient.AsSpan(_k, _k * _d), Gradient.AsSpan(_k + _k * _d, _k * _d), Gradient.AsSpan(_k + 2 * _k * _d, _k * _lSize));

    public override double HandWritten() => AdBenchHandWritten.GmmObjective(
        Alpha, Mu, Q, L, _x, 1.0, _m,
        Gradient.AsSpan(0, _k), Gradient.AsSpan(_k, _k * _d), Gradient.AsSpan(_k + _k * _d, _k * _d), Gradient.AsSpan(_k + 2 * _k * _d, _k * _lSize));
}
