using System.Reflection;

namespace SymbolicDiff.Tests.Generator;

/// <summary>
/// Calls a generated <c>MWithGradient</c> through reflection and compares it with <c>M</c> itself and
/// with central finite differences of <c>M</c>.
/// </summary>
internal static class FiniteDifferenceCheck
{
    /// <summary>The gradient properties (after <c>Value</c>) of <c>MWithGradient</c> at <paramref name="point"/>.</summary>
    public static double[] Gradient(GeneratorRun run, string typeName, string methodName, params double[] point)
    {
        var (_, withGradient) = Methods(run.Load(), typeName, methodName);
        object result = withGradient.Invoke(null, point.Cast<object>().ToArray())!;
        return result.GetType().GetProperties().Where(p => p.Name != "Value").Select(p => (double)p.GetValue(result)!).ToArray();
    }

    /// <summary>
    /// Checks the value against the method and each gradient property against (f(x+h) − f(x−h)) / 2h for the
    /// parameter it belongs to (W for w).
    /// </summary>
    public static void AgainstFiniteDifferences(GeneratorRun run, string typeName, string methodName, params double[] point) =>
        Check(run, typeName, methodName, point, differentiated: null);

    /// <summary>As <see cref="AgainstFiniteDifferences"/>, also asserting which parameters have a gradient property.</summary>
    public static void AgainstFiniteDifferencesOf(GeneratorRun run, string typeName, string methodName, double[] point, params string[] differentiated) =>
        Check(run, typeName, methodName, point, differentiated);

    private static void Check(GeneratorRun run, string typeName, string methodName, double[] point, string[]? differentiated)
    {
        var (method, withGradient) = Methods(run.Load(), typeName, methodName);
        double F(double[] x) => (double)method.Invoke(null, x.Cast<object>().ToArray())!;

        object result = withGradient.Invoke(null, point.Cast<object>().ToArray())!;
        var properties = result.GetType().GetProperties();
        Assert.Equal(F(point), (double)properties.Single(p => p.Name == "Value").GetValue(result)!);

        var parameters = method.GetParameters();
        var partials = properties.Where(p => p.Name != "Value").ToList();
        if (differentiated is not null)
        {
            Assert.Equal(differentiated.Select(name => char.ToUpperInvariant(name[0]) + name.Substring(1)), partials.Select(p => p.Name));
        }

        foreach (var property in partials)
        {
            int index = Array.FindIndex(parameters, p => string.Equals(p.Name, property.Name, StringComparison.OrdinalIgnoreCase));
            Assert.True(index >= 0, $"no parameter for gradient property {property.Name}");
            double h = 1e-6 * Math.Max(1, Math.Abs(point[index]));
            var plus = (double[])point.Clone();
            var minus = (double[])point.Clone();
            plus[index] += h;
            minus[index] -= h;
            double finiteDifference = (F(plus) - F(minus)) / (2 * h);
            double analytic = (double)property.GetValue(result)!;
            Assert.True(
                Math.Abs(analytic - finiteDifference) <= 1e-6 * Math.Max(1, Math.Abs(finiteDifference)),
                $"∂{methodName}/∂{parameters[index].Name} at ({string.Join(", ", point)}): generated {analytic}, finite difference {finiteDifference}");
        }
    }

    private static (MethodInfo Method, MethodInfo WithGradient) Methods(Assembly assembly, string typeName, string methodName)
    {
        var type = assembly.GetType(typeName) ?? throw new InvalidOperationException($"type {typeName} not found");
        return (type.GetMethod(methodName)!, type.GetMethod(methodName + "WithGradient")!);
    }
}
