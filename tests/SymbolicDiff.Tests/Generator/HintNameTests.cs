using SymbolicDiff.Generator.Emit;

namespace SymbolicDiff.Tests.Generator;

/// <summary>Generated file names are unique whatever the case of the user's names, and bounded in length.</summary>
public class HintNameTests
{
    [Fact]
    public void Types_whose_names_differ_only_in_case_both_get_their_gradients()
    {
        // File names compare ignoring case: without care, Model.F.g.cs and model.F.g.cs collide, the generator
        // throws (CS8785) and every gradient in the project disappears, the unrelated Other.G's too.
        var run = GeneratorHarness.Run("""
            using SymbolicDiff;
            public static partial class Model
            {
                [Differentiable]
                public static double F(double x) => x * x;
            }
            public static partial class model
            {
                [Differentiable]
                public static double F(double x) => 3 * x;
            }
            public static partial class Other
            {
                [Differentiable]
                public static double G(double x) => x + 1;
            }
            """).ShouldSucceed();

        var names = run.GeneratedSources.Select(s => s.HintName).ToList();
        Assert.Equal(3, names.Count); // one file per method, its derivation included
        Assert.Equal(3, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains("Other.G.g.cs", names);
        Assert.NotNull(run.Derivation("Other.G.g.cs"));

        var assembly = run.Load();
        Assert.Equal(4.0, Partial(assembly.GetType("Model")!, "F", 2.0));   // ∂(x²)/∂x = 2x at 2
        Assert.Equal(3.0, Partial(assembly.GetType("model")!, "F", 2.0));   // ∂(3x)/∂x = 3
    }

    [Fact]
    public void A_name_past_the_bound_is_cut_and_made_unique_by_a_hash_of_its_whole_spelling()
    {
        string longName = new string('A', 200) + ".F.g.cs";
        string otherLongName = new string('A', 200) + ".G.g.cs";
        string cut = GradientSourceEmitter.UniqueHintName(longName, new[] { longName, otherLongName });
        string otherCut = GradientSourceEmitter.UniqueHintName(otherLongName, new[] { longName, otherLongName });

        Assert.True(cut.Length <= GradientSourceEmitter.MaxHintNameLength + "_12345678.g.cs".Length, cut);
        Assert.NotEqual(cut, otherCut);
        Assert.Equal(cut, GradientSourceEmitter.UniqueHintName(longName, new[] { longName }));   // deterministic
        Assert.Equal("Neuron.Loss.g.cs", GradientSourceEmitter.UniqueHintName("Neuron.Loss.g.cs", new[] { "Neuron.Loss.g.cs", "Other.F.g.cs" }));
    }

    private static double Partial(Type type, string method, double x)
    {
        object gradient = type.GetMethod(method + "WithGradient")!.Invoke(null, new object[] { x })!;
        return (double)gradient.GetType().GetProperty("X")!.GetValue(gradient)!;
    }
}
