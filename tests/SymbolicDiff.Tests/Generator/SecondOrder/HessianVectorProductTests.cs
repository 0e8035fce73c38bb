using System.Reflection;
using Microsoft.CodeAnalysis.CSharp;

namespace SymbolicDiff.Tests.Generator.SecondOrder;

/// <summary>
/// MHessianVectorProduct of methods over spans: forward mode over the loop gradient, checked against the Hessian
/// worked out by hand times the direction and against central differences of the generated gradient along it.
/// </summary>
public class HessianVectorProductTests
{
    private const string Rosenbrock = """
        using System;
        using SymbolicDiff;

        public static partial class Functions
        {
            [Differentiable(SecondOrder = true)]
            public static double Rosenbrock(ReadOnlySpan<double> x)
            {
                double sum = 0;
                for (int i = 0; i < x.Length - 1; i++)
                {
                    double a = 1 - x[i];
                    double b = x[i + 1] - x[i] * x[i];
                    sum += a * a + 100 * b * b;
                }

                return sum;
            }
        }
        """;

    // Arrays in, arrays out: reflection cannot pass spans.
    private const string Adapters = """
        using System;

        public static class Adapters
        {
            public static double Gradient(double[] x, double[] gradient) => Functions.RosenbrockWithGradient(x, gradient);

            public static double Product(double[] x, double[] v, double[] gradient, double[] product) =>
                Functions.RosenbrockHessianVectorProduct(x, v, gradient, product);

            public static double Dense(double[] x, double[] hessian) => Functions.RosenbrockHessian(x, hessian);

            public static long ProductAllocations(int n)
            {
                var x = new double[n];
                var v = new double[n];
                var gradient = new double[n];
                var product = new double[n];
                for (int i = 0; i < n; i++)
                {
                    x[i] = 0.1 * i;
                    v[i] = 1.0 - 0.05 * i;
                }

                Functions.RosenbrockHessianVectorProduct(x, v, gradient, product); // warm up (JIT, pool)
                // The fewest bytes over five windows: tiered compilation's one-off bookkeeping is not the call's.
                long allocated = long.MaxValue;
                double sum = 0;
                for (int window = 0; window < 5; window++)
                {
                    long before = System.GC.GetAllocatedBytesForCurrentThread();
                    for (int k = 0; k < 100; k++)
                    {
                        sum += Functions.RosenbrockHessianVectorProduct(x, v, gradient, product) + product[0];
                    }

                    allocated = System.Math.Min(allocated, System.GC.GetAllocatedBytesForCurrentThread() - before);
                }

                return double.IsNaN(sum) ? -1 : allocated;
            }

            public static string ArgumentError(int which)
            {
                var x = new double[4];
                var buffer = new double[8];
                try
                {
                    switch (which)
                    {
                        case 0: Functions.RosenbrockHessianVectorProduct(x, new double[4], new double[4], new double[3]); break;
                        case 1: Functions.RosenbrockHessianVectorProduct(x, new double[3], new double[4], new double[4]); break;
                        case 2: Functions.RosenbrockHessianVectorProduct(x, new double[4], buffer.AsSpan(0, 4), buffer.AsSpan(2, 4)); break;
                        default: Functions.RosenbrockHessian(x, new double[15]); break;
                    }

                    return "no exception";
                }
                catch (System.ArgumentException exception)
                {
                    return exception.ParamName ?? "null";
                }
            }
        }
        """;

    /// <summary>The n-dimensional Rosenbrock function's Hessian, by hand.</summary>
    private static double[,] RosenbrockHessian(double[] x)
    {
        int n = x.Length;
        var h = new double[n, n];
        for (int i = 0; i < n - 1; i++)
        {
            // (1 − xᵢ)² + 100(xᵢ₊₁ − xᵢ²)²
            h[i, i] += 2 - 400 * (x[i + 1] - x[i] * x[i]) + 800 * x[i] * x[i];
            h[i, i + 1] += -400 * x[i];
            h[i + 1, i] += -400 * x[i];
            h[i + 1, i + 1] += 200;
        }

        return h;
    }

    private static Assembly Compile()
    {
        var run = GeneratorHarness.Run(Rosenbrock).ShouldSucceed();
        var compilation = run.Output.AddSyntaxTrees(CSharpSyntaxTree.ParseText(Adapters, GeneratorHarness.ParseOptions));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        return new System.Runtime.Loader.AssemblyLoadContext(null, isCollectible: true).LoadFromStream(new MemoryStream(stream.ToArray()));
    }

    [Fact]
    public void Rosenbrocks_Hessian_vector_product_matches_the_hand_worked_Hessian_and_differences_of_the_gradient()
    {
        var adapters = Compile().GetType("Adapters")!;
        var product = adapters.GetMethod("Product")!;
        var gradientMethod = adapters.GetMethod("Gradient")!;
        var random = new Random(11);
        foreach (int n in new[] { 2, 5, 40 })
        {
            var x = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 3 - 1.5).ToArray();
            var v = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            var gradient = new double[n];
            var hv = new double[n];
            double value = (double)product.Invoke(null, new object[] { x, v, gradient, hv })!;

            var expectedGradient = new double[n];
            double expectedValue = (double)gradientMethod.Invoke(null, new object[] { x, expectedGradient })!;
            Assert.Equal(expectedValue, value);
            Assert.Equal(expectedGradient, gradient);

            var h = RosenbrockHessian(x);
            const double step = 1e-6;
            var plus = new double[n];
            var minus = new double[n];
            gradientMethod.Invoke(null, new object[] { x.Zip(v, (a, b) => a + step * b).ToArray(), plus });
            gradientMethod.Invoke(null, new object[] { x.Zip(v, (a, b) => a - step * b).ToArray(), minus });
            for (int i = 0; i < n; i++)
            {
                double byHand = Enumerable.Range(0, n).Sum(j => h[i, j] * v[j]);
                double differences = (plus[i] - minus[i]) / (2 * step);
                Assert.True(Math.Abs(byHand - hv[i]) <= 1e-9 * Math.Max(1, Math.Abs(byHand)), $"n={n}, (Hv)[{i}]: by hand {byHand}, generated {hv[i]}");
                Assert.True(Math.Abs(differences - hv[i]) <= 1e-5 * Math.Max(1, Math.Abs(byHand)), $"n={n}, (Hv)[{i}]: differences {differences}, generated {hv[i]}");
            }
        }
    }

    [Fact]
    public void The_dense_Hessian_from_products_matches_the_hand_worked_one_and_is_symmetric()
    {
        var adapters = Compile().GetType("Adapters")!;
        var dense = adapters.GetMethod("Dense")!;
        var random = new Random(5);
        foreach (int n in new[] { 1, 3, 6 })
        {
            var x = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 3 - 1.5).ToArray();
            var hessian = new double[n * n];
            dense.Invoke(null, new object[] { x, hessian });
            var h = RosenbrockHessian(x);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    Assert.True(Math.Abs(h[i, j] - hessian[i * n + j]) <= 1e-9 * Math.Max(1, Math.Abs(h[i, j])), $"n={n}, H[{i},{j}]: by hand {h[i, j]}, generated {hessian[i * n + j]}");
                    Assert.Equal(hessian[i * n + j], hessian[j * n + i]);
                }
            }
        }
    }

    [Fact]
    public void The_product_allocates_nothing_below_and_above_the_stack_bound()
    {
        var adapters = Compile().GetType("Adapters")!;
        var allocations = adapters.GetMethod("ProductAllocations")!;
        // Rosenbrock saves 4 values per element: 20 fit the saved-value stack, 1,000 are pooled.
        Assert.Equal(0L, (long)allocations.Invoke(null, new object[] { 20 })!);
        Assert.Equal(0L, (long)allocations.Invoke(null, new object[] { 1000 })!);
    }

    [Theory]
    [InlineData(0, "hvX")]
    [InlineData(1, "vX")]
    [InlineData(2, "hvX")]
    [InlineData(3, "hessian")]
    public void Wrong_lengths_and_overlapping_outputs_are_argument_errors_naming_the_argument(int which, string argument)
    {
        var adapters = Compile().GetType("Adapters")!;
        Assert.Equal(argument, (string)adapters.GetMethod("ArgumentError")!.Invoke(null, new object[] { which })!);
    }
}
