using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// A buffer written in full several times in one iteration of a top-level loop (an integrator's stage point,
/// <c>yStage</c>, rewritten before each of three stages) gets one buffer per full rewrite: <c>yStage</c>, <c>yStage2</c>,
/// <c>yStage3</c>, each written once per iteration. The method computes the same values: from each full rewrite up to
/// the next, every read of the buffer sees only what that rewrite wrote (a cover writes each element before anything
/// reads it, see <see cref="IsCover"/>, and the statements between two covers only read the buffer), so reading the
/// rewrite's own buffer instead reads the same numbers; and nothing outside the loop mentions the buffer, so no later
/// statement misses the last rewrite's values.
/// <para>
/// Renaming alone saves nothing: each new buffer is still overwritten by the next iteration before the backward sweep
/// reads it, so the usual order saves it as often as the one buffer before. It pays together with a checkpoint of the
/// loop (<see cref="FindCheckpoints"/>): once nothing in an iteration is overwritten within it, the iteration can be
/// computed again from its start in the backward sweep with none of its rewrites saved. So the renamed method is
/// differentiated only where it checkpoints a loop; otherwise the method's own body is (<see cref="Differentiate"/>).
/// The renamed buffers are scratch (<see cref="DeclareAdjointBuffer"/>: on the stack up to the bound, pooled above), so
/// a buffer the user allocates with <c>new</c> costs no allocation more.
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>The method with its rewritten buffers renamed, and for each new buffer the one it was split from; null where none is.</summary>
    private (MethodModel Method, Dictionary<string, string> Renamed)? RenameRewrittenBuffers()
    {
        var statements = _method.Statements.ToList();
        var taken = new NameAllocator(_method.Parameters.Select(p => p.Name)
            .Append(_method.MethodName)
            .Concat(StatementFacts.DeclaredNames(statements))
            .Concat(statements.SelectMany(StatementFacts.Names)));
        var renamed = new Dictionary<string, string>();
        for (int at = 0; at < statements.Count; at++)
        {
            if (statements[at] is not ForLoop loop)
            {
                continue;
            }

            if (StatementFacts.Flatten(loop.Body).Any(s => s is not (DeclareReal or AssignReal or DeclareInteger or ForLoop or CommentLine)))
            {
                continue;
            }

            foreach (var declaration in statements.Take(at).OfType<DeclareBuffer>().ToList())
            {
                var covers = CoversInBody(statements, at, loop, declaration);
                if (covers is null || covers.Count < 2)
                {
                    continue;
                }

                // From the second cover on, each cover and the statements up to the next read their own buffer.
                var body = loop.Body.ToList();
                int declaredAt = statements.IndexOf(declaration);
                for (int version = 1; version < covers.Count; version++)
                {
                    string name = taken.Fresh(SafeName(declaration.Name) + (version + 1));
                    renamed[name] = declaration.Name;
                    int end = version + 1 < covers.Count ? covers[version + 1] : body.Count;
                    for (int i = covers[version]; i < end; i++)
                    {
                        body[i] = RenameBuffer(body[i], declaration.Name, name);
                    }

                    statements.Insert(declaredAt + version, new DeclareBuffer(name, declaration.Length, declaration.OnStack));
                    at++;
                }

                loop = loop with { Body = body.ToEquatableArray() };
                statements[at] = loop;
            }
        }

        return renamed.Count == 0 ? null : (_method with { Statements = statements.ToEquatableArray() }, renamed);
    }

    /// <summary>
    /// The positions in <paramref name="loop"/>'s body of the covers of the buffer (each writing it in full, with one
    /// assignment), where the first statement of the body to mention it is a cover and the others mentioning it only
    /// read it; null where the buffer is mentioned outside the loop (but by its declaration), or written otherwise.
    /// </summary>
    private List<int>? CoversInBody(List<Statement> statements, int at, ForLoop loop, DeclareBuffer declaration)
    {
        string buffer = declaration.Name;
        if (statements.Where((s, i) => i != at && !ReferenceEquals(s, declaration)).Any(s => StatementFacts.Names(s).Contains(buffer)))
        {
            return null;
        }

        var covers = new List<int>();
        for (int i = 0; i < loop.Body.Count; i++)
        {
            var statement = loop.Body[i];
            if (!StatementFacts.Names(statement).Contains(buffer))
            {
                continue;
            }

            var writes = StatementFacts.Flatten(new[] { statement }).OfType<AssignReal>().Count(a => TargetName(a.Target) == buffer);
            if (statement is ForLoop { Descending: false } cover && writes == 1 && IsCover(cover, declaration))
            {
                covers.Add(i);
            }
            else if (writes > 0 || covers.Count == 0)
            {
                return null; // a partial rewrite, or a read before the first cover: the buffer carries values across
            }
        }

        return covers;
    }

    /// <summary><paramref name="statement"/> reading and writing <paramref name="to"/> wherever it mentions <paramref name="from"/>, its quoted source too.</summary>
    private static Statement RenameBuffer(Statement statement, string from, string to) => StatementFacts.Renamed(statement, from, to);

    /// <summary>
    /// The gradient's body with each renamed buffer declared as scratch of its original's length (where the analyses saw a
    /// plain local buffer), and released at the end.
    /// </summary>
    private List<Statement> DeclareRenamedAsScratch(List<Statement> body, Dictionary<string, string> renamed)
    {
        var storages = new Dictionary<string, string>();
        var result = new List<Statement>(body.Count + renamed.Count);
        foreach (var statement in body)
        {
            if (statement is DeclareBuffer buffer && renamed.TryGetValue(buffer.Name, out var original))
            {
                string storage = _names.Fresh(GeneratedNames.AdjointStorage(buffer.Name));
                storages[buffer.Name] = storage;
                result.Add(new DeclareAdjointBuffer(buffer.Name, storage, original, StackBound)
                {
                    Comment = Comment.Of($"a buffer of its own for a later full rewrite of {original} in each iteration, so that the iteration overwrites nothing: on the stack up to {StackBound} elements, pooled above"),
                });
                continue;
            }

            result.Add(statement);
        }

        result.AddRange(storages.Values.Select(storage => (Statement)new Release(storage, IsAdjointBuffer: true)));
        return result;
    }
}
