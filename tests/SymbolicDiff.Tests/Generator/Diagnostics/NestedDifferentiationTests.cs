using System.Globalization;
using Microsoft.CodeAnalysis;

namespace SymbolicDiff.Tests.Generator.Diagnostics;

/// <summary>
/// A [Differentiable] method that reads a generated gradient is differentiated through it when the callee has
/// second derivatives; otherwise SD0020 at the call says what is missing. While the generator runs the gradient does
/// not exist yet, so the call binds to nothing: without SD0020 the method would be dropped silently and the user
/// would see only CS0103.
/// </summary>
public class NestedDifferentiationTests
{
    /// <summary>Σ vᵢ² over a span with second derivatives, in the partial class <c>C</c> the tests' own sources complete.</summary>
    private const string NormOverSpans = """
        using System;
        using SymbolicDiff;

        public static partial class C
        {
            [Differentiable(SecondOrder = true)]
            public static double Norm(ReadOnlySpan<double> v)
            {
                double sum = 0;
                for (int i = 0; i < v.Length; i++)
                {
                    sum += v[i] * v[i];
                }

                return sum;
            }
        }
        """;

    private static string NeedsSecondOrder(string caller, string called, string differentiable, string callee) =>
        $"'{caller}' calls '{called}', generated for '{differentiable}', and differentiating through it " +
        $"needs the second derivatives of '{callee}' (the partials of its gradient are its Hessian): add SecondOrder = true to its attribute, [Differentiable(SecondOrder = true)]";

    [Fact]
    public void A_gradient_read_in_a_loop_free_method_of_a_callee_without_second_derivatives_is_SD0020_at_the_call()
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
            NeedsSecondOrder("Penalized", "C.SquareWithGradient", "C.Square", "Square"));

        // Square's own gradient is still generated, so the user's code compiles with it: SD0020 is the only error.
        Assert.Equal(new[] { "C.Square.g.cs" }, run.GeneratedSources.Select(s => s.HintName));
    }

    [Fact]
    public void A_qualified_gradient_read_in_a_method_with_a_loop_is_SD0020_at_the_call()
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
            NeedsSecondOrder("Total", "Penalties.SquareWithGradient", "Penalties.Square", "Square"));
    }

    [Fact]
    public void Every_gradient_read_is_reported_a_value_read_is_not_and_other_errors_stay_the_compilers()
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
                public static double Both(double x) => [|C.SquareWithGradient(x)|].X + [|CubeWithGradient(x)|].X + CubeWithGradient(x).Value;

                [Differentiable]
                public static double Typo(double x) => Sqaure(x);
            }
            """);

        var reported = run.GeneratorDiagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.Equal(new[] { "SD0020", "SD0020" }, reported.Select(d => d.Id));
        DiagnosticAssert.AtSpan(run, reported[0], spans[0]);
        DiagnosticAssert.AtSpan(run, reported[1], spans[1]);
        Assert.Equal(NeedsSecondOrder("Both", "C.SquareWithGradient", "C.Square", "Square"), reported[0].GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(NeedsSecondOrder("Both", "C.CubeWithGradient", "C.Cube", "Cube"), reported[1].GetMessage(CultureInfo.InvariantCulture));

        // The misspelt call is not a generated name: the compiler's CS0103 is the one report.
        Assert.Contains(run.Output.GetDiagnostics(), d => d.Id == "CS0103" && d.GetMessage(CultureInfo.InvariantCulture).Contains("Sqaure", StringComparison.Ordinal));
    }

    [Fact]
    public void The_value_of_the_gradient_of_a_method_over_spans_where_it_would_run_out_of_turn_is_SD0005_saying_to_declare_a_local_with_it()
    {
        // x * NormWithGradient(v, dV) runs just before its statement (GradientInExpressionTests); where the call runs
        // only sometimes, once per iteration, or beside a use of what it writes, it stays SD0005 at the call.
        var (run, spans) = DiagnosticAssert.Run(
            NormOverSpans,
            """
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable(nameof(x))]
                public static double Chosen(double x, double[] v, double[] dV) => x > 0 ? x * [|NormWithGradient(v, dV)|] : x;

                [Differentiable(nameof(x))]
                public static double ShortCircuit(double x, double[] v, double[] dV)
                {
                    bool both = x > 0 && [|NormWithGradient(v, dV)|] > 1;
                    return both ? x : 2 * x;
                }

                [Differentiable(nameof(x))]
                public static double Shrink(double x, double[] v, double[] dV)
                {
                    while ([|NormWithGradient(v, dV)|] > x)
                    {
                        x *= 2;
                    }

                    return x;
                }

                [Differentiable(nameof(x))]
                public static double SameStatement(double x, double[] v, double[] dV) => dV[0] * x * [|NormWithGradient(v, dV)|];
            }
            """);
        var reported = run.GeneratorDiagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.Equal(new[] { "SD0005", "SD0005", "SD0005", "SD0005" }, reported.Select(d => d.Id));
        string[] reasons =
        {
            "as an operand of '?:', which runs only one of its two operands",
            "as the right operand of '&&', which runs only when the left one does not decide",
            "in the condition of a loop, which runs once per iteration",
            "where its statement also uses 'dV', which the call writes (C# evaluates that use in turn with the call)",
        };
        for (int i = 0; i < reported.Count; i++)
        {
            DiagnosticAssert.AtSpan(run, reported[i], spans[i]);
            Assert.StartsWith(
                $"Using the value of 'NormWithGradient', which writes the gradient of 'C.Norm' into 'dV', {reasons[i]} (it would run out of turn: " +
                "declare a local with it before the statement, 'double norm = NormWithGradient(...);', and use the local there) is not supported",
                reported[i].GetMessage(CultureInfo.InvariantCulture),
                StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_gradient_of_a_method_over_spans_without_second_derivatives_is_SD0020()
    {
        AssertReported(
            """
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable]
                public static double Norm(ReadOnlySpan<double> v)
                {
                    double sum = 0;
                    for (int i = 0; i < v.Length; i++)
                    {
                        sum += v[i] * v[i];
                    }

                    return sum;
                }

                [Differentiable(nameof(v))]
                public static double Step(double[] v, double[] dV)
                {
                    [|NormWithGradient(v, dV)|];
                    return dV[0];
                }
            }
            """,
            "'Step' calls 'C.NormWithGradient', generated for 'C.Norm', and differentiating through it is not supported for a method over spans other than a static double method " +
            "with SecondOrder = true, parameters that are vectors of doubles (ReadOnlySpan<double>, Span<double>, double[]), doubles or integers, and a differentiated vector, " +
            "whose 'UWithGradient(v, dV);' is called as a statement or for its value yet; " +
            "compute the gradient before calling 'Step' and pass it in as a parameter that is not differentiated");
    }

    [Fact]
    public void The_gradient_of_a_vector_valued_method_is_SD0020_saying_to_call_it_directly()
    {
        // Arrays, spans it only reads and integers are supported (GradientOverArraysTests); a span it writes makes the
        // callee vector-valued, with a Jacobian and no UWithGradient.
        var (run, spans) = DiagnosticAssert.Run(
            """
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable(nameof(v), SecondOrder = true)]
                public static double Scale(ReadOnlySpan<double> v, Span<double> r)
                {
                    double sum = 0;
                    for (int i = 0; i < v.Length; i++)
                    {
                        r[i] = 2 * v[i];
                        sum += v[i] * v[i];
                    }

                    return sum;
                }

                [Differentiable(nameof(v))]
                public static double Step(double[] v)
                {
                    double[] r = new double[v.Length];
                    double[] dV = new double[v.Length];
                    [|ScaleWithGradient(v, r, dV)|];
                    return dV[0];
                }
            }
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0020", diagnostic.Id);
        DiagnosticAssert.AtSpan(run, diagnostic, Assert.Single(spans));
        Assert.Equal(
            "'Step' calls 'C.ScaleWithGradient', generated for 'C.Scale', and differentiating through it is not supported for a vector-valued method " +
            "(it writes 'r': call it directly, as a statement, and the caller is differentiated through its Jacobian) yet; " +
            "compute the gradient before calling 'Step' and pass it in as a parameter that is not differentiated",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_allocating_gradient_of_a_method_over_spans_called_as_a_statement_is_reported_not_dropped()
    {
        // UWithGradient(v) returns the gradient in arrays; as a statement its result is discarded, and it binds to no
        // stand-in: the method must still get a diagnostic at the call, never silently no code.
        var (run, spans) = DiagnosticAssert.Run(
            NormOverSpans,
            """
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable(nameof(v))]
                public static double Step(double[] v)
                {
                    [|NormWithGradient(v)|];
                    return v[0] * v[0];
                }
            }
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0020", diagnostic.Id);
        DiagnosticAssert.AtSpan(run, diagnostic, Assert.Single(spans));
        Assert.Contains("'NormWithGradient(v, dV);' as a statement", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void A_float_gradient_over_spans_read_in_a_double_method_is_SD0020_naming_both_real_types()
    {
        // Float reads a float callee's gradient over spans (FloatGradientOverSpansTests); a double caller does not mix them.
        var (run, spans) = DiagnosticAssert.Run(
            """
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable(SecondOrder = true)]
                public static float Norm(ReadOnlySpan<float> v)
                {
                    float sum = 0;
                    for (int i = 0; i < v.Length; i++)
                    {
                        sum += v[i] * v[i];
                    }

                    return sum;
                }

                [Differentiable(nameof(x))]
                public static double Step(float[] v, double x)
                {
                    Span<float> gradient = stackalloc float[v.Length];
                    [|NormWithGradient(v, gradient)|];
                    return x * gradient[0];
                }
            }
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0020", diagnostic.Id);
        DiagnosticAssert.AtSpan(run, diagnostic, Assert.Single(spans));
        Assert.Equal(
            "'Step' calls 'C.NormWithGradient', generated for 'C.Norm', and differentiating through it is not supported for a float method over spans, called in a double method (caller and callee compute in one real type: make both double or both float) yet; compute the gradient before calling 'Step' and pass it in as a parameter that is not differentiated",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_caller_asking_for_second_derivatives_of_a_gradient_read_is_SD0034_at_the_read_when_the_callee_lacks_ThirdOrder()
    {
        var (run, spans) = DiagnosticAssert.Run(
            """
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable(SecondOrder = true)]
                public static double Square(double x) => x * x * x;

                [Differentiable(SecondOrder = true)]
                public static double Slope(double x) => [|SquareWithGradient(x)|].X;
            }
            """);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0034", diagnostic.Id);
        DiagnosticAssert.AtSpan(run, diagnostic, Assert.Single(spans));
        Assert.Equal(
            "'Slope' asks for second derivatives (SecondOrder = true) and reads the gradient of 'Square', whose partials (the Hessian of 'Square') they differentiate again: third derivatives of 'Square', generated only with ThirdOrder = true; add ThirdOrder = true to the [Differentiable] of 'Square' (it implies SecondOrder), or remove SecondOrder from 'Slope'",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_caller_asking_for_second_derivatives_of_a_gradient_over_spans_whose_callee_lacks_ThirdOrder_is_SD0034_at_the_read()
    {
        // ∂²(U²)/∂v² reads ∂(∇U)/∂v = ∇²U through the value's adjoint too: U's third derivatives, which Norm does not ask for.
        var (run, spans) = DiagnosticAssert.Run(
            NormOverSpans,
            """
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable(nameof(v), SecondOrder = true)]
                public static double Squared(ReadOnlySpan<double> v)
                {
                    Span<double> gradient = stackalloc double[v.Length];
                    double u = [|NormWithGradient(v, gradient)|];
                    return u * u;
                }
            }
            """);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0034", diagnostic.Id);
        DiagnosticAssert.AtSpan(run, diagnostic, Assert.Single(spans));
        Assert.Equal(
            "'Squared' asks for second derivatives (SecondOrder = true) and reads the gradient of 'Norm', whose partials (the Hessian of 'Norm') they differentiate again: third derivatives of 'Norm', generated only with ThirdOrder = true; add ThirdOrder = true to the [Differentiable] of 'Norm' (it implies SecondOrder), or remove SecondOrder from 'Squared'",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_varying_argument_for_a_parameter_the_callee_does_not_differentiate_is_SD0021()
    {
        // The Hessian of OnlyX has no column for k: ∂(∂OnlyX/∂x)/∂k is not generated.
        var (run, spans) = DiagnosticAssert.Run(
            """
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable(nameof(x), SecondOrder = true)]
                public static double OnlyX(double x, double k) => k * x * x * x;

                [Differentiable]
                public static double Selecting(double x, double k) => [|OnlyXWithGradient(x, k)|].X;
            }
            """);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0021", diagnostic.Id);
        DiagnosticAssert.AtSpan(run, diagnostic, Assert.Single(spans));
        Assert.Contains("'OnlyX' does not differentiate its parameter 'k'", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
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
