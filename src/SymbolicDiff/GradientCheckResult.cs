using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Linq;
using System.Text;

namespace SymbolicDiff;

/// <summary>The settings of <see cref="GradientCheck.Run(Delegate, Delegate, GradientCheckOptions, double[][])"/>.</summary>
public sealed class GradientCheckOptions
{
    /// <summary>
    /// The default <see cref="RelativeStep"/>: ∛ε ≈ 6.0555·10<sup>−6</sup>, where ε = 2<sup>−52</sup> is the
    /// machine epsilon of <see cref="double"/>.
    /// </summary>
    public static readonly double DefaultRelativeStep = Math.Cbrt(Math.Pow(2, -52));

    /// <summary>The default <see cref="RelativeErrorFloor"/>: 10<sup>−8</sup>.</summary>
    public const double DefaultRelativeErrorFloor = 1e-8;

    private readonly double _relativeStep = DefaultRelativeStep;
    private readonly double _relativeErrorFloor = DefaultRelativeErrorFloor;

    /// <summary>The default options: <see cref="DefaultRelativeStep"/> and <see cref="DefaultRelativeErrorFloor"/>.</summary>
    public static GradientCheckOptions Default { get; } = new();

    /// <summary>
    /// The step for <see cref="float"/> functions: ∛ε<sub>f</sub> ≈ 4.9·10<sup>−3</sup>, where ε<sub>f</sub> = 2<sup>−23</sup>
    /// is the machine epsilon of <see cref="float"/>; it balances the truncation error of the central difference
    /// against the rounding error of a float function, as <see cref="DefaultRelativeStep"/> does for double.
    /// </summary>
    public static readonly double DefaultFloatRelativeStep = Math.Cbrt(Math.Pow(2, -23));

    /// <summary>
    /// The options for <see cref="float"/> functions: <see cref="DefaultFloatRelativeStep"/> and
    /// <see cref="DefaultRelativeErrorFloor"/>; the default of the float overloads of <c>GradientCheck.Run</c>.
    /// </summary>
    public static GradientCheckOptions Float { get; } = new() { RelativeStep = DefaultFloatRelativeStep };

    /// <summary>
    /// The step of the central difference in a coordinate x is h = <see cref="RelativeStep"/>·max(1, |x|):
    /// relative to x for |x| ≥ 1, absolute below. Defaults to <see cref="DefaultRelativeStep"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive and finite.</exception>
    public double RelativeStep
    {
        get => _relativeStep;
        init => _relativeStep = value > 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(RelativeStep), value, "The relative step must be positive and finite.");
    }

    /// <summary>
    /// The least denominator of the relative error |analytic − fd| / max(|analytic|, |fd|, floor), which keeps
    /// it defined where both are 0. Defaults to <see cref="DefaultRelativeErrorFloor"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive and finite.</exception>
    public double RelativeErrorFloor
    {
        get => _relativeErrorFloor;
        init => _relativeErrorFloor = value > 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(RelativeErrorFloor), value, "The relative error floor must be positive and finite.");
    }
}

/// <summary>
/// The outcome of <see cref="GradientCheck.Run(Delegate, Delegate, double[][])"/>: for each differentiated
/// parameter, the point where the analytic partial derivative is furthest from the central finite
/// difference, and whether the returned value ever differs from the function's.
/// </summary>
/// <remarks>
/// <para>For an analytic partial a and a finite difference d at a point:</para>
/// <list type="bullet">
/// <item><description>the absolute error is |a − d|;</description></item>
/// <item><description>the relative error is |a − d| / max(|a|, |d|, <see cref="GradientCheckOptions.RelativeErrorFloor"/>);</description></item>
/// <item><description>
/// the partial passes at a tolerance τ where either error is at most τ, which amounts to
/// |a − d| ≤ τ·max(1, |a|, |d|): an absolute test for derivatives smaller than 1 (so that a zero
/// derivative is not failed by rounding noise), a relative test for larger ones.
/// </description></item>
/// </list>
/// <para>
/// Equal numbers have error 0, including equal infinities; a NaN on either side alone gives NaN errors,
/// which never pass. The "worst" point of a parameter is the one with the largest of the smaller of its two
/// errors (a NaN counting as largest), the first one on a tie; the errors reported are those at that point.
/// The value is compared the same way, with <c>withGradient</c>'s <c>Value</c> as a and the function's own
/// value as d.
/// </para>
/// </remarks>
public sealed class GradientCheckResult
{
    internal GradientCheckResult(
        string functionName,
        string withGradientName,
        IReadOnlyList<string> parameterNames,
        IReadOnlyList<ParameterCheck> parameters,
        ValueMismatch? valueMismatch,
        int pointCount,
        GradientCheckOptions options)
    {
        FunctionName = functionName;
        WithGradientName = withGradientName;
        ParameterNames = new ReadOnlyCollection<string>(parameterNames.ToArray());
        Parameters = new ReadOnlyCollection<ParameterCheck>(parameters.ToArray());
        ValueMismatch = valueMismatch;
        PointCount = pointCount;
        Options = options;
    }

    /// <summary>The name of the function's method, e.g. <c>Loss</c>.</summary>
    public string FunctionName { get; }

    /// <summary>The name of the gradient method, e.g. <c>LossWithGradient</c>.</summary>
    public string WithGradientName { get; }

    /// <summary>The names of all parameters of the function, in order: the coordinates of each point.</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>One check per gradient property, in the order of the parameters they belong to.</summary>
    public IReadOnlyList<ParameterCheck> Parameters { get; }

    /// <summary>
    /// Where <c>withGradient</c>'s <c>Value</c> differs most from the function's own value, or
    /// <see langword="null"/> if they are equal (<see cref="double.Equals(double)"/>, so NaN equals NaN) at every point.
    /// </summary>
    public ValueMismatch? ValueMismatch { get; }

    /// <summary>The number of points checked.</summary>
    public int PointCount { get; }

    /// <summary>The step and floor the check used.</summary>
    public GradientCheckOptions Options { get; }

    /// <summary>
    /// Whether every partial derivative is within <paramref name="tolerance"/> of its finite difference at
    /// every point, in absolute or relative error (see the remarks of <see cref="GradientCheckResult"/>), and so
    /// is the value, if it differs from the function's at all.
    /// </summary>
    /// <param name="tolerance">The largest acceptable error, at least 0; 10<sup>−6</sup> suits smooth functions with the default step.</param>
    /// <returns><see langword="true"/> if everything is within the tolerance.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tolerance"/> is negative or NaN.</exception>
    public bool Passes(double tolerance)
    {
        CheckTolerance(tolerance);
        return Parameters.All(p => p.Passes(tolerance)) && (ValueMismatch is null || ValueMismatch.Passes(tolerance));
    }

    /// <summary>
    /// Throws a <see cref="GradientCheckException"/> whose message is the table of <see cref="ToString"/>,
    /// with each failing row marked, unless <see cref="Passes(double)"/>.
    /// </summary>
    /// <param name="tolerance">The largest acceptable error, at least 0; 10<sup>−6</sup> by default.</param>
    /// <exception cref="GradientCheckException">A partial derivative or the value is outside the tolerance.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tolerance"/> is negative or NaN.</exception>
    public void AssertPasses(double tolerance = 1e-6)
    {
        if (!Passes(tolerance))
        {
            throw new GradientCheckException(this, tolerance, Format(tolerance));
        }
    }

    /// <summary>
    /// A table with one row per differentiated parameter: its worst point, the analytic partial and the finite
    /// difference there, and the absolute and relative errors; then a line on the value.
    /// </summary>
    /// <returns>The table, several lines long.</returns>
    public override string ToString() => Format(tolerance: null);

    internal static double AbsoluteErrorOf(double actual, double expected) =>
        actual == expected ? 0.0 : Math.Abs(actual - expected);

    internal static double RelativeErrorOf(double actual, double expected, double floor) =>
        actual == expected ? 0.0 : Math.Abs(actual - expected) / Math.Max(Math.Max(Math.Abs(actual), Math.Abs(expected)), floor);

    /// <summary>The number compared with a tolerance: the smaller error, or +∞ if either is NaN.</summary>
    internal static double ScoreOf(double absoluteError, double relativeError) =>
        double.IsNaN(absoluteError) || double.IsNaN(relativeError) ? double.PositiveInfinity : Math.Min(absoluteError, relativeError);

    internal static bool Within(double absoluteError, double relativeError, double tolerance) =>
        absoluteError <= tolerance || relativeError <= tolerance;

    internal static void CheckTolerance(double tolerance)
    {
        if (!(tolerance >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "The tolerance must be zero or positive.");
        }
    }

    internal static string FormatNumber(double x, string format) => x.ToString(format, CultureInfo.InvariantCulture);

    internal static string FormatPoint(IReadOnlyList<double> point) =>
        "(" + string.Join(", ", point.Select(x => x.ToString(CultureInfo.InvariantCulture))) + ")";

    private string Format(double? tolerance)
    {
        var text = new StringBuilder();
        string points = PointCount == 1 ? "1 point" : $"{PointCount} points";
        text.Append(CultureInfo.InvariantCulture, $"Gradient check of {WithGradientName} against {FunctionName} at {points}");
        if (tolerance is double t)
        {
            text.Append(CultureInfo.InvariantCulture, $": FAILED at tolerance {FormatNumber(t, "G3")}");
        }

        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture,
            $"  step h = {FormatNumber(Options.RelativeStep, "G3")}·max(1, |x|); relative error = |analytic − fd| / max(|analytic|, |fd|, {FormatNumber(Options.RelativeErrorFloor, "G3")})");
        if (tolerance is not null)
        {
            text.Append("; a row passes if either error is within the tolerance");
        }

        text.AppendLine();

        var rows = new List<string[]>
        {
            new[] { "parameter", "worst at (" + string.Join(", ", ParameterNames) + ")", "analytic", "finite difference", "abs error", "rel error", tolerance is null ? "" : "result" },
        };
        foreach (var check in Parameters)
        {
            rows.Add(new[]
            {
                check.Name,
                FormatPoint(check.WorstPoint),
                FormatNumber(check.AnalyticAtWorst, "G10"),
                FormatNumber(check.FiniteDifferenceAtWorst, "G10"),
                FormatNumber(check.WorstAbsoluteError, "G3"),
                FormatNumber(check.WorstRelativeError, "G3"),
                tolerance is double tol ? (check.Passes(tol) ? "ok" : "FAIL") : "",
            });
        }

        int columns = rows[0].Length;
        var widths = Enumerable.Range(0, columns).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            text.Append("  ");
            text.AppendLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        }

        if (ValueMismatch is null)
        {
            text.Append(CultureInfo.InvariantCulture, $"  value: {WithGradientName}(...).Value equals {FunctionName}(...) at every point");
        }
        else
        {
            var mismatch = ValueMismatch;
            text.Append(CultureInfo.InvariantCulture,
                $"  value: {WithGradientName}(...).Value = {FormatNumber(mismatch.Value, "R")} but {FunctionName}(...) = {FormatNumber(mismatch.FunctionValue, "R")} at {FormatPoint(mismatch.Point)} (abs error {FormatNumber(mismatch.AbsoluteError, "G3")}, rel error {FormatNumber(mismatch.RelativeError, "G3")})");
            if (tolerance is double tol)
            {
                text.Append(mismatch.Passes(tol) ? "  ok" : "  FAIL");
            }
        }

        return text.ToString();
    }
}

/// <summary>
/// The check of one partial derivative: where, over all points, it is furthest from the central finite
/// difference. The errors are defined in the remarks of <see cref="GradientCheckResult"/>.
/// </summary>
public sealed class ParameterCheck
{
    internal ParameterCheck(
        string name,
        string propertyName,
        double worstAbsoluteError,
        double worstRelativeError,
        IReadOnlyList<double> worstPoint,
        double analyticAtWorst,
        double finiteDifferenceAtWorst)
    {
        Name = name;
        PropertyName = propertyName;
        WorstAbsoluteError = worstAbsoluteError;
        WorstRelativeError = worstRelativeError;
        WorstPoint = new ReadOnlyCollection<double>(worstPoint.ToArray());
        AnalyticAtWorst = analyticAtWorst;
        FiniteDifferenceAtWorst = finiteDifferenceAtWorst;
    }

    /// <summary>The parameter's name, e.g. <c>w</c>.</summary>
    public string Name { get; }

    /// <summary>The gradient property that holds its partial derivative, e.g. <c>W</c>.</summary>
    public string PropertyName { get; }

    /// <summary>|analytic − fd| at <see cref="WorstPoint"/>.</summary>
    public double WorstAbsoluteError { get; }

    /// <summary>|analytic − fd| / max(|analytic|, |fd|, floor) at <see cref="WorstPoint"/>.</summary>
    public double WorstRelativeError { get; }

    /// <summary>The point (one coordinate per parameter of the function) where this partial derivative is furthest from passing.</summary>
    public IReadOnlyList<double> WorstPoint { get; }

    /// <summary>The partial derivative returned by <c>withGradient</c> at <see cref="WorstPoint"/>.</summary>
    public double AnalyticAtWorst { get; }

    /// <summary>The central finite difference of the function at <see cref="WorstPoint"/>.</summary>
    public double FiniteDifferenceAtWorst { get; }

    /// <summary>Whether this partial derivative is within <paramref name="tolerance"/> at every point, in absolute or relative error.</summary>
    /// <param name="tolerance">The largest acceptable error, at least 0.</param>
    /// <returns><see langword="true"/> if <see cref="WorstAbsoluteError"/> or <see cref="WorstRelativeError"/> is at most <paramref name="tolerance"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tolerance"/> is negative or NaN.</exception>
    public bool Passes(double tolerance)
    {
        GradientCheckResult.CheckTolerance(tolerance);
        return GradientCheckResult.Within(WorstAbsoluteError, WorstRelativeError, tolerance);
    }

    /// <summary>One line: the parameter, its worst point, both values there and the errors.</summary>
    /// <returns>The line.</returns>
    public override string ToString() =>
        $"∂/∂{Name} at {GradientCheckResult.FormatPoint(WorstPoint)}: analytic {GradientCheckResult.FormatNumber(AnalyticAtWorst, "R")}, " +
        $"finite difference {GradientCheckResult.FormatNumber(FiniteDifferenceAtWorst, "R")}, abs error {GradientCheckResult.FormatNumber(WorstAbsoluteError, "G3")}, " +
        $"rel error {GradientCheckResult.FormatNumber(WorstRelativeError, "G3")}";
}

/// <summary>
/// The point where the <c>Value</c> returned by <c>withGradient</c> differs most from the function's own
/// value. A generated <c>MWithGradient</c> repeats <c>M</c>'s computation, so its value should be identical.
/// </summary>
public sealed class ValueMismatch
{
    internal ValueMismatch(IReadOnlyList<double> point, double value, double functionValue, double absoluteError, double relativeError)
    {
        Point = new ReadOnlyCollection<double>(point.ToArray());
        Value = value;
        FunctionValue = functionValue;
        AbsoluteError = absoluteError;
        RelativeError = relativeError;
    }

    /// <summary>The point, one coordinate per parameter of the function.</summary>
    public IReadOnlyList<double> Point { get; }

    /// <summary>The <c>Value</c> returned by <c>withGradient</c> there.</summary>
    public double Value { get; }

    /// <summary>The function's value there.</summary>
    public double FunctionValue { get; }

    /// <summary>|Value − FunctionValue|.</summary>
    public double AbsoluteError { get; }

    /// <summary>|Value − FunctionValue| / max(|Value|, |FunctionValue|, floor).</summary>
    public double RelativeError { get; }

    /// <summary>Whether the mismatch is within <paramref name="tolerance"/>, in absolute or relative error.</summary>
    /// <param name="tolerance">The largest acceptable error, at least 0.</param>
    /// <returns><see langword="true"/> if <see cref="AbsoluteError"/> or <see cref="RelativeError"/> is at most <paramref name="tolerance"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tolerance"/> is negative or NaN.</exception>
    public bool Passes(double tolerance)
    {
        GradientCheckResult.CheckTolerance(tolerance);
        return GradientCheckResult.Within(AbsoluteError, RelativeError, tolerance);
    }
}

/// <summary>Thrown by <see cref="GradientCheckResult.AssertPasses(double)"/> when a gradient check fails.</summary>
public sealed class GradientCheckException : Exception
{
    internal GradientCheckException(GradientCheckResult result, double tolerance, string message)
        : base(message)
    {
        Result = result;
        Tolerance = tolerance;
    }

    /// <summary>The failed check.</summary>
    public GradientCheckResult Result { get; }

    /// <summary>The tolerance it failed at.</summary>
    public double Tolerance { get; }
}
