using System.Reflection;

namespace SymbolicDiff.Tests.Generator.SecondOrder;

/// <summary>
/// Calls the generated <c>MWithHessian</c> (struct form) and <c>MWithGradient</c> through reflection, and builds the
/// independent check: central finite differences of the generated gradient, column by column.
/// </summary>
internal sealed class HessianHarness
{
    private readonly MethodInfo _method;
    private readonly MethodInfo _withGradient;
    private readonly MethodInfo? _withHessian;

    /// <param name="withHessian">False for a method without second derivatives, used only for its gradient's finite differences.</param>
    public HessianHarness(GeneratorRun run, string typeName, string methodName, bool withHessian = true)
    {
        var type = run.Load().GetType(typeName)!;
        _method = type.GetMethod(methodName)!;
        _withGradient = type.GetMethods().Single(m => m.Name == methodName + "WithGradient" && m.GetParameters().Length == _method.GetParameters().Length);
        _withHessian = withHessian ? type.GetMethods().Single(m => m.Name == methodName + "WithHessian" && m.GetParameters().Length == _method.GetParameters().Length) : null;
    }

    public double Value(double[] point) => (double)_method.Invoke(null, point.Cast<object>().ToArray())!;

    /// <summary>MWithHessian at <paramref name="point"/>: the value, the gradient, the Hessian.</summary>
    public (double Value, double[] Gradient, double[,] Hessian) WithHessian(double[] point)
    {
        object result = _withHessian!.Invoke(null, point.Cast<object>().ToArray())!;
        var properties = result.GetType().GetProperties();
        double value = (double)properties.Single(p => p.Name == "Value").GetValue(result)!;
        var hessian = (double[,])properties.Single(p => p.Name == "Hessian").GetValue(result)!;
        var gradient = properties.Where(p => p.Name is not ("Value" or "Hessian")).Select(p => (double)p.GetValue(result)!).ToArray();
        return (value, gradient, hessian);
    }

    /// <summary>The generated gradient (MWithGradient's partials, in declaration order).</summary>
    public double[] Gradient(double[] point)
    {
        object result = _withGradient.Invoke(null, point.Cast<object>().ToArray())!;
        return result.GetType().GetProperties().Where(p => p.Name != "Value").Select(p => (double)p.GetValue(result)!).ToArray();
    }

    /// <summary>
    /// Central differences of the generated gradient: column j is (∇f(p + h·eⱼ) − ∇f(p − h·eⱼ)) / 2h, moving the
    /// argument at <paramref name="positions"/>[j] (the differentiated parameters' positions).
    /// </summary>
    public double[,] FiniteDifferenceHessian(double[] point, int[] positions)
    {
        int n = positions.Length;
        var result = new double[n, n];
        for (int j = 0; j < n; j++)
        {
            double h = 1e-5 * Math.Max(1.0, Math.Abs(point[positions[j]]));
            var plus = (double[])point.Clone();
            var minus = (double[])point.Clone();
            plus[positions[j]] += h;
            minus[positions[j]] -= h;
            double step = plus[positions[j]] - minus[positions[j]];
            var gPlus = Gradient(plus);
            var gMinus = Gradient(minus);
            for (int i = 0; i < n; i++)
            {
                result[i, j] = (gPlus[i] - gMinus[i]) / step;
            }
        }

        return result;
    }

    public static void AssertClose(double[,] expected, double[,] actual, double tolerance, string what)
    {
        Assert.Equal(expected.GetLength(0), actual.GetLength(0));
        for (int i = 0; i < expected.GetLength(0); i++)
        {
            for (int j = 0; j < expected.GetLength(1); j++)
            {
                double scale = Math.Max(1.0, Math.Abs(expected[i, j]));
                Assert.True(Math.Abs(expected[i, j] - actual[i, j]) <= tolerance * scale, $"{what}: H[{i},{j}] expected {expected[i, j]:R}, got {actual[i, j]:R}");
            }
        }
    }

    public static void AssertSymmetric(double[,] hessian)
    {
        for (int i = 0; i < hessian.GetLength(0); i++)
        {
            for (int j = 0; j < i; j++)
            {
                Assert.Equal(hessian[i, j], hessian[j, i]);
            }
        }
    }

    /// <summary>The full check at one point: value and gradient as MWithGradient's, the Hessian against the hand-worked one and against finite differences, symmetric.</summary>
    public void Check(double[] point, int[] positions, double[,] byHand)
    {
        var (value, gradient, hessian) = WithHessian(point);
        Assert.Equal(Value(point), value, 12);
        var expectedGradient = Gradient(point);
        for (int i = 0; i < expectedGradient.Length; i++)
        {
            Assert.Equal(expectedGradient[i], gradient[i], 12);
        }

        AssertClose(byHand, hessian, 1e-10, "against the Hessian worked out by hand");
        AssertClose(FiniteDifferenceHessian(point, positions), hessian, 1e-6, "against central differences of the gradient");
        AssertSymmetric(hessian);
    }
}
