using NetArchTest.Rules;
using SymbolicDiff.Generator;

namespace SymbolicDiff.Tests.Generator;

/// <summary>
/// The generator's stages depend one way: Model on nothing; Diagnostics (the descriptors) on Model; Parsing and
/// Analysis on those; Differentiation on Analysis too; Emit on Model and Diagnostics only; the entry points
/// (the generator, the pipeline, the analyzer) in the root namespace on anything. A cycle fails here.
/// </summary>
public class ArchitectureTests
{
    private const string Root = "SymbolicDiff.Generator";

    // Each stage, and the stages (and entry points) it must not depend on.
    public static IEnumerable<object[]> Rules() => new[]
    {
        new object[] { "Model", new[] { "Diagnostics", "Parsing", "Analysis", "Differentiation", "Emit" } },
        new object[] { "Diagnostics", new[] { "Parsing", "Analysis", "Differentiation", "Emit" } },
        new object[] { "Parsing", new[] { "Analysis", "Differentiation", "Emit" } },
        new object[] { "Analysis", new[] { "Parsing", "Differentiation", "Emit" } },
        new object[] { "Differentiation", new[] { "Parsing", "Emit" } },
        new object[] { "Emit", new[] { "Parsing", "Analysis", "Differentiation" } },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void A_stage_does_not_depend_on_a_later_stage_or_a_sibling(string stage, string[] forbidden)
    {
        var result = Stage(stage)
            .ShouldNot()
            .HaveDependencyOnAny(forbidden.Select(other => Root + "." + other).Concat(EntryPoints()).ToArray())
            .GetResult();

        Assert.True(result.IsSuccessful, $"{stage} depends on a stage it must not: {string.Join(", ", result.FailingTypeNames ?? Array.Empty<string>())}");
    }

    [Fact]
    public void Every_generator_type_lives_in_a_stage_or_is_an_entry_point()
    {
        var stages = new[] { "Model", "Diagnostics", "Parsing", "Analysis", "Differentiation", "Emit", "Polyfills" };
        var strays = Types.InAssembly(typeof(DifferentiableGenerator).Assembly)
            .GetTypes()
            .Where(type => type.Namespace is not null && type.Namespace.StartsWith(Root, StringComparison.Ordinal) && !type.Name.StartsWith('<'))
            .Where(type => type.Namespace != Root && !stages.Any(stage => type.Namespace == Root + "." + stage))
            .Select(type => type.FullName)
            .ToList();

        Assert.Empty(strays);
    }

    [Fact]
    public void The_rules_can_fail()
    {
        // Differentiation reads Analysis: the same rule asked the other way round must fail, or the rules above
        // would pass whatever the code did.
        var result = Stage("Differentiation").ShouldNot().HaveDependencyOn(Root + ".Analysis").GetResult();
        Assert.False(result.IsSuccessful);
    }

    private static PredicateList Stage(string stage) =>
        // Matched exactly: a prefix would also take in the root's DifferentiationPipeline for Differentiation.
        Types.InAssembly(typeof(DifferentiableGenerator).Assembly).That().ResideInNamespaceMatching("^" + System.Text.RegularExpressions.Regex.Escape(Root + "." + stage) + "$");

    // The root namespace's types: depending on them from a stage would close a cycle.
    private static IEnumerable<string> EntryPoints() =>
        typeof(DifferentiableGenerator).Assembly.GetTypes()
            .Where(type => type.Namespace == Root && !type.Name.StartsWith('<'))
            .Select(type => type.FullName!.Split('+')[0])
            .Distinct();
}
