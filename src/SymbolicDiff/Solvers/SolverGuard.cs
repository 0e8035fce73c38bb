using System;

namespace SymbolicDiff.Solvers;

/// <summary>Argument checks shared by the solvers and their options.</summary>
internal static class SolverGuard
{
    /// <summary>A tolerance: finite and at least 0 (0 turns that test off).</summary>
    public static double Tolerance(double value, string paramName)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be a finite number greater than or equal to 0 (0 turns the test off).");
        }

        return value;
    }

    public static double Positive(double value, string paramName)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be a finite number greater than 0.");
        }

        return value;
    }

    public static int PositiveCount(int value, string paramName)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be at least 1.");
        }

        return value;
    }

    /// <summary>Checks the parameter span of a solve against the size the solver was made for, and that it starts finite.</summary>
    public static void Parameters(ReadOnlySpan<double> parameters, int expected)
    {
        if (parameters.Length != expected)
        {
            throw new ArgumentException(
                $"'parameters' has {parameters.Length} elements; the solver was created for {expected} parameters.", nameof(parameters));
        }

        for (int j = 0; j < parameters.Length; j++)
        {
            if (!double.IsFinite(parameters[j]))
            {
                throw new ArgumentException($"'parameters' element {j} is {parameters[j]}; the starting point must be finite.", nameof(parameters));
            }
        }
    }

    public static void NotNull(object? value, string paramName)
    {
        if (value is null)
        {
            throw new ArgumentNullException(paramName);
        }
    }

    /// <summary>Throws unless f and its gradient at the starting point are finite (the gradient-based solvers' first evaluation).</summary>
    public static void FiniteStart(double f, ReadOnlySpan<double> gradient)
    {
        if (!double.IsFinite(f) || !double.IsFinite(VectorMath.Dot(gradient, gradient)))
        {
            throw new ArgumentException("f or its gradient at the starting point is not finite; start from a point where f is defined.", "parameters");
        }
    }

    /// <summary>
    /// The tests the gradient-based solvers make before each step: <see cref="SolverStopReason.GradientSmall"/> when
    /// ‖∇f‖∞ ≤ <paramref name="gradientTolerance"/> · max(1, |f|), else <see cref="SolverStopReason.MaxIterations"/>
    /// when <paramref name="maxIterations"/> are done, else null (take the step).
    /// </summary>
    public static SolverStopReason? StopBeforeStep(ReadOnlySpan<double> gradient, double f, double gradientTolerance, int iterations, int maxIterations)
    {
        if (VectorMath.MaxAbs(gradient) <= gradientTolerance * Math.Max(1, Math.Abs(f)))
        {
            return SolverStopReason.GradientSmall;
        }

        return iterations >= maxIterations ? SolverStopReason.MaxIterations : null;
    }
}
