using System;

namespace SymbolicDiff.Optimizers;

/// <summary>Argument checks shared by the optimizers.</summary>
internal static class OptimizerGuard
{
    public static double LearningRate(double value, string paramName)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(paramName, value, "The learning rate must be a finite number greater than 0.");
        }

        return value;
    }

    /// <summary>A learning rate set between steps (by a schedule): finite and at least 0, since schedules such as cosine annealing reach 0.</summary>
    public static double ScheduledLearningRate(double value, string paramName)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(paramName, value, "The learning rate must be a finite number greater than or equal to 0.");
        }

        return value;
    }

    public static double NonNegativeFinite(double value, string paramName, string what)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"The {what} must be a finite number greater than or equal to 0.");
        }

        return value;
    }

    public static double PositiveFinite(double value, string paramName, string what)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"The {what} must be a finite number greater than 0.");
        }

        return value;
    }

    public static double UnitInterval(double value, string paramName, string what)
    {
        // Written so that NaN fails too.
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"The {what} must be in [0, 1).");
        }

        return value;
    }

    /// <summary>
    /// Checks that there are parameters, that the spans have the same length and do not overlap, and, once the optimizer is bound to a parameter count
    /// (<paramref name="boundCount"/> ≥ 0), that it has not changed.
    /// </summary>
    public static void Spans(ReadOnlySpan<double> parameters, ReadOnlySpan<double> gradients, int boundCount)
    {
        if (parameters.IsEmpty)
        {
            throw new ArgumentException(
                "There are no parameters (a null array converts to an empty span); an optimizer needs at least one.",
                nameof(parameters));
        }

        Lengths(parameters.Length, gradients.Length, boundCount);
        if (parameters.Overlaps(gradients))
        {
            throw new ArgumentException(
                "'parameters' overlaps 'gradients': the step writes the parameters while it reads the gradients, so they must not share memory.",
                nameof(parameters));
        }
    }

    private static void Lengths(int parameterCount, int gradientCount, int boundCount)
    {
        if (gradientCount != parameterCount)
        {
            throw new ArgumentException(
                $"There are {gradientCount} gradients for {parameterCount} parameters; there must be one gradient per parameter.",
                "gradients");
        }

        if (boundCount >= 0 && parameterCount != boundCount)
        {
            throw new ArgumentException(
                $"The optimizer was first stepped with {boundCount} parameters and now has {parameterCount}; "
                + "an optimizer belongs to one parameter vector (call Reset() to reuse it for another).",
                "parameters");
        }
    }
}
