using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SymbolicDiff.Benchmarks;

/// <summary>
/// The compilation the generator's cost is measured on: N six-line [Differentiable] methods with a branch, and an
/// unrelated file edited for the warm run. One copy for GeneratorBenchmarks, for
/// benchmarks/GeneratorAlternating and for the tests' GeneratorCostTests, which compile this file too (a linked
/// Compile item), so that they measure the same methods.
/// </summary>
internal static class GeneratorWorkload
{
    public static readonly CSharpParseOptions ParseOptions = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest);

    /// <summary>The model file with <paramref name="methods"/> methods, and the unrelated file (Other.cs) as it is before the edit.</summary>
    public static List<SyntaxTree> Trees(int methods) => new()
    {
        CSharpSyntaxTree.ParseText(Source(methods), ParseOptions, path: "Model.cs"),
        CSharpSyntaxTree.ParseText("namespace Bench; public static class Other { public static int N = 1; }", ParseOptions, path: "Other.cs"),
    };

    /// <summary>The partial type <paramref name="typeName"/> with <paramref name="methods"/> [Differentiable] methods of six lines with a branch.</summary>
    public static string Source(int methods, string typeName = "Model")
    {
        var source = new StringBuilder($"using System;\nusing SymbolicDiff;\nnamespace Bench;\npublic static partial class {typeName}\n{{\n");
        for (int i = 0; i < methods; i++)
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

        return source.Append("}\n").ToString();
    }

    /// <summary>The unrelated file after the edit, to replace <see cref="Trees"/>' second tree with.</summary>
    public static SyntaxTree EditedUnrelated() =>
        CSharpSyntaxTree.ParseText("namespace Bench; public static class Other { public static int N = 2; }", ParseOptions, path: "Other.cs");

    /// <summary>The framework's System.* assemblies and the runtime library (for the attribute, Activations and Losses).</summary>
    public static MetadataReference[] References() => ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
        .Split(Path.PathSeparator)
        .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "netstandard.dll")
        .Append(typeof(DifferentiableAttribute).Assembly.Location)
        .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
        .ToArray();

    /// <summary>A fresh compilation of <paramref name="trees"/>, so that no binding is cached from an earlier run.</summary>
    public static CSharpCompilation Compilation(IEnumerable<SyntaxTree> trees, MetadataReference[] references) =>
        CSharpCompilation.Create("Bench", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
}

/// <summary>Finds the same methods as the real generator and binds their bodies, nothing more: the floor under a warm run.</summary>
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
