using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SymbolicDiff.Generator;

namespace SymbolicDiff.Benchmarks;

/// <summary>
/// The generator's own cost, with GeneratorDriver: a cold run over a compilation with N [Differentiable]
/// methods (as on opening a project), and a warm run after an edit in an unrelated file (as on every
/// keystroke in an IDE). Each iteration gets a fresh compilation, so that no binding is cached from the last.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private static readonly CSharpParseOptions ParseOptions = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest);

    private List<SyntaxTree> _trees = new();
    private SyntaxTree _editedUnrelated = null!;
    private MetadataReference[] _references = Array.Empty<MetadataReference>();
    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _edited = null!;
    private GeneratorDriver _warmDriver = null!;
    private GeneratorDriver _floorDriver = null!;

    [Params(1, 10, 100, 1000)]
    public int Methods { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var source = new StringBuilder("using System;\nusing SymbolicDiff;\nnamespace Bench;\npublic static partial class Model\n{\n");
        for (int i = 0; i < Methods; i++)
        {
            source.Append($$"""
                    [Differentiable(nameof(w), nameof(b))]
                    public static double Loss{{i}}(double x, double w, double b, double y)
                    {
                        double z = x * w + b + {{i}};
                        double a = Activations.Sigmoid(z);
                        if (a > 0.5) { a = a * Math.Exp(-w * w); }
                        return Losses.MeanSquaredError(a, y);
                    }

                """);
        }

        source.Append("}\n");
        _trees = new List<SyntaxTree>
        {
            CSharpSyntaxTree.ParseText(source.ToString(), ParseOptions, path: "Model.cs"),
            CSharpSyntaxTree.ParseText("namespace Bench; public static class Other { public static int N = 1; }", ParseOptions, path: "Other.cs"),
        };
        _editedUnrelated = CSharpSyntaxTree.ParseText("namespace Bench; public static class Other { public static int N = 2; }", ParseOptions, path: "Other.cs");
        _references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "netstandard.dll")
            .Append(typeof(DifferentiableAttribute).Assembly.Location)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray();
    }

    [IterationSetup]
    public void FreshCompilation()
    {
        _compilation = CSharpCompilation.Create("Bench", _trees, _references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        _edited = _compilation.ReplaceSyntaxTree(_trees[1], _editedUnrelated);
        _warmDriver = CreateDriver().RunGenerators(_compilation);
        _floorDriver = CSharpGeneratorDriver.Create(new[] { new BindOnlyGenerator().AsSourceGenerator() }, parseOptions: ParseOptions).RunGenerators(_compilation);
    }

    [Benchmark(Baseline = true)]
    public GeneratorDriver Cold() => CreateDriver().RunGenerators(_compilation);

    [Benchmark]
    public GeneratorDriver WarmAfterUnrelatedEdit() => _warmDriver.RunGenerators(_edited);

    /// <summary>
    /// The floor under the warm run: a generator that only binds each [Differentiable] method's body, as any
    /// generator reading semantics must after an edit (the compiler re-runs that step for the new compilation).
    /// </summary>
    [Benchmark]
    public GeneratorDriver BindingFloorAfterUnrelatedEdit() => _floorDriver.RunGenerators(_edited);

    private static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(new[] { new DifferentiableGenerator().AsSourceGenerator() }, parseOptions: ParseOptions);
}

/// <summary>Finds the same methods as the real generator and binds their bodies, nothing more.</summary>
internal sealed class BindOnlyGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var bound = context.SyntaxProvider.ForAttributeWithMetadataName(
            "SymbolicDiff.DifferentiableAttribute",
            static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax,
            static (context, cancellationToken) => context.SemanticModel.GetOperation(context.TargetNode, cancellationToken)?.Kind.ToString() ?? string.Empty);
        context.RegisterSourceOutput(bound.Collect(), static (_, _) => { });
    }
}
