using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace SymbolicDiff;

/// <summary>A function of a flat parameter vector, checked by <see cref="GradientCheck.Run(VectorFunction, VectorGradient, GradientCheckOptions, double[][])"/>.</summary>
/// <param name="parameters">The parameters, e.g. a model's weights followed by its bias.</param>
/// <returns>The function's value.</returns>
public delegate double VectorFunction(ReadOnlySpan<double> parameters);

/// <summary>
/// The value and gradient of a <see cref="VectorFunction"/>: typically a lambda that slices the vector into a
/// generated <c>MWithGradient</c>'s arguments and its gradient outputs.
/// </summary>
/// <param name="parameters">The parameters, as passed to the function.</param>
/// <param name="gradient">
/// One partial derivative per parameter, to be written (every element; it arrives filled with NaN, so an element
/// left unwritten fails the check).
/// </param>
/// <returns>The function's value.</returns>
public delegate double VectorGradient(ReadOnlySpan<double> parameters, Span<double> gradient);

/// <summary>A <see cref="float"/> function of a flat parameter vector, checked by <see cref="GradientCheck.Run(FloatVectorFunction, FloatVectorGradient, GradientCheckOptions, float[][])"/>.</summary>
/// <param name="parameters">The parameters.</param>
/// <returns>The function's value.</returns>
public delegate float FloatVectorFunction(ReadOnlySpan<float> parameters);

/// <summary>The value and gradient of a <see cref="FloatVectorFunction"/>, as for <see cref="VectorGradient"/>.</summary>
/// <param name="parameters">The parameters, as passed to the function.</param>
/// <param name="gradient">One partial derivative per parameter, to be written (it arrives filled with NaN).</param>
/// <returns>The function's value.</returns>
public delegate float FloatVectorGradient(ReadOnlySpan<float> parameters, Span<float> gradient);

public static partial class GradientCheck
{
    private const string VectorFunctionName = "function";
    private const string VectorGradientName = "withGradient";

    /// <summary>
    /// Compares <paramref name="withGradient"/> with the central finite differences of <paramref name="function"/>,
    /// a function of a flat parameter vector, at each of <paramref name="points"/>, with the default
    /// <see cref="GradientCheckOptions"/>. Reflection-free: safe under trimming and Native AOT.
    /// </summary>
    /// <param name="function">The function of the parameter vector.</param>
    /// <param name="withGradient">Its value, returned, and its gradient, written into the span it is given.</param>
    /// <param name="points">The parameter vectors to check at, all of the same length, at least 1.</param>
    /// <returns>One check per element of the parameter vector (named <c>parameters[i]</c>), and any mismatch of the value.</returns>
    /// <exception cref="ArgumentNullException">A delegate, <paramref name="points"/> or one of the points is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">There are no points, a point is empty, or the points differ in length.</exception>
    /// <remarks>See <see cref="Run(VectorFunction, VectorGradient, GradientCheckOptions, double[][])"/>.</remarks>
    public static GradientCheckResult Run(VectorFunction function, VectorGradient withGradient, params double[][] points) =>
        Run(function, withGradient, GradientCheckOptions.Default, points);

    /// <summary>
    /// Compares <paramref name="withGradient"/> with the central finite differences of <paramref name="function"/>,
    /// a function of a flat parameter vector, at each of <paramref name="points"/>. Reflection-free: safe under
    /// trimming and Native AOT.
    /// </summary>
    /// <param name="function">The function of the parameter vector.</param>
    /// <param name="withGradient">Its value, returned, and its gradient, written into the span it is given.</param>
    /// <param name="options">The step size and relative-error floor.</param>
    /// <param name="points">The parameter vectors to check at, all of the same length, at least 1.</param>
    /// <returns>One check per element of the parameter vector (named <c>parameters[i]</c>), and any mismatch of the value.</returns>
    /// <exception cref="ArgumentNullException">A delegate, <paramref name="options"/>, <paramref name="points"/> or one of the points is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">There are no points, a point is empty, or the points differ in length.</exception>
    /// <remarks>
    /// <para>
    /// Methods over spans, such as a generated <c>BatchLossWithGradient(features, labels, weights, bias, dWeights, out dBias)</c>,
    /// are checked by packing the differentiated parameters into one vector and slicing it in two lambdas; the
    /// data the method is not differentiated for is captured:
    /// </para>
    /// <code>
    /// int d = weights.Length;
    /// GradientCheck.Run(
    ///     p => LogisticModel.BatchLoss(features, labels, p[..d], p[d]),
    ///     (p, g) => LogisticModel.BatchLossWithGradient(features, labels, p[..d], p[d], g[..d], out g[d]),
    ///     [.. weights, bias]).AssertPasses();
    /// </code>
    /// <para>
    /// The gradient span is filled with NaN before each call, so an element <paramref name="withGradient"/> does not
    /// write fails the check. The finite differences, errors and report are those of
    /// <see cref="Run(Delegate, Delegate, GradientCheckOptions, double[][])"/>, per element of the vector.
    /// </para>
    /// </remarks>
    public static GradientCheckResult Run(VectorFunction function, VectorGradient withGradient, GradientCheckOptions options, params double[][] points)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(withGradient);
        ArgumentNullException.ThrowIfNull(options);
        int length = CheckVectorPoints(points, static p => p?.Length);

        double[][] widened = points.Select(p => (double[])p.Clone()).ToArray();
        return RunVector(
            length,
            x => function(x),
            (x, gradient) => withGradient(x, gradient),
            static x => x,
            options,
            widened);
    }

    /// <summary>
    /// Compares <paramref name="withGradient"/> with the central finite differences of <paramref name="function"/>,
    /// a <see cref="float"/> function of a flat parameter vector, at each of <paramref name="points"/>, with
    /// <see cref="GradientCheckOptions.Float"/>. Reflection-free: safe under trimming and Native AOT.
    /// </summary>
    /// <param name="function">The function of the parameter vector.</param>
    /// <param name="withGradient">Its value, returned, and its gradient, written into the span it is given.</param>
    /// <param name="points">The parameter vectors to check at, all of the same length, at least 1.</param>
    /// <returns>One check per element of the parameter vector, in <see cref="double"/> (float widens exactly).</returns>
    /// <exception cref="ArgumentNullException">A delegate, <paramref name="points"/> or one of the points is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">There are no points, a point is empty, or the points differ in length.</exception>
    /// <remarks>See <see cref="Run(FloatVectorFunction, FloatVectorGradient, GradientCheckOptions, float[][])"/>.</remarks>
    public static GradientCheckResult Run(FloatVectorFunction function, FloatVectorGradient withGradient, params float[][] points) =>
        Run(function, withGradient, GradientCheckOptions.Float, points);

    /// <summary>
    /// Compares <paramref name="withGradient"/> with the central finite differences of <paramref name="function"/>,
    /// a <see cref="float"/> function of a flat parameter vector, at each of <paramref name="points"/>.
    /// Reflection-free: safe under trimming and Native AOT.
    /// </summary>
    /// <param name="function">The function of the parameter vector.</param>
    /// <param name="withGradient">Its value, returned, and its gradient, written into the span it is given.</param>
    /// <param name="options">The step size and relative-error floor; <see cref="GradientCheckOptions.Float"/> suits float functions.</param>
    /// <param name="points">The parameter vectors to check at, all of the same length, at least 1.</param>
    /// <returns>One check per element of the parameter vector, in <see cref="double"/> (float widens exactly).</returns>
    /// <exception cref="ArgumentNullException">A delegate, <paramref name="options"/>, <paramref name="points"/> or one of the points is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">There are no points, a point is empty, or the points differ in length.</exception>
    /// <remarks>
    /// <para>
    /// The function is evaluated in <see cref="float"/> at x ± h rounded to <see cref="float"/>; the difference
    /// (f(x⁺) − f(x⁻)) / (x⁺ − x⁻) is computed in <see cref="double"/>, from the exact float values. With the
    /// float step ∛ε<sub>f</sub> ≈ 4.9·10<sup>−3</sup> (ε<sub>f</sub> = 2<sup>−23</sup>) the rounding error of the
    /// function, about ε<sub>f</sub>·|f| / h ≈ 2.4·10<sup>−5</sup>·|f|, dominates: check with a tolerance near
    /// 10<sup>−3</sup> (<c>AssertPasses(1e-3)</c>), not the default 10<sup>−6</sup>.
    /// </para>
    /// </remarks>
    public static GradientCheckResult Run(FloatVectorFunction function, FloatVectorGradient withGradient, GradientCheckOptions options, params float[][] points)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(withGradient);
        ArgumentNullException.ThrowIfNull(options);
        int length = CheckVectorPoints(points, static p => p?.Length);

        double[][] widened = points.Select(p => p.Select(x => (double)x).ToArray()).ToArray();
        float[] narrowed = new float[length];
        float[] floatGradient = new float[length];
        return RunVector(
            length,
            x =>
            {
                Narrow(x, narrowed);
                return function(narrowed);
            },
            (x, gradient) =>
            {
                Narrow(x, narrowed);
                floatGradient.AsSpan().Fill(float.NaN);
                float value = withGradient(narrowed, floatGradient);
                for (int i = 0; i < floatGradient.Length; i++)
                {
                    gradient[i] = floatGradient[i];
                }

                return value;
            },
            static x => (float)x,
            options,
            widened);
    }

    private static void Narrow(double[] source, float[] destination)
    {
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = (float)source[i];
        }
    }

    /// <summary>Checks the points: not null, not empty, one length; returns that length.</summary>
    private static int CheckVectorPoints<T>(T[]?[] points, Func<T[]?, int?> lengthOf)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Length == 0)
        {
            throw new ArgumentException("At least one point is needed.", nameof(points));
        }

        int length = -1;
        for (int k = 0; k < points.Length; k++)
        {
            int? pointLength = lengthOf(points[k]);
            if (pointLength is null)
            {
                throw new ArgumentNullException(nameof(points), $"Point {k} is null.");
            }

            if (pointLength == 0)
            {
                throw new ArgumentException($"Point {k} is empty; a point has one coordinate per parameter.", nameof(points));
            }

            if (length >= 0 && pointLength != length)
            {
                throw new ArgumentException(
                    $"Point {k} has {pointLength} coordinates but point 0 has {length}; every point has one coordinate per parameter.", nameof(points));
            }

            length = pointLength.Value;
        }

        return length;
    }

    /// <summary>
    /// The check over parameter vectors, in <see cref="double"/>: <paramref name="round"/> maps a shifted coordinate
    /// to the one the function really sees (identity for double, the nearest float for float).
    /// </summary>
    private static GradientCheckResult RunVector(
        int length,
        Func<double[], double> function,
        Func<double[], double[], double> withGradient,
        Func<double, double> round,
        GradientCheckOptions options,
        double[][] points)
    {
        var worst = new Worst[length];
        Worst? worstValue = null;
        double[] gradient = new double[length];
        double[] shifted = new double[length];
        foreach (double[] point in points)
        {
            Array.Fill(gradient, double.NaN);
            double value = withGradient(point, gradient);
            double functionValue = function(point);
            if (!value.Equals(functionValue))
            {
                var mismatch = new Worst(point, value, functionValue, options.RelativeErrorFloor);
                if (worstValue is null || mismatch.IsWorseThan(worstValue))
                {
                    worstValue = mismatch;
                }
            }

            for (int i = 0; i < length; i++)
            {
                double x = point[i];
                double h = options.RelativeStep * Math.Max(1.0, Math.Abs(x));
                double plus = round(x + h);
                double minus = round(x - h);
                point.CopyTo(shifted, 0);
                shifted[i] = plus;
                double fPlus = function(shifted);
                shifted[i] = minus;
                double fMinus = function(shifted);
                double finiteDifference = (fPlus - fMinus) / (plus - minus);

                var candidate = new Worst(point, gradient[i], finiteDifference, options.RelativeErrorFloor);
                if (worst[i] is null || candidate.IsWorseThan(worst[i]))
                {
                    worst[i] = candidate;
                }
            }
        }

        string[] names = Enumerable.Range(0, length).Select(i => string.Create(CultureInfo.InvariantCulture, $"parameters[{i}]")).ToArray();
        var checks = Enumerable.Range(0, length)
            .Select(i => new ParameterCheck(
                names[i],
                string.Create(CultureInfo.InvariantCulture, $"gradient[{i}]"),
                worst[i].AbsoluteError,
                worst[i].RelativeError,
                worst[i].Point,
                worst[i].Actual,
                worst[i].Expected))
            .ToArray();

        var valueMismatch = worstValue is null
            ? null
            : new ValueMismatch(worstValue.Point, worstValue.Actual, worstValue.Expected, worstValue.AbsoluteError, worstValue.RelativeError);

        return new GradientCheckResult(VectorFunctionName, VectorGradientName, names, checks, valueMismatch, points.Length, options);
    }
}
