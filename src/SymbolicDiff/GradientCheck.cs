using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace SymbolicDiff;

/// <summary>
/// Checks a gradient against central finite differences, for use in your own tests: the counterpart of
/// JAX's <c>check_grads</c> and PyTorch's <c>torch.autograd.gradcheck</c>.
/// </summary>
/// <remarks>
/// <para>
/// Pass the function and the method that returns its value with its gradient, normally a
/// <c>[Differentiable]</c> method <c>M</c> and its generated <c>MWithGradient</c>; C# method groups
/// convert to <see cref="Delegate"/>:
/// </para>
/// <code>
/// GradientCheck.Run(Neuron.Loss, Neuron.LossWithGradient, new[] { 0.5, 2.0, -1.0, 1.0 }, new[] { -1.0, 0.3, 0.2, 0.0 })
///     .AssertPasses(1e-6);
/// </code>
/// <para>
/// At each point it invokes <c>withGradient</c> and reads the returned object's <c>Value</c> and its other
/// public properties, the partial derivatives. Each gradient property belongs to the parameter of
/// <c>function</c> whose name it is in PascalCase, compared case-insensitively: the parameter name without
/// leading underscores and with its first letter upper-cased (<c>w</c> → <c>W</c>, <c>learningRate</c> →
/// <c>LearningRate</c>, <c>_bias</c> → <c>Bias</c>), the generator's naming. For each such parameter it
/// computes the central difference of <c>function</c>,
/// (f(x + h) − f(x − h)) / ((x + h) − (x − h)), with the step
/// h = <see cref="GradientCheckOptions.RelativeStep"/>·max(1, |x|), by default ∛ε·max(1, |x|) ≈ 6.06·10<sup>−6</sup>·max(1, |x|)
/// (ε = 2<sup>−52</sup>, the machine epsilon of <see cref="double"/>): the step that balances the O(h²)
/// truncation error against the O(ε/h) rounding error, which leaves about 10<sup>−10</sup> relative error
/// in the difference for a smooth, well-scaled function. The other parameters stay fixed.
/// </para>
/// <para>
/// Per parameter it reports the worst point with the absolute error |a − d| and the relative error
/// |a − d| / max(|a|, |d|, <see cref="GradientCheckOptions.RelativeErrorFloor"/>) there (a analytic, d the
/// finite difference; floor 10<sup>−8</sup> by default); a partial passes at tolerance τ where either is at
/// most τ. <see cref="GradientCheckResult"/> defines these in full.
/// </para>
/// <para>
/// Only functions whose parameters are all <see cref="double"/>s, passed by value, and that return
/// <see cref="double"/> are supported. It calls the delegates through reflection (the generated code itself
/// uses none), so trimming and Native AOT can break it: those overloads are marked
/// <see cref="System.Diagnostics.CodeAnalysis.RequiresUnreferencedCodeAttribute"/>. Methods over spans,
/// <see cref="float"/> methods, and trimmed or AOT builds use the reflection-free overloads over a flat
/// parameter vector, <see cref="Run(VectorFunction, VectorGradient, GradientCheckOptions, double[][])"/> and
/// <see cref="Run(FloatVectorFunction, FloatVectorGradient, GradientCheckOptions, float[][])"/>.
/// </para>
/// <para>
/// Finite differences assume a smooth function: do not check at a kink (relu at 0, |x| at 0), where the
/// analytic derivative follows a convention and the difference straddles two slopes.
/// </para>
/// </remarks>
public static partial class GradientCheck
{
    private const string WithGradientArgument = "withGradient";

    private const string ReflectionMessage =
        "GradientCheck.Run(Delegate, Delegate, ...) reads the delegates' signatures and the gradient's properties through " +
        "reflection, which trimming and Native AOT can break. Use the reflection-free overloads over a parameter vector instead: " +
        "Run(VectorFunction, VectorGradient, ...) for double methods, Run(FloatVectorFunction, FloatVectorGradient, ...) for float ones.";

    /// <summary>
    /// Compares <paramref name="withGradient"/> with <paramref name="function"/> and its central finite
    /// differences at each of <paramref name="points"/>, with the default <see cref="GradientCheckOptions"/>.
    /// </summary>
    /// <param name="function">The function, taking only <see cref="double"/>s and returning <see cref="double"/>, e.g. <c>Neuron.Loss</c>.</param>
    /// <param name="withGradient">
    /// The method with the same parameters returning its value and gradient, e.g. the generated
    /// <c>Neuron.LossWithGradient</c>: an object with a <see cref="double"/> property <c>Value</c> and one
    /// <see cref="double"/> property per differentiated parameter.
    /// </param>
    /// <param name="points">The points to check at, each with one coordinate per parameter of <paramref name="function"/>, in order.</param>
    /// <returns>The worst discrepancy found for each differentiated parameter, and any mismatch of the value.</returns>
    /// <exception cref="ArgumentNullException">A delegate, <paramref name="points"/> or one of the points is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// The delegates do not have the same parameters, a parameter is not a <see cref="double"/>, a return type
    /// is not as described, a gradient property belongs to no parameter, there are no points, or a point
    /// has the wrong number of coordinates.
    /// </exception>
    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public static GradientCheckResult Run(Delegate function, Delegate withGradient, params double[][] points) =>
        Run(function, withGradient, GradientCheckOptions.Default, points);

    /// <summary>
    /// Compares <paramref name="withGradient"/> with <paramref name="function"/> and its central finite
    /// differences at each of <paramref name="points"/>, with the given step and relative-error floor.
    /// </summary>
    /// <param name="function">The function, taking only <see cref="double"/>s and returning <see cref="double"/>, e.g. <c>Neuron.Loss</c>.</param>
    /// <param name="withGradient">
    /// The method with the same parameters returning its value and gradient, e.g. the generated
    /// <c>Neuron.LossWithGradient</c>: an object with a <see cref="double"/> property <c>Value</c> and one
    /// <see cref="double"/> property per differentiated parameter.
    /// </param>
    /// <param name="options">The step size and relative-error floor.</param>
    /// <param name="points">The points to check at, each with one coordinate per parameter of <paramref name="function"/>, in order.</param>
    /// <returns>The worst discrepancy found for each differentiated parameter, and any mismatch of the value.</returns>
    /// <exception cref="ArgumentNullException">A delegate, <paramref name="options"/>, <paramref name="points"/> or one of the points is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// The delegates do not have the same parameters, a parameter is not a <see cref="double"/>, a return type
    /// is not as described, a gradient property belongs to no parameter, there are no points, or a point
    /// has the wrong number of coordinates.
    /// </exception>
    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public static GradientCheckResult Run(Delegate function, Delegate withGradient, GradientCheckOptions options, params double[][] points)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(withGradient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(points);

        var f = new Callable(function, nameof(function));
        var g = new Callable(withGradient, nameof(withGradient));
        if (f.ReturnType != typeof(double))
        {
            throw new ArgumentException(
                $"'{f.Name}' returns {f.ReturnType}; GradientCheck supports only functions that return double.", nameof(function));
        }

        if (g.ParameterTypes.Length != f.ParameterTypes.Length)
        {
            throw new ArgumentException(
                $"'{g.Name}' takes {g.ParameterTypes.Length} parameters but '{f.Name}' takes {f.ParameterTypes.Length}; it must take the same parameters.",
                nameof(withGradient));
        }

        var (valueProperty, gradientProperties) = MapGradientProperties(f, g);

        if (points.Length == 0)
        {
            throw new ArgumentException("At least one point is needed.", nameof(points));
        }

        for (int k = 0; k < points.Length; k++)
        {
            if (points[k] is null)
            {
                throw new ArgumentNullException(nameof(points), $"Point {k} is null.");
            }

            if (points[k].Length != f.ParameterTypes.Length)
            {
                throw new ArgumentException(
                    $"Point {k} has {points[k].Length} coordinates but '{f.Name}' takes {f.ParameterTypes.Length} parameters ({string.Join(", ", f.ParameterNames)}).",
                    nameof(points));
            }
        }

        var worst = new Worst[gradientProperties.Length];
        Worst? worstValue = null;
        foreach (double[] original in points)
        {
            double[] point = (double[])original.Clone();
            object result = g.Invoke(point) ?? throw new ArgumentException($"'{g.Name}' returned null.", nameof(withGradient));

            double value = (double)valueProperty.GetValue(result)!;
            double functionValue = (double)f.Invoke(point)!;
            if (!value.Equals(functionValue))
            {
                var mismatch = new Worst(point, value, functionValue, options.RelativeErrorFloor);
                if (worstValue is null || mismatch.IsWorseThan(worstValue))
                {
                    worstValue = mismatch;
                }
            }

            for (int j = 0; j < gradientProperties.Length; j++)
            {
                var (property, index) = gradientProperties[j];
                double analytic = (double)property.GetValue(result)!;
                double finiteDifference = CentralDifference(f, point, index, options.RelativeStep);
                var candidate = new Worst(point, analytic, finiteDifference, options.RelativeErrorFloor);
                if (worst[j] is null || candidate.IsWorseThan(worst[j]))
                {
                    worst[j] = candidate;
                }
            }
        }

        var checks = gradientProperties
            .Select((entry, j) => new ParameterCheck(
                f.ParameterNames[entry.Index],
                entry.Property.Name,
                worst[j].AbsoluteError,
                worst[j].RelativeError,
                worst[j].Point,
                worst[j].Actual,
                worst[j].Expected))
            .ToArray();

        var valueMismatch = worstValue is null
            ? null
            : new ValueMismatch(worstValue.Point, worstValue.Actual, worstValue.Expected, worstValue.AbsoluteError, worstValue.RelativeError);

        return new GradientCheckResult(f.Name, g.Name, f.ParameterNames, checks, valueMismatch, points.Length, options);
    }

    /// <summary>
    /// (f(x + h) − f(x − h)) / ((x + h) − (x − h)) in coordinate <paramref name="index"/>, with
    /// h = relativeStep·max(1, |x|); dividing by the representable difference of the two arguments rather
    /// than by 2h removes the error of rounding x ± h.
    /// </summary>
    private static double CentralDifference(Callable f, double[] point, int index, double relativeStep)
    {
        double x = point[index];
        double h = relativeStep * Math.Max(1.0, Math.Abs(x));
        double[] shifted = (double[])point.Clone();
        double plus = x + h;
        double minus = x - h;
        shifted[index] = plus;
        double fPlus = (double)f.Invoke(shifted)!;
        shifted[index] = minus;
        double fMinus = (double)f.Invoke(shifted)!;
        return (fPlus - fMinus) / (plus - minus);
    }

    /// <summary>Finds <c>Value</c> and maps every other property of the result type to a parameter.</summary>
    [RequiresUnreferencedCode(ReflectionMessage)]
    private static (PropertyInfo Value, (PropertyInfo Property, int Index)[] Gradient) MapGradientProperties(Callable f, Callable g)
    {
        Type resultType = g.ReturnType;
        var properties = resultType
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
            .ToArray();

        var value = properties.FirstOrDefault(p => p.Name == "Value");
        if (value is null || value.PropertyType != typeof(double))
        {
            throw new ArgumentException(
                $"'{g.Name}' returns {resultType}, which has no public double property 'Value'; it must return the function's value and gradient, like a generated MWithGradient.",
                WithGradientArgument);
        }

        var gradient = new List<(PropertyInfo Property, int Index)>();
        foreach (var property in properties.Where(p => p != value).OrderBy(p => p.MetadataToken))
        {
            var matches = Enumerable.Range(0, f.ParameterNames.Count)
                .Where(i => PropertyMatches(property.Name, f.ParameterNames[i]))
                .ToList();
            if (matches.Count != 1)
            {
                string reason = matches.Count == 0
                    ? $"no parameter of '{f.Name}' ({string.Join(", ", f.ParameterNames)}) has that name in PascalCase"
                    : $"it matches several parameters of '{f.Name}' ({string.Join(", ", matches.Select(i => f.ParameterNames[i]))})";
                throw new ArgumentException(
                    $"The gradient property '{property.Name}' of {resultType} maps to no double parameter: {reason}.", WithGradientArgument);
            }

            if (property.PropertyType != typeof(double))
            {
                throw new ArgumentException(
                    $"The gradient property '{property.Name}' of {resultType} is {property.PropertyType}; partial derivatives must be double.", WithGradientArgument);
            }

            if (gradient.Any(entry => entry.Index == matches[0]))
            {
                throw new ArgumentException(
                    $"Two gradient properties of {resultType} map to the parameter '{f.ParameterNames[matches[0]]}'.", WithGradientArgument);
            }

            gradient.Add((property, matches[0]));
        }

        if (gradient.Count == 0)
        {
            throw new ArgumentException($"{resultType} has no gradient property besides 'Value': there is nothing to check.", WithGradientArgument);
        }

        return (value, gradient.OrderBy(entry => entry.Index).ToArray());
    }

    /// <summary>Whether a gradient property is named after a parameter: the name without leading underscores, first letter upper-cased, compared case-insensitively.</summary>
    private static bool PropertyMatches(string propertyName, string parameterName)
    {
        string trimmed = parameterName.TrimStart('_');
        string pascal = trimmed.Length == 0 ? parameterName : char.ToUpperInvariant(trimmed[0]) + trimmed.Substring(1);
        return string.Equals(propertyName, pascal, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The discrepancy between an actual and an expected number at a point.</summary>
    private sealed class Worst
    {
        public Worst(double[] point, double actual, double expected, double floor)
        {
            Point = point;
            Actual = actual;
            Expected = expected;
            AbsoluteError = GradientCheckResult.AbsoluteErrorOf(actual, expected);
            RelativeError = GradientCheckResult.RelativeErrorOf(actual, expected, floor);
        }

        public double[] Point { get; }

        public double Actual { get; }

        public double Expected { get; }

        public double AbsoluteError { get; }

        public double RelativeError { get; }

        /// <summary>The error compared with the tolerance: the smaller of the two, NaN ranking above everything.</summary>
        private double Score => GradientCheckResult.ScoreOf(AbsoluteError, RelativeError);

        public bool IsWorseThan(Worst other) => Score > other.Score;
    }

    /// <summary>A delegate with its signature, invoked through reflection without wrapping its exceptions.</summary>
    private sealed class Callable
    {
        private readonly Delegate _delegate;
        private readonly MethodInfo _invoke;

        [RequiresUnreferencedCode(ReflectionMessage)]
        public Callable(Delegate @delegate, string argumentName)
        {
            _delegate = @delegate;
            _invoke = @delegate.GetType().GetMethod("Invoke")!;
            Name = @delegate.Method.Name;
            ReturnType = _invoke.ReturnType;

            var parameters = _invoke.GetParameters();
            ParameterTypes = parameters.Select(p => p.ParameterType).ToArray();

            // Names come from the target method (Func<...>.Invoke only has arg1, arg2, ...); a delegate closed
            // over its first argument (an extension method) has one parameter fewer than its method.
            var methodParameters = @delegate.Method.GetParameters();
            ParameterNames = methodParameters
                .Skip(methodParameters.Length - parameters.Length)
                .Select((p, i) => string.IsNullOrEmpty(p.Name) ? parameters[i].Name ?? "arg" + (i + 1) : p.Name)
                .ToArray();

            for (int i = 0; i < parameters.Length; i++)
            {
                if (ParameterTypes[i] != typeof(double))
                {
                    throw new ArgumentException(
                        $"Parameter '{ParameterNames[i]}' of '{Name}' is {ParameterTypes[i]}; GradientCheck supports only double parameters passed by value.",
                        argumentName);
                }
            }
        }

        public string Name { get; }

        public Type ReturnType { get; }

        public Type[] ParameterTypes { get; }

        public IReadOnlyList<string> ParameterNames { get; }

        public object? Invoke(double[] arguments) =>
            _invoke.Invoke(_delegate, BindingFlags.DoNotWrapExceptions, binder: null, arguments.Cast<object>().ToArray(), CultureInfo.InvariantCulture);
    }
}
