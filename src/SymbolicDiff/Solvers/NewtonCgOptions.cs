namespace SymbolicDiff.Solvers;

/// <summary>Settings of <see cref="NewtonCg"/>.</summary>
/// <remarks>A tolerance of 0 turns its test off.</remarks>
public sealed record NewtonCgOptions
{
    private readonly int _maxIterations = 1000;
    private readonly int _maxCgIterations;
    private readonly double _gradientTolerance = 1e-8;
    private readonly double _stepTolerance = 1e-12;
    private readonly double _costTolerance = 1e-15;
    private readonly double _initialTrustRadius = 1;

    /// <summary>The most trust-region steps, accepted or rejected; 1000 by default.</summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxIterations { get => _maxIterations; init => _maxIterations = SolverGuard.PositiveCount(value, nameof(MaxIterations)); }

    /// <summary>
    /// The most conjugate-gradient iterations (one Hessian-vector product each) per step; 0, the default, means n (exact CG
    /// converges in at most n; more rarely helps in floating point).
    /// </summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxCgIterations
    {
        get => _maxCgIterations;
        init => _maxCgIterations = value >= 0 ? value : throw new System.ArgumentOutOfRangeException(nameof(MaxCgIterations), value, "MaxCgIterations must be at least 0 (0 means n).");
    }

    /// <summary>Stop with <see cref="SolverStopReason.GradientSmall"/> when ‖∇f‖∞ ≤ this · max(1, |f|); 10⁻⁸ by default.</summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double GradientTolerance { get => _gradientTolerance; init => _gradientTolerance = SolverGuard.Tolerance(value, nameof(GradientTolerance)); }

    /// <summary>
    /// Stop with <see cref="SolverStopReason.StepSmall"/> when an accepted step, or the trust radius after a rejection, is
    /// at most this · max(1, ‖x‖) (Euclidean norms); 10⁻¹² by default.
    /// </summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double StepTolerance { get => _stepTolerance; init => _stepTolerance = SolverGuard.Tolerance(value, nameof(StepTolerance)); }

    /// <summary>
    /// Stop with <see cref="SolverStopReason.CostReductionSmall"/> when an accepted step lowers f by at most this ·
    /// max(1, |f_before|, |f_after|); 10⁻¹⁵ by default.
    /// </summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double CostTolerance { get => _costTolerance; init => _costTolerance = SolverGuard.Tolerance(value, nameof(CostTolerance)); }

    /// <summary>The first trust-region radius Δ₀ (Euclidean, in the units of the parameters); 1 by default.</summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The value is not a finite number greater than 0.</exception>
    public double InitialTrustRadius { get => _initialTrustRadius; init => _initialTrustRadius = SolverGuard.Positive(value, nameof(InitialTrustRadius)); }
}
