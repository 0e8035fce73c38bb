using System.Reflection;

namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// Checks every generated gradient of <see cref="VectorFunctions"/> against the method itself: the value must
/// be exactly <c>M(...)</c>, and each partial (each element of a vector's gradient) must agree with a central
/// finite difference of <c>M</c>. Methods are found by reflection, so a method added there is tested here.
/// </summary>
public class VectorFiniteDifferenceTests
{
    private const int PointsPerFunction = 12;
    private const double RelativeStep = 1e-6;
    private const double Tolerance = 1e-6;

    /// <summary>Vector lengths per method where the default (3 to 6 elements each) does not fit its shape.</summary>
    internal static readonly Dictionary<string, Func<Random, int[]>> Lengths = new()
    {
        [nameof(VectorFunctions.MatrixVectorNorm)] = random => Shape(random, (rows, columns) => new[] { rows * columns, columns }),
        [nameof(VectorFunctions.TwoLayerBatch)] = random => Shape(random, (n, d) => new[] { n * d, d }),
        [nameof(VectorFunctions.PackedTriangle)] = random => Shape(random, (n, _) => new[] { n * (n + 1) / 2, n }),
        [nameof(VectorFunctions.SoftmaxRows)] = random => Shape(random, (rows, classes) => new[] { classes + 1, rows * (classes + 1) }),
    };

    public static IEnumerable<object[]> MethodNames() =>
        DifferentiableMethods().Select(method => new object[] { method.Name });

    [Fact]
    public void VectorFunctions_has_its_methods_and_each_vector_method_both_generated_overloads()
    {
        var methods = DifferentiableMethods().ToList();
        Assert.True(methods.Count >= 12, $"only {methods.Count} [Differentiable] methods were found");
        foreach (var method in methods)
        {
            // The API follows the signature: a differentiated vector gets the span-output overload and the
            // allocating struct overload; a method differentiated only for scalars gets the struct overload.
            var selected = method.GetCustomAttribute<DifferentiableAttribute>()!.Parameters;
            bool differentiatesAVector = method.GetParameters().Any(p =>
                p.ParameterType == typeof(double[]) && (selected.Length == 0 || selected.Contains(p.Name)));
            var overloads = typeof(VectorFunctions).GetMethods().Where(m => m.Name == method.Name + "WithGradient").ToList();
            Assert.Equal(differentiatesAVector ? 2 : 1, overloads.Count);
        }
    }

    [Theory]
    [MemberData(nameof(MethodNames))]
    public void Gradient_matches_central_finite_differences(string methodName) =>
        Check(typeof(VectorFunctions), methodName, Lengths.TryGetValue(methodName, out var lengths) ? lengths : null);

    /// <summary>
    /// Checks <c>type.methodName</c>'s generated allocating overload against the method at 12 seeded points: the
    /// value exactly, every partial (every element of a vector's gradient) against a central difference.
    /// </summary>
    internal static void Check(Type type, string methodName, Func<Random, int[]>? lengths)
    {
        var method = type.GetMethod(methodName)!;
        var withGradient = type.GetMethods()
            .Single(m => m.Name == methodName + "WithGradient" && !m.GetParameters().Any(p => p.ParameterType.IsByRef || p.ParameterType.Name.StartsWith("Span", StringComparison.Ordinal)));
        var parameters = method.GetParameters();
        var random = new Random(methodName.Length * 7919 + 17);

        for (int point = 0; point < PointsPerFunction; point++)
        {
            var arguments = Arguments(lengths, parameters, random);
            double F(object[] args) => (double)method.Invoke(null, args)!;

            object result = withGradient.Invoke(null, arguments)!;
            var properties = result.GetType().GetProperties();
            Assert.Equal(F(arguments), (double)properties.Single(p => p.Name == "Value").GetValue(result)!);

            foreach (var property in properties.Where(p => p.Name != "Value"))
            {
                int index = Array.FindIndex(parameters, p => string.Equals(p.Name, property.Name, StringComparison.OrdinalIgnoreCase));
                Assert.True(index >= 0, $"no parameter for gradient property {property.Name}");
                object gradient = property.GetValue(result)!;
                if (gradient is double[] vector)
                {
                    var values = (double[])arguments[index];
                    Assert.Equal(values.Length, vector.Length);
                    for (int i = 0; i < values.Length; i++)
                    {
                        double expected = CentralDifference(F, arguments, index, i);
                        AssertClose(expected, vector[i], $"{methodName}: ∂/∂{parameters[index].Name}[{i}] at point {point}");
                    }
                }
                else
                {
                    double expected = CentralDifference(F, arguments, index, element: null);
                    AssertClose(expected, (double)gradient, $"{methodName}: ∂/∂{parameters[index].Name} at point {point}");
                }
            }
        }
    }

    private static void AssertClose(double expected, double actual, string what) =>
        Assert.True(
            Math.Abs(expected - actual) <= Tolerance * Math.Max(1, Math.Abs(expected)),
            $"{what}: generated {actual:R}, finite difference {expected:R}");

    private static double CentralDifference(Func<object[], double> f, object[] arguments, int parameter, int? element)
    {
        double Shifted(double delta)
        {
            var copy = arguments.Select(a => a is double[] array ? array.Clone() : a).ToArray();
            if (element is int i)
            {
                ((double[])copy[parameter])[i] += delta;
            }
            else
            {
                copy[parameter] = (double)copy[parameter] + delta;
            }

            return f(copy);
        }

        double at = element is int e ? ((double[])arguments[parameter])[e] : (double)arguments[parameter];
        double h = RelativeStep * Math.Max(1, Math.Abs(at));
        return (Shifted(h) - Shifted(-h)) / (2 * h);
    }

    private static object[] Arguments(Func<Random, int[]>? shape, ParameterInfo[] parameters, Random random)
    {
        int vectorCount = parameters.Count(p => p.ParameterType == typeof(double[]));
        int common = random.Next(3, 7);
        int[] lengths = shape is not null ? shape(random) : Enumerable.Repeat(common, vectorCount).ToArray();
        int next = 0;
        return parameters.Select(p => p.ParameterType == typeof(double[])
                ? (object)Enumerable.Range(0, lengths[next++]).Select(_ => Uniform(random)).ToArray()
                : p.ParameterType == typeof(int)
                    ? (object)random.Next(0, 6)
                    : (object)Uniform(random))
            .ToArray();
    }

    // Away from 0, where ReLU and Max have their kinks; [-1.5, -0.1] ∪ [0.1, 1.5].
    private static double Uniform(Random random)
    {
        double magnitude = 0.1 + 1.4 * random.NextDouble();
        return random.Next(2) == 0 ? magnitude : -magnitude;
    }

    private static int[] Shape(Random random, Func<int, int, int[]> lengths) => lengths(random.Next(1, 5), random.Next(1, 5));

    private static IEnumerable<MethodInfo> DifferentiableMethods() =>
        typeof(VectorFunctions).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.GetCustomAttribute<DifferentiableAttribute>() is not null);
}
