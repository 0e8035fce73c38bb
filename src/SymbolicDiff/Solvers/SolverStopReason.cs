namespace SymbolicDiff.Solvers;

/// <summary>Why a solver stopped; see <see cref="SolverResult.StopReason"/>.</summary>
public enum SolverStopReason
{
    /// <summary>
    /// The gradient is below the gradient tolerance: the point is stationary to the accuracy asked for (for
    /// <see cref="LevenbergMarquardt"/> this includes a perfect fit, all residuals 0). A convergence.
    /// </summary>
    GradientSmall,

    /// <summary>The step the solver would take next (or the trust region it may take it in) is below the step tolerance, relative to the parameters. A convergence.</summary>
    StepSmall,

    /// <summary>The last accepted step reduced the cost by less than the cost tolerance, relative to the cost. A convergence.</summary>
    CostReductionSmall,

    /// <summary>The iteration limit was reached before any tolerance was met. Not a convergence: the parameters are the best found so far.</summary>
    MaxIterations,

    /// <summary><see cref="Lbfgs"/> only: the line search found no step with sufficient decrease along a descent direction (often: the gradient is wrong, or the accuracy limit of the function is reached). The parameters are the best found.</summary>
    LineSearchFailed,
}
