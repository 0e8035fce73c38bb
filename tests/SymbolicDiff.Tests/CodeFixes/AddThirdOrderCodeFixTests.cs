using SymbolicDiff.CodeFixes;
using SymbolicDiff.Tests.Docs;
using SymbolicDiff.Tests.Generator;

namespace SymbolicDiff.Tests.CodeFixes;

/// <summary>SD0034's fix: the callee whose gradient is read gets ThirdOrder = true in place of SecondOrder = true, and then the caller's second derivatives are generated.</summary>
public class AddThirdOrderCodeFixTests
{
    private static readonly AddThirdOrderCodeFixProvider Provider = new();

    [Fact]
    public async Task The_fix_of_SD0034_turns_its_docs_example_into_its_docs_fix()
    {
        string page = File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "docs", "diagnostics", "SD0034.md")).ReplaceLineEndings("\n");
        string example = DiagnosticDocsTests.CodeUnder(page, DiagnosticDocsTests.ExampleHeading)!;
        string documented = DiagnosticDocsTests.CodeUnder(page, DiagnosticDocsTests.FixHeading)!;

        var fixedCode = await CodeFixHarness.FixAsync(Provider, "SD0034", AddThirdOrderCodeFixProvider.Key, [example]);

        Assert.Equal("Generate the third derivatives of 'Model.F' (ThirdOrder = true)", fixedCode.Title);
        Assert.Equal(documented, fixedCode.Sources[0]);
        await fixedCode.ShouldBuildCleanAsync();
    }

    [Fact]
    public async Task The_fix_of_SD0034_at_a_read_of_a_gradient_over_spans_gives_the_callee_ThirdOrder()
    {
        const string source = """
            using System;
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable(SecondOrder = true)]
                public static double Energy(ReadOnlySpan<double> v)
                {
                    double s = 0;
                    for (int i = 0; i < v.Length; i++)
                    {
                        s += v[i] * v[i] * v[i];
                    }

                    return s;
                }

                [Differentiable(SecondOrder = true)]
                public static double Step(ReadOnlySpan<double> v)
                {
                    Span<double> gradient = stackalloc double[v.Length];
                    EnergyWithGradient(v, gradient);
                    double sum = 0;
                    for (int i = 0; i < v.Length; i++)
                    {
                        sum += gradient[i] * gradient[i];
                    }

                    return sum;
                }
            }
            """;

        var fixedCode = await CodeFixHarness.FixAsync(Provider, "SD0034", AddThirdOrderCodeFixProvider.Key, [source]);

        Assert.Equal("Generate the third derivatives of 'Model.Energy' (ThirdOrder = true)", fixedCode.Title);
        Assert.Equal(source.Replace("[Differentiable(SecondOrder = true)]\n    public static double Energy", "[Differentiable(ThirdOrder = true)]\n    public static double Energy", StringComparison.Ordinal), fixedCode.Sources[0]);
        await fixedCode.ShouldBuildCleanAsync();
    }
}
