using System.Reflection;
using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator.SecondOrder;

public class VectorValuedHessianTests
{
    private const string Source = """
        using System;
        using SymbolicDiff;

        public static partial class Models
        {
            // r = (p0², p0·p1, sin p1)
            [Differentiable(nameof(p), SecondOrder = true)]
            public static void Residuals(ReadOnlySpan<double> p, Span<double> r)
            {
                r[0] = p[0] * p[0];
                r[1] = p[0] * p[1];
                r[2] = Math.Sin(p[1]);
            }

            [Differentiable(nameof(p), SecondOrder = true)]
            public static void Misra(ReadOnlySpan<double> p, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> r)
            {
                for (int i = 0; i < x.Length; i++)
                {
                    r[i] = p[0] * (1 - Math.Exp(-p[1] * x[i])) - y[i];
                }
            }

            [Differentiable(nameof(p), SecondOrder = true)]
            public static double Cost(ReadOnlySpan<double> p, ReadOnlySpan<double> x, ReadOnlySpan<double> y)
            {
                Span<double> r = stackalloc double[x.Length];
                Misra(p, x, y, r);
                double sum = 0;
                for (int i = 0; i < r.Length; i++)
                {
                    sum += r[i] * r[i];
                }

                return 0.5 * sum;
            }

            [Differentiable(nameof(a), nameof(b), SecondOrder = true)]
            public static double ScalarCost(double a, double b)
            {
                Span<double> r = stackalloc double[3];
                Scalars(a, b, r);
                return 0.5 * (r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
            }

            [Differentiable(nameof(a), nameof(b), SecondOrder = true)]
            public static void Scalars(double a, double b, Span<double> r)
            {
                r[0] = a * a;
                r[1] = a * b;
                r[2] = Math.Sin(b);
            }
        }
        """;

    [Fact]
    public void Dump()
    {
        var run = GeneratorHarness.Run(Source);
        File.WriteAllText("/tmp/h2vec_dump.cs", string.Join("\n//-----\n", run.GeneratedSources.Select(s => s.SourceText.ToString())) + "\n" + string.Join("\n", run.CompilationProblems));
        run.ShouldSucceed();
    }
}
