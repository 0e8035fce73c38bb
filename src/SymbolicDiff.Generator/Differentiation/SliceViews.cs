using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// How a slice's elements are read in the code printed: the last pass over every program Emit prints
/// (<see cref="Apply(GradientProgram)"/>, after <see cref="BranchBlocks"/>), so that Emit only prints. The IR reads <c>x[c]</c> of <c>x = features.Slice(r * d, d)</c> as
/// <c>features[xStart + c]</c>, which every transform understands; printed that way, the JIT keeps a bounds check on
/// each read that the hand-written <c>x[c]</c> in a loop to d does not pay. So where a block declares a slice's checked
/// start, the statements after it in that block (and nested in them) that read the sliced vector at that start read it
/// through a view declared right after the start, <c>var x = features.Slice(xStart, d);</c>, as the user wrote it. An
/// index the parser had to check (<c>SliceBounds.Index(k, d)</c>) needs no check there: the view's indexer makes it.
/// </summary>
internal static class SliceViews
{
    /// <summary>Every body of <paramref name="program"/> that Emit prints, with its slices read through views.</summary>
    public static GradientProgram Apply(GradientProgram program) => program.WithEveryBody(Apply);

    /// <summary>
    /// <paramref name="statements"/> with each slice's view declared and its elements read through it, in this block and
    /// then in each block nested in it (a view declared here is read in the nested blocks too; one declared in a nested
    /// block, only there).
    /// </summary>
    public static EquatableArray<Statement> Apply(EquatableArray<Statement> statements)
    {
        // Most bodies declare no slice anywhere: those are kept as they are, not copied.
        if (!StatementFacts.Flatten(statements).Any(statement => SliceStartOf(statement) is not null))
        {
            return statements;
        }

        return InBlock(statements).Select(Nested).ToEquatableArray();
    }

    private static Statement Nested(Statement statement) => statement switch
    {
        ForLoop loop => loop with { Body = Apply(loop.Body) },
        IfStatement guarded => guarded with { Then = Apply(guarded.Then) },
        _ => statement,
    };

    /// <summary>One block's statements with the views of the slices it declares (not those of blocks nested in it).</summary>
    private static List<Statement> InBlock(EquatableArray<Statement> statements)
    {
        var block = statements.ToList();
        for (int i = 0; i < block.Count; i++)
        {
            if (SliceStartOf(block[i]) is not { } start)
            {
                continue;
            }

            var slice = start.Value as SliceStart ?? (SliceStart)((Binary)start.Value).Right;
            var view = slice.View!;

            bool read = false;
            for (int j = i + 1; j < block.Count; j++)
            {
                var rewritten = ThroughView(block[j], view, start.Name);
                read |= !(rewritten with { Comment = null }).Equals(block[j] with { Comment = null }); // code, not a comment, reads the view
                block[j] = rewritten;
            }

            if (read)
            {
                block.Insert(i + 1, new DeclareSliceView(view, new Variable(start.Name), slice.Length));
                i++;
            }
        }

        return block;
    }

    /// <summary><c>int xStart = SliceBounds.Start(...);</c> or, for a slice of a slice, <c>outerStart + SliceBounds.Start(...)</c>; else null.</summary>
    private static DeclareInteger? SliceStartOf(Statement statement) =>
        statement is DeclareInteger { Value: SliceStart { View: not null } or Binary { Operator: BinaryOperator.Add, Right: SliceStart { View: { } } } } start ? start : null;

    private static Statement ThroughView(Statement statement, SliceViewInfo view, string start)
    {
        var rewritten = statement switch
        {
            ForLoop loop => loop with
            {
                While = loop.While is null ? null : ThroughView(loop.While, view, start),
                Body = loop.Body.Select(s => ThroughView(s, view, start)).ToEquatableArray(),
            },
            IfStatement guarded => guarded with { Condition = ThroughView(guarded.Condition, view, start), Then = guarded.Then.Select(s => ThroughView(s, view, start)).ToEquatableArray() },
            _ => StatementFacts.RewriteExpressions(statement, e => ThroughView(e, view, start)),
        };

        // A forward statement quoted in the backward sweep (// z += w[c] * x[c];) reads as the code it quotes.
        return rewritten.Comment is { } comment && comment.Parts.Any(part => part is QuotedStatement)
            ? rewritten with
            {
                Comment = new Comment(comment.Parts.Select(part => part is QuotedStatement quoted ? new QuotedStatement(ThroughView(quoted.Statement, view, start)) : part).ToEquatableArray()),
            }
            : rewritten;
    }

    private static Expr ThroughView(Expr expression, SliceViewInfo view, string start) => ExpressionFacts.Rewrite(expression, node => node switch
    {
        Element { Index: Binary { Operator: BinaryOperator.Add, Left: Variable { Name: var offset }, Right: var index } } element
            when element.Vector == view.Vector && offset == start => new Element(view.Name, index is SliceIndex check ? check.Index : index),

        // The slice passed to a function (Vectors.Dot(w, x)) is the view itself; its adjoint's view stays dFeatures.Slice(xStart, d).
        VectorArgument { Start: Variable { Name: var offset } } argument when argument.Vector == view.Vector && offset == start => new VectorArgument(view.Name),
        _ => null,
    });
}
