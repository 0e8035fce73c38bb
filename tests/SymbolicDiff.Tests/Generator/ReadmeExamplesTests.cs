using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SymbolicDiff.Tests.Generator;

/// <summary>
/// The C# examples of README.md and docs/*.md stay true. Every ```csharp block there is followed by a marker line:
/// <c>&lt;!-- checked --&gt;</c> (compiles with the generator and the analyzer without a diagnostic or warning, and its
/// top-level statements run: an example that calls <c>GradientCheck.AssertPasses</c> or throws on a wrong number fails
/// here), <c>&lt;!-- checked: SD0012 --&gt;</c> (compiles, and the generator and analyzer report exactly that
/// diagnostic), or <c>&lt;!-- not checked: why --&gt;</c> (an excerpt, such as generated code). The markers are HTML
/// comments, invisible on the rendered page. (docs/diagnostics/ has its own format: see DiagnosticDocsTests.)
/// </summary>
[Collection(SymbolicDiff.Tests.Samples.ConsoleCollection.Name)]
public class ReadmeExamplesTests
{
    private static readonly Regex Marker = new(@"^<!-- (checked|checked: (SD\d{4})|not checked: .+) -->$", RegexOptions.CultureInvariant);

    /// <summary>A ```csharp block: where it is (file and line of its opening fence), its code and the marker after it.</summary>
    public sealed record Example(string File, int Line, string Code, string MarkerLine)
    {
        public string Key => $"{File}:{Line}";

        /// <summary>The diagnostic the example is documented to report, or null.</summary>
        public string? ExpectedDiagnostic => Marker.Match(MarkerLine) is { Success: true } match && match.Groups[2].Success ? match.Groups[2].Value : null;

        public bool IsChecked => MarkerLine.StartsWith("<!-- checked", StringComparison.Ordinal);
    }

    public static TheoryData<string> CleanExamples() => Keys(example => example.IsChecked && example.ExpectedDiagnostic is null);

    public static TheoryData<string> ExamplesWithADiagnostic() => Keys(example => example.IsChecked && example.ExpectedDiagnostic is not null);

    [Fact]
    public void Every_csharp_block_is_marked_checked_or_says_why_not()
    {
        var examples = ReadExamples();
        Assert.All(examples, example => Assert.True(
            Marker.IsMatch(example.MarkerLine),
            $"the ```csharp block at {example.Key} is followed by '{example.MarkerLine}', not <!-- checked -->, <!-- checked: SDnnnn --> or <!-- not checked: why -->"));
    }

    [Fact]
    public void The_docs_have_examples_to_check()
    {
        var examples = ReadExamples();
        Assert.Contains(examples, example => example.File == "README.md" && example.IsChecked);
        Assert.True(examples.Count(example => example.IsChecked) >= 10, "fewer than 10 checked examples: the reader found too few");

        // An unchecked block with a [Differentiable] method is an example left unchecked, not an excerpt.
        Assert.All(
            examples.Where(example => !example.IsChecked),
            example => Assert.DoesNotContain("[Differentiable", example.Code, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(CleanExamples))]
    public void Example_compiles_with_the_generator(string key)
    {
        var example = Find(key);
        string program = AsProgram(example.Code);
        var input = GeneratorHarness.Compile(program).WithOptions(
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);

        Assert.Empty(generatorDiagnostics);
        Assert.Empty(GeneratorHarness.Problems(input, output));
        Assert.Empty(AnalyzerDiagnostics(output));

        // And runs: an example that calls GradientCheck.AssertPasses would throw here if its claim were false.
        using var stream = new MemoryStream();
        Assert.True(output.Emit(stream).Success);
        var assembly = new System.Runtime.Loader.AssemblyLoadContext(null, isCollectible: true).LoadFromStream(new MemoryStream(stream.ToArray()));
        var entryPoint = assembly.EntryPoint!;
        var originalOut = Console.Out;
        try
        {
            Console.SetOut(TextWriter.Null);
            entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? null : new object[] { Array.Empty<string>() });
        }
        finally
        {
            Console.SetOut(originalOut);
        }
    }

    [Theory]
    [MemberData(nameof(ExamplesWithADiagnostic))]
    public void Example_reports_exactly_the_diagnostic_it_documents(string key)
    {
        var example = Find(key);
        var (run, analyzerDiagnostics) = SymbolicDiff.Tests.Docs.DiagnosticDocsTests.Build(example.Code);

        // Valid C# but for the diagnostic: with a compile error the generator may stay silent and prove nothing.
        var errors = run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, $"{key} does not compile:\n" + string.Join("\n", errors));

        var reported = run.GeneratorDiagnostics.Concat(analyzerDiagnostics).Select(d => d.Id).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { example.ExpectedDiagnostic! }, reported);
    }

    /// <summary>Every ```csharp block of README.md and docs/*.md, with the line after its closing fence.</summary>
    internal static List<Example> ReadExamples()
    {
        string root = RepositoryRoot();
        var files = new[] { "README.md" }
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Select(path => "docs/" + Path.GetFileName(path)).Order(StringComparer.Ordinal));
        var examples = new List<Example>();
        foreach (string file in files)
        {
            var lines = File.ReadAllText(Path.Combine(root, file)).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                if (lines[i] != "```csharp")
                {
                    continue;
                }

                int close = Array.FindIndex(lines, i + 1, line => line.StartsWith("```", StringComparison.Ordinal));
                Assert.True(close > 0, $"{file}:{i + 1}: a ```csharp block that is never closed");
                string code = string.Join("\n", lines[(i + 1)..close]) + "\n";
                string markerLine = close + 1 < lines.Length ? lines[close + 1] : string.Empty;
                examples.Add(new Example(file, i + 1, code, markerLine));
                i = close;
            }
        }

        return examples;
    }

    private static TheoryData<string> Keys(Func<Example, bool> filter)
    {
        var data = new TheoryData<string>();
        foreach (var example in ReadExamples().Where(filter))
        {
            data.Add(example.Key);
        }

        return data;
    }

    private static Example Find(string key) => ReadExamples().Single(example => example.Key == key);

    private static System.Collections.Immutable.ImmutableArray<Diagnostic> AnalyzerDiagnostics(Compilation output) =>
        output.WithAnalyzers(
                System.Collections.Immutable.ImmutableArray.Create<DiagnosticAnalyzer>(new SymbolicDiff.Generator.DifferentiableAnalyzer()),
                new CompilationWithAnalyzersOptions(
                    new AnalyzerOptions(System.Collections.Immutable.ImmutableArray<AdditionalText>.Empty),
                    onAnalyzerException: null,
                    concurrentAnalysis: false,
                    logAnalyzerExecutionTime: false))
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();

    /// <summary>Doc snippets show the type first and its use after; C# wants top-level statements first.</summary>
    private static string AsProgram(string code)
    {
        var lines = code.Split('\n');
        int lastTypeLine = Array.FindLastIndex(lines, line => line == "}");
        var usings = lines.Where(line => line.StartsWith("using ", StringComparison.Ordinal));
        var types = lines.Take(lastTypeLine + 1).Where(line => !line.StartsWith("using ", StringComparison.Ordinal));
        var statements = lines.Skip(lastTypeLine + 1).Where(line => !line.StartsWith("using ", StringComparison.Ordinal)); // a snippet without a type
        return string.Join("\n", usings.Concat(statements).Append("return;").Concat(types));
    }

    internal static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "")
    {
        var directory = new DirectoryInfo(Path.GetDirectoryName(thisFile)!);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SymbolicDiff.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("repository root not found above " + thisFile);
    }
}
