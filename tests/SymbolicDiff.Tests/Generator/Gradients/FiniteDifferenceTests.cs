using System.Globalization;
using System.Reflection;
using SymbolicDiff;

namespace SymbolicDiff.Tests.Generator.Gradients;

/// <summary>
/// Checks every generated <c>MWithGradient</c> of <see cref="ScalarFunctions"/> against the method itself:
/// the value must be exactly <c>M(...)</c>, and each partial must agree with a central finite difference
/// of <c>M</c>. The methods are discovered by reflection, so a method added to ScalarFunctions is tested
/// without touching this file.
/// </summary>
public class FiniteDifferenceTests
{
    private const int PointsPerFunction = 24;

    // Relative step: h = 1e-6·max(1, |x|). The central difference then has truncation error
    // ~h²·|f'''|/6 ≈ 1e-13·|f'''| and rounding error ~ε·|f|/h ≈ 1e-10·|f|; the functions here have |f| and
    // |f'''| well below 1e3 on their domains, so both are far inside the tolerance below.
    private const double RelativeStep = 1e-6;

    // |g − fd| ≤ Tolerance·max(1, |fd|), as specified; not loosened for any function.
    private const double Tolerance = 1e-6;

    /// <summary>Where to sample each method's double parameters, when [-2, 2] will not do.</summary>
    private static readonly Dictionary<string, (double Low, double High)> Domains = new()
    {
        [nameof(ScalarFunctions.LogOfProduct)] = (0.2, 3),            // Log needs positive arguments
        [nameof(ScalarFunctions.PowFractionalExponents)] = (0.2, 3),  // x^2.5 and y^-0.5 need x, y > 0
        [nameof(ScalarFunctions.PowVariableExponent)] = (0.2, 2),     // x^y and (2y)^x need positive bases
        [nameof(ScalarFunctions.PowVariableExponentAtRoot)] = (0.2, 2),
        [nameof(ScalarFunctions.MathConstants)] = (0.2, 2),           // Log(h)
        [nameof(ScalarFunctions.DivisionByVariable)] = (0.5, 2),      // 1/y and x/(x + y) away from their poles
        [nameof(ScalarFunctions.LogBases)] = (1.2, 3),                // a logarithm's base must be positive and not 1
        [nameof(ScalarFunctions.InverseTrigonometry)] = (-1.5, 1.5),  // Asin/Acos arguments inside (−1, 1)
    };

    private static readonly (double Low, double High) DefaultDomain = (-2, 2);

    private static readonly Type Functions = typeof(ScalarFunctions);

    public static IEnumerable<object[]> DifferentiableMethodNames() =>
        DifferentiableMethods().Select(method => new object[] { method.Name });

    [Fact]
    public void ScalarFunctions_has_at_least_25_differentiable_methods_each_with_a_generated_gradient()
    {
        var methods = DifferentiableMethods().ToList();
        Assert.True(methods.Count >= 25, $"only {methods.Count} [Differentiable] methods were found");
        foreach (var method in methods)
        {
            Assert.NotNull(GradientMethodOf(method));
        }
    }

    [Fact]
    public void Every_domain_names_an_existing_method()
    {
        var names = DifferentiableMethods().Select(m => m.Name).ToHashSet();
        Assert.All(Domains.Keys, name => Assert.Contains(name, names));
    }

    [Theory]
    [MemberData(nameof(DifferentiableMethodNames))]
    public void Gradient_struct_has_Value_and_one_property_per_differentiated_parameter_in_declaration_order(string name)
    {
        var method = MethodNamed(name);
        var gradientMethod = GradientMethodOf(method);
        var gradientType = gradientMethod.ReturnType;

        Assert.Equal(name + "Gradient", gradientType.Name);
        Assert.Equal(Functions, gradientType.DeclaringType);
        Assert.True(gradientType.IsValueType, "the gradient should be a record struct");
        Assert.True(gradientMethod.IsStatic && gradientMethod.IsPublic);

        var differentiated = DifferentiatedParameters(method);
        var expected = new[] { "Value" }.Concat(differentiated.Select(p => PascalCase(p.Name!))).ToArray();

        // The positional record's primary constructor lists exactly the properties, in order.
        var constructor = gradientType.GetConstructors().Single(c => c.GetParameters().Length > 0);
        Assert.Equal(expected, constructor.GetParameters().Select(p => p.Name).ToArray());
        Assert.All(constructor.GetParameters(), p => Assert.Equal(typeof(double), p.ParameterType));
        foreach (string property in expected)
        {
            Assert.Equal(typeof(double), gradientType.GetProperty(property)?.PropertyType);
        }

        foreach (var heldConstant in method.GetParameters().Except(differentiated))
        {
            Assert.Null(gradientType.GetProperty(PascalCase(heldConstant.Name!)));
        }
    }

    [Theory]
    [MemberData(nameof(DifferentiableMethodNames))]
    public void Value_is_exactly_the_method_and_partials_match_central_differences(string name)
    {
        var method = MethodNamed(name);
        var gradientMethod = GradientMethodOf(method);
        var gradientType = gradientMethod.ReturnType;
        var parameters = method.GetParameters();
        var differentiated = DifferentiatedParameters(method);
        var (low, high) = Domains.TryGetValue(name, out var domain) ? domain : DefaultDomain;
        var random = new Random(StableSeed(name));
        var failures = new List<string>();

        for (int point = 0; point < PointsPerFunction; point++)
        {
            object[] arguments = parameters
                .Select(p => p.ParameterType == typeof(double)
                    ? (object)(low + (high - low) * random.NextDouble())
                    : p.ParameterType == typeof(int)
                        ? random.Next(1, 4)
                        : throw new NotSupportedException($"{name}: no sampler for parameter type {p.ParameterType}"))
                .ToArray();

            double expectedValue = Invoke(method, arguments);
            object gradient = gradientMethod.Invoke(null, (object[])arguments.Clone())!;
            double value = Read(gradientType, gradient, "Value");
            if (!value.Equals(expectedValue))
            {
                failures.Add($"{name}{Format(parameters, arguments)}: Value = {R(value)} but {name}(...) = {R(expectedValue)}");
            }

            foreach (var parameter in differentiated)
            {
                double analytic = Read(gradientType, gradient, PascalCase(parameter.Name!));
                double numeric = CentralDifference(method, arguments, parameter.Position);
                double allowed = Tolerance * Math.Max(1, Math.Abs(numeric));
                if (!(Math.Abs(analytic - numeric) <= allowed))
                {
                    failures.Add(
                        $"{name}{Format(parameters, arguments)}: ∂/∂{parameter.Name} generated = {R(analytic)}, " +
                        $"central difference = {R(numeric)}, |difference| = {R(Math.Abs(analytic - numeric))} > {R(allowed)}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} mismatches:\n" + string.Join("\n", failures.Take(20)));
    }

    // ---- Exact answers where no finite difference is needed ---------------------------------------------

    [Fact]
    public void A_parameter_the_result_does_not_depend_on_has_a_partial_of_exactly_zero()
    {
        var g = ScalarFunctions.IgnoresParameterWithGradient(1.5, -0.25);
        Assert.Equal(3.25, g.Value);      // 1.5² + 1
        Assert.Equal(3.0, g.X);           // 2·1.5
        Assert.Equal(0.0, g.Unused);
    }

    [Fact]
    public void A_parameter_overwritten_before_use_has_a_partial_of_exactly_zero()
    {
        var g = ScalarFunctions.OverwritesParameterWithGradient(123.0, 2.0);
        Assert.Equal(6.0, g.Value);       // x is replaced by 3, so 3·2
        Assert.Equal(0.0, g.X);
        Assert.Equal(3.0, g.Y);
    }

    [Fact]
    public void Returning_a_parameter_gives_partials_one_and_zero()
    {
        var g = ScalarFunctions.ReturnsParameterWithGradient(7.0, -2.5);
        Assert.Equal((-2.5, 0.0, 1.0), (g.Value, g.X, g.Y));

        var identity = ScalarFunctions.ReturnsParameterExpressionBodiedWithGradient(4.0);
        Assert.Equal((4.0, 1.0), (identity.Value, identity.X));
    }

    [Fact]
    public void Parameter_reassignments_differentiate_with_respect_to_the_values_passed_in()
    {
        // x₁ = 2x + y, y₁ = y·x₁ − 1, f = x₁·y₁ = y·x₁² − x₁.
        // ∂f/∂x = (2y·x₁ − 1)·2, ∂f/∂y = x₁² + (2y·x₁ − 1)·1. At x = 1, y = 3: x₁ = 5, f = 75 − 5 = 70,
        // ∂f/∂x = 29·2 = 58, ∂f/∂y = 25 + 29 = 54.
        var g = ScalarFunctions.ReassignsParametersWithGradient(1.0, 3.0);
        Assert.Equal((70.0, 58.0, 54.0), (g.Value, g.X, g.Y));
    }

    [Fact]
    public void Held_constant_and_subset_parameters_have_no_property_and_the_rest_are_in_declaration_order()
    {
        var g = ScalarFunctions.NonDifferentiatedParameterWithGradient(0.5, 2.0);
        // f = k·sin(kx) + k², ∂f/∂x = k²·cos(kx); at x = 0.5, k = 2: 2 sin 1 + 4, 4 cos 1.
        Assert.Equal(2 * Math.Sin(1) + 4, g.Value, 1e-14);
        Assert.Equal(4 * Math.Cos(1), g.X, 1e-14);

        // [Differentiable(nameof(d), nameof(b))]: the record lists B before D whatever the attribute's order.
        var s = ScalarFunctions.SubsetOfSixWithGradient(1, 2, 3, 0, 5, 1);
        // f = ab + c·eᵈ − e/(1 + f²) + bd at (1, 2, 3, 0, 5, 1) = 2 + 3 − 2.5 + 0 = 2.5;
        // ∂f/∂b = a + d = 1, ∂f/∂d = c·eᵈ + b = 5.
        var (value, b, d) = s;
        Assert.Equal((2.5, 1.0, 5.0), (value, b, d));
    }

    [Fact]
    public void Integer_parameters_are_held_constant()
    {
        // f = x³ + 3x, f' = 3x² + 3; at x = 2: 14 and 15.
        var g = ScalarFunctions.IntegerExponentParameterWithGradient(2.0, 3);
        Assert.Equal((14.0, 15.0), (g.Value, g.X));
        Assert.Null(typeof(ScalarFunctions.IntegerExponentParameterGradient).GetProperty("N"));
    }

    [Fact]
    public void Keyword_named_parameters_get_pascal_case_properties()
    {
        // f = d·c + sin(d)·c; ∂f/∂d = c + cos(d)·c, ∂f/∂c = d + sin(d). At d = 0, c = 2: 0, 4, 0.
        var g = ScalarFunctions.KeywordParametersWithGradient(0.0, 2.0);
        Assert.Equal((0.0, 4.0, 0.0), (g.Value, g.Double, g.Class));
    }

    // ---- Helpers ---------------------------------------------------------------------------------------

    private static IEnumerable<MethodInfo> DifferentiableMethods() =>
        Functions.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(m => m.GetCustomAttribute<DifferentiableAttribute>() is not null)
            .OrderBy(m => m.Name, StringComparer.Ordinal);

    private static MethodInfo MethodNamed(string name) => DifferentiableMethods().Single(m => m.Name == name);

    private static MethodInfo GradientMethodOf(MethodInfo method)
    {
        var types = method.GetParameters().Select(p => p.ParameterType).ToArray();
        var gradientMethod = Functions.GetMethod(method.Name + "WithGradient", BindingFlags.Public | BindingFlags.Static, types);
        Assert.True(gradientMethod is not null, $"{method.Name}WithGradient({string.Join(", ", types.Select(t => t.Name))}) was not generated");
        return gradientMethod!;
    }

    /// <summary>The parameters [Differentiable] names, or with no names every double parameter; in declaration order.</summary>
    private static List<ParameterInfo> DifferentiatedParameters(MethodInfo method)
    {
        var names = method.GetCustomAttribute<DifferentiableAttribute>()!.Parameters;
        return method.GetParameters()
            .Where(p => names.Length == 0 ? p.ParameterType == typeof(double) : names.Contains(p.Name))
            .ToList();
    }

    /// <summary>(f(x + h) − f(x − h)) / 2h in the one coordinate, the others fixed.</summary>
    private static double CentralDifference(MethodInfo method, object[] arguments, int index)
    {
        double x = (double)arguments[index];
        double h = RelativeStep * Math.Max(1, Math.Abs(x));
        var plus = (object[])arguments.Clone();
        var minus = (object[])arguments.Clone();
        plus[index] = x + h;
        minus[index] = x - h;

        // Divide by the step actually taken: x + h and x − h are rounded to doubles, so their distance
        // is not exactly 2h; using it removes that rounding from the quotient.
        double step = (double)plus[index] - (double)minus[index];
        return (Invoke(method, plus) - Invoke(method, minus)) / step;
    }

    private static double Invoke(MethodInfo method, object[] arguments) => (double)method.Invoke(null, (object[])arguments.Clone())!;

    private static double Read(Type type, object instance, string property) => (double)type.GetProperty(property)!.GetValue(instance)!;

    /// <summary>The generator's property naming, restated: w → W, x1 → X1, _bias → Bias.</summary>
    private static string PascalCase(string name)
    {
        string trimmed = name.TrimStart('_');
        return char.ToUpperInvariant(trimmed[0]) + trimmed.Substring(1);
    }

    /// <summary>FNV-1a of the name: a seed that is the same on every run (string.GetHashCode is randomised).</summary>
    private static int StableSeed(string name)
    {
        unchecked
        {
            uint hash = 2166136261;
            foreach (char c in name)
            {
                hash = (hash ^ c) * 16777619;
            }

            return (int)(hash & 0x7FFFFFFF);
        }
    }

    private static string Format(ParameterInfo[] parameters, object[] arguments) =>
        "(" + string.Join(", ", parameters.Select((p, i) => p.Name + " = " + (arguments[i] is double d ? R(d) : arguments[i].ToString()))) + ")";

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
