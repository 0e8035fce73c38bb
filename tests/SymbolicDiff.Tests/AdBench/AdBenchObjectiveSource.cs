namespace SymbolicDiff.Tests.AdBench;

/// <summary>
/// The source of an AD-benchmark objective (benchmarks/SymbolicDiff.Benchmarks/AdBench/Objectives), for a test that runs
/// it through the generator with what the benchmark does not ask for: second derivatives (which would add a Hessian to
/// what the benchmarks compile and time), and an array where the benchmark takes a span, so that the compiled methods
/// can be called through reflection (a span cannot be boxed). So the test checks the objective the benchmarks time,
/// not a copy of it that may drift. Each rewrite must apply exactly once: a changed objective fails here, loudly.
/// </summary>
internal static class AdBenchObjectiveSource
{
    /// <summary>The full name of the objectives' class, by which the compiled assembly gives its type.</summary>
    public const string TypeName = "SymbolicDiff.Benchmarks.AdBench.AdBenchObjectives";

    /// <summary>
    /// <c>Objectives/<paramref name="file"/></c> as a part of the partial class <c>Models</c> in the global namespace (see
    /// <c>TestModels</c>), with <c>double[]</c> for the <c>ReadOnlySpan&lt;double&gt;</c> of <paramref name="parameter"/>.
    /// </summary>
    public static string AsModels(string file, string parameter)
    {
        string source = Read(file);
        source = ReplaceOnce(source, "namespace SymbolicDiff.Benchmarks.AdBench;", string.Empty);
        source = ReplaceOnce(source, "public static partial class AdBenchObjectives", "public static partial class Models");
        source = ReplaceOnce(source, $"ReadOnlySpan<double> {parameter}", $"double[] {parameter}");
        return "using System;\n" + source;
    }

    /// <summary>
    /// <c>Objectives/<paramref name="file"/></c> with <c>SecondOrder = true</c> and <c>double[]</c> for the
    /// <c>ReadOnlySpan&lt;double&gt;</c> of <paramref name="differentiated"/>, the one parameter it is differentiated for.
    /// </summary>
    private static string WithSecondOrderOverArrays(string file, string differentiated)
    {
        string source = Read(file);
        source = ReplaceOnce(source, $"[Differentiable(nameof({differentiated}))]", $"[Differentiable(nameof({differentiated}), SecondOrder = true)]");
        source = ReplaceOnce(source, $"ReadOnlySpan<double> {differentiated}", $"double[] {differentiated}");
        return "using System;\n" + source;
    }

    /// <summary>
    /// <see cref="WithSecondOrderOverArrays"/> run through the generator, with <paramref name="members"/> (C# members: array
    /// adapters of the generated span methods, for reflection) added to the objectives' class; it must succeed.
    /// </summary>
    public static SymbolicDiff.Tests.Generator.GeneratorRun Run(string file, string differentiated, string members) =>
        SymbolicDiff.Tests.Generator.GeneratorHarness.Run(
            WithSecondOrderOverArrays(file, differentiated),
            "using System;\nnamespace SymbolicDiff.Benchmarks.AdBench\n{\n    public static partial class AdBenchObjectives\n    {\n" + members + "\n    }\n}\n")
            .ShouldSucceed();

    private static string Read(string file) =>
        File.ReadAllText(Path.Combine(SymbolicDiff.Tests.Generator.ReadmeExamplesTests.RepositoryRoot(), "benchmarks", "SymbolicDiff.Benchmarks", "AdBench", "Objectives", file));

    private static string ReplaceOnce(string text, string from, string to)
    {
        int at = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0 && text.IndexOf(from, at + 1, StringComparison.Ordinal) < 0, $"the objective no longer has exactly one '{from}'");
        return text.Substring(0, at) + to + text.Substring(at + from.Length);
    }
}
