using System.Globalization;

namespace SymbolicDiff.Tests.Generator;

/// <summary>Instance methods: fields and properties are read as constants; the gradient is an instance method too.</summary>
public class InstanceMethodTests
{
    [Fact]
    public void An_instance_method_reads_fields_and_properties_as_constants()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using SymbolicDiff;

            public sealed partial class Scaler
            {
                private readonly double _scale;
                private readonly int _count;

                public Scaler(double scale, int count) { _scale = scale; _count = count; }

                public double Bias { get; init; } = 0.5;

                public static double Global = 3;

                [Differentiable]
                public double Apply(double x, double w) => Math.Tanh(x * w * _scale + Bias) / _count + Global * w;
            }
            """).ShouldSucceed();

        var type = run.Load().GetType("Scaler")!;
        object scaler = Activator.CreateInstance(type, 1.5, 4)!;
        object gradient = type.GetMethod("ApplyWithGradient")!.Invoke(scaler, new object[] { 0.3, -0.8 })!;

        // f = tanh(1.5·x·w + 0.5)/4 + 3w; with t = tanh(1.5·0.3·(−0.8) + 0.5) = tanh(0.14):
        double t = Math.Tanh(0.14);
        Assert.Equal(t / 4 + 3 * -0.8, (double)gradient.GetType().GetProperty("Value")!.GetValue(gradient)!, 14);
        Assert.Equal((1 - t * t) * 1.5 * -0.8 / 4, (double)gradient.GetType().GetProperty("X")!.GetValue(gradient)!, 14);
        Assert.Equal((1 - t * t) * 1.5 * 0.3 / 4 + 3, (double)gradient.GetType().GetProperty("W")!.GetValue(gradient)!, 14);

        // The fields are read once into locals, so the forward and backward sweeps see the same values.
        string generated = run.Source("Scaler.Apply.g.cs");
        SymbolicDiff.Tests.Snapshots.Snapshot.Verify(generated);
        Assert.Contains("double scale = this._scale;", generated, StringComparison.Ordinal);
        Assert.Contains("public ApplyGradient ApplyWithGradient(double x, double w)", generated, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("virtual", "public virtual double [|F|](double x) => x * x;", "virtual")]
    [InlineData("abstract", "public abstract double [|F|](double x);", "abstract")]
    public void Virtual_and_abstract_methods_are_SD0001(string _, string declaration, string what)
    {
        string source = $$"""
            using SymbolicDiff;
            public abstract partial class C
            {
                [Differentiable]
                {{declaration}}
            }
            """;
        int start = source.IndexOf("[|", StringComparison.Ordinal);
        var run = GeneratorHarness.Run(source.Replace("[|", "").Replace("|]", ""));

        var diagnostic = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "SD0001");
        Assert.Equal(
            $"'F' is {what}: its generated gradient could not follow overrides; [Differentiable] supports static methods and non-virtual instance methods",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(start, diagnostic.Location.SourceSpan.Start);
    }
}
