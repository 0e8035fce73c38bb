using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
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
        // Layer's derivative is not inlined: its generated gradient is called, once per call of Layer.
        Assert.Equal(2, generated.Split("Model.LayerWithGradient(").Length - 1);
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

    [Fact]
    public void A_varying_argument_for_a_parameter_the_callee_does_not_differentiate_is_SD0012()
    {
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;
            public static partial class C
            {
                [Differentiable(nameof(x))]
                public static double Scaled(double x, double scale) => x * scale;

                [Differentiable]
                public static double F(double x, double s) => Scaled(x, s);
            }
            """);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("SD0012", diagnostic.Id);
        Assert.Equal(
            "'Scaled' declares no derivative with respect to its parameter 'scale', but the argument passed for it depends on a differentiated parameter; declare one with [Derivative(nameof(scale), ...)]",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }
}
