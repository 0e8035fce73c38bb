using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SymbolicDiff.Generator;

namespace SymbolicDiff.Tests.Generator;

/// <summary>
/// The pipeline's models compare by value and hold nothing of the compilation, so that an edit elsewhere
/// leaves every step cached (what keeps an IDE responsive).
/// </summary>
public class IncrementalityTests
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

            [Differentiable]
            public static double Broken(double x)
            {
                foreach (double f in new[] { 0.5, 2.0 }) { x = x * f; } // SD0003: over an array it creates
                return x;
            }
        }
        """;

    private static readonly string[] TrackedSteps =
    {
        TrackingNames.ParsedMethods,
        TrackingNames.DifferentiatedMethods,
        TrackingNames.GradientPrograms,
        TrackingNames.Diagnostics,
    };

    [Fact]
    public void An_unrelated_edit_leaves_every_step_cached_or_unchanged()
    {
        var compilation = GeneratorHarness.Compile(Source, "namespace App; public static class Other { public static int N = 1; }");
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        Assert.Single(first.GeneratedSources); // the gradient and its derivation, in one file
        Assert.Single(first.Diagnostics);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("namespace App; public static class Other { public static int N = 2; }", GeneratorHarness.ParseOptions, path: "Input1.cs"));
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (string step in TrackedSteps)
        {
            var outputs = second.TrackedSteps[step].SelectMany(run => run.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, output => Assert.True(
                output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"step {step} was {output.Reason}"));
        }
    }

    [Fact]
    public void A_method_differentiated_through_another_ones_gradient_stays_cached_after_an_unrelated_edit()
    {
        // Its body is bound in a compilation of its own (with the generated signatures declared): the model must still
        // compare equal, so that differentiation is not run again.
        const string nested = """
            using SymbolicDiff;

            namespace App;

            public static partial class Curvature
            {
                [Differentiable(SecondOrder = true)]
                public static double F(double x, double y) => x * x * y;

                [Differentiable]
                public static double Gx(double x, double y) => FWithGradient(x, y).X;
            }
            """;
        var compilation = GeneratorHarness.Compile(nested, "namespace App; public static class Other { public static int N = 1; }");
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        Assert.Empty(driver.GetRunResult().Results.Single().Diagnostics);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("namespace App; public static class Other { public static int N = 2; }", GeneratorHarness.ParseOptions, path: "Input1.cs"));
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();
        var differentiated = second.TrackedSteps[TrackingNames.DifferentiatedMethods].SelectMany(run => run.Outputs).ToList();
        Assert.Equal(2, differentiated.Count);
        Assert.All(differentiated, output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void After_an_unrelated_edit_differentiation_does_not_run_again()
    {
        // Parsing needs the semantic model, so the compiler runs it for the new compilation; its model compares
        // equal, so the differentiation step is not run at all: Cached, not merely Unchanged.
        var compilation = GeneratorHarness.Compile(Source, "namespace App; public static class Other { public static int N = 1; }");
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("namespace App; public static class Other { public static int N = 2; }", GeneratorHarness.ParseOptions, path: "Input1.cs"));
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var differentiated = second.TrackedSteps[TrackingNames.DifferentiatedMethods].SelectMany(run => run.Outputs).ToList();
        Assert.Equal(2, differentiated.Count);
        Assert.All(differentiated, output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void Editing_one_method_regenerates_its_output_only()
    {
        var compilation = GeneratorHarness.Compile(Source);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(Source.Replace("x * w + b", "w * x + b"), GeneratorHarness.ParseOptions, path: "Input0.cs"));
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var reasons = second.TrackedSteps[TrackingNames.GradientPrograms].SelectMany(run => run.Outputs).Select(o => o.Reason).ToList();
        Assert.Contains(IncrementalStepRunReason.Modified, reasons);
    }

    [Fact]
    public void Adding_and_removing_a_method_gives_exactly_one_new_and_one_removed_output()
    {
        const string added = """
            namespace App;
            public static partial class Extra
            {
                [SymbolicDiff.Differentiable]
                public static double Cube(double x) => x * x * x;
            }
            """;
        var compilation = GeneratorHarness.Compile(Source);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var withExtra = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(added, GeneratorHarness.ParseOptions, path: "Extra.cs"));
        driver = driver.RunGenerators(withExtra);
        var afterAdd = Reasons(driver, TrackingNames.GradientPrograms);
        Assert.Equal(1, afterAdd.Count(reason => reason == IncrementalStepRunReason.New));
        Assert.All(afterAdd.Where(reason => reason != IncrementalStepRunReason.New), reason => Assert.True(
            reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, reason.ToString()));

        driver = driver.RunGenerators(compilation);
        var afterRemove = Reasons(driver, TrackingNames.GradientPrograms);
        Assert.Equal(1, afterRemove.Count(reason => reason == IncrementalStepRunReason.Removed));
        Assert.DoesNotContain(IncrementalStepRunReason.New, afterRemove);
        Assert.DoesNotContain(IncrementalStepRunReason.Modified, afterRemove);
    }

    // SD0012 is found by the differentiation step, which is cached while the parsed model is equal: the
    // location it reports must follow edits that move the call all the same.
    [Theory]
    [InlineData("""
        double z = x * y;
                /*blank*/
        return 1 + 2 * Product(x, z);
        """)]
    [InlineData("""
        double total = 0;
                /*blank*/
        for (int i = 0; i < 3; i++)
        {
            total += Product(x, y * i);
        }

        return total;
        """)]
    public void A_diagnostic_of_the_differentiation_step_follows_lines_inserted_above_its_call(string body)
    {
        const string template = """
            using SymbolicDiff;

            public static partial class C
            {
                [Derivative(nameof(a), nameof(ProductByA))]
                public static double Product(double a, double b) => a * b;

                public static double ProductByA(double a, double b) => b;

                [Differentiable]
                public static double F(double x, double y)
                {
                    BODY
                }
            }
            """;
        string before = template.Replace("BODY", body.Replace("\n", "\n        ", StringComparison.Ordinal), StringComparison.Ordinal);
        string after = before.Replace("/*blank*/", "\n\n\n", StringComparison.Ordinal);
        var compilation = GeneratorHarness.Compile(before);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var first = Assert.Single(driver.GetRunResult().Diagnostics);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(after, GeneratorHarness.ParseOptions, path: "Input0.cs"));
        var second = Assert.Single(driver.RunGenerators(edited).GetRunResult().Diagnostics);

        Assert.Equal("SD0012", first.Id);
        Assert.Equal("SD0012", second.Id);
        Assert.Equal(before.IndexOf("Product(x, ", StringComparison.Ordinal), first.Location.SourceSpan.Start);
        Assert.Equal(after.IndexOf("Product(x, ", StringComparison.Ordinal), second.Location.SourceSpan.Start);
        Assert.Equal(first.Location.SourceSpan.Length, second.Location.SourceSpan.Length);
        Assert.Equal(first.Location.GetLineSpan().StartLinePosition.Line + 3, second.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Equal(
            edited.SyntaxTrees.Single().GetText().Lines.GetLinePositionSpan(second.Location.SourceSpan),
            second.Location.GetLineSpan().Span);
    }

    [Fact]
    public void Lines_inserted_above_a_method_rerun_its_differentiation_but_leave_its_code_unchanged()
    {
        // The calls moved, so the differentiation step runs again (its diagnostics would move too); the program
        // it gives is equal, so nothing is emitted again.
        var compilation = GeneratorHarness.Compile(Source);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(Source.Replace("namespace App;", "namespace App;\n\n\n", StringComparison.Ordinal), GeneratorHarness.ParseOptions, path: "Input0.cs"));
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var differentiated = second.TrackedSteps[TrackingNames.DifferentiatedMethods].SelectMany(run => run.Outputs).Select(o => o.Reason).ToList();
        Assert.Contains(IncrementalStepRunReason.Unchanged, differentiated);
        Assert.All(second.TrackedSteps[TrackingNames.GradientPrograms].SelectMany(run => run.Outputs), output => Assert.True(
            output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"GradientPrograms was {output.Reason}"));
        Assert.Single(second.GeneratedSources); // the gradient and its derivation, in one file
    }

    private static List<IncrementalStepRunReason> Reasons(GeneratorDriver driver, string step) =>
        driver.GetRunResult().Results.Single().TrackedSteps[step].SelectMany(run => run.Outputs).Select(output => output.Reason).ToList();

    [Fact]
    public void Pipeline_models_hold_no_compilation_objects()
    {
        var driver = GeneratorHarness.CreateDriver().RunGenerators(GeneratorHarness.Compile(Source));
        var result = driver.GetRunResult().Results.Single();
        foreach (string step in TrackedSteps)
        {
            foreach (var output in result.TrackedSteps[step].SelectMany(run => run.Outputs))
            {
                AssertHoldsNoCompilationObjects(output.Value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
    }

    private static void AssertHoldsNoCompilationObjects(object? value, string path, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !visited.Add(value))
        {
            return;
        }

        Assert.False(
            value is ISymbol or SyntaxNode or SemanticModel or Compilation or Location or SyntaxTree,
            $"{path} holds a {value.GetType().Name}, which pins a compilation in memory");

        if (value is IEnumerable items)
        {
            int i = 0;
            foreach (object? item in items)
            {
                AssertHoldsNoCompilationObjects(item, $"{path}[{i++}]", visited);
            }
        }

        foreach (var field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertHoldsNoCompilationObjects(field.GetValue(value), path + "." + field.Name, visited);
        }
    }
}
