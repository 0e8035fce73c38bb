using SymbolicDiff.Tests.AdBench;

namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// An assignment that is a local buffer element's first write saves nothing: the backward sweep restores the 0 the
/// buffer was declared with (<c>LoopDifferentiator.FirstWrites</c>). Each shape is checked by what the generator writes
/// (whether the element is pushed) and by its gradient against values worked by hand and central differences: the
/// determinant by minors (each subset's minor written once, under <c>columnCount[set] == ell - row</c>) against the
/// Leibniz formula, with its Hessian; a loop writing each element once; and two shapes that must keep their saves, a
/// second loop rewriting the elements and a nest whose guard (<c>i &gt;= row</c>) lets an element be written again.
/// </summary>
public class FirstWriteTests
{
    private const string Models = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            // Each h[i] written once, and read in the same iteration: Σ xᵢ³.
            [Differentiable(nameof(x))]
            public static double Cubes(double[] x)
            {
                Span<double> h = stackalloc double[x.Length];
                double total = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    h[i] = x[i] * x[i];
                    total += h[i] * x[i];
                }

                return total;
            }

            // The second loop writes h again: its writes keep their saves, the first loop's need none. 2 Σ xᵢ³.
            [Differentiable(nameof(x))]
            public static double CubesTwice(double[] x)
            {
                Span<double> h = stackalloc double[x.Length];
                double total = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    h[i] = x[i] * x[i];
                    total += h[i] * x[i];
                }

                for (int i = 0; i < x.Length; i++)
                {
                    h[i] = h[i] * x[i];
                    total += h[i];
                }

                return total;
            }

            // h[i] is written at every row up to i: Σ over row ≤ i of (xᵢ x_row)², whose writes keep their saves.
            [Differentiable(nameof(x))]
            public static double Triangle(double[] x)
            {
                int n = x.Length;
                Span<double> h = stackalloc double[n];
                double total = 0;
                for (int row = 0; row < n; row++)
                {
                    for (int i = 0; i < n; i++)
                    {
                        if (i >= row)
                        {
                            h[i] = x[i] * x[row];
                            total += h[i] * h[i];
                        }
                    }
                }

                return total;
            }
        }
        """;

    [Fact]
    public void The_determinants_minors_are_written_once_and_saved_nowhere()
    {
        // The AD benchmark's determinant by minors as the benchmarks time it (AdBenchObjectives.Determinant), bottom-up:
        // minors[set] is written once, at the row where the set has ell − row columns.
        var run = AdBenchObjectiveSource.Run("Determinant.cs", "a", """
            public static double DeterminantHessianIntoArray(double[] a, int ell, double[] hessian) => DeterminantHessian(a, ell, hessian);
            """);
        string generated = GeneratedText.GradientMethod(run.Source(AdBenchObjectiveSource.TypeName + ".Determinant.g.cs"), "Determinant");
        Assert.DoesNotContain("saved.Push(minors", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("SavedValues", generated, StringComparison.Ordinal); // nothing else was saved either
        Assert.Contains("minors[set] = 0.0; // minors[set] as it was before this assignment, its first", generated, StringComparison.Ordinal);
        // minors[0] = 1 overwrites a 0 nothing reads backwards (UnsavedWriteTests): not even the 0 is written back.
        Assert.DoesNotContain("minors[0] = 0.0;", generated, StringComparison.Ordinal);

        // Against the Leibniz formula: det = Σσ sgn σ Πᵢ a[i, σ(i)], so ∂det/∂a[i, j] sums the permutations with σ(i) = j
        // without that factor, and ∂²det/∂a[i, j]∂a[k, l] those with σ(i) = j and σ(k) = l without both.
        var type = run.Load().GetType(AdBenchObjectiveSource.TypeName)!;
        var random = new Random(5);
        foreach (int ell in new[] { 1, 2, 3, 4 })
        {
            double[] a = Enumerable.Range(0, ell * ell).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            var (value, gradient) = Gradient(type, "Determinant", a, ell);
            Assert.Equal(Leibniz(a, ell, -1, -1), value, 12);
            for (int p = 0; p < a.Length; p++)
            {
                Assert.Equal(Leibniz(a, ell, p, -1), gradient[p], 12);
            }

            var hessian = new double[a.Length * a.Length];
            type.GetMethod("DeterminantHessianIntoArray")!.Invoke(null, new object[] { a, ell, hessian });
            for (int p = 0; p < a.Length; p++)
            {
                for (int q = 0; q < a.Length; q++)
                {
                    Assert.Equal(Leibniz(a, ell, p, q), hessian[p * a.Length + q], 12);
                }
            }

            // Central differences of the method itself, each entry moved by ±1e-6.
            var determinant = type.GetMethod("Determinant")!;
            for (int p = 0; p < a.Length; p++)
            {
                double[] up = (double[])a.Clone(), down = (double[])a.Clone();
                up[p] += 1e-6;
                down[p] -= 1e-6;
                double difference = ((double)determinant.Invoke(null, new object[] { up, ell })! - (double)determinant.Invoke(null, new object[] { down, ell })!) / 2e-6;
                Assert.True(Math.Abs(difference - gradient[p]) <= 1e-7, $"∂det/∂a[{p}] at ell = {ell}: generated {gradient[p]:R}, central difference {difference:R}");
            }

            // Twice in a row: the restored zeros leave nothing behind for the next call.
            (value, gradient) = Gradient(type, "Determinant", a, ell);
            Assert.Equal(Leibniz(a, ell, -1, -1), value, 12);
            Assert.Equal(Leibniz(a, ell, 0, -1), gradient[0], 12);
        }
    }

    [Fact]
    public void A_loop_writing_each_element_once_saves_nothing()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string generated = GeneratedText.GradientMethod(run.Source("Models.Cubes.g.cs"), "Cubes");
        Assert.DoesNotContain("saved.Push(h", generated, StringComparison.Ordinal);
        Assert.Contains("h[i] = 0.0;", generated, StringComparison.Ordinal);

        var type = run.Load().GetType("Models")!;
        double[] x = { 0.7, -1.3, 2.1 };
        var (value, gradient) = Gradient(type, "Cubes", x);
        Assert.Equal(x.Sum(v => v * v * v), value, 12);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(3 * x[i] * x[i], gradient[i], 12);
        }

        VectorFiniteDifferenceTests.Check(type, "Cubes", null);
    }

    [Fact]
    public void Writes_after_the_first_keep_their_saves()
    {
        var run = GeneratorHarness.Run(Models).ShouldSucceed();
        string twice = GeneratedText.GradientMethod(run.Source("Models.CubesTwice.g.cs"), "CubesTwice");
        Assert.Equal(1, Occurrences(twice, "saved.Push(h[i]);")); // the second loop's; the first loop's write needs none
        string triangle = GeneratedText.GradientMethod(run.Source("Models.Triangle.g.cs"), "Triangle");
        Assert.Contains("saved.Push(h[i]);", triangle, StringComparison.Ordinal);
        Assert.DoesNotContain("as it was before this assignment, its first", triangle, StringComparison.Ordinal);

        var type = run.Load().GetType("Models")!;
        double[] x = { 0.7, -1.3, 2.1 };
        var (value, gradient) = Gradient(type, "CubesTwice", x);
        Assert.Equal(2 * x.Sum(v => v * v * v), value, 12);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(6 * x[i] * x[i], gradient[i], 12);
        }

        // f = Σᵢ xᵢ⁴ + Σ_{r<i} x_r² xᵢ², so ∂f/∂x_k = 4 x_k³ + 2 x_k Σ_{i≠k} xᵢ².
        (value, gradient) = Gradient(type, "Triangle", x);
        double squares = x.Sum(v => v * v);
        Assert.Equal(x.Sum(v => Math.Pow(v, 4)) + (squares * squares - x.Sum(v => Math.Pow(v, 4))) / 2, value, 12);
        for (int k = 0; k < x.Length; k++)
        {
            Assert.Equal(4 * Math.Pow(x[k], 3) + 2 * x[k] * (squares - x[k] * x[k]), gradient[k], 12);
        }

        VectorFiniteDifferenceTests.Check(type, "CubesTwice", null);
        VectorFiniteDifferenceTests.Check(type, "Triangle", null);
    }

    /// <summary>
    /// The sum over permutations σ of sgn σ Πᵢ a[i, σ(i)], with the factors at flat indices <paramref name="p"/> and
    /// <paramref name="q"/> (−1 for none) left out and only the permutations that pass through them: det, ∂det/∂a_p,
    /// ∂²det/∂a_p∂a_q.
    /// </summary>
    private static double Leibniz(double[] a, int ell, int p, int q)
    {
        double total = 0;
        foreach (var sigma in Permutations(Enumerable.Range(0, ell).ToArray()))
        {
            double term = Sign(sigma);
            var left = new[] { p, q }.Where(index => index >= 0).ToArray();
            if (left.Distinct().Count() != left.Length || left.Any(index => sigma[index / ell] != index % ell))
            {
                continue;
            }

            for (int i = 0; i < ell; i++)
            {
                if (!left.Contains(i * ell + sigma[i]))
                {
                    term *= a[i * ell + sigma[i]];
                }
            }

            total += term;
        }

        return total;
    }

    private static IEnumerable<int[]> Permutations(int[] items)
    {
        if (items.Length <= 1)
        {
            yield return items;
            yield break;
        }

        for (int first = 0; first < items.Length; first++)
        {
            foreach (var rest in Permutations(items.Where((_, i) => i != first).ToArray()))
            {
                yield return [items[first], .. rest];
            }
        }
    }

    private static int Sign(int[] permutation)
    {
        int sign = 1;
        for (int i = 0; i < permutation.Length; i++)
        {
            for (int j = i + 1; j < permutation.Length; j++)
            {
                if (permutation[i] > permutation[j])
                {
                    sign = -sign;
                }
            }
        }

        return sign;
    }

    private static int Occurrences(string text, string statement) =>
        text.Split('\n').Count(line => line.Trim().StartsWith(statement, StringComparison.Ordinal));

    private static (double Value, double[] Gradient) Gradient(Type type, string method, params object[] arguments)
    {
        var withGradient = type.GetMethods().Single(m => m.Name == method + "WithGradient" && m.GetParameters().Length == arguments.Length);
        object result = withGradient.Invoke(null, arguments)!;
        var properties = result.GetType().GetProperties();
        return ((double)properties.Single(p => p.Name == "Value").GetValue(result)!, (double[])properties.Single(p => p.Name != "Value").GetValue(result)!);
    }
}
