using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using SymbolicDiff.CodeFixes;
using SymbolicDiff.Generator;
using SymbolicDiff.Generator.Diagnostics;

namespace SymbolicDiff.Tests.CodeFixes;

/// <summary>
/// The code fixes as an assembly: apart from the generator (which a compiler without Workspaces must load), exported
/// to the IDE, answering real SD IDs, with one equivalence key per kind of fix.
/// </summary>
public class CodeFixAssemblyTests
{
    private static readonly Assembly CodeFixes = typeof(MakeTypesPartialCodeFixProvider).Assembly;

    private static IReadOnlyList<CodeFixProvider> Providers() => CodeFixes.GetTypes()
        .Where(type => !type.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(type))
        .Select(type => (CodeFixProvider)Activator.CreateInstance(type)!)
        .ToList();

    [Fact]
    public void The_generator_references_neither_Workspaces_nor_the_code_fixes_and_the_code_fixes_do_not_reference_the_generator()
    {
        var generatorReferences = typeof(DifferentiableGenerator).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("Microsoft.CodeAnalysis", generatorReferences);
        Assert.DoesNotContain(generatorReferences, name => name.Contains("Workspaces", StringComparison.Ordinal));
        Assert.DoesNotContain("SymbolicDiff.CodeFixes", generatorReferences);

        var fixReferences = CodeFixes.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("Microsoft.CodeAnalysis.Workspaces", fixReferences);
        Assert.DoesNotContain("SymbolicDiff.Generator", fixReferences);
    }

    [Fact]
    public void The_compiler_finds_no_analyzer_or_generator_to_load_in_the_code_fixes_and_finds_both_in_the_generator()
    {
        // What csc does with each DLL of analyzers/dotnet/cs: it reads the metadata for [DiagnosticAnalyzer] and
        // [Generator] types and loads only what it finds, so the Workspaces-dependent code fixes are never loaded.
        var failures = new List<string>();
        AnalyzerFileReference Reference(Assembly assembly)
        {
            var reference = new AnalyzerFileReference(assembly.Location, new LoadFromPathLoader());
            reference.AnalyzerLoadFailed += (_, e) => failures.Add($"{assembly.GetName().Name}: {e.Message}");
            return reference;
        }

        var fixes = Reference(CodeFixes);
        Assert.Empty(fixes.GetAnalyzers(LanguageNames.CSharp));
        Assert.Empty(fixes.GetGenerators(LanguageNames.CSharp));

        var generator = Reference(typeof(DifferentiableGenerator).Assembly);
        Assert.Contains(generator.GetAnalyzers(LanguageNames.CSharp), a => a is DifferentiableAnalyzer);
        Assert.Single(generator.GetGenerators(LanguageNames.CSharp));
        Assert.Empty(failures);
    }

    private sealed class LoadFromPathLoader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        // Both assemblies are already loaded in the test process: hand back the loaded one.
        public Assembly LoadFromPath(string fullPath) =>
            AppDomain.CurrentDomain.GetAssemblies().First(a => !a.IsDynamic && a.Location == fullPath);
    }

    [Fact]
    public void Every_provider_is_exported_for_CSharp_and_fixes_diagnostics_the_generator_or_analyzer_reports()
    {
        var providers = Providers();
        Assert.Equal(8, providers.Count);
        var ids = DiagnosticDescriptors.All.Select(d => d.Id).ToHashSet();
        foreach (var provider in providers)
        {
            var export = provider.GetType().GetCustomAttribute<ExportCodeFixProviderAttribute>();
            Assert.True(export is not null, $"{provider.GetType().Name} is not exported");
            Assert.Contains(LanguageNames.CSharp, export!.Languages);
            Assert.All(provider.FixableDiagnosticIds, id => Assert.Contains(id, ids));
            Assert.NotNull(provider.GetFixAllProvider());
        }

        Assert.Equal(
            ["SD0002", "SD0006", "SD0012", "SD0017", "SD0020", "SD0021", "SD0032", "SD0034"],
            providers.SelectMany(p => p.FixableDiagnosticIds).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_providers_compose_as_the_IDE_finds_them_through_MEF()
    {
        using var container = new System.Composition.Hosting.ContainerConfiguration().WithAssembly(CodeFixes).CreateContainer();

        var exported = container.GetExports<CodeFixProvider>().Select(p => p.GetType().Name).Order(StringComparer.Ordinal);

        Assert.Equal(Providers().Select(p => p.GetType().Name).Order(StringComparer.Ordinal), exported);
    }

    [Fact]
    public void The_equivalence_keys_are_unique_and_name_their_diagnostic()
    {
        string[] keys =
        [
            MakeTypesPartialCodeFixProvider.Key,
            DerivativeStubCodeFixProvider.UnknownFunctionKey,
            DerivativeStubCodeFixProvider.MissingPartialKey,
            MarkDifferentiableCodeFixProvider.Key,
            RemoveDifferentiatedParameterCodeFixProvider.Key,
            SuppressResultIgnoresParameterCodeFixProvider.Key,
            AddDifferentiatedParameterCodeFixProvider.Key,
            AddDifferentiatedParameterCodeFixProvider.MissingPartialKey,
        ];

        Assert.Equal(keys.Length, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.All(keys, key => Assert.Matches(@"^SymbolicDiff\.SD\d{4}\.", key));
    }

    [Theory]
    [InlineData("SD0012", new[] { "Model.Product", "b" })]
    [InlineData("SD0021", new[] { "Layers.Scaled", "scale" })] // each placeholder appears twice in this message
    [InlineData("SD0006", new[] { "Model.Cube" })]
    public void Message_arguments_are_read_back_from_the_message_by_its_own_format(string id, string[] arguments)
    {
        var diagnostic = Diagnostic.Create(DiagnosticDescriptors.Get(id), Location.None, arguments.Cast<object>().ToArray());

        Assert.Equal(arguments, MessageArguments.Read(diagnostic));
    }
}
