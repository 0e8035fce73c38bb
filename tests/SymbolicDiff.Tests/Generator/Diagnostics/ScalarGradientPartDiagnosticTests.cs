using System.Globalization;

namespace SymbolicDiff.Tests.Generator.Diagnostics;

/// <summary>
/// <c>UWithGradient(v, b, dV, out double dB)</c> is differentiated through (ScalarGradientPartTests); the scalar part
/// written into a local declared before the call stays SD0005 at the argument, saying to declare it in the call.
/// </summary>
public class ScalarGradientPartDiagnosticTests
{
    [Fact]
    public void A_scalar_part_written_into_a_local_declared_before_the_call_is_SD0005_at_the_argument_saying_to_declare_it_there()
    {
        var (run, spans) = DiagnosticAssert.Run(
            """
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable(nameof(v), nameof(b), SecondOrder = true)]
                public static double Energy(ReadOnlySpan<double> v, double b)
                {
                    double sum = 0;
                    for (int i = 0; i < v.Length; i++)
                    {
                        sum += b * v[i] * v[i];
                    }

                    return sum;
                }

                [Differentiable(nameof(v), nameof(b))]
                public static double Sensitivity(ReadOnlySpan<double> v, double b)
                {
                    Span<double> gradient = stackalloc double[v.Length];
                    double part;
                    EnergyWithGradient(v, b, gradient, [|out part|]);
                    return part * part;
                }
            }
            """);
        var reported = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0005", reported.Id);
        DiagnosticAssert.AtSpan(run, reported, spans[0]);
        Assert.StartsWith(
            "Passing 'part' for 'dB', a scalar part of the gradient 'EnergyWithGradient' writes, when it is not a local declared by the call " +
            "(declare it there, 'out double dB', and read that local; or pass 'out _' to discard it)",
            reported.GetMessage(CultureInfo.InvariantCulture),
            StringComparison.Ordinal);
    }
}
