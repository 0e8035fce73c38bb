using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// A top-level loop that carries a state from one iteration to the next (an integrator's <c>y</c>) and rewrites its other
/// buffers in full in each iteration (the stages <c>k1</c>…<c>k4</c>, the stage points, once renamed, see
/// <see cref="RenameRewrittenBuffers"/>) is checkpointed: the forward sweep saves the state at the start of each
/// iteration and runs the iteration as the method does, saving nothing else; the backward sweep restores the state,
/// computes the iteration again from it (with the few saves the iteration's own backward sweep needs, balanced within
/// it) and runs the iteration's backward sweep. This is what a hand-written adjoint of a time-stepping loop does.
/// <para>
/// Why that is exact. The backward sweep of iteration i needs the values iteration i computed. Computed again, it
/// computes the same ones when it starts from the same state: every name it reads holds at that point what it held when
/// the forward iteration i started. The names the loop writes are of three kinds: locals declared in it (born again in
/// the recomputation), buffers rewritten in full once per iteration before any read and mentioned nowhere outside the
/// loop (<see cref="BufferRewrite.OncePerIteration"/>: the recomputation writes them again before it reads them), and
/// the rest, the carried state, which is restored from the checkpoint. Everything else the loop reads is written before
/// it only (nothing after the loop writes a name it mentions, checked), so it is unchanged. The rewritten buffers need
/// no save at all: in the recomputed iteration each is written once, before its reads, and nothing overwrites it before
/// the iteration's backward sweep reads it. After the backward loop the carried state holds what it held before the loop
/// (iteration 0's checkpoint, and the iteration's own saves undo its writes), as the usual order would leave it.
/// </para>
/// <para>
/// When. The loop's body is declarations, assignments and loops (no branch, helper call, stepped index or running
/// selection), and the checkpoint must cost fewer saves than it removes, counted in assignments that save a buffer or a
/// scalar (each taken as one unit, the buffers being as long as one another in the shapes this is for): the usual order
/// saves at each assignment to a rewritten buffer or to the state that is saved; the checkpoint saves each state name
/// once, and in the recomputation the state's assignments that are saved. The ODE's RK4 step saves y, yStage, yStage2
/// and yStage3 before each rewrite (4 n values a step); checkpointed, it saves y at the step's start and once more in the
/// recomputation (2 n, both on a stack that holds one step at a time in the backward sweep).
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>A checkpointed loop: the state it carries (real locals and buffers declared before it) and the buffers it rewrites in full.</summary>
    private sealed record Checkpoint(IReadOnlyList<string> Scalars, IReadOnlyList<string> Buffers, IReadOnlyList<string> Rewritten)
    {
        /// <summary>The counter of the loops that save and restore the buffers: one free name for all of them.</summary>
        public string Counter { get; init; } = "j";
    }

    private readonly Dictionary<ForLoop, Checkpoint> _checkpoints = new(ReferenceComparer<ForLoop>.Instance);

    /// <summary>Chooses the top-level loops to checkpoint (all but <paramref name="fused"/>), and drops the saves they no longer need.</summary>
    private void FindCheckpoints(ForLoop? fused)
    {
        var statements = _method.Statements;
        for (int at = 0; at < statements.Count; at++)
        {
            // A result in the state is restored to its value before the loop by the backward sweep: it is kept where the
            // result is returned (Run), but a fused loop returns the result itself.
            if (statements[at] is ForLoop loop && !ReferenceEquals(loop, fused) && CheckpointAt(at) is { } checkpoint &&
                !(fused is not null && checkpoint.Scalars.Contains(_method.Result)))
            {
                _checkpoints[loop] = checkpoint;
            }
        }

        foreach (var pair in _checkpoints)
        {
            _recorded.SavedBeforeOverwrite.ExceptWith(pair.Value.Rewritten);
            _recorded.SavedAtEndOfIteration.Remove(pair.Key); // its locals are declared again by the recomputation
        }
    }

    /// <summary>Whether a checkpointed loop carries the result: the backward sweep restores it, so its value is kept for the return.</summary>
    private bool CheckpointsResult => _checkpoints.Values.Any(checkpoint => checkpoint.Scalars.Contains(_method.Result));

    private Checkpoint? CheckpointAt(int at)
    {
        var statements = _method.Statements;
        var loop = (ForLoop)statements[at];
        if (_selections.Keys.Any(selecting => ReferenceEquals(selecting, loop) || _index.IsInside(selecting, loop)))
        {
            return null;
        }

        var inside = StatementFacts.Flatten(loop.Body).ToList();
        if (inside.Any(s => s is not (DeclareReal or AssignReal or DeclareInteger or ForLoop or CommentLine)))
        {
            return null;
        }

        // The recomputation reads what was there before the loop: nothing after it may change that.
        var mentioned = OuterNames(loop);
        if (statements.Skip(at + 1).Any(after => OuterWrites(after).Overlaps(mentioned)))
        {
            return null;
        }

        var scalars = new List<string>();
        var buffers = new List<string>();
        var rewritten = new List<string>();
        foreach (var assign in inside.OfType<AssignReal>())
        {
            string name = TargetName(assign.Target);
            if (!_index.TryGetScope(name, out var scope))
            {
                return null; // a parameter (an output span) written: not state this loop can restore
            }

            if (scope is not null || scalars.Contains(name) || buffers.Contains(name) || rewritten.Contains(name))
            {
                continue; // declared in the loop (born again in each iteration), or seen
            }

            if (assign.Target is Element && statements.Take(at).OfType<DeclareBuffer>().FirstOrDefault(d => d.Name == name) is { } declaration)
            {
                bool once = RewriteOf(loop, at, name, inside) == BufferRewrite.OncePerIteration || WrittenInFullFirst(statements, at, loop, declaration);
                (once ? rewritten : buffers).Add(name);
            }
            else if (assign.Target is Variable && _index.Reals.Contains(name))
            {
                scalars.Add(name);
            }
            else
            {
                return null;
            }
        }

        var state = new HashSet<string>(scalars.Concat(buffers));
        int savesBefore = inside.OfType<AssignReal>().Count(a => Taped.Contains(TargetName(a.Target)) && (state.Contains(TargetName(a.Target)) || rewritten.Contains(TargetName(a.Target))));
        int savesAfter = state.Count + inside.OfType<AssignReal>().Count(a => Taped.Contains(TargetName(a.Target)) && state.Contains(TargetName(a.Target)));
        return rewritten.Any(Taped.Contains) && savesAfter < savesBefore
            ? new Checkpoint(scalars, buffers, rewritten) { Counter = buffers.Count > 0 ? _names.Fresh("j") : string.Empty }
            : null;
    }

    /// <summary>
    /// Whether <paramref name="statement"/> (at the end of the loop's body, before the statements already taken, which write
    /// <paramref name="tailWrites"/>) assigns only the carried state, in assignments or loops of them, such that no partial
    /// of it or of the statements after it uses the value it gives or reads anything they write; adds what it writes to
    /// <paramref name="tailWrites"/>.
    /// </summary>
    private bool IsFinalStateUpdate(Statement statement, Checkpoint checkpoint, HashSet<string> tailWrites, List<AssignReal> tailAssigns)
    {
        var flat = StatementFacts.Flatten(new[] { statement }).ToList();
        if (flat.Any(s => s is not (AssignReal or ForLoop or CommentLine)))
        {
            return false;
        }

        var written = new HashSet<string>(tailWrites);
        written.UnionWith(flat.OfType<AssignReal>().Select(a => TargetName(a.Target)));
        if (!written.All(name => checkpoint.Scalars.Contains(name) || checkpoint.Buffers.Contains(name)))
        {
            return false;
        }

        var assigns = flat.OfType<AssignReal>().Concat(tailAssigns).ToList();
        foreach (var assign in assigns)
        {
            if (_partials.TryGetValue(assign, out var partials) &&
                (partials.UsesValue || WithIntegerInputs(partials.PreReads).Any(written.Contains) || partials.SelfPartial is { } self && Reads(self).Any(written.Contains)))
            {
                return false;
            }
        }

        tailWrites.UnionWith(written);
        tailAssigns.Clear();
        tailAssigns.AddRange(assigns);
        return true;
    }

    /// <summary>
    /// Whether each iteration of <paramref name="loop"/> writes every element of the buffer once, before anything reads it,
    /// in the form an integrator's stage takes: <c>k[0] = e₀; …; for (i = c; i &lt; length; i++) { k[i] = e; … }</c> at the top
    /// of the body, where the elements below c are those written by the first statements (each e not reading k) and the
    /// loop is a cover but for its start (<see cref="IsCover"/>); no other statement writes the buffer, and nothing outside
    /// the loop but its declaration mentions it.
    /// </summary>
    private bool WrittenInFullFirst(IReadOnlyList<Statement> statements, int at, ForLoop loop, DeclareBuffer declaration)
    {
        string buffer = declaration.Name;
        if (statements.Where((s, i) => i != at && !ReferenceEquals(s, declaration)).Any(s => StatementFacts.Names(s).Contains(buffer)))
        {
            return false;
        }

        var written = new HashSet<int>();
        foreach (var statement in loop.Body.Where(s => StatementFacts.Names(s).Contains(buffer)))
        {
            if (statement is AssignReal { Target: Element { Index: Constant { Value: var index } } } single &&
                index >= 0 && index == System.Math.Floor(index) && index < 64 && !Reads(single.Value).Contains(buffer))
            {
                written.Add((int)index);
                continue;
            }

            // The cover must come next, start where the single writes end, and be the buffer's last write in the loop.
            int writes = StatementFacts.Flatten(loop.Body).OfType<AssignReal>().Count(a => TargetName(a.Target) == buffer);
            return statement is ForLoop { Descending: false, From: Constant { Value: var from } } cover &&
                from == written.Count && Enumerable.Range(0, written.Count).All(written.Contains) &&
                StatementFacts.Flatten(cover.Body).OfType<AssignReal>().Count(a => TargetName(a.Target) == buffer) == 1 &&
                writes == written.Count + 1 &&
                IsCover(cover with { From = Constant.Zero }, declaration);
        }

        return false;
    }

    /// <summary>The forward sweep of a checkpointed loop: the state saved at the start of each iteration, then the iteration as the method writes it.</summary>
    private ForLoop ForwardCheckpointed(ForLoop loop, Checkpoint checkpoint)
    {
        var body = new List<Statement>();
        string state = string.Join(", ", checkpoint.Scalars.Concat(checkpoint.Buffers));
        foreach (string scalar in checkpoint.Scalars)
        {
            body.Add(new SavePush(SavedStack, new Variable(scalar))
            {
                Comment = Comment.Of($"checkpoint: {scalar} as this iteration starts; the backward sweep computes the iteration again from it"),
            });
        }

        foreach (string buffer in checkpoint.Buffers)
        {
            string counter = checkpoint.Counter;
            var element = new Element(buffer, new Variable(counter));
            body.Add(new ForLoop(counter, "int", new Constant(0), new Member(new Variable(buffer), "Length"), new Statement[]
            {
                new SavePush(SavedStack, element),
            }.ToEquatableArray())
            {
                Comment = Comment.Of($"checkpoint: {buffer} as this iteration starts; the backward sweep computes the iteration again from it"),
            });
        }

        body.AddRange(loop.Body);
        return loop with { Body = body.ToEquatableArray() };
    }

    /// <summary>
    /// The backward sweep of a checkpointed loop, iterations in reverse: the state restored from the checkpoint, the
    /// iteration computed again (saving what its own backward sweep reads after it overwrote it), its backward sweep.
    /// </summary>
    private void BackwardCheckpointed(ForLoop loop, Checkpoint checkpoint, List<BackwardLine> output)
    {
        // The last statements that only change the state, with partials that read nothing they write (y += h · Σ wₖkₖ), are not
        // computed again: their backward sweep reads only what was there before them, which the recomputation leaves, and
        // with nothing overwritten there is nothing to save and restore for them.
        int kept = loop.Body.Count;
        var tailWrites = new HashSet<string>();
        var tailAssigns = new List<AssignReal>();
        while (kept > 0 && IsFinalStateUpdate(loop.Body[kept - 1], checkpoint, tailWrites, tailAssigns))
        {
            kept--;
        }

        var recomputed = loop.Body.Take(kept).ToEquatableArray();
        var inner = new List<BackwardLine>();
        if (kept < loop.Body.Count)
        {
            var unsaved = tailWrites.Where(Taped.Contains).ToList();
            Taped.ExceptWith(unsaved);
            inner.AddRange(BackwardBlock(loop.Body.Skip(kept).ToEquatableArray()));
            Taped.UnionWith(unsaved);
        }

        inner.AddRange(BackwardBlock(recomputed));
        var localAdjoints = _adjoints.Keys.Where(n => _index.TryGetScope(n, out var scope) && ReferenceEquals(scope, loop)).ToList();
        var declared = WithPassedOnAdjoints(WithStoredFirstAdjoints(ReuseIterationValues(loop, DeclareAdjointStatements(inner, localAdjoints)), checkpoint), checkpoint);

        var body = new List<Statement>();
        for (int b = checkpoint.Buffers.Count - 1; b >= 0; b--)
        {
            string buffer = checkpoint.Buffers[b];
            string counter = checkpoint.Counter;
            var element = new Element(buffer, new Variable(counter));
            var forward = new ForLoop(counter, "int", new Constant(0), new Member(new Variable(buffer), "Length"), EquatableArray<Statement>.Empty);
            body.Add(Reversed(forward) with
            {
                Body = new Statement[] { new UpdateReal(element, UpdateOperator.Set, new SavedPop(SavedStack)) }.ToEquatableArray(),
                Comment = Comment.Of($"{buffer} as this iteration started, from its checkpoint"),
            });
        }

        for (int s = checkpoint.Scalars.Count - 1; s >= 0; s--)
        {
            var scalar = new Variable(checkpoint.Scalars[s]);
            body.Add(new UpdateReal(scalar, UpdateOperator.Set, new SavedPop(SavedStack)) { Comment = Comment.Of($"{scalar.Name} as this iteration started, from its checkpoint") });
        }

        var unread = new SortedSet<string>(System.StringComparer.Ordinal);
        var replayed = WithoutUnreadRewrites(recomputed, checkpoint, inner, unread);
        var again = checkpoint.Rewritten.Where(name => !unread.Contains(name)).ToList();
        var rewritten = again.Count == 0 ? string.Empty : $" ({string.Join(", ", again)} written again before they are read)";
        var skipped = kept == loop.Body.Count ? string.Empty : $" but for its last update of {string.Join(", ", tailWrites.OrderBy(name => name, System.StringComparer.Ordinal))}, whose backward sweep reads none of its values";
        var unreadNote = unread.Count == 0 ? string.Empty : $"{(skipped.Length == 0 ? " but" : ", and")} for {string.Join(", ", unread)}, which neither the rest of it nor its backward sweep reads";
        body.Add(Note($"This iteration computed again from its checkpoint{rewritten}{skipped}{unreadNote}, then its backward sweep."));
        body.AddRange(Forward(replayed));
        body.AddRange(declared);

        var line = new BackwardLine(Reversed(loop) with { Body = body.ToEquatableArray() });
        line.Mentions.UnionWith(inner.SelectMany(l => l.Mentions));
        output.Add(line);
    }
}
