using System;

namespace SymbolicDiff.Solvers;

/// <summary>
/// A line search for the strong Wolfe conditions (Nocedal &amp; Wright, Algorithms 3.5 and 3.6): bracket a step by doubling,
/// then narrow the bracket with safeguarded cubic interpolation. Sufficient decrease c₁ = 10⁻⁴, curvature c₂ = 0.9 (the
/// values for quasi-Newton directions). All buffers are the caller's.
/// </summary>
internal sealed class StrongWolfeLineSearch
{
    private const double C1 = 1e-4;
    private const double C2 = 0.9;
    private const int MaxEvaluations = 40;

    private readonly double[] _bestX;
    private readonly double[] _bestGradient;

    public StrongWolfeLineSearch(int n)
    {
        _bestX = new double[n];
        _bestGradient = new double[n];
    }

    /// <summary>
    /// Searches along <paramref name="direction"/> from <paramref name="x"/> (value <paramref name="f0"/>, slope
    /// <paramref name="slope0"/> &lt; 0). On success the new point, value and gradient are in <paramref name="xNew"/>,
    /// <paramref name="fNew"/> and <paramref name="gradientNew"/>; when no strong-Wolfe step is found but some step
    /// decreased f sufficiently, that step is returned instead; otherwise <see langword="false"/>.
    /// </summary>
    public bool Search(
        ValueAndGradient function, ReadOnlySpan<double> x, double f0, double slope0, ReadOnlySpan<double> direction, double initialStep,
        Span<double> xNew, Span<double> gradientNew, out double fNew, ref int evaluations)
    {
        double previousStep = 0, previousValue = f0, previousSlope = slope0;
        double step = initialStep;
        // The best point with sufficient decrease, a fallback if the curvature condition is never met.
        double bestValue = f0;
        bool haveBest = false;
        int used = 0;

        while (used < MaxEvaluations)
        {
            double value = Evaluate(function, x, direction, step, xNew, gradientNew, ref evaluations, out double slope);
            used++;
            if (!double.IsFinite(value) || !double.IsFinite(slope))
            {
                // Stepped outside where f is defined: come back halfway and try again.
                step = previousStep + 0.5 * (step - previousStep);
                continue;
            }

            if (value > f0 + C1 * step * slope0 || (used > 1 && value >= previousValue))
            {
                return Zoom(function, x, f0, slope0, direction, previousStep, previousValue, previousSlope, step, value, slope,
                    xNew, gradientNew, out fNew, ref evaluations, used, ref bestValue, ref haveBest);
            }

            Remember(value, xNew, gradientNew, ref bestValue, ref haveBest);
            if (Math.Abs(slope) <= -C2 * slope0)
            {
                fNew = value;
                return true;
            }

            if (slope >= 0)
            {
                return Zoom(function, x, f0, slope0, direction, step, value, slope, previousStep, previousValue, previousSlope,
                    xNew, gradientNew, out fNew, ref evaluations, used, ref bestValue, ref haveBest);
            }

            (previousStep, previousValue, previousSlope) = (step, value, slope);
            step *= 2;
        }

        return Fallback(xNew, gradientNew, out fNew, bestValue, haveBest);
    }

    private bool Zoom(
        ValueAndGradient function, ReadOnlySpan<double> x, double f0, double slope0, ReadOnlySpan<double> direction,
        double low, double lowValue, double lowSlope, double high, double highValue, double highSlope,
        Span<double> xNew, Span<double> gradientNew, out double fNew, ref int evaluations, int used, ref double bestValue, ref bool haveBest)
    {
        while (used < MaxEvaluations)
        {
            double lower = Math.Min(low, high), upper = Math.Max(low, high), width = upper - lower;
            if (width <= 1e-16 * Math.Max(1, upper))
            {
                break;
            }

            double step = CubicMinimizer(low, lowValue, lowSlope, high, highValue, highSlope);
            // Keep the trial inside the bracket and away from its ends, so the bracket shrinks by at least 10%.
            if (!double.IsFinite(step) || step < lower + 0.1 * width || step > upper - 0.1 * width)
            {
                step = 0.5 * (low + high);
            }

            double value = Evaluate(function, x, direction, step, xNew, gradientNew, ref evaluations, out double slope);
            used++;
            if (!double.IsFinite(value) || !double.IsFinite(slope) || value > f0 + C1 * step * slope0 || value >= lowValue)
            {
                (high, highValue, highSlope) = (step, double.IsFinite(value) ? value : double.MaxValue, double.IsFinite(slope) ? slope : 0);
                continue;
            }

            Remember(value, xNew, gradientNew, ref bestValue, ref haveBest);
            if (Math.Abs(slope) <= -C2 * slope0)
            {
                fNew = value;
                return true;
            }

            if (slope * (high - low) >= 0)
            {
                (high, highValue, highSlope) = (low, lowValue, lowSlope);
            }

            (low, lowValue, lowSlope) = (step, value, slope);
        }

        return Fallback(xNew, gradientNew, out fNew, bestValue, haveBest);
    }

    private bool Fallback(Span<double> xNew, Span<double> gradientNew, out double fNew, double bestValue, bool haveBest)
    {
        fNew = bestValue;
        if (!haveBest)
        {
            return false;
        }

        _bestX.CopyTo(xNew);
        _bestGradient.CopyTo(gradientNew);
        return true;
    }

    private void Remember(double value, ReadOnlySpan<double> x, ReadOnlySpan<double> gradient, ref double bestValue, ref bool haveBest)
    {
        if (value < bestValue)
        {
            bestValue = value;
            haveBest = true;
            x.CopyTo(_bestX);
            gradient.CopyTo(_bestGradient);
        }
    }

    private static double Evaluate(
        ValueAndGradient function, ReadOnlySpan<double> x, ReadOnlySpan<double> direction, double step,
        Span<double> xNew, Span<double> gradientNew, ref int evaluations, out double slope)
    {
        for (int j = 0; j < x.Length; j++)
        {
            xNew[j] = x[j] + step * direction[j];
        }

        double value = function(xNew, gradientNew);
        evaluations++;
        slope = 0;
        for (int j = 0; j < x.Length; j++)
        {
            slope += gradientNew[j] * direction[j];
        }

        return value;
    }

    /// <summary>The minimiser of the cubic through (a, fa, da) and (b, fb, db) (Nocedal &amp; Wright, eq. 3.59); NaN if it has none.</summary>
    private static double CubicMinimizer(double a, double fa, double da, double b, double fb, double db)
    {
        double d1 = da + db - 3 * (fa - fb) / (a - b);
        double discriminant = d1 * d1 - da * db;
        if (discriminant < 0)
        {
            return double.NaN;
        }

        double d2 = Math.Sign(b - a) * Math.Sqrt(discriminant);
        return b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
    }
}
