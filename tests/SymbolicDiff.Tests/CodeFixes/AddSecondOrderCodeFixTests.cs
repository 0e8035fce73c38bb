using SymbolicDiff.CodeFixes;
using SymbolicDiff.Tests.Docs;
using SymbolicDiff.Tests.Generator;

namespace SymbolicDiff.Tests.CodeFixes;

/// <summary>SD0020's fix: the callee whose gradient is read gets SecondOrder = true, and then the caller is differentiated through it.</summary>
public class AddSecondOrderCodeFixTests
{
    private static readonly AddSecondOrderCodeFixProvider Provider = new();

    [Fact]
    public async Task The_fix_turns_the_docs_example_into_the_docs_fix()
    {
        string page = File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "docs", "diagnostics", "SD0020.md")).ReplaceLineEndings("\n");
        string example = DiagnosticDocsTests.CodeUnder(page, DiagnosticDocsTests.ExampleHeading)!;
        string documented = DiagnosticDocsTests.CodeUnder(page, DiagnosticDocsTests.FixHeading)!;

        var fixedCode = await CodeFixHarness.FixAsync(Provider, "SD0020", AddSecondOrderCodeFixProvider.Key, [example]);

        Assert.Equal("Generate the second derivatives of 'Model.Square' (SecondOrder = true)", fixedCode.Title);
        Assert.Equal(documented, fixedCode.Sources[0]);
        await fixedCode.ShouldBuildCleanAsync();
    }

    [Fact]
    public async Task The_fix_of_SD0032_turns_its_docs_example_into_its_docs_fix()
    {
        string page = File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "docs", "diagnostics", "SD0032.md")).ReplaceLineEndings("\n");
        string example = DiagnosticDocsTests.CodeUnder(page, DiagnosticDocsTests.ExampleHeading)!;
        string documented = DiagnosticDocsTests.CodeUnder(page, DiagnosticDocsTests.FixHeading)!;

        var fixedCode = await CodeFixHarness.FixAsync(Provider, "SD0032", AddSecondOrderCodeFixProvider.Key, [example]);

        Assert.Equal("Generate the second derivatives of 'Model.Square' (SecondOrder = true)", fixedCode.Title);
        Assert.Equal(documented, fixedCode.Sources[0]);
        await fixedCode.ShouldBuildCleanAsync();
    }

    [Fact]
    public async Task The_fix_of_SD0032_at_a_call_of_a_method_over_spans_gives_it_second_derivatives_and_the_caller_builds()
    {
        const string source = """
            using System;
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable]
                public static double Penalty(ReadOnlySpan<double> w)
                {
                    double s = 0;
                    for (int i = 0; i < w.Length; i++)
                    {
                        s += w[i] * w[i] * w[i] * w[i];
                    }

                    return s;
                }

                [Differentiable(SecondOrder = true)]
                public static double Loss(ReadOnlySpan<double> w) => Penalty(w) + w[0] * w[0];
            }
            """;

        var fixedCode = await CodeFixHarness.FixAsync(Provider, "SD0032", AddSecondOrderCodeFixProvider.Key, [source]);

        Assert.Equal("Generate the second derivatives of 'Model.Penalty' (SecondOrder = true)", fixedCode.Title);
        Assert.Equal(source.Replace("""
                [Differentiable]
                public static double Penalty
            """, """
                [Differentiable(SecondOrder = true)]
                public static double Penalty
            """, StringComparison.Ordinal), fixedCode.Sources[0]);
        await fixedCode.ShouldBuildCleanAsync();
    }

    [Fact]
    public async Task The_fix_keeps_the_callees_listed_parameters_and_edits_the_file_that_declares_it()
    {
        const string callee = """
            using SymbolicDiff;

            public static partial class Potentials
            {
                [Differentiable(nameof(x), nameof(k))]
                public static double Spring(double x, double k, double unused) => 0.5 * k * x * x;
            }
            """;
        const string caller = """
            using SymbolicDiff;

            public static partial class Motion
            {
                [Differentiable(nameof(k))]
                public static double Step(double x, double k) => x - 0.1 * Potentials.SpringWithGradient(x, k, 0.0).X;
            }
            """;

        var fixedCode = await CodeFixHarness.FixAsync(Provider, "SD0020", AddSecondOrderCodeFixProvider.Key, [callee, caller]);

        Assert.Equal(callee.Replace("[Differentiable(nameof(x), nameof(k))]", "[Differentiable(nameof(x), nameof(k), SecondOrder = true)]", StringComparison.Ordinal), fixedCode.Sources[0]);
        Assert.Equal(caller, fixedCode.Sources[1]);
        await fixedCode.ShouldBuildCleanAsync();
    }

    [Fact]
    public async Task The_fix_of_SD0032_at_a_call_of_a_vector_valued_helper_asks_the_helper_for_its_second_derivatives()
    {
        const string source = """
            using System;
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable(nameof(state), nameof(k))]
                public static void Decay(ReadOnlySpan<double> state, double k, Span<double> rate)
                {
                    for (int i = 0; i < state.Length; i++)
                    {
                        rate[i] = -k * state[i];
                    }
                }

                [Differentiable(nameof(k), SecondOrder = true)]
                public static double Energy(ReadOnlySpan<double> x, double k)
                {
                    Span<double> rate = stackalloc double[x.Length];
                    Decay(x, k, rate);
                    return rate[0] * rate[0];
                }
            }
            """;

        var fixedCode = await CodeFixHarness.FixAsync(Provider, "SD0032", AddSecondOrderCodeFixProvider.Key, [source]);

        Assert.Equal("Generate the second derivatives of 'Model.Decay' (SecondOrder = true)", fixedCode.Title);
        Assert.Equal(source.Replace("[Differentiable(nameof(state), nameof(k))]", "[Differentiable(nameof(state), nameof(k), SecondOrder = true)]", StringComparison.Ordinal), fixedCode.Sources[0]);
        await fixedCode.ShouldBuildCleanAsync();
    }
}
