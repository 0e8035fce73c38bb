using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using SymbolicDiff.Generator;
using SymbolicDiff.Tests.Generator;

namespace SymbolicDiff.Tests.CodeFixes;

/// <summary>
/// Applies a code fix as the IDE does, in an AdhocWorkspace: the diagnostics come from a build's two sources (the
/// generator, run with a GeneratorDriver, and <see cref="DifferentiableAnalyzer"/> on the compilation that holds the
/// generated code), the fix is registered through a <see cref="CodeFixContext"/> (or Fix All through a
/// <see cref="FixAllContext"/>) and its <see cref="ApplyChangesOperation"/> gives the new solution. The fixed sources
/// are then parsed afresh and built again, to show what the user gets: code that compiles, without the diagnostic.
/// </summary>
internal static class CodeFixHarness
{
    /// <summary>The documents' names: Input0.cs, Input1.cs, ... in the order given.</summary>
    public static string DocumentName(int index) => $"Input{index}.cs";

    public static Solution CreateSolution(params string[] sources)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId,
            VersionStamp.Create(),
            "CodeFixInput",
            "CodeFixInput",
            LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: GeneratorHarness.ParseOptions,
            metadataReferences: GeneratorHarness.References.Value));
        for (int i = 0; i < sources.Length; i++)
        {
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId), DocumentName(i), SourceText.From(sources[i]), filePath: DocumentName(i));
        }

        return solution;
    }

    /// <summary>Everything a build of the solution's one project reports: SD diagnostics and the compiler's, with the generated code.</summary>
    public static async Task<BuildResult> BuildAsync(Solution solution)
    {
        var project = solution.Projects.Single();
        var input = (await project.GetCompilationAsync())!;
        GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);
        var analyzerDiagnostics = await output
            .WithAnalyzers(
                ImmutableArray.Create<DiagnosticAnalyzer>(new DifferentiableAnalyzer()),
                new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false))
            .GetAnalyzerDiagnosticsAsync();
        return new BuildResult(input, output, generatorDiagnostics.Concat(analyzerDiagnostics).ToImmutableArray());
    }

    /// <summary>
    /// Builds <paramref name="sources"/>, takes the <paramref name="occurrence"/>-th <paramref name="diagnosticId"/>
    /// (in document and position order), and lists the code actions <paramref name="provider"/> registers for it.
    /// </summary>
    public static async Task<(Solution Solution, Diagnostic Diagnostic, IReadOnlyList<CodeAction> Actions)> ActionsAsync(
        CodeFixProvider provider, string diagnosticId, string[] sources, int occurrence = 0)
    {
        var solution = CreateSolution(sources);
        var build = await BuildAsync(solution);
        var diagnostic = build.Sd(diagnosticId).ElementAtOrDefault(occurrence);
        Assert.True(diagnostic is not null, $"the input does not report {diagnosticId} (#{occurrence}); it reports:\n{build.Describe()}");
        var document = DocumentOf(solution, diagnostic!);
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await provider.RegisterCodeFixesAsync(context);
        return (solution, diagnostic, actions);
    }

    /// <summary>Applies the one fix with <paramref name="equivalenceKey"/> and returns the fixed sources, in document order.</summary>
    public static async Task<FixResult> FixAsync(CodeFixProvider provider, string diagnosticId, string equivalenceKey, string[] sources, int occurrence = 0)
    {
        var (solution, _, actions) = await ActionsAsync(provider, diagnosticId, sources, occurrence);
        var action = Assert.Single(actions, a => a.EquivalenceKey == equivalenceKey);
        return new FixResult(action.Title, await ApplyAsync(solution, action));
    }

    /// <summary>Applies Fix All with <paramref name="equivalenceKey"/> in <paramref name="scope"/>, starting from the first <paramref name="diagnosticId"/>.</summary>
    public static async Task<FixResult> FixAllAsync(CodeFixProvider provider, string diagnosticId, string equivalenceKey, FixAllScope scope, params string[] sources)
    {
        var solution = CreateSolution(sources);
        var build = await BuildAsync(solution);
        var first = build.Sd(diagnosticId).First();
        var document = DocumentOf(solution, first);
        var context = new FixAllContext(
            document,
            provider,
            scope,
            equivalenceKey,
            new[] { diagnosticId },
            new BuildDiagnosticProvider(build.Diagnostics),
            CancellationToken.None);
        var action = await provider.GetFixAllProvider()!.GetFixAsync(context);
        Assert.NotNull(action);
        return new FixResult(action!.Title, await ApplyAsync(solution, action));
    }

    /// <summary>
    /// The document a diagnostic is in. The generator's diagnostics carry a file path and a span rather than a syntax
    /// tree (the cached model holds no tree), so they are matched by path, as the IDE does.
    /// </summary>
    public static Document DocumentOf(Solution solution, Diagnostic diagnostic)
    {
        string path = diagnostic.Location.GetLineSpan().Path;
        return Assert.Single(solution.Projects.Single().Documents, d => d.FilePath == path);
    }

    private static async Task<string[]> ApplyAsync(Solution solution, CodeAction action)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var changed = Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution;
        var texts = new List<string>();
        foreach (var document in changed.Projects.Single().Documents.OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            texts.Add((await document.GetTextAsync()).ToString());
        }

        return texts.ToArray();
    }

    /// <summary>Serves Fix All the diagnostics of one build.</summary>
    private sealed class BuildDiagnosticProvider : FixAllContext.DiagnosticProvider
    {
        private readonly ImmutableArray<Diagnostic> _diagnostics;

        public BuildDiagnosticProvider(ImmutableArray<Diagnostic> diagnostics) => _diagnostics = diagnostics;

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult(_diagnostics.Where(d => d.Location.GetLineSpan().Path == document.FilePath));

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(Enumerable.Empty<Diagnostic>());

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);
    }
}

/// <summary>A build: its input, its output with the generated code, and every SD diagnostic of the generator and the analyzer.</summary>
internal sealed record BuildResult(Compilation Input, Compilation Output, ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>The SD diagnostics with <paramref name="id"/>, in document and position order.</summary>
    public IEnumerable<Diagnostic> Sd(string id) => Diagnostics
        .Where(d => d.Id == id)
        .OrderBy(d => d.Location.GetLineSpan().Path, StringComparer.Ordinal)
        .ThenBy(d => d.Location.SourceSpan.Start);

    public string Describe() => string.Join("\n", Diagnostics.Select(d => $"  {d.Id} {d.Location.GetLineSpan()}: {d.GetMessage(CultureInfo.InvariantCulture)}"));
}

/// <summary>The fixed sources, and the title of the action that fixed them.</summary>
internal sealed record FixResult(string Title, string[] Sources)
{
    /// <summary>
    /// Parses the fixed sources afresh and builds them: they must compile without an error or a warning (bar missing
    /// XML docs in the test input) and report no SD diagnostic, the fixed one included.
    /// </summary>
    public async Task<BuildResult> ShouldBuildCleanAsync()
    {
        var build = await CodeFixHarness.BuildAsync(CodeFixHarness.CreateSolution(Sources));
        Assert.True(build.Diagnostics.IsEmpty, "SD diagnostics after the fix:\n" + build.Describe() + "\n\n" + string.Join("\n\n", Sources));
        var problems = GeneratorHarness.Problems(build.Input, build.Output);
        Assert.True(problems.Count == 0, "the fixed code does not compile cleanly:\n" + string.Join("\n", problems) + "\n\n" + string.Join("\n\n", Sources));
        return build;
    }
}
