using SymbolicDiff.Generator.Analysis;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Tests.Generator.Analysis;

/// <summary>The activity and to-be-recorded analyses as units, on programs built directly as IR.</summary>
public class AnalysisTests
{
    private static readonly Variable I = new("i");

    [Fact]
    public void Varied_follows_values_around_a_loop_to_a_fixed_point()
    {
        // for (…) { a = b; b = c; c = w; }: w reaches a only on the third iteration, through flows listed in
        // the opposite order, so one sweep is not enough.
        var flows = new[]
        {
            new DataFlow("a", new[] { "b" }),
            new DataFlow("b", new[] { "c" }),
            new DataFlow("c", new[] { "w" }),
            new DataFlow("k", new[] { "n" }),
        };

        var varied = ActivityAnalysis.Varied(new[] { "w" }, flows);

        Assert.Equal(new[] { "a", "b", "c", "w" }, varied.OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void Useful_is_what_the_result_depends_on_and_nothing_else()
    {
        var flows = new[]
        {
            new DataFlow("z", new[] { "x", "w" }),
            new DataFlow("dead", new[] { "w" }),
            new DataFlow("loss", new[] { "z", "y" }),
        };

        var useful = ActivityAnalysis.Useful("loss", flows);

        Assert.Equal(new[] { "loss", "w", "x", "y", "z" }, useful.OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void A_reduction_saves_nothing()
    {
        // sum = 0; for (i) sum += w[i] * x[i];  the backward sweep reads only the parameters w and x.
        var update = new AssignReal(new Variable("sum"), Add(new Variable("sum"), Mul(Element("w"), Element("x"))), "sum += w[i] * x[i]");
        var method = Method(new DeclareReal("sum", Constant.Zero), Loop(update));
        var index = ProgramIndex.Build(method);

        var decision = ToBeRecordedAnalysis.Decide(index, new[]
        {
            new ToBeRecordedAnalysis.Read("w", update, AfterWrite: false),
            new ToBeRecordedAnalysis.Read("x", update, AfterWrite: false),
        });

        Assert.False(decision.SavesAnything);
    }

    [Fact]
    public void A_running_product_saves_the_value_it_overwrites()
    {
        // p = 1; for (i) p *= x[i];  ∂(p·x[i])/∂x[i] = p before the assignment, which the assignment overwrites.
        var update = new AssignReal(new Variable("p"), Mul(new Variable("p"), Element("x")), "p *= x[i]");
        var method = Method(new DeclareReal("p", Constant.One), Loop(update));

        var decision = ToBeRecordedAnalysis.Decide(ProgramIndex.Build(method), new[] { new ToBeRecordedAnalysis.Read("p", update, AfterWrite: false) });

        Assert.Equal(new[] { "p" }, decision.SavedBeforeOverwrite);
        Assert.Empty(decision.SavedAtEndOfIteration);
    }

    [Fact]
    public void A_value_read_after_its_own_assignment_and_never_overwritten_is_not_saved()
    {
        // e = exp(x); (top level, assigned once): the backward sweep reads e's own value, which is still there.
        var declaration = new DeclareReal("e", new Variable("x"));
        var method = Method(declaration);

        var decision = ToBeRecordedAnalysis.Decide(ProgramIndex.Build(method), new[] { new ToBeRecordedAnalysis.Read("e", declaration, AfterWrite: true) });

        Assert.False(decision.SavesAnything);
    }

    [Fact]
    public void A_local_declared_in_a_loop_and_read_backwards_is_saved_at_the_end_of_each_iteration()
    {
        // for (i) { double t = x[i] * x[i]; s += Math.Exp(t); }: the backward body needs each iteration's t.
        var declaration = new DeclareReal("t", Mul(Element("x"), Element("x")));
        var update = new AssignReal(new Variable("s"), Add(new Variable("s"), new Variable("t")), "s += t");
        var loop = Loop(declaration, update);
        var method = Method(new DeclareReal("s", Constant.Zero), loop);

        var decision = ToBeRecordedAnalysis.Decide(ProgramIndex.Build(method), new[] { new ToBeRecordedAnalysis.Read("t", update, AfterWrite: false) });

        var (savedLoop, names) = Assert.Single(decision.SavedAtEndOfIteration);
        Assert.Same(loop, savedLoop);
        Assert.Equal(new[] { "t" }, names);
        Assert.Empty(decision.SavedBeforeOverwrite);
    }

    private static MethodModel Method(params Statement[] statements) =>
        new(new TypeHierarchy(null, EquatableArray<ContainingType>.Empty), "M",
            new[]
            {
                new ParameterModel("x", "double[]", true) { ElementType = "double" },
                new ParameterModel("w", "double[]", true) { ElementType = "double" },
            }.ToEquatableArray(),
            statements.ToEquatableArray(), "s");

    private static ForLoop Loop(params Statement[] body) =>
        new("i", "int", Constant.Zero, new Variable("n"), body.ToEquatableArray());

    private static Element Element(string vector) => new(vector, I);

    private static Binary Add(Expr left, Expr right) => new(BinaryOperator.Add, left, right);

    private static Binary Mul(Expr left, Expr right) => new(BinaryOperator.Multiply, left, right);
}
