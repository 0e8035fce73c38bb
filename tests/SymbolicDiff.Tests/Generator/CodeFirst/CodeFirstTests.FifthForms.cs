using F = SymbolicDiff.Tests.Generator.CodeFirst.CodeFirstFunctions;

namespace SymbolicDiff.Tests.Generator.CodeFirst;

/// <summary>
/// The forms of <c>CodeFirstFunctions.FifthForms.cs</c> in every kind of generated method, against values worked out by
/// hand (in the comments) and central differences; and the messages of the two forms still rejected.
/// </summary>
public partial class CodeFirstTests
{
    [Fact]
    public void Fill_and_Clear_of_a_span()
    {
        // x = (1, 2, 3), a = 2: a²·Σx + a·x0 = 4·6 + 2 = 26; ∂/∂x = a² + a·[i = 0] = (6, 4, 4), ∂/∂a = 2a·Σx + x0 = 25;
        // ∂²/∂xᵢ∂a = 2a + [i = 0] = (5, 4, 4), ∂²/∂a² = 2Σx = 12, nothing else.
        double[] hessian =
        {
            0, 0, 0, 5,
            0, 0, 0, 4,
            0, 0, 0, 4,
            5, 4, 4, 12,
        };
        CheckSpanScalar(nameof(F.FilledAndCleared), new double[] { 1, 2, 3 }, 2, 26, new double[] { 6, 4, 4, 25 }, hessian);
    }

    [Fact]
    public void Array_Fill_Array_Clear_and_CopyTo_from_a_slice()
    {
        // x = (1, 2, 3), a = 2: w = (x1, x2, a) = (2, 3, 2); a·(x2² + a²) = 2·13 = 26, and w[0] = 0 after the clear.
        // ∂/∂x = (0, 0, 2a·x2) = (0, 0, 12), ∂/∂a = x2² + 3a² = 21; ∂²/∂x2² = 2a = 4, ∂²/∂x2∂a = 2x2 = 6, ∂²/∂a² = 6a = 12.
        double[] hessian =
        {
            0, 0, 0, 0,
            0, 0, 0, 0,
            0, 0, 4, 6,
            0, 0, 6, 12,
        };
        CheckSpanScalar(nameof(F.ArrayFilledAndCopied), new double[] { 1, 2, 3 }, 2, 26, new double[] { 0, 0, 12, 21 }, hessian);
    }

    [Fact]
    public void Foreach_ref_readonly_IsEmpty_generic_math_and_CopySign()
    {
        // x = (1, −2, 3), a = 2: Σ|v|·a + Σ copysign(v², a) = 12 + 14 = 26 (> 0, so Max keeps it);
        // ∂/∂xᵢ = a·sign(xᵢ) + 2xᵢ·sign(a) = (4, −6, 8), ∂/∂a = Σ|v| = 6 (copysign's sign only switches);
        // ∂²/∂xᵢ² = 2, ∂²/∂xᵢ∂a = sign(xᵢ) = (1, −1, 1), ∂²/∂a² = 0.
        double[] hessian =
        {
            2, 0, 0, 1,
            0, 2, 0, -1,
            0, 0, 2, 1,
            1, -1, 1, 0,
        };
        CheckSpanScalar(nameof(F.ReadOnlyReferences), new double[] { 1, -2, 3 }, 2, 26, new double[] { 4, -6, 8, 6 }, hessian);

        // a < 0: copysign(v², a) = −v², Σ = −12 − 14 < 0, so Max gives 0 and a gradient of 0.
        var dX = new double[3];
        Assert.Equal(0.0, F.ReadOnlyReferencesWithGradient(new double[] { 1, -2, 3 }, -2, dX, out double dA));
        Close(new double[] { 0, 0, 0, 0 }, dX.Append(dA).ToArray(), 0, "gradient where Max gives 0");

        ThrowsAsTheUsersMethod<ArgumentException>(
            () => F.ReadOnlyReferences(Array.Empty<double>(), 1),
            ("WithGradient", () => F.ReadOnlyReferencesWithGradient(Array.Empty<double>(), 1, Array.Empty<double>(), out _)),
            ("WithDerivative", () => F.ReadOnlyReferencesWithDerivative(Array.Empty<double>(), 1, Array.Empty<double>(), 1)),
            ("Hessian", () => F.ReadOnlyReferencesHessian(Array.Empty<double>(), 1, new double[1])));
    }

    [Fact]
    public void An_output_filled_then_updated()
    {
        // x = (1, 2), a = 3: r = a² + a·x = (12, 15); rows (∂/∂x0, ∂/∂x1, ∂/∂a): (a, 0, 2a + x0) = (3, 0, 7), (0, 3, 8).
        var r = new double[2];
        var jacobian = new double[6];
        F.FilledOutputsJacobian(new double[] { 1, 2 }, 3, r, jacobian);
        Close(new double[] { 12, 15 }, r, 1e-14, "outputs");
        Close(new double[] { 3, 0, 7, 0, 3, 8 }, jacobian, 1e-14, "Jacobian, by hand");
        CheckJacobianColumns(jacobian, 2, new double[] { 1, 2, 3 }, p => { var o = new double[2]; F.FilledOutputs(p[..2], p[2], o); return o; });

        // Forward mode along (1, −1, 0.5): dr = J·d = (3 + 3.5, −3 + 4).
        var dR = new double[2];
        F.FilledOutputsWithDerivative(new double[] { 1, 2 }, 3, r, new double[] { 1, -1 }, 0.5, dR);
        Close(new double[] { 6.5, 1 }, dR, 1e-14, "forward mode");
    }

    /// <summary>
    /// <c>x.CopyTo(h)</c> into a shorter buffer throws ArgumentException, as CopyTo does, before anything is written; into
    /// one long enough it is the copy. f = h0·h1 = x0·x1 for n = 2: ∂/∂x = (x1, x0).
    /// </summary>
    [Fact]
    public void CopyTo_a_shorter_destination_throws_as_CopyTo_does()
    {
        var type = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable]
                public static double F(double[] x)
                {
                    Span<double> h = stackalloc double[2];
                    x.CopyTo(h); // MemoryExtensions.CopyTo(this double[], Span<double>)
                    return h[0] * h[1];
                }
            }
            """).ShouldSucceed().Load().GetType("C")!;
        var user = type.GetMethod("F")!;
        var withGradient = type.GetMethod("FWithGradient", new[] { typeof(double[]) })!;
        object gradient = withGradient.Invoke(null, new object[] { new double[] { 3, 5 } })!;
        Assert.Equal(15.0, (double)gradient.GetType().GetProperty("Value")!.GetValue(gradient)!);
        double[] dX = (double[])gradient.GetType().GetProperty("X")!.GetValue(gradient)!;
        Close(new double[] { 5, 3 }, dX, 0, "gradient, by hand");
        double Value(double[] p) => (double)user.Invoke(null, new object[] { p })!;
        Close(Central(Value, new double[] { 3, 5 }), dX, 1e-7, "gradient, central differences");

        var expected = Assert.Throws<System.Reflection.TargetInvocationException>(() => user.Invoke(null, new object[] { new double[] { 1, 2, 3 } })).InnerException!;
        var actual = Assert.Throws<System.Reflection.TargetInvocationException>(() => withGradient.Invoke(null, new object[] { new double[] { 1, 2, 3 } })).InnerException!;
        Assert.IsType<ArgumentException>(expected);
        Assert.IsType<ArgumentException>(actual);
        Assert.Equal(((ArgumentException)expected).ParamName, ((ArgumentException)actual).ParamName);
    }

    [Theory]
    [InlineData(
        "ReadOnlySpan<double> t = x; double s = 0; while (t.Length > 0) { s += t[0]; t = t[1..]; } return s;",
        "The span 't' set to another vector ('x')",
        "read it at an int index you step instead")]
    [InlineData(
        "Span<double> h = stackalloc double[x.Length]; foreach (ref double v in h) { v = x[0]; } return h[0];",
        "Writing through the foreach variable 'v' ('v = x[0]')",
        "write a for loop over the elements instead")]
    [InlineData(
        "Span<double> h = stackalloc double[x.Length]; double s = 0; foreach (ref readonly double v in h) { h[0] = x[0]; s += v; } return s;",
        "Naming 'h' inside a loop over it by reference",
        "write a for loop over the elements instead")]
    [InlineData(
        "Table.AsSpan().Fill(x[0]); return x[0];",
        "'Table.AsSpan().Fill(x[0])', which writes 'Table.AsSpan()'",
        "for anything else write the loop")]
    public void The_forms_still_rejected_say_what_to_write_instead(string body, string construct, string advice)
    {
        var run = GeneratorHarness.Run($$"""
            using System;
            using SymbolicDiff;

            public static partial class C
            {
                private static readonly double[] Table = new double[4];

                [Differentiable]
                public static double F(ReadOnlySpan<double> x) { {{body}} }
            }
            """);
        var messages = run.GeneratorDiagnostics.Select(d => d.Id + " " + d.GetMessage()).ToList();
        Assert.Contains(messages, m => m.Contains(construct, StringComparison.Ordinal) && m.Contains(advice, StringComparison.Ordinal));
    }
}
