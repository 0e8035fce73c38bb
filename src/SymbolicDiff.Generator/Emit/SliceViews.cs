using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Emit;

/// <summary>
/// How a slice's elements are printed. The IR reads <c>x[c]</c> of <c>x = features.Slice(r * d, d)</c> as
/// <c>features[xStart + c]</c>, which every transform understands; printed that way, the JIT keeps a bounds check on
/// each read that the hand-written <c>x[c]</c> in a loop to d does not pay. So where a block declares a slice's checked
/// start, the statements after it in that block (and nested in them) that read the sliced vector at that start read it
/// through a view declared right after the start, <c>var x = features.Slice(xStart, d);</c>, as the user wrote it. An
/// index the parser had to check (<c>SliceBounds.Index(k, d)</c>) needs no check there: the view's indexer makes it.
/// </summary>
internal static class SliceViews
{
    /// <summary><paramref name="statements"/> (one block) with each slice's view declared and its elements read through it.</summary>
    public static IReadOnlyList<Statement> Apply(IEnumerable<Statement> statements)
    {
        // Every block printed comes through here, and most declare no slice: those are printed as they are, not copied.
        if (statements is IReadOnlyList<Statement> given && !DeclaresSliceStart(given))
        {
            return given;
        }

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

    private static bool DeclaresSliceStart(IReadOnlyList<Statement> statements)
    {
        for (int i = 0; i < statements.Count; i++)
        {
            if (SliceStartOf(statements[i]) is not null)
            {
                return true;
            }
        }

        return false;
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
