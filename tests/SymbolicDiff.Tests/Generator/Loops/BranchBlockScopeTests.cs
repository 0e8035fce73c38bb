using SymbolicDiff.Generator.Differentiation;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>
/// BranchBlocks (Differentiation/BranchBlocks.cs) makes one block of the <c>if</c>s on one branch; two of them may each
/// declare a local of the same name, in scopes of their own, which one block must not (CS0128, or CS0136 where one of
/// them is nested). The transforms do not write such a pair today, so the programs here are written in the IR directly:
/// the grouping must leave those <c>if</c>s apart, and still merge the same <c>if</c>s where the names differ.
/// </summary>
public class BranchBlockScopeTests
{
    private static readonly Variable Branch = new("branch");
    private static readonly Variable X = new("x");

    /// <summary><c>if (branch) { double name = x * factor; total += name; }</c></summary>
    private static IfStatement Declaring(string name, double factor) => new(Branch, new Statement[]
    {
        new DeclareReal(name, new Binary(BinaryOperator.Multiply, X, new Constant(factor))),
        new UpdateReal(new Variable("total"), UpdateOperator.Add, new Variable(name)),
    }.ToEquatableArray());

    [Fact]
    public void Two_ifs_declaring_different_names_are_one_block()
    {
        var grouped = BranchBlocks.Apply(new Statement[] { Declaring("t", 2), Declaring("u", 3) });

        var block = Assert.IsType<IfStatement>(Assert.Single(grouped));
        Assert.Equal(Branch, block.Condition);
        Assert.Equal(Declaring("t", 2).Then.Concat(Declaring("u", 3).Then), block.Then);
    }

    [Fact]
    public void Two_ifs_declaring_the_same_name_stay_apart()
    {
        var program = new Statement[] { Declaring("t", 2), Declaring("t", 3) };

        var grouped = BranchBlocks.Apply(program);

        Assert.Equal(program, grouped);
        AssertNoBlockDeclaresTwice(grouped);
    }

    [Fact]
    public void An_if_declaring_a_name_that_a_loop_in_the_other_declares_stays_apart()
    {
        // if (branch) { double t = x * 2; total += t; }  if (branch) { for (int i = 0; i < 3; i++) { double t = x * 3; total += t; } }
        var loop = new ForLoop("i", "int", new Constant(0), new Constant(3), Declaring("t", 3).Then);
        var program = new Statement[] { Declaring("t", 2), new IfStatement(Branch, new Statement[] { loop }.ToEquatableArray()) };

        Assert.Equal(program, BranchBlocks.Apply(program));
    }

    [Fact]
    public void A_run_ends_before_the_clashing_if_and_the_steps_before_it_are_still_grouped()
    {
        // total += branch ? x : 0.0; then two ifs declaring t: the first step and the first if are one block, the second if alone.
        var guardedStep = new UpdateReal(new Variable("total"), UpdateOperator.Add, new Conditional(Branch, X, Constant.Zero));
        var grouped = BranchBlocks.Apply(new Statement[] { guardedStep, Declaring("t", 2), Declaring("t", 3) });

        Assert.Equal(2, grouped.Count);
        var first = Assert.IsType<IfStatement>(grouped[0]);
        Assert.Equal(3, first.Then.Count);
        Assert.Equal(Declaring("t", 3), grouped[1]);
        AssertNoBlockDeclaresTwice(grouped);
    }

    private static void AssertNoBlockDeclaresTwice(IEnumerable<Statement> block)
    {
        var names = block.Select(StatementFacts.DeclaredName).OfType<string>().ToList();
        Assert.Equal(names.Distinct().Count(), names.Count);
        foreach (var statement in block)
        {
            switch (statement)
            {
                case IfStatement guarded:
                    AssertNoBlockDeclaresTwice(guarded.Then);
                    break;
                case ForLoop loop:
                    AssertNoBlockDeclaresTwice(loop.Body);
                    break;
            }
        }
    }
}
