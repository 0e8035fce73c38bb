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
