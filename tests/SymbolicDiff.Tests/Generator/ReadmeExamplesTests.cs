using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SymbolicDiff.Tests.Generator;

/// <summary>The README's C# examples that use SymbolicDiff compile, with the generator, without a warning, and run.</summary>
[Collection(SymbolicDiff.Tests.Samples.ConsoleCollection.Name)]
public class ReadmeExamplesTests
{
    public static TheoryData<int> Examples()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < ReadExamples().Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Fact]
    public void The_readme_has_examples_to_check() => Assert.True(ReadExamples().Count >= 2);

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_compiles_with_the_generator(int index)
    {
        string program = AsProgram(ReadExamples()[index]);
        var input = GeneratorHarness.Compile(program).WithOptions(
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);

        Assert.Empty(generatorDiagnostics);
        Assert.Empty(GeneratorHarness.Problems(input, output));

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

    /// <summary>The ```csharp blocks that use SymbolicDiff (the generated-code excerpt is not one of them).</summary>
    private static List<string> ReadExamples()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        return Regex.Matches(readme, "```csharp\n(.*?)```", RegexOptions.Singleline)
            .Select(match => match.Groups[1].Value)
            .Where(code => code.Contains("using SymbolicDiff;", StringComparison.Ordinal))
            .ToList();
    }

    /// <summary>README snippets show the type first and its use after; C# wants top-level statements first.</summary>
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

/// <summary>
/// Every diagnostic has a row in the README's table, with an anchor. (Help links point at the pages in
/// docs/diagnostics/; SymbolicDiff.Tests.Docs.DiagnosticDocsTests checks those.)
/// </summary>
public class DiagnosticDocumentationTests
{
    [Fact]
    public void Every_descriptor_has_a_README_row_with_an_anchor()
    {
        string readme = File.ReadAllText(Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "README.md"));
        foreach (var descriptor in SymbolicDiff.Generator.Diagnostics.DiagnosticDescriptors.All)
        {
            string anchor = descriptor.Id.ToLowerInvariant();
            Assert.Contains($"<a id=\"{anchor}\"></a>{descriptor.Id} |", readme, StringComparison.Ordinal);
        }
    }
}
