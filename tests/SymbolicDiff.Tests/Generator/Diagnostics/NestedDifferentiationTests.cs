using System.Globalization;
using Microsoft.CodeAnalysis;

namespace SymbolicDiff.Tests.Generator.Diagnostics;

/// <summary>
/// A [Differentiable] method that calls a generated gradient (nested differentiation, a second derivative)
/// is SD0020 at that call. While the generator runs, the gradient does not exist yet, so the call binds to
/// nothing: without SD0020 the method was dropped silently and the user saw only CS0103.
/// </summary>
public class NestedDifferentiationTests
{
    private static string Message(string caller, string called, string differentiable) =>
        $"'{caller}' calls '{called}', the generated gradient of '{differentiable}', and differentiating a gradient (a second derivative) is not supported yet; " +
        $"to use the value of '{differentiable}', call '{differentiable}' itself (its derivative is taken into account); " +
        $"to use its gradient, compute it before calling '{caller}' and pass it in as a parameter that is not differentiated";

    [Fact]
    public void A_gradient_call_in_a_loop_free_method_is_SD0020_at_the_call()
    {
        var run = AssertReported(
            """
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable]
                public static double Square(double x) => x * x;

                [Differentiable]
                public static double Penalized(double x)
                {
                    var g = [|SquareWithGradient(x)|];
                    return x + g.X * g.X;
                }
            }
            """,
            Message("Penalized", "C.SquareWithGradient", "C.Square"));

        // Square's own gradient is still generated, so the user's code compiles with it: SD0020 is the only error.
        Assert.Equal(new[] { "C.Square.Derivation.g.cs", "C.Square.g.cs" }, run.GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_qualified_gradient_call_in_a_method_with_a_loop_is_SD0020_at_the_call()
    {
        AssertReported(
            """
            using System;
            using SymbolicDiff;

            namespace App
            {
                public static partial class Penalties
                {
                    [Differentiable]
                    public static double Square(double x) => x * x;
                }

                public static partial class Model
                {
                    [Differentiable]
                    public static double Total(ReadOnlySpan<double> x)
                    {
                        double total = 0;
                        for (int i = 0; i < x.Length; i++)
                        {
                            total += [|Penalties.SquareWithGradient(x[i])|].X;
                        }

                        return total;
                    }
                }
            }
            """,
            Message("Total", "Penalties.SquareWithGradient", "Penalties.Square"));
    }

    [Fact]
    public void Every_gradient_call_is_reported_and_other_errors_stay_the_compilers()
    {
        var (run, spans) = DiagnosticAssert.Run(
            """
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable]
                public static double Square(double x) => x * x;

                [Differentiable]
                public static double Cube(double x) => x * x * x;

                [Differentiable]
                public static double Both(double x) => [|C.SquareWithGradient(x)|].Value + [|CubeWithGradient(x)|].X;

                [Differentiable]
                public static double Typo(double x) => Sqaure(x);
            }
            """);

        var reported = run.GeneratorDiagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.Equal(new[] { "SD0020", "SD0020" }, reported.Select(d => d.Id));
        DiagnosticAssert.AtSpan(run, reported[0], spans[0]);
        DiagnosticAssert.AtSpan(run, reported[1], spans[1]);
        Assert.Equal(Message("Both", "C.SquareWithGradient", "C.Square"), reported[0].GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(Message("Both", "C.CubeWithGradient", "C.Cube"), reported[1].GetMessage(CultureInfo.InvariantCulture));

        // The misspelt call is not a generated name: the compiler's CS0103 is the one report.
        Assert.Contains(run.Output.GetDiagnostics(), d => d.Id == "CS0103" && d.GetMessage(CultureInfo.InvariantCulture).Contains("Sqaure", StringComparison.Ordinal));
    }

    [Fact]
    public void A_method_named_like_a_gradient_that_is_not_generated_is_an_ordinary_call()
    {
        // LossGradient of a type with no [Differentiable] Loss is not a generated name: no SD0020.
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;

            public static partial class C
            {
                [Derivative(nameof(LossGradientDerivative))]
                public static double LossGradient(double x) => 2 * x;

                public static double LossGradientDerivative(double x) => 2;

                [Differentiable]
                public static double F(double x) => LossGradient(x) * x;
            }
            """);
        run.ShouldSucceed();
    }

    /// <summary>
    /// Asserts the one SD0020 at the one marked span, with <paramref name="message"/>, and that the code compiles
    /// once the generated code is in (the call binds to the callee's generated gradient).
    /// </summary>
    private static GeneratorRun AssertReported(string markedSource, string message)
    {
        var (run, spans) = DiagnosticAssert.Run(markedSource);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0020", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(message, diagnostic.GetMessage(CultureInfo.InvariantCulture));
        DiagnosticAssert.AtSpan(run, diagnostic, Assert.Single(spans));
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return run;
    }
}
