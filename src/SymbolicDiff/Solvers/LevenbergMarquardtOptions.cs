namespace SymbolicDiff.Solvers;

/// <summary>Settings of <see cref="LevenbergMarquardt"/>. Every property has a default that suits well-scaled and badly scaled problems alike.</summary>
/// <remarks>
/// The three tolerances are relative, so that they mean the same whatever the units of the parameters and residuals; a
/// tolerance of 0 turns its test off. The defaults are tight (steps of 10⁻¹² relative to the parameters, cost reductions
/// of 10⁻¹⁵ relative to the cost) because a fit's cost is flat near its minimum: a cost right to 12 digits only
/// guarantees the parameters to about 6. On the NIST StRD problems they stop within a few iterations of the accuracy
/// double precision allows.
/// </remarks>
public sealed record LevenbergMarquardtOptions
{
    private readonly int _maxIterations = 1000;
    private readonly double _gradientTolerance = 1e-12;
    private readonly double _stepTolerance = 1e-12;
    private readonly double _costTolerance = 1e-15;
    private readonly double _initialDamping = 1e-3;

    /// <summary>
    /// The most trial steps (accepted or rejected; each costs one evaluation); 1000 by default. Reaching it stops the
    /// solver with <see cref="SolverStopReason.MaxIterations"/>.
    /// </summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxIterations { get => _maxIterations; init => _maxIterations = SolverGuard.PositiveCount(value, nameof(MaxIterations)); }

    /// <summary>
    /// Stop with <see cref="SolverStopReason.GradientSmall"/> when every column of the Jacobian is almost orthogonal to the
    /// residual vector: max_j |(Jᵀr)ⱼ| / (‖Jⱼ‖·‖r‖) ≤ this (MINPACK's gtol, the cosine of the angle). Scale-free; 10⁻¹² by default.
    /// </summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double GradientTolerance { get => _gradientTolerance; init => _gradientTolerance = SolverGuard.Tolerance(value, nameof(GradientTolerance)); }

    /// <summary>
    /// Stop with <see cref="SolverStopReason.StepSmall"/> when the next step δ is small relative to the parameters p in the
    /// scaled norm: ‖Dδ‖ ≤ this·(‖Dp‖ + this), D the scaling diagonal; 10⁻¹² by default.
    /// </summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double StepTolerance { get => _stepTolerance; init => _stepTolerance = SolverGuard.Tolerance(value, nameof(StepTolerance)); }

    /// <summary>
    /// Stop with <see cref="SolverStopReason.CostReductionSmall"/> when an accepted step reduced the cost, and the linear model
    /// predicted it would reduce it, by at most this times the cost (MINPACK's ftol); 10⁻¹⁵ by default.
    /// </summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double CostTolerance { get => _costTolerance; init => _costTolerance = SolverGuard.Tolerance(value, nameof(CostTolerance)); }

    /// <summary>
    /// The first damping λ, relative to the scaling: the first step solves (JᵀJ + λD²)δ = −Jᵀr with D² the diagonal of JᵀJ, so
    /// 10⁻³ (the default) starts close to Gauss–Newton and a large value close to a short gradient step.
    /// </summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The value is not a finite number greater than 0.</exception>
    public double InitialDamping { get => _initialDamping; init => _initialDamping = SolverGuard.Positive(value, nameof(InitialDamping)); }

    /// <summary>
    /// Moré's scaling (on by default): the damping term is λD² with Dⱼ the largest norm column j of the Jacobian has had so
    /// far, so that the method does not depend on the units of the parameters. Off, D = I (Levenberg's original damping).
    /// </summary>
    public bool ScaleParameters { get; init; } = true;
}
