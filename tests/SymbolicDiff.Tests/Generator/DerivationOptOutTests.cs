using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SymbolicDiff.Generator;

namespace SymbolicDiff.Tests.Generator;

/// <summary>
/// <c>&lt;SymbolicDiffEmitDerivation&gt;false&lt;/SymbolicDiffEmitDerivation&gt;</c> leaves out each method's
/// <c>MDerivation</c> file and nothing else: the gradient file is the same text as by default, and the default
/// (no property, or any value but false) keeps the derivation.
/// </summary>
public class DerivationOptOutTests
{
    private const string Source = """
        using SymbolicDiff;

        namespace App;

        public static partial class Neuron
        {
            [Differentiable(nameof(w), nameof(b))]
            public static double Loss(double x, double w, double b, double y)
            {
                double z = x * w + b;
                double a = Activations.Sigmoid(z);
                return Losses.MeanSquaredError(a, y);
            }
        }
        """;

    [Theory]
    [InlineData("false")]
    [InlineData("False")]
    [InlineData(" FALSE ")]
    public void False_leaves_out_the_derivation_file_and_keeps_the_gradient_file_as_it_is(string value)
    {
        var input = GeneratorHarness.Compile(Source);
        var byDefault = Run(input, options: null, out _);
        var optedOut = Run(input, new Options(("build_property.SymbolicDiffEmitDerivation", value)), out var output);

        // By default the method's one file holds the gradient, then the derivation; opted out, the gradient alone, the same text.
        var defaultFile = Assert.Single(byDefault.GeneratedSources);
        Assert.Equal("App.Neuron.Loss.g.cs", defaultFile.HintName);
        var (gradientPart, derivationPart) = GeneratorRun.Split(defaultFile.SourceText.ToString());
        Assert.Contains(" LossDerivation(", derivationPart ?? string.Empty, StringComparison.Ordinal);
        var gradientFile = Assert.Single(optedOut.GeneratedSources);
        Assert.Equal("App.Neuron.Loss.g.cs", gradientFile.HintName);
        Assert.Equal(gradientPart, gradientFile.SourceText.ToString());

        Assert.Empty(optedOut.Diagnostics);
        Assert.Empty(GeneratorHarness.Problems(input, output));
        var neuron = Load(output).GetType("App.Neuron")!;
        Assert.Null(neuron.GetMethod("LossDerivation"));

        // The gradient still works: against the chain rule worked by hand and against central differences of Loss.
        const double x = 0.5, w = 2.0, b = -1.0, y = 1.0;
        object gradient = neuron.GetMethod("LossWithGradient")!.Invoke(null, [x, w, b, y])!;
        double Read(string name) => (double)gradient.GetType().GetProperty(name)!.GetValue(gradient)!;
        double a = 1 / (1 + Math.Exp(-(x * w + b))); // σ(0) = 0.5
        double dLoss_dz = 2 * (a - y) * a * (1 - a);
        Assert.Equal((a - y) * (a - y), Read("Value"), 12);
        Assert.Equal(dLoss_dz * x, Read("W"), 12);
        Assert.Equal(dLoss_dz, Read("B"), 12);

        var loss = neuron.GetMethod("Loss")!;
        double At(double wAt, double bAt) => (double)loss.Invoke(null, [x, wAt, bAt, y])!;
        const double h = 1e-6;
        Assert.Equal((At(w + h, b) - At(w - h, b)) / (2 * h), Read("W"), 7);
        Assert.Equal((At(w, b + h) - At(w, b - h)) / (2 * h), Read("B"), 7);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("")]
    [InlineData("no")]
    public void Any_other_value_keeps_the_derivation(string value)
    {
        var input = GeneratorHarness.Compile(Source);
        var run = Run(input, new Options(("build_property.SymbolicDiffEmitDerivation", value)), out var output);

        Assert.Contains(" LossDerivation(", Assert.Single(run.GeneratedSources).SourceText.ToString(), StringComparison.Ordinal);
        Assert.NotNull(Load(output).GetType("App.Neuron")!.GetMethod("LossDerivation"));
    }

    [Fact]
    public void Turning_the_derivation_off_emits_again_without_differentiating_again()
    {
        var input = GeneratorHarness.Compile(Source);
        var driver = CreateDriver(null).RunGenerators(input);
        int withDerivation = Assert.Single(driver.GetRunResult().Results.Single().GeneratedSources).SourceText.Length;

        driver = driver.WithUpdatedAnalyzerConfigOptions(new Options(("build_property.SymbolicDiffEmitDerivation", "false"))).RunGenerators(input);
        var result = driver.GetRunResult().Results.Single();

        Assert.True(Assert.Single(result.GeneratedSources).SourceText.Length < withDerivation);
        Assert.All(
            result.TrackedSteps[TrackingNames.DifferentiatedMethods].SelectMany(step => step.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
        Assert.Contains(
            result.TrackedSteps[TrackingNames.EmitDerivation].SelectMany(step => step.Outputs),
            output => output.Reason == IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void The_package_makes_the_property_visible_to_the_compiler()
    {
        // build/SymbolicDiff.props, packed into build/ and buildTransitive/, is what lets the generator read the property.
        string props = File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "src", "SymbolicDiff", "build", "SymbolicDiff.props"));
        Assert.Contains("<CompilerVisibleProperty Include=\"SymbolicDiffEmitDerivation\" />", props, StringComparison.Ordinal);
        string project = File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "src", "SymbolicDiff", "SymbolicDiff.csproj"));
        Assert.Contains("<None Include=\"build\\SymbolicDiff.props\" Pack=\"true\" PackagePath=\"build\\;buildTransitive\\\"", project, StringComparison.Ordinal);
    }

    private static GeneratorDriver CreateDriver(AnalyzerConfigOptionsProvider? options) =>
        CSharpGeneratorDriver.Create(
            [new DifferentiableGenerator().AsSourceGenerator()],
            parseOptions: GeneratorHarness.ParseOptions,
            optionsProvider: options,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    private static GeneratorRunResult Run(Compilation input, AnalyzerConfigOptionsProvider? options, out Compilation output)
    {
        var driver = CreateDriver(options).RunGeneratorsAndUpdateCompilation(input, out output, out _);
        return driver.GetRunResult().Results.Single();
    }

    private static Assembly Load(Compilation output)
    {
        using var stream = new MemoryStream();
        var emitted = output.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        stream.Position = 0;
        return new System.Runtime.Loader.AssemblyLoadContext(name: null, isCollectible: true).LoadFromStream(stream);
    }

    /// <summary>Global analyzer options as MSBuild passes them (<c>build_property.Name = value</c>).</summary>
    private sealed class Options((string Key, string Value) global) : AnalyzerConfigOptionsProvider
    {
        private readonly Values _global = new(ImmutableDictionary<string, string>.Empty.Add(global.Key, global.Value));

        public override AnalyzerConfigOptions GlobalOptions => _global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Values.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Values.Empty;

        private sealed class Values(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
        {
            public static readonly Values Empty = new(ImmutableDictionary<string, string>.Empty);

            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
                values.TryGetValue(key, out value);
        }
    }
}
