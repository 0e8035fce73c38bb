using F = SymbolicDiff.Tests.Generator.CodeFirst.CodeFirstFunctions;

namespace SymbolicDiff.Tests.Generator.CodeFirst;

/// <summary>
/// The forms of <c>CodeFirstFunctions.SixthForms.cs</c> in every kind of generated method, against values worked out by
/// hand (in the comments) and central differences; what the reductions throw; and the message of the LINQ forms still rejected.
/// </summary>
public partial class CodeFirstTests
{
    [Fact]
    public void TensorPrimitives_Dot_Sum_and_Norm()
    {
        // x = (1, 2, 2), a = 2: Dot(x, a·x) = a·Σx² = 18, a²·Σx = 20, |x| = 3: f = 41.
        // ∂/∂xᵢ = 2a·xᵢ + a² + xᵢ/|x| = (8 + 1/3, 12 + 2/3, 12 + 2/3); ∂/∂a = Σx² + 2a·Σx = 29.
        // ∂²/∂xᵢ∂xⱼ = 2a·δᵢⱼ + (δᵢⱼ − xᵢxⱼ/|x|²)/|x| (the norm's Hessian), ∂²/∂xᵢ∂a = 2xᵢ + 2a = (6, 8, 8), ∂²/∂a² = 2Σx = 10.
        double[] hessian =
        {
            4 + 8.0 / 27, -2.0 / 27, -2.0 / 27, 6,
            -2.0 / 27, 4 + 5.0 / 27, -4.0 / 27, 8,
            -2.0 / 27, -4.0 / 27, 4 + 5.0 / 27, 8,
            6, 8, 8, 10,
        };
        CheckSpanScalar(nameof(F.TensorReductions), new double[] { 1, 2, 2 }, 2, 41, new double[] { 8 + 1.0 / 3, 12 + 2.0 / 3, 12 + 2.0 / 3, 29 }, hessian);
    }

    [Fact]
    public void TensorPrimitives_Max_Min_SumOfMagnitudes_and_Product()
    {
        // x = (1, −2, 3), a = 2: a·max − min + a·Σ|x| + Πx = 6 + 2 + 12 − 6 = 14.
        // ∂/∂x: max → a to x2, min → −1 to x1, a·sign(xᵢ) = (2, −2, 2), Π_{j≠i} xⱼ = (−6, 3, −2): (−4, 0, 2); ∂/∂a = 3 + 6 = 9.
        // ∂²/∂xᵢ∂xⱼ = Π_{k≠i,j} xₖ off the diagonal: (x0, x1) 3, (x0, x2) −2, (x1, x2) 1; ∂²/∂xᵢ∂a = sign(xᵢ) + [i = 2] = (1, −1, 2).
        double[] hessian =
        {
            0, 3, -2, 1,
            3, 0, 1, -1,
            -2, 1, 0, 2,
            1, -1, 2, 0,
        };
        CheckSpanScalar(nameof(F.TensorExtremes), new double[] { 1, -2, 3 }, 2, 14, new double[] { -4, 0, 2, 9 }, hessian);

        // TensorPrimitives.Max of nothing throws ArgumentException; every generated method throws the same, before any loop.
        ThrowsAsTheUsersMethod<ArgumentException>(
            () => F.TensorExtremes(Array.Empty<double>(), 1),
            ("WithGradient", () => F.TensorExtremesWithGradient(Array.Empty<double>(), 1, Array.Empty<double>(), out _)),
            ("WithDerivative", () => F.TensorExtremesWithDerivative(Array.Empty<double>(), 1, Array.Empty<double>(), 1)),
            ("Hessian", () => F.TensorExtremesHessian(Array.Empty<double>(), 1, new double[1])));
    }

    [Fact]
    public void LINQ_Sum_with_a_selector_Select_Sum_Average_Max_and_Min()
    {
        // h = a·x; f = Σh² + Σe^h + a·mean(h) + max h − min x = a²Σx² + Σe^(a·xᵢ) + a²Σx/n + a·max x − min x (a > 0).
        // ∂/∂xᵢ = 2a²xᵢ + a·e^(a·xᵢ) + a²/n + a·[i = argmax] − [i = argmin]; ∂/∂a = 2aΣx² + Σxᵢe^(a·xᵢ) + 2aΣx/n + max x.
        // ∂²/∂xᵢ∂xⱼ = δᵢⱼ(2a² + a²e^(a·xᵢ)); ∂²/∂xᵢ∂a = 4a·xᵢ + e^(a·xᵢ)(1 + a·xᵢ) + 2a/n + [i = argmax];
        // ∂²/∂a² = 2Σx² + Σxᵢ²e^(a·xᵢ) + 2Σx/n.
        double[] x = { 1, -1, 2 };
        const double a = 0.5;
        int n = x.Length, argmax = 2, argmin = 1;
        double sum = x.Sum(), squares = x.Sum(v => v * v);
        double value = a * a * squares + x.Sum(v => Math.Exp(a * v)) + a * a * sum / n + a * 2 - (-1);
        double[] gradient = x.Select((v, i) => 2 * a * a * v + a * Math.Exp(a * v) + a * a / n + (i == argmax ? a : 0) - (i == argmin ? 1 : 0))
            .Append(2 * a * squares + x.Sum(v => v * Math.Exp(a * v)) + 2 * a * sum / n + 2).ToArray();
        var hessian = new double[(n + 1) * (n + 1)];
        for (int i = 0; i < n; i++)
        {
            hessian[i * (n + 1) + i] = 2 * a * a + a * a * Math.Exp(a * x[i]);
            double mixed = 4 * a * x[i] + Math.Exp(a * x[i]) * (1 + a * x[i]) + 2 * a / n + (i == argmax ? 1 : 0);
            hessian[i * (n + 1) + n] = mixed;
            hessian[n * (n + 1) + i] = mixed;
        }

        hessian[n * (n + 1) + n] = 2 * squares + x.Sum(v => v * v * Math.Exp(a * v)) + 2 * sum / n;
        CheckSpanScalar(nameof(F.LinqReductions), x, a, value, gradient, hessian);

        // LINQ's Average, Max and Min of nothing throw InvalidOperationException; so do the generated methods.
        ThrowsAsTheUsersMethod<InvalidOperationException>(
            () => F.LinqReductions(Array.Empty<double>(), 1),
            ("WithGradient", () => F.LinqReductionsWithGradient(Array.Empty<double>(), 1, Array.Empty<double>(), out _)),
            ("WithDerivative", () => F.LinqReductionsWithDerivative(Array.Empty<double>(), 1, Array.Empty<double>(), 1)));
    }

    [Fact]
    public void IEEERemainder_Floor_and_a_ReadOnlySpan_slice_of_an_array_buffer()
    {
        // x = (1.2, 2.5), a = 2: IEEERemainder(2.4, 3) = 2.4 − 3 = −0.6, (5, 3) = 5 − 6 = −1, (1.2, 2) = 1.2 − 2 = −0.8,
        // (2.5, 2) = 2.5 − 2 = 0.5; ⌊1.2⌋·a = 2; t0 = x1 = 2.5: f = −1.9 + 2 + 6.25 = 6.35.
        // ∂IEEERemainder(u, v)/∂u = 1, ∂/∂v = −round(u/v): ∂/∂xᵢ = a + 1 (+ 2x1 for x1) = (3, 8);
        // ∂/∂a = Σxᵢ − Σround(xᵢ/a) + ⌊x0⌋ = 3.7 − 2 + 1 = 2.7; ∂²/∂x1² = 2, ∂²/∂xᵢ∂a = 1 (from a + 1), ∂²/∂a² = 0
        // (the rounded quotient is piecewise constant).
        double[] hessian =
        {
            0, 0, 1,
            0, 2, 1,
            1, 1, 0,
        };
        CheckSpanScalar(nameof(F.Remainders), new double[] { 1.2, 2.5 }, 2, 6.35, new double[] { 3, 8, 2.7 }, hessian);
    }

    [Fact]
    public void TensorPrimitives_Dot_of_different_lengths_throws_as_TensorPrimitives_does()
    {
        // Arrays, so that reflection can pass them; Dot<double> names T, which C# 12 cannot infer from double[] to ReadOnlySpan<T>.
        var type = GeneratorHarness.Run("""
            using System;
            using System.Numerics.Tensors;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable]
                public static double F(double[] x, double[] w) => TensorPrimitives.Dot<double>(x, w) + TensorPrimitives.Distance<double>(x, w);
            }
            """).ShouldSucceed().Load().GetType("C")!;
        var user = type.GetMethod("F")!;
        var withGradient = type.GetMethod("FWithGradient", new[] { typeof(double[]), typeof(double[]) })!;
        double[] x = { 1, 2 }, w = { 4, -2 };

        // Dot + |x − w| = 0 + 5: ∂/∂x = w + (x − w)/5 = (3.4, −1.2), ∂/∂w = x − (x − w)/5 = (1.6, 1.2).
        object gradient = withGradient.Invoke(null, new object[] { x, w })!;
        Close(5, (double)gradient.GetType().GetProperty("Value")!.GetValue(gradient)!, 1e-14, "value");
        double[] dX = (double[])gradient.GetType().GetProperty("X")!.GetValue(gradient)!;
        double[] dW = (double[])gradient.GetType().GetProperty("W")!.GetValue(gradient)!;
        Close(new double[] { 3.4, -1.2, 1.6, 1.2 }, dX.Concat(dW).ToArray(), 1e-14, "gradient, by hand");
        double Packed(double[] p) => (double)user.Invoke(null, new object[] { p[..2], p[2..] })!;
        Close(Central(Packed, x.Concat(w).ToArray()), dX.Concat(dW).ToArray(), 1e-7, "gradient, central differences");

        var expected = Assert.Throws<System.Reflection.TargetInvocationException>(() => user.Invoke(null, new object[] { x, new double[3] })).InnerException!;
        var actual = Assert.Throws<System.Reflection.TargetInvocationException>(() => withGradient.Invoke(null, new object[] { x, new double[3] })).InnerException!;
        Assert.IsType<ArgumentException>(expected);
        Assert.IsType<ArgumentException>(actual);
        Assert.Equal(expected.Message, actual.Message);
    }

    /// <summary>
    /// A struct parameter's fields and properties (<c>p.X</c>, formerly SD0005) are read where they are, held constant, as a
    /// float parameter of a double method is: the struct is not differentiated.
    /// </summary>
    [Fact]
    public void A_struct_parameter_s_fields_are_read_as_constants()
    {
        string source = """
            using System;
            using SymbolicDiff;

            public readonly struct Point
            {
                public Point(double x, double y) { X = x; Y = y; }
                public double X { get; }
                public readonly double Y;
            }

            public static partial class C
            {
                [Differentiable(SecondOrder = true)]
                public static double F(Point p, double a) => p.X * a * a + Math.Sin(p.Y * a);
            }
            """;
        var type = GeneratorHarness.Run(source).ShouldSucceed().Load().GetType("C")!;
        var pointType = type.Assembly.GetType("Point")!;
        object point = Activator.CreateInstance(pointType, 3.0, 0.5)!;
        double F(double a) => (double)type.GetMethod("F")!.Invoke(null, new[] { point, a })!;

        // p = (3, 0.5), a = 2: f = 3·4 + sin 1; ∂f/∂a = 2a·p.X + p.Y·cos(p.Y·a) = 12 + 0.5·cos 1.
        object gradient = type.GetMethod("FWithGradient", new[] { pointType, typeof(double) })!.Invoke(null, new[] { point, 2.0 })!;
        Close(12 + Math.Sin(1), (double)gradient.GetType().GetProperty("Value")!.GetValue(gradient)!, 1e-14, "value");
        double dA = (double)gradient.GetType().GetProperty("A")!.GetValue(gradient)!;
        Close(12 + 0.5 * Math.Cos(1), dA, 1e-14, "∂f/∂a, by hand");
        Close((F(2 + 1e-6) - F(2 - 1e-6)) / 2e-6, dA, 1e-7, "∂f/∂a, central differences");
    }

    [Theory]
    [InlineData("return x.Select((v, i) => v * i).Sum();", "(v, i) => v * i", "a selector is a lambda of one parameter")]
    [InlineData("return x.Sum(v => { double w = v * v; return w; });", "v => { double w = v * v; return w; }", "for an index or statements, write the loop")]
    [InlineData("return x.Aggregate(0.0, (s, v) => s + v);", "x.Aggregate", "Sum, Average, Max and Min of an array are accepted")]
    [InlineData("return x.Length > 0 ? x.Max() : 0;", "x.Max()", "runs only on some paths through the statement (behind ?:, && or ||): compute it before the statement")]
    [InlineData("return x.Length > 1 && System.Numerics.Tensors.TensorPrimitives.Sum<double>(x.AsSpan(1)) > 0 ? 1 : x[0];", "System.Numerics.Tensors.TensorPrimitives.Sum<double>(x.AsSpan(1))", "double m = 0; if (x.Length > 0) { m = ")]
    public void The_reductions_still_rejected_say_what_to_write_instead(string body, string construct, string advice)
    {
        string source = $$"""
            using System;
            using System.Linq;
            using SymbolicDiff;

            public static partial class C
            {
                [Differentiable]
                public static double F(double[] x) { {{body}} }
            }
            """;
        var run = GeneratorHarness.Run(source);
        var found = run.GeneratorDiagnostics.Where(d => d.Id == "SD0005" && d.GetMessage().Contains(construct, StringComparison.Ordinal)).ToList();
        Assert.True(found.Count == 1, string.Join("\n", run.GeneratorDiagnostics.Select(d => d.Id + " " + d.GetMessage())));
        Assert.Contains(advice, found[0].GetMessage(), StringComparison.Ordinal);
        Assert.Equal(construct, source.Substring(found[0].Location.SourceSpan.Start, found[0].Location.SourceSpan.Length));
    }
}
