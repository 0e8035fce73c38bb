using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// Kept values (<see cref="KeepPerIteration"/>, <see cref="KeepCalls"/>) for a whole buffer: a local buffer that each
/// iteration of a loop rewrites in full and the loop's backward sweep reads (GMM's <c>centered</c> and
/// <c>qTimesCentered</c>, within each point, one row per component) is read and written in row i of a buffer of
/// (iterations × length) values in the forward iteration i (<c>var centeredRow = keptCentered.Slice(ik * centered.Length,
/// centered.Length);</c>), and read there again by the backward iteration i, instead of each of its writes pushing the
/// element it overwrites and the backward sweep popping it again. A hand-written gradient keeps one row per component in
/// the same way and saves nothing.
/// <para>
/// When. The loop L runs in the body of the loop differentiated iteration by iteration (so its forward and backward
/// sweeps both run within one iteration of that loop, and the next iteration rewrites the rows only after this one's
/// backward sweep has read them), ascending, not a running selection, with bounds that read nothing either loop
/// declares or writes (its trip count is known before the outer loop, where the rows are declared, and is the same in
/// every outer iteration). The buffer B is declared at the method's top level, and nothing in the method but its
/// declaration and L mentions it. In L's body, the first statement that mentions B is a cover (<see cref="IsCover"/>:
/// <c>for (j = 0; j &lt; B.Length; j++) { …; B[j] = e; … }</c>), which writes every element before anything reads it;
/// calls writing into B are not followed. Let W be the last statement of L's body that writes B. No statement from the
/// cover (exclusive, when the cover is W; inclusive, when B is written again after it) to W (inclusive) reads B in its
/// partials, nor, where it reuses its own value (exp's), has B as its target; and no statement there but an assignment
/// of a real mentions B in its own expressions (a branch's condition, a loop's bounds).
/// </para>
/// <para>
/// Why that is exact. In the forward iteration i the row stands for B: B is written in full (the cover) before anything
/// reads it, so the row, whatever an earlier call left in it, holds the values B would. The backward sweep evaluates
/// each statement's partials in the state just before it; what it reads of B there is what the pops restored. The row
/// holds what the forward iteration i left in it, and nothing in the backward iteration writes it. A statement after W reads B where the forward iteration had left it
/// as it ends: the row. A statement in the cover reading B[j] after writing it (when the cover is the only writer) reads
/// the value element j keeps to the end of the iteration: the row again. The statements between reads nothing of B.
/// So every value of B any partial reads is the one the pops gave. B itself is no longer written, and nothing reads it
/// outside L. The pushes and pops of B, removed in pairs, leave the other saved values' pushes and pops balanced in the
/// same order. A helper given B as a span is not followed (the buffer keeps its saves).
/// </para>
/// <para>
/// Its size. The rows hold trip count × B.Length values; the pushes they replace were at least as many (the cover alone
/// pushes B.Length per iteration), so the rows are never larger than the part of the stack they replace, and, like
/// the other kept buffers, they are on the stack up to 128 elements and pooled above. Where the trip count or the
/// length cannot be stated before the outer loop, the buffer is saved element by element as before. Not in a method
/// asking for second derivatives, for the reason <see cref="KeepCalls"/> gives.
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>
    /// The statements of one iteration of <paramref name="fusedLoop"/> (its forward sweep, then its backward sweep) with
    /// each buffer its inner loops rewrite in full kept row by row where it can be; the rows to declare before the loop
    /// go to <paramref name="kept"/>.
    /// </summary>
    private List<Statement> KeepRewrittenBuffers(List<Statement> body, ForLoop fusedLoop, List<DeclareKeptValues> kept)
    {
        var declarations = _method.Statements.OfType<DeclareBuffer>().ToList();
        foreach (var loop in fusedLoop.Body.OfType<ForLoop>())
        {
            if (loop.Descending || loop.While is not null || _selections.ContainsKey(loop) || _checkpoints.ContainsKey(loop) ||
                !BoundsFixed(loop) || !BoundsFixed(loop, fusedLoop))
            {
                continue;
            }

            foreach (var declaration in declarations)
            {
                if (OnlyMentionedIn(declaration, loop) && RowsSuffice(loop, declaration))
                {
                    body = KeepRows(body, loop, declaration.Name, kept);
                }
            }
        }

        return body;
    }

    /// <summary>Whether nothing in the method mentions the buffer but its declaration and statements inside <paramref name="loop"/>.</summary>
    private bool OnlyMentionedIn(DeclareBuffer declaration, ForLoop loop)
    {
        string buffer = declaration.Name;
        bool Outside(Statement statement) => !ReferenceEquals(statement, declaration) && !ReferenceEquals(statement, loop) && statement switch
        {
            ForLoop other => StatementFacts.Expressions(other).Any(e => Mentions(e, buffer)) || other.Body.Any(Outside),
            IfStatement guarded => StatementFacts.Expressions(guarded).Any(e => Mentions(e, buffer)) || guarded.Then.Any(Outside),
            _ => StatementFacts.Names(statement).Contains(buffer),
        };
        return !_method.Statements.Any(Outside);
    }

    private static bool Mentions(Expr expression, string buffer) => ExpressionFacts.Mentions(expression, node => node switch
    {
        Element element => element.Vector == buffer,
        VectorArgument vector => vector.Vector == buffer,
        Variable variable => variable.Name == buffer,
        _ => false,
    });

    /// <summary>Whether every value of the buffer the backward sweep of <paramref name="loop"/>'s body reads is the one an iteration leaves it holding at its end (see the type's remarks).</summary>
    private bool RowsSuffice(ForLoop loop, DeclareBuffer declaration)
    {
        string buffer = declaration.Name;
        var statements = loop.Body;
        int cover = -1;
        for (int i = 0; i < statements.Count && cover < 0; i++)
        {
            cover = StatementFacts.Names(statements[i]).Contains(buffer) ? i : -1;
        }

        if (cover < 0 || statements[cover] is not ForLoop first || !IsCover(first, declaration) ||
            StatementFacts.Flatten(statements).Any(s => s is CallWithOutputs call && StatementFacts.Names(call).Contains(buffer)) ||
            StatementFacts.Flatten(statements).SelectMany(StatementFacts.Expressions).SelectMany(ExpressionFacts.Nodes)
                .Any(node => node is VectorArgument vector && vector.Vector == buffer))
        {
            return false;
        }

        int last = cover;
        for (int i = cover + 1; i < statements.Count; i++)
        {
            last = StatementFacts.Writes(new[] { statements[i] }).Any(write => write.Target == buffer) ? i : last;
        }

        int from = last == cover ? cover + 1 : cover;
        return statements.Skip(from).Take(last - from + 1).All(statement =>
            StatementFacts.Flatten(new[] { statement }).All(s => !ReadsBufferBackward(s, buffer)));
    }

    /// <summary>Whether the backward sweep of <paramref name="statement"/> (not of those nested in it) may read the buffer.</summary>
    private bool ReadsBufferBackward(Statement statement, string buffer)
    {
        if (statement is not (AssignReal or DeclareReal))
        {
            return StatementFacts.Expressions(statement).Any(e => Mentions(e, buffer));
        }

        return _partials.TryGetValue(statement, out var partials) &&
            (partials.PreReads.Contains(buffer) || partials.UsesValue && TargetName(partials.Target) == buffer);
    }

    /// <summary>
    /// <paramref name="body"/> with the pushes of <paramref name="buffer"/>'s elements in <paramref name="loop"/>'s forward
    /// copy and the pops in its backward copy removed, and both copies reading and writing the buffer in the iteration's
    /// row of the kept values. Unchanged unless both copies are found at the top level of the body.
    /// </summary>
    private List<Statement> KeepRows(List<Statement> body, ForLoop loop, string buffer, List<DeclareKeptValues> kept)
    {
        bool Pushes(Statement s) => s is SavePush { Value: Element element } && element.Vector == buffer;
        bool Pops(Statement s) => s is UpdateReal { Target: Element element, Value: SavedPop } && element.Vector == buffer;
        int forwardAt = body.FindIndex(s => s is ForLoop { Descending: false } candidate && candidate.Counter == loop.Counter &&
            StatementFacts.Flatten(candidate.Body).Any(Pushes));
        int backwardAt = forwardAt < 0 ? -1 : body.FindIndex(forwardAt + 1, s => s is ForLoop candidate && candidate.Counter == loop.Counter &&
            StatementFacts.Flatten(candidate.Body).Any(Pops));
        if (backwardAt < 0 ||
            StatementFacts.Flatten(body).Count(Pushes) != StatementFacts.Flatten(body).Count(Pops) ||
            StatementFacts.Flatten(((ForLoop)body[forwardAt]).Body).Count(Pushes) != StatementFacts.Flatten(body).Count(Pushes) ||
            StatementFacts.Flatten(((ForLoop)body[backwardAt]).Body).Count(Pops) != StatementFacts.Flatten(body).Count(Pops))
        {
            return body;
        }

        var forward = (ForLoop)body[forwardAt];
        var backward = (ForLoop)body[backwardAt];
        string rows = _names.Fresh(GeneratedNames.KeptValues(buffer));
        string row = _names.Fresh(buffer + "Row");
        var length = new Member(new Variable(buffer), "Length");
        Expr iteration = loop.From is Constant { IsZero: true } ? new Variable(loop.Counter) : new Binary(BinaryOperator.Subtract, new Variable(loop.Counter), loop.From);
        var view = new DeclareSliceView(new SliceViewInfo(row, rows, IsArray: false), new Binary(BinaryOperator.Multiply, iteration, length), length);

        // The forward iteration writes and reads its own row, from its first statement.
        var forwardBody = Without(forward.Body, Pushes).Select(s => ThroughRow(s, buffer, row)).ToList();
        forwardBody.Insert(0, view with { Comment = Comment.Of($"kept: {buffer} of this iteration over {loop.Counter}, whose backward sweep reads it") });

        // The backward iteration reads the same row, after the locals it restores.
        var backwardBody = CountUpWhereIndependent(Without(backward.Body, Pops).Select(s => ThroughRow(s, buffer, row)));
        int start = 0;
        while (start < backwardBody.Count && backwardBody[start] is DeclareReal { Value: SavedPop })
        {
            start++;
        }

        backwardBody.Insert(start, view with { Comment = Comment.Of($"{buffer} as iteration {loop.Counter} left it") });

        kept.Add(new DeclareKeptValues(rows, _names.Fresh(GeneratedNames.AdjointStorage(rows)), new Binary(BinaryOperator.Multiply, TripCount(loop), length))
        {
            Comment = Comment.Of($"{buffer} as each iteration of the loop over {loop.Counter} leaves it, one row each, which its backward sweep reads instead of popping each element: on the stack up to {StackBound} elements, pooled above"),
        });

        var result = new List<Statement>(body);
        result[forwardAt] = forward with { Body = forwardBody.ToEquatableArray() };
        result[backwardAt] = backward with { Body = backwardBody.ToEquatableArray() };
        return result;
    }

    /// <summary>
    /// <paramref name="statement"/> with the code's elements of <paramref name="buffer"/> read and written in the row
    /// <paramref name="row"/> instead, at any depth; its comments, which quote the user's statements, unchanged.
    /// </summary>
    private static Statement ThroughRow(Statement statement, string buffer, string row)
    {
        Expr Rewrite(Expr expression) => ExpressionFacts.Rewrite(expression, node =>
            node is Element element && element.Vector == buffer ? element with { Vector = row } : null);
        return statement switch
        {
            ForLoop loop => loop with { Body = loop.Body.Select(s => ThroughRow(s, buffer, row)).ToEquatableArray() },
            IfStatement guarded => guarded with
            {
                Condition = Rewrite(guarded.Condition),
                Then = guarded.Then.Select(s => ThroughRow(s, buffer, row)).ToEquatableArray(),
            },
            _ => StatementFacts.RewriteExpressions(statement, Rewrite) with { Comment = statement.Comment },
        };
    }

    /// <summary>The statements without those <paramref name="drop"/> picks, at any depth.</summary>
    private static List<Statement> Without(IEnumerable<Statement> statements, System.Func<Statement, bool> drop) =>
        statements.Where(s => !drop(s)).Select(s => s switch
        {
            ForLoop loop => loop with { Body = Without(loop.Body, drop).ToEquatableArray() },
            IfStatement guarded => guarded with { Then = Without(guarded.Then, drop).ToEquatableArray() },
            _ => s,
        }).ToList();
}
