using Microsoft.CodeAnalysis.CodeFixes;
using SymbolicDiff.CodeFixes;
using SymbolicDiff.Tests.Docs;
using SymbolicDiff.Tests.Generator;

namespace SymbolicDiff.Tests.CodeFixes;

/// <summary>SD0021's fix (SD0012 for a [Differentiable(...)] callee): the parameter joins the callee's list.</summary>
public class AddDifferentiatedParameterCodeFixTests
{
    private static readonly AddDifferentiatedParameterCodeFixProvider Provider = new();

    [Fact]
    public async Task The_parameter_joins_the_callees_list_in_declaration_order_and_the_gradient_is_right()
    {
        string page = File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "docs", "diagnostics", "SD0021.md")).ReplaceLineEndings("\n");
        string example = DiagnosticDocsTests.CodeUnder(page, DiagnosticDocsTests.ExampleHeading)!;

        var fixedCode = await CodeFixHarness.FixAsync(Provider, "SD0021", AddDifferentiatedParameterCodeFixProvider.Key, [example]);

        Assert.Equal("Add 'scale' to the parameters 'Model.Scaled' differentiates", fixedCode.Title);
        Assert.Equal(example.Replace("[Differentiable(nameof(x))]", "[Differentiable(nameof(x), nameof(scale))]", StringComparison.Ordinal), fixedCode.Sources[0]);
        await fixedCode.ShouldBuildCleanAsync();

        // F(x, s) = Scaled(x, s) = x·s where s > 1: dF/dx = s = 3 and dF/ds = x = 2 at (2, 3).
        var run = GeneratorHarness.Run(fixedCode.Sources[0]).ShouldSucceed();
        Assert.Equal([3.0, 2.0], FiniteDifferenceCheck.Gradient(run, "Model", "F", 2.0, 3.0));
        FiniteDifferenceCheck.AgainstFiniteDifferences(run, "Model", "F", 2.0, 3.0);
    }

    [Fact]
    public async Task SD0012_about_a_differentiable_callee_gets_the_same_fix_and_no_stub()
    {
        // The generator words this case as SD0021; should SD0012 be reported for it, the fix is the same. The
        // diagnostic is SD0021's, reissued as SD0012 with the same place and arguments.
        string page = File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "docs", "diagnostics", "SD0021.md")).ReplaceLineEndings("\n");
        string example = DiagnosticDocsTests.CodeUnder(page, DiagnosticDocsTests.ExampleHeading)!;
        var solution = CodeFixHarness.CreateSolution(example);
        var reported = (await CodeFixHarness.BuildAsync(solution)).Sd("SD0021").Single();
        var asMissingPartial = Microsoft.CodeAnalysis.Diagnostic.Create(
            SymbolicDiff.Generator.Diagnostics.DiagnosticDescriptors.Get("SD0012"), reported.Location, "Model.Scaled", "scale");
        var document = CodeFixHarness.DocumentOf(solution, reported);

        var actions = new List<Microsoft.CodeAnalysis.CodeActions.CodeAction>();
        await Provider.RegisterCodeFixesAsync(new Microsoft.CodeAnalysis.CodeFixes.CodeFixContext(document, asMissingPartial, (a, _) => actions.Add(a), CancellationToken.None));
        var stubs = new List<Microsoft.CodeAnalysis.CodeActions.CodeAction>();
        await new DerivativeStubCodeFixProvider().RegisterCodeFixesAsync(new Microsoft.CodeAnalysis.CodeFixes.CodeFixContext(document, asMissingPartial, (a, _) => stubs.Add(a), CancellationToken.None));

        var action = Assert.Single(actions);
        Assert.Equal(AddDifferentiatedParameterCodeFixProvider.MissingPartialKey, action.EquivalenceKey);
        var changed = Assert.Single((await action.GetOperationsAsync(CancellationToken.None)).OfType<Microsoft.CodeAnalysis.CodeActions.ApplyChangesOperation>()).ChangedSolution;
        string fixedText = (await changed.GetDocument(document.Id)!.GetTextAsync()).ToString();
        Assert.Equal(example.Replace("[Differentiable(nameof(x))]", "[Differentiable(nameof(x), nameof(scale))]", StringComparison.Ordinal), fixedText);
        Assert.Empty(stubs);
    }

    [Fact]
    public async Task Fix_all_adds_each_parameter_once_to_a_callee_in_another_file()
    {
        const string callee = """
            using SymbolicDiff;

            public static partial class Layers
            {
                [Differentiable(nameof(x))]
                public static double Scaled(double scale, double x, double shift)
                {
                    if (scale > 1)
                    {
                        return x * scale + shift;
                    }

                    return x + shift;
                }
            }
            """;
        const string caller = """
            using SymbolicDiff;

            public static partial class Model
            {
                [Differentiable]
                public static double F(double x, double s, double t) => Layers.Scaled(s, x, t) + Layers.Scaled(s, t, t);
            }
            """;
        var build = await CodeFixHarness.BuildAsync(CodeFixHarness.CreateSolution(callee, caller));
        Assert.True(build.Sd("SD0021").Count() >= 2, build.Describe());

        var fixedCode = await CodeFixHarness.FixAllAsync(Provider, "SD0021", AddDifferentiatedParameterCodeFixProvider.Key, FixAllScope.Solution, callee, caller);

        Assert.Equal(callee.Replace("[Differentiable(nameof(x))]", "[Differentiable(nameof(scale), nameof(x), nameof(shift))]", StringComparison.Ordinal), fixedCode.Sources[0]);
        Assert.Equal(caller, fixedCode.Sources[1]);
        await fixedCode.ShouldBuildCleanAsync();
    }
}
