namespace SymbolicDiff.Solvers;

/// <summary>
/// The stopping report of <see cref="LevenbergMarquardt"/>, <see cref="Lbfgs"/> or <see cref="NewtonCg"/>. The parameters
/// themselves are not copied here: each solver writes them back into the span it was given (so that a solve
/// of a fixed size allocates nothing).
/// </summary>
/// <param name="StopReason">Why the solver stopped.</param>
/// <param name="Iterations">
/// The trial steps taken, accepted or rejected (for <see cref="Lbfgs"/>: line searches). A rejected Levenberg–Marquardt or
/// trust-region step counts, because it costs an evaluation.
/// </param>
/// <param name="Evaluations">How many times the solver called the residual (or value-and-gradient) callback, the first call at the starting point included.</param>
/// <param name="HessianVectorProducts">How many Hessian-vector products <see cref="NewtonCg"/> asked for; 0 for the other solvers.</param>
/// <param name="Cost">
/// The objective at the returned parameters: ½‖r‖² = ½ Σ rᵢ² for <see cref="LevenbergMarquardt"/> (half the residual sum of
/// squares), f(x) for the others.
/// </param>
/// <param name="GradientNorm">The largest absolute element of the objective's gradient at the returned parameters (Jᵀr for least squares).</param>
public readonly record struct SolverResult(
    SolverStopReason StopReason,
    int Iterations,
    int Evaluations,
    int HessianVectorProducts,
    double Cost,
    double GradientNorm)
{
    /// <summary>
    /// <see langword="true"/> when a tolerance was met (<see cref="SolverStopReason.GradientSmall"/>,
    /// <see cref="SolverStopReason.StepSmall"/> or <see cref="SolverStopReason.CostReductionSmall"/>), <see langword="false"/> when
    /// the iteration limit or a failed line search stopped the solver. A tolerance met is a local result: from a poor
    /// start a solver may stop at a local minimum or on a plateau.
    /// </summary>
    public bool Converged => StopReason is SolverStopReason.GradientSmall or SolverStopReason.StepSmall or SolverStopReason.CostReductionSmall;
}
