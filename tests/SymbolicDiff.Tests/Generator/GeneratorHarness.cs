using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SymbolicDiff.Generator;

namespace SymbolicDiff.Tests.Generator;

/// <summary>
/// Runs the generator on source text in memory, the way the compiler does, and gives access to what it
/// produced: generated files, its diagnostics, the compiler's diagnostics on the result, and the loaded
/// assembly to call.
/// </summary>
internal static class GeneratorHarness
{
    // Diagnose mode checks the XML docs of generated code too (crefs, param names), as a user with docs enabled would.
    public static readonly CSharpParseOptions ParseOptions = CSharpParseOptions.Default
        .WithLanguageVersion(LanguageVersion.Latest)
        .WithDocumentationMode(DocumentationMode.Diagnose);

    internal static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        // The running .NET's own assemblies plus the SymbolicDiff runtime: what a consumer compiles against.
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return trusted
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) ||
                           Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
            .Append(typeof(DifferentiableAttribute).Assembly.Location)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    });

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "GeneratorTestInput",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Input{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            new[] { new DifferentiableGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>
    /// Warnings and errors of <paramref name="output"/>, except missing XML docs in the hand-written test
    /// input (CS1591): generated code is held to it, test snippets are not.
    /// </summary>
    public static IReadOnlyList<Diagnostic> Problems(Compilation input, Compilation output) =>
        output.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Where(d => !(d.Id == "CS1591" && input.SyntaxTrees.Contains(d.Location.SourceTree)))
            .ToList();

    public static GeneratorRun Run(params string[] sources)
    {
        var input = Compile(sources);
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);
        return new GeneratorRun(input, output, generatorDiagnostics, driver.GetRunResult());
    }
}

/// <summary>The outcome of one generator run.</summary>
internal sealed record GeneratorRun(
    Compilation Input,
    Compilation Output,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    GeneratorDriverRunResult RunResult)
{
    public IReadOnlyList<GeneratedSourceResult> GeneratedSources =>
        RunResult.Results.SelectMany(result => result.GeneratedSources).ToList();

    /// <summary>The gradient files only: each method's file of <c>MWithGradient</c>, without its <c>.Derivation.g.cs</c> beside it.</summary>
    public IReadOnlyList<GeneratedSourceResult> GradientSources =>
        GeneratedSources.Where(source => !source.HintName.EndsWith(".Derivation.g.cs", StringComparison.Ordinal)).ToList();

    /// <summary>The text of the one generated file whose hint name ends with <paramref name="hintNameSuffix"/>.</summary>
    public string Source(string hintNameSuffix) =>
        GeneratedSources.Single(source => source.HintName.EndsWith(hintNameSuffix, StringComparison.Ordinal)).SourceText.ToString();

    /// <summary>Errors and warnings of the compilation with the generated code in it (generator exceptions show here as CS8785).</summary>
    public IReadOnlyList<Diagnostic> CompilationProblems => GeneratorHarness.Problems(Input, Output);

    /// <summary>Fails unless the generator reported nothing and the result compiles without a warning.</summary>
    public GeneratorRun ShouldSucceed()
    {
        Assert.True(GeneratorDiagnostics.IsEmpty, "generator diagnostics:\n" + string.Join("\n", GeneratorDiagnostics));
        Assert.True(CompilationProblems.Count == 0, "compilation problems:\n" + string.Join("\n", CompilationProblems) + "\n\n" + string.Join("\n\n", GeneratedSources.Select(s => s.SourceText.ToString())));
        return this;
    }

    /// <summary>Emits and loads the compiled code into a collectible context, so tests can call it.</summary>
    public Assembly Load()
    {
        using var stream = new MemoryStream();
        var emitted = Output.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        stream.Position = 0;
        return new AssemblyLoadContext(name: null, isCollectible: true).LoadFromStream(stream);
    }
}
