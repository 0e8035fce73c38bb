using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SymbolicDiff.Generator;

namespace SymbolicDiff.Benchmarks;

/// <summary>
/// The generator's own cost, with GeneratorDriver: a cold run over a compilation with N [Differentiable]
/// methods (as on opening a project), and a warm run after an edit in an unrelated file (as on every
/// keystroke in an IDE), on <see cref="GeneratorWorkload"/>. Each iteration gets a fresh compilation, so that no binding is cached from the last.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
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
        _trees = GeneratorWorkload.Trees(Methods);
        _editedUnrelated = GeneratorWorkload.EditedUnrelated();
        _references = GeneratorWorkload.References();
    }

    [IterationSetup]
    public void FreshCompilation()
    {
        _compilation = GeneratorWorkload.Compilation(_trees, _references);
        _edited = _compilation.ReplaceSyntaxTree(_trees[1], _editedUnrelated);
        _warmDriver = CreateDriver().RunGenerators(_compilation);
        _floorDriver = CSharpGeneratorDriver.Create(new[] { new BindOnlyGenerator().AsSourceGenerator() }, parseOptions: GeneratorWorkload.ParseOptions).RunGenerators(_compilation);
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
        CSharpGeneratorDriver.Create(new[] { new DifferentiableGenerator().AsSourceGenerator() }, parseOptions: GeneratorWorkload.ParseOptions);
}
