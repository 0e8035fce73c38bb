namespace SymbolicDiff.Solvers;

/// <summary>Settings of <see cref="Lbfgs"/>.</summary>
/// <remarks>A tolerance of 0 turns its test off.</remarks>
public sealed record LbfgsOptions
{
    private readonly int _maxIterations = 1000;
    private readonly int _historySize = 10;
    private readonly double _gradientTolerance = 1e-8;
    private readonly double _stepTolerance = 1e-12;
    private readonly double _costTolerance = 1e-15;

    /// <summary>The most iterations (one line search each); 1000 by default.</summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxIterations { get => _maxIterations; init => _maxIterations = SolverGuard.PositiveCount(value, nameof(MaxIterations)); }

    /// <summary>
    /// How many of the latest step and gradient-change pairs (s, y) approximate the inverse Hessian; 10 by default. More
    /// pairs cost 4n doubles each and 4n flops per pair per iteration.
    /// </summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int HistorySize { get => _historySize; init => _historySize = SolverGuard.PositiveCount(value, nameof(HistorySize)); }

    /// <summary>
    /// Stop with <see cref="SolverStopReason.GradientSmall"/> when ‖∇f‖∞ ≤ this · max(1, |f|); 10⁻⁸ by default.
    /// </summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double GradientTolerance { get => _gradientTolerance; init => _gradientTolerance = SolverGuard.Tolerance(value, nameof(GradientTolerance)); }

    /// <summary>Stop with <see cref="SolverStopReason.StepSmall"/> when a step's ‖s‖∞ ≤ this · max(1, ‖x‖∞); 10⁻¹² by default.</summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double StepTolerance { get => _stepTolerance; init => _stepTolerance = SolverGuard.Tolerance(value, nameof(StepTolerance)); }

    /// <summary>
    /// Stop with <see cref="SolverStopReason.CostReductionSmall"/> when an iteration lowers f by at most this ·
    /// max(1, |f_before|, |f_after|); 10⁻¹⁵ by default (scipy's L-BFGS-B uses 2.2·10⁻⁹, which stops far earlier).
    /// </summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double CostTolerance { get => _costTolerance; init => _costTolerance = SolverGuard.Tolerance(value, nameof(CostTolerance)); }
}
