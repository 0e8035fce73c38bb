using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SymbolicDiff.Tests.Generator.Diagnostics;
using SymbolicDiff.Tests.Snapshots;

namespace SymbolicDiff.Tests.Generator;

/// <summary>[Differentiable] methods calling each other: the callee's generated gradient is called, not inlined.</summary>
public class CompositionTests
{
    [Fact]
    public void A_callee_gradient_is_called_once_and_its_partials_are_read_from_it()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable]
                public static double Layer(double x, double w, double b) => Math.Tanh(x * w + b);

                [Differentiable(nameof(w1), nameof(w2))]
                public static double TwoLayers(double x, double w1, double w2, double target)
                {
                    double hidden = Layer(x, w1, 0.1);
                    double output = Layer(hidden, w2, -0.2);
                    return Losses.HalfSquaredError(output, target);
                }
            }
            """).ShouldSucceed();

        string generated = run.Source("Model.TwoLayers.g.cs");
        Snapshot.Verify(generated);
        // Layer's derivative is not inlined: its generated gradient is called, once per call of Layer (in the
        // gradient; the forward-mode method after it calls it too).
        Assert.Equal(2, GradientMethodOf(generated).Split("Model.LayerWithGradient(").Length - 1);
        Assert.DoesNotContain("Tanh", generated, StringComparison.Ordinal);
        FiniteDifferenceCheck.AgainstFiniteDifferencesOf(run, "Model", "TwoLayers", new[] { 0.7, 1.3, -0.4, 0.25 }, "w1", "w2");
    }

    [Fact]
    public void A_callee_from_a_referenced_assembly_is_differentiated_through_its_published_gradient()
    {
        // The library is compiled with the generator, as a NuGet package of it would be...
        var library = GeneratorHarness.Run("""
            using SymbolicDiff;
            namespace Lib;
            public static partial class Shapes
            {
                [Differentiable]
                public static double Bump(double x, double width) => System.Math.Exp(-x * x / (width * width));
            }
            """).ShouldSucceed();
        using var image = new MemoryStream();
        Assert.True(library.Output.WithAssemblyName("Lib").Emit(image).Success);
        var libraryReference = MetadataReference.CreateFromImage(image.ToArray());

        // ...and the caller sees only its metadata: the [Differentiable] attribute and the public BumpWithGradient.
        var input = GeneratorHarness.Compile("""
            using SymbolicDiff;
            public static partial class App
            {
                [Differentiable]
                public static double F(double x, double w) => Lib.Shapes.Bump(x * w, 1.5) * w;
            }
            """).AddReferences(libraryReference);
        GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(input, out var output, out var diagnostics);
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.Problems(input, output));

        var context = new System.Runtime.Loader.AssemblyLoadContext(null, isCollectible: true);
        context.LoadFromStream(new MemoryStream(image.ToArray()));
        using var appImage = new MemoryStream();
        Assert.True(output.Emit(appImage).Success);
        var app = context.LoadFromStream(new MemoryStream(appImage.ToArray())).GetType("App")!;

        double x = 0.6, w = 1.7;
        object gradient = app.GetMethod("FWithGradient")!.Invoke(null, new object[] { x, w })!;
        // f = exp(−(xw)²/2.25) · w: ∂f/∂x = e · (−2xw/2.25) · w · w, ∂f/∂w = e · (−2xw/2.25) · x · w + e.
        double e = Math.Exp(-(x * w) * (x * w) / 2.25);
        Assert.Equal(e * (-2 * x * w / 2.25) * w * w, (double)gradient.GetType().GetProperty("X")!.GetValue(gradient)!, 12);
        Assert.Equal(e * (-2 * x * w / 2.25) * x * w + e, (double)gradient.GetType().GetProperty("W")!.GetValue(gradient)!, 12);
    }

    [Theory]
    [InlineData("public static double F(double x) => [|F|](x) * 2;", "The call of 'C.F' makes 'F' recursive; a [Differentiable] method may call other [Differentiable] methods, but not itself, directly or through others; write the computation as a loop instead: keep the running result in a local (double acc = ...;), update it in a for loop (acc = ... acc ...;) and return it")]
    [InlineData("public static double F(double x) { double s = 0; for (int i = 0; i < 2; i++) { s += [|F|](x); } return s; }", "The call of 'C.F' makes 'F' recursive; a [Differentiable] method may call other [Differentiable] methods, but not itself, directly or through others; write the computation as a loop instead: keep the running result in a local (double acc = ...;), update it in a for loop (acc = ... acc ...;) and return it")]
    [InlineData("public static double F(double x) => [|G|](x) + 1;", "The call of 'C.G' makes 'F' recursive, through 'C.G' and 'C.H'; a [Differentiable] method may call other [Differentiable] methods, but not itself, directly or through others; write the computation as a loop instead: keep the running result in a local (double acc = ...;), update it in a for loop (acc = ... acc ...;) and return it")]
    public void Recursion_is_reported_at_the_call(string method, string message)
    {
        string source = $$"""
            using SymbolicDiff;
            public static partial class C
            {
                [Differentiable]
                {{method}}

                [Differentiable]
                public static double G(double x) => H(x) * x;

                [Differentiable]
                public static double H(double x) => x > 1 ? F(x - 1) : x;
            }
            """;
        int start = source.IndexOf("[|", StringComparison.Ordinal);
        int end = source.IndexOf("|]", StringComparison.Ordinal) - 2;
        var run = GeneratorHarness.Run(source.Replace("[|", "").Replace("|]", ""));

        var diagnostic = Assert.Single(run.GeneratorDiagnostics, d => d.Location.SourceSpan.Start == start);
        Assert.Equal("SD0018", diagnostic.Id);
        Assert.Equal(message, diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(end - start, diagnostic.Location.SourceSpan.Length);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
    }

    private const string Layers = """
        using System;
        using SymbolicDiff;

        public static partial class Net
        {
            // The layer reports its weights' gradient only; callers still pass it a varying input.
            [Differentiable(nameof(w), nameof(b))]
            public static double Layer(double x, double w, double b) => Math.Tanh(x * w + b);

            [Differentiable]
            public static double Stacked(double x, double w1, double b1, double w2, double b2) => Layer(Layer(x, w1, b1), w2, b2);

            [Differentiable(nameof(w1), nameof(b1), nameof(w2), nameof(b2))]
            public static double StackedWeights(double x, double w1, double b1, double w2, double b2)
            {
                double hidden = Layer(x, w1, b1);
                return Layer(hidden, w2, b2);
            }
        }
        """;

    [Fact]
    public void Stacked_layers_that_select_their_weights_are_differentiated_through_their_input_too()
    {
        var run = GeneratorHarness.Run(Layers).ShouldSucceed();

        // Worked numbers at x = 0.5, w1 = 0.8, b1 = 0.1, w2 = −1.2, b2 = 0.3:
        //   h = tanh(0.5·0.8 + 0.1) = tanh(0.5) = 0.46211715726, out = tanh(h·w2 + b2) = tanh(−0.25454) = −0.24918211264
        //   ∂out/∂b2 = 1 − out² = 0.93790827474, ∂out/∂w2 = (1 − out²)·h = 0.43342350569
        //   ∂out/∂h = (1 − out²)·w2, so ∂out/∂b1 = (1 − out²)·w2·(1 − h²) = −0.88513900368,
        //   ∂out/∂w1 = ∂out/∂b1·x = −0.44256950184, ∂out/∂x = ∂out/∂b1·w1 = −0.70811120294
        double[] point = { 0.5, 0.8, 0.1, -1.2, 0.3 };
        var gradient = FiniteDifferenceCheck.Gradient(run, "Net", "Stacked", point);
        double[] expected = { -0.7081112029436629, -0.4425695018397893, -0.8851390036795787, 0.4334235056937192, 0.9379082747404981 };
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], gradient[i], 1e-12);
        }

        FiniteDifferenceCheck.AgainstFiniteDifferencesOf(run, "Net", "Stacked", point, "x", "w1", "b1", "w2", "b2");
        FiniteDifferenceCheck.AgainstFiniteDifferencesOf(run, "Net", "Stacked", new[] { -1.3, 0.4, -0.7, 2.1, -0.2 }, "x", "w1", "b1", "w2", "b2");
        FiniteDifferenceCheck.AgainstFiniteDifferencesOf(run, "Net", "StackedWeights", point, "w1", "b1", "w2", "b2");
        Assert.Equal(expected.Skip(1), FiniteDifferenceCheck.Gradient(run, "Net", "StackedWeights", point), new ToleranceComparer(1e-12));

        // Where the input is held constant (x in StackedWeights), the layer's own gradient is still called.
        string weights = run.Source("Net.StackedWeights.g.cs");
        Assert.Equal(1, GradientMethodOf(weights).Split("Net.LayerWithGradient(").Length - 1);
    }

    [Fact]
    public void A_layer_with_locals_selecting_its_weights_is_stacked_the_same_way()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Net
            {
                [Differentiable(nameof(w), nameof(b))]
                public static double Softsign(double x, double w, double b)
                {
                    double z = x * w + b;
                    double scale = 1 + Math.Abs(z);
                    return z / scale;
                }

                [Differentiable(nameof(w1), nameof(w2))]
                public static double Model(double x, double w1, double w2, double target)
                {
                    double h = Softsign(x, w1, 0.25);
                    double z = Softsign(h * h, w2, -0.5);
                    return (z - target) * (z - target);
                }
            }
            """).ShouldSucceed();

        FiniteDifferenceCheck.AgainstFiniteDifferencesOf(run, "Net", "Model", new[] { 0.7, 1.3, -0.4, 0.25 }, "w1", "w2");
        FiniteDifferenceCheck.AgainstFiniteDifferencesOf(run, "Net", "Model", new[] { -2.0, 0.3, 1.7, -0.5 }, "w1", "w2");
    }

    [Fact]
    public void A_layer_read_in_place_inside_branches_follows_the_branch_taken()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Net
            {
                [Differentiable(nameof(w), nameof(b))]
                public static double Layer(double x, double w, double b)
                {
                    double z = x * w + b;
                    double squashed = z / (1 + z * z);
                    return squashed * 3;
                }

                [Differentiable]
                public static double Branchy(double x, double w)
                {
                    double y;
                    if (x > 0)
                    {
                        y = Layer(x * x, w, 0.1);
                    }
                    else
                    {
                        if (x < -1)
                        {
                            return Layer(Math.Exp(x), w, -0.3);
                        }

                        y = Layer(-x, w, 0.2) * 2;
                    }

                    return y + Layer(y, w, x);
                }
            }
            """).ShouldSucceed();

        Assert.DoesNotContain("LayerWithGradient(", run.Source("Net.Branchy.g.cs"), StringComparison.Ordinal);
        foreach (double x in new[] { 0.8, -0.4, -1.7 })
        {
            FiniteDifferenceCheck.AgainstFiniteDifferencesOf(run, "Net", "Branchy", new[] { x, 1.3 }, "x", "w");
        }
    }

    [Fact]
    public void In_a_loop_method_the_layer_is_read_in_place_where_its_input_varies_and_called_where_it_does_not()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Net
            {
                [Differentiable(nameof(w), nameof(b))]
                public static double Layer(double x, double w, double b) => Math.Tanh(x * w + b);

                [Differentiable]
                public static double Stacked(double[] x, double w1, double w2)
                {
                    double total = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        total += Layer(Layer(x[i], w1, 0.1), w2, -0.2);
                    }

                    return total;
                }

                [Differentiable(nameof(w1), nameof(w2))]
                public static double HeldInput(double[] x, double w1, double w2)
                {
                    double total = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        total += Layer(x[i], w1, w2);
                    }

                    return total;
                }
            }
            """).ShouldSucceed();

        string stacked = run.Source("Net.Stacked.g.cs");
        Assert.DoesNotContain("LayerWithGradient(", stacked, StringComparison.Ordinal);
        Assert.Contains("Net.LayerWithGradient(", run.Source("Net.HeldInput.g.cs"), StringComparison.Ordinal);

        // Worked numbers: x = [0.5, −1], w1 = 0.8, w2 = −1.2. For x = 0.5: h = tanh(0.5) = 0.46211715726,
        // out = tanh(−0.2 − 1.2·h) = tanh(−0.75454058871) = −0.63803...; the gradient sums both elements' chains.
        var assembly = run.Load();
        var type = assembly.GetType("Net")!;
        var withGradient = type.GetMethods().Single(m => m.Name == "StackedWithGradient" && m.GetParameters().Length == 3);
        double[] x = { 0.5, -1.0 };
        object result = withGradient.Invoke(null, new object[] { x, 0.8, -1.2 })!;
        double value = (double)result.GetType().GetProperty("Value")!.GetValue(result)!;
        double expected = 0;
        double dW1 = 0, dW2 = 0;
        foreach (double xi in x)
        {
            double h = Math.Tanh(xi * 0.8 + 0.1);
            double o = Math.Tanh(h * -1.2 - 0.2);
            expected += o;
            dW2 += (1 - o * o) * h;
            dW1 += (1 - o * o) * -1.2 * (1 - h * h) * xi;
        }

        Assert.Equal(expected, value, 1e-15);
        Assert.Equal(dW1, (double)result.GetType().GetProperty("W1")!.GetValue(result)!, 1e-12);
        Assert.Equal(dW2, (double)result.GetType().GetProperty("W2")!.GetValue(result)!, 1e-12);
        var dX = (double[])result.GetType().GetProperty("X")!.GetValue(result)!;
        for (int i = 0; i < x.Length; i++)
        {
            double h = Math.Tanh(x[i] * 0.8 + 0.1);
            double o = Math.Tanh(h * -1.2 - 0.2);
            Assert.Equal((1 - o * o) * -1.2 * (1 - h * h) * 0.8, dX[i], 1e-12);
        }
    }

    private static string SelectedCalleeMessage(string callee, string parameter) =>
        $"'{callee}' does not differentiate its parameter '{parameter}' (it is not in its [Differentiable] list), but the argument passed for it depends on a differentiated parameter, " +
        $"and '{callee}' cannot be differentiated at the call: that needs a body of double locals and one return in this project; " +
        $"add '{parameter}' to the parameters '{callee}' differentiates, or write its body that way";

    [Theory]
    [InlineData("""
        [Differentiable]
        public static double F(double x, double s) => [|Scaled(x, s)|];
        """)]
    [InlineData("""
        [Differentiable]
        public static double F(double[] x, double s)
        {
            double total = 0;
            for (int i = 0; i < x.Length; i++)
            {
                if (x[i] > 0)
                {
                    total += [|Scaled(x[i], s * x[i])|];
                }
            }

            return total;
        }
        """)]
    public void A_varying_argument_for_an_unselected_parameter_of_a_callee_that_cannot_be_read_in_place_is_SD0021(string caller)
    {
        // Scaled has a branch, so its body is not read at the call: its gradient has no partial for scale.
        var (run, spans) = DiagnosticAssert.Run($$"""
            using SymbolicDiff;
            public static partial class C
            {
                [Differentiable(nameof(x))]
                public static double Scaled(double x, double scale)
                {
                    if (scale > 1)
                    {
                        return x * scale;
                    }

                    return x;
                }

            {{caller}}
            }
            """);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0021", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(SelectedCalleeMessage("Scaled", "scale"), diagnostic.GetMessage(CultureInfo.InvariantCulture));
        DiagnosticAssert.AtSpan(run, diagnostic, Assert.Single(spans));
    }

    [Fact]
    public void A_layer_is_read_in_place_only_where_the_caller_can_reach_what_it_reads()
    {
        // Layers.Scale is private: read in place inside Layers, the generated code compiles; from Other it would
        // not, so there the call stays a call, and its unselected input is SD0021 at the call.
        var (run, spans) = DiagnosticAssert.Run("""
            using System;
            using SymbolicDiff;

            public static partial class Layers
            {
                private static double Scale = 0.5;

                [Differentiable(nameof(w))]
                public static double Layer(double x, double w) => Math.Tanh(x * w * Scale);

                [Differentiable]
                public static double Stacked(double x, double w1, double w2) => Layer(Layer(x, w1), w2);
            }

            public static partial class Other
            {
                [Differentiable]
                public static double Stacked(double x, double w1, double w2) => Layers.Layer([|Layers.Layer(x, w1)|], w2);
            }
            """);

        // Both calls pass a varying x (the parameter, then the inner call's value): SD0021 at each call.
        string text = run.Input.SyntaxTrees.Single().GetText().ToString();
        string outer = "Layers.Layer(Layers.Layer(x, w1), w2)";
        var expected = new[] { (text.IndexOf(outer, StringComparison.Ordinal), outer.Length), (Assert.Single(spans).Span.Start, Assert.Single(spans).Span.Length) };
        var reported = run.GeneratorDiagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.Equal(2, reported.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal("SD0021", reported[i].Id);
            Assert.Equal(SelectedCalleeMessage("Layer", "x"), reported[i].GetMessage(CultureInfo.InvariantCulture));
            Assert.Equal(expected[i], (reported[i].Location.SourceSpan.Start, reported[i].Location.SourceSpan.Length));
        }

        Assert.DoesNotContain(run.CompilationProblems, d => d.Severity == DiagnosticSeverity.Error);
        FiniteDifferenceCheck.AgainstFiniteDifferencesOf(run, "Layers", "Stacked", new[] { 0.9, 1.1, -0.7 }, "x", "w1", "w2");
    }

    /// <summary>The generated file up to its forward-mode method: the gradient's part.</summary>
    private static string GradientMethodOf(string generated)
    {
        int derivative = generated.IndexOf("WithDerivative(", StringComparison.Ordinal);
        return derivative < 0 ? generated : generated.Substring(0, derivative);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
