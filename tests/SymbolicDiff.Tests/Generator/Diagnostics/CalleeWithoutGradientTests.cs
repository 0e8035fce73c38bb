using System.Globalization;
using Microsoft.CodeAnalysis;

namespace SymbolicDiff.Tests.Generator.Diagnostics;

/// <summary>
/// A [Differentiable] method calling one that got an SD error of its own: the caller's gradient would call the
/// callee's generated code, which does not exist. Found by the fuzzer as CS0117 in generated code; now SD0024 at
/// each such call, transitively, and no code for the callers — while unrelated methods keep theirs.
/// </summary>
public class CalleeWithoutGradientTests
{
    private const string Halve = """
            [Differentiable]
            public static double Halve(double x)
            {
                foreach (double f in new[] { 0.5, 0.5 })
                {
                    x = x * f;
                }

                return x;
            }
        """;

    private static (GeneratorRun Run, IReadOnlyList<MarkedSpan> Spans, List<Diagnostic> Reported) Run(string members)
    {
        var (run, spans) = DiagnosticAssert.Run($$"""
            using System;
            using SymbolicDiff;

            public static partial class Model
            {
            {{Halve}}

            {{members}}
            }
            """);

        // Nothing that does not compile: before SD0024, the caller's code called HalveWithGradient (CS0117).
        var errors = run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "the output does not compile:\n" + string.Join("\n", errors));
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "SD0003");
        var reported = run.GeneratorDiagnostics.Where(d => d.Id == "SD0024").OrderBy(d => d.Location.SourceSpan.Start).ToList();
        return (run, spans, reported);
    }

    [Fact]
    public void A_call_of_a_callee_with_an_error_is_reported_at_the_call_and_the_caller_gets_no_code()
    {
        var (run, spans, reported) = Run("""
                [Differentiable]
                public static double F(double x) => [|Halve(x)|] * x;
            """);

        var diagnostic = Assert.Single(reported);
        DiagnosticAssert.AtSpan(run, diagnostic, spans[0]);
        Assert.Equal(
            "'F' calls 'Model.Halve', whose gradient could not be generated because of the errors reported on 'Model.Halve'; the gradient of 'F' calls it, so it is not generated either; fix the errors on 'Model.Halve' first",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void Callers_of_callers_are_reported_too_and_unrelated_methods_keep_their_code()
    {
        var (run, spans, reported) = Run("""
                [Differentiable]
                public static double F(double x) => [|Halve(x)|] * x;

                [Differentiable]
                public static double G(double x, double y) => [|F(x)|] + y;

                [Differentiable]
                public static double Unrelated(double x) => x * x;
            """);

        Assert.Equal(2, reported.Count);
        DiagnosticAssert.AtSpan(run, reported[0], spans[0]);
        DiagnosticAssert.AtSpan(run, reported[1], spans[1]);
        Assert.Contains("'G' calls 'Model.F'", reported[1].GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal(new[] { "Model.Unrelated.g.cs" }, run.GradientSources.Select(s => s.HintName));
    }

    [Fact]
    public void A_callee_over_vectors_with_an_error_is_reported_at_its_call()
    {
        var (run, spans, reported) = Run("""
                [Differentiable]
                public static double Norm(ReadOnlySpan<double> v)
                {
                    double s = 0;
                    for (int i = 0; i < v.Length; i++)
                    {
                        s += v[i] * v[i];
                    }

                    return Halve(s);
                }

                [Differentiable]
                public static double Loss(ReadOnlySpan<double> w) => [|Norm(w)|] + 1;
            """);

        // Norm calls Halve (an SD0024 of its own, first in the file), and Loss calls Norm.
        Assert.Equal(2, reported.Count);
        Assert.Contains("'Norm' calls 'Model.Halve'", reported[0].GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        DiagnosticAssert.AtSpan(run, reported[1], spans[0]);
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void Once_the_callee_is_fixed_the_caller_gets_its_gradient()
    {
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable]
                public static double Halve(double x)
                {
                    for (int i = 0; i < 3; i++)
                    {
                        x = x / 2;
                    }

                    return x;
                }

                [Differentiable]
                public static double F(double x) => Halve(x) * x;
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(GeneratorHarness.Problems(run.Input, run.Output));
        Assert.Equal(new[] { "Model.F.g.cs", "Model.Halve.g.cs" }, run.GradientSources.Select(s => s.HintName).Order(StringComparer.Ordinal));
    }

    /// <summary>Found porting GradBench's determinant: a recursive callee over spans (SD0018) left its caller calling the missing product.</summary>
    [Fact]
    public void A_caller_of_a_recursive_callee_over_vectors_gets_SD0024_not_CS0117()
    {
        var (run, spans) = DiagnosticAssert.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Repro
            {
                [Differentiable(nameof(v))]
                public static double H(ReadOnlySpan<double> v) => [|K(v, 0)|];

                [Differentiable(nameof(v))]
                private static double K(ReadOnlySpan<double> v, int i) => i == v.Length ? 0 : v[i] + K(v, i + 1);
            }
            """);

        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "SD0018");
        DiagnosticAssert.AtSpan(run, Assert.Single(run.GeneratorDiagnostics, d => d.Id == "SD0024"), spans[0]);
        Assert.Empty(run.GeneratedSources);
    }
}
