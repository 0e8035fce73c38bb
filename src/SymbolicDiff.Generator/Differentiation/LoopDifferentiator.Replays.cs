using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Analysis;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// A passive local the backward sweep computes again instead of restoring: the determinant's <c>sign</c>, declared
/// <c>double sign = 1;</c> and flipped by <c>sign = -sign;</c> in the loop over columns, was saved before each flip and
/// at the end of each iteration. Its values depend on no differentiated input and on nothing the backward sweep has
/// lost, so the backward sweep replays the forward sweep's assignments to it, in the forward order, as the hand-written
/// adjoint does (it runs the column loop forwards with its own <c>sign</c>).
/// <para>
/// The rule. A real or integer local <c>L</c>, not active, declared in a loop's body (or at the top level), such that
/// <list type="bullet">
/// <item>every assignment to it other than its declaration is a statement of one loop <c>P</c>'s body, and every
/// partial that reads it belongs to a statement of that body, all of them before the first assignment or all after the
/// last;</item>
/// <item>its declaration and its assignments read only <c>L</c> itself, constants, loop counters, integer locals no step
/// changes, integer parameters held constant, index tables, buffers nothing writes from the loop on, and branches the
/// backward sweep computes again or restores;</item>
/// <item>no bool or integer local is computed from it;</item>
/// <item>the backward loop of <c>P</c>, and of every loop between <c>L</c>'s declaration and <c>P</c>, can run its
/// iterations in their own order (<see cref="IterationsIndependent"/>, the replays aside).</item>
/// </list>
/// Then the backward sweep declares <c>L</c> again from its declaration just before the backward step of the statement
/// that holds <c>P</c>, and, in <c>P</c>'s backward body, runs <c>P</c>'s assignments to it after (or before) the backward
/// steps that read it. Why that is exact: from the declaration to the end of <c>P</c>'s last run, the only changes to
/// <c>L</c> are the declaration and those assignments; the backward sweep makes the same ones, in the same order (the
/// loops run forwards), reading the same values (each one the backward sweep has as the forward sweep had it), so
/// <c>L</c> holds, at each backward step that reads it, the value the forward step read. Nothing is saved for it.
/// </para>
/// <para>
/// The last condition is known only once the backward loops are built: where one of them cannot run forwards, the local
/// is refused and the method differentiated again without the replay (<see cref="Differentiate"/>), saving <c>L</c> as
/// before.
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>A replayed local: its declaration, the loop <c>P</c> that assigns it, whether its assignments are replayed after the reads in <c>P</c>'s backward body, and the statement of the declaring block that holds <c>P</c>.</summary>
    private sealed record Replay(string Name, Statement Declaration, ForLoop Loop, bool AfterReads, Statement Holder, IReadOnlyList<ForLoop> MustRunForward);

    private readonly Dictionary<string, Replay> _replays = new();

    /// <summary>Locals not to replay: refused by an earlier attempt whose backward loops could not all run forwards.</summary>
    private readonly HashSet<string> _replaysRefused = new();

    /// <summary>Locals replayed in this attempt whose loops turned out unable to run forwards.</summary>
    private readonly HashSet<string> _replaysFailed = new();

    /// <summary>Finds the replayed locals among those the backward sweep reads, and takes them out of what the forward sweep saves.</summary>
    private void FindReplays(IReadOnlyList<ToBeRecordedAnalysis.Read> reads)
    {
        var readsByName = reads.GroupBy(read => read.Name).ToDictionary(group => group.Key, group => group.Select(read => read.At).ToList());
        foreach (var declaration in _index.Statements.Where(s => s is DeclareReal or DeclareInteger))
        {
            string name = StatementFacts.DeclaredName(declaration)!;
            if (_replaysRefused.Contains(name) || _active.Contains(name) || name == _method.Result ||
                !readsByName.TryGetValue(name, out var readAt) || (!Taped.Contains(name) && !SavedAtEnd.Values.Any(saved => saved.Contains(name))) ||
                ReplayOf(name, declaration, readAt) is not { } replay)
            {
                continue;
            }

            _replays[name] = replay;
            Taped.Remove(name);
            foreach (var pair in SavedAtEnd.ToList())
            {
                pair.Value.Remove(name);
                if (pair.Value.Count == 0)
                {
                    SavedAtEnd.Remove(pair.Key);
                }
            }
        }
    }

    private Replay? ReplayOf(string name, Statement declaration, List<Statement> readAt)
    {
        var writes = _index.Statements.Where(s => s is AssignReal { Target: Variable { Name: var target } } && target == name || s is AssignInteger assign && assign.Name == name).ToList();
        if (writes.Count == 0 || _index.Statements.Any(s => s is StepInteger step && step.Name == name) ||
            _index.Statements.Count(s => StatementFacts.DeclaredName(s) == name) != 1)
        {
            return null;
        }

        // One loop's body holds every assignment and every read, as direct statements.
        var enclosing = _index.Enclosing(writes[0]);
        if (enclosing.Count == 0)
        {
            return null;
        }

        var loop = enclosing[enclosing.Count - 1];
        int Place(Statement statement) => IndexOf(loop.Body, statement);
        if (writes.Concat(readAt).Any(statement => Place(statement) < 0))
        {
            return null;
        }

        bool afterReads = readAt.Max(Place) < writes.Min(Place);
        if (!afterReads && readAt.Min(Place) <= writes.Max(Place))
        {
            return null;
        }

        // Declared outside the loop, in a block that holds it.
        _index.TryGetScope(name, out var scope);
        var around = _index.Enclosing(loop);
        int depth = scope is null ? 0 : around.ToList().FindIndex(outer => ReferenceEquals(outer, scope)) + 1;
        if (scope is not null && depth == 0 || ReferenceEquals(scope, loop))
        {
            return null;
        }

        var holder = depth < around.Count ? (Statement)around[depth] : loop;
        var mustRunForward = around.Skip(depth).Append(loop).ToList();

        // A running selection's backward sweep computes its selected iteration again, declarations included.
        if (around.Append(loop).Any(_selections.ContainsKey))
        {
            return null;
        }

        // What the replayed statements read, the backward sweep has as the forward sweep had it.
        if (!ReadsOnlyRecomputable(declaration, name, loop) || writes.Any(write => !ReadsOnlyRecomputable(write, name, loop)))
        {
            return null;
        }

        // A bool or an integer computed from it would be computed again (or saved) from a value the replay has not set yet.
        if (_index.Statements.Any(s => s is DeclareBool or DeclareInteger && !ReferenceEquals(s, declaration) && StatementFacts.Names(s).Contains(name)))
        {
            return null;
        }

        return new Replay(name, declaration, loop, afterReads, holder, mustRunForward);
    }

    private static int IndexOf(EquatableArray<Statement> body, Statement statement)
    {
        for (int i = 0; i < body.Count; i++)
        {
            if (ReferenceEquals(body[i], statement))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Whether <paramref name="statement"/> reads, besides <paramref name="name"/>, only what the backward sweep has as the forward sweep had it, up to the end of <paramref name="loop"/>'s backward run.</summary>
    private bool ReadsOnlyRecomputable(Statement statement, string name, ForLoop loop)
    {
        var counters = new HashSet<string>(_index.Enclosing(statement).Select(outer => outer.Counter));
        var integers = UnchangedIntegers();
        foreach (var expression in StatementFacts.Expressions(statement))
        {
            foreach (var node in ExpressionFacts.Nodes(expression))
            {
                bool known = node switch
                {
                    Variable { Name: var read } => read == name || counters.Contains(read) || integers.Contains(read) ||
                        _index.Bools.Contains(read) && KnownInBackwardSweep(read),
                    Element { Vector: var vector } => integers.Contains(vector) || UnchangedFrom(vector, loop),
                    VectorArgument or SavedPop or Call { Function.IsDifferentiableCallee: true } => false,
                    _ => true,
                };
                if (!known)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Integer locals no step or assignment changes, index tables, and integer parameters held constant: the backward sweep computes or reads them as the forward sweep had them.</summary>
    private HashSet<string> UnchangedIntegers()
    {
        var changed = new HashSet<string>(_index.Statements.OfType<StepInteger>().Select(step => step.Name).Concat(_index.Statements.OfType<AssignInteger>().Select(assign => assign.Name)));
        var names = new HashSet<string>(_index.Statements.OfType<DeclareInteger>().Select(d => d.Name).Where(name => !changed.Contains(name)));
        names.UnionWith(_index.Statements.OfType<DeclareIndexTable>().Select(table => table.Name));
        names.UnionWith(_method.Parameters.Where(p => !p.IsVector && p.TypeName != _real && !p.IsDifferentiated).Select(p => p.Name));
        return names;
    }

    /// <summary>
    /// Whether nothing writes <paramref name="vector"/> from <paramref name="loop"/> on: every write to it comes before the
    /// loop and outside every loop around it, so the backward run of the loop reads what the forward run read. A vector
    /// parameter that is not an output is never written.
    /// </summary>
    private bool UnchangedFrom(string vector, ForLoop loop)
    {
        if (!_index.Vectors.Contains(vector))
        {
            return false;
        }

        var around = new HashSet<ForLoop>(_index.Enclosing(loop), ReferenceComparer<ForLoop>.Instance) { loop };
        return !_index.Statements.Any(statement =>
            statement switch
            {
                AssignReal { Target: Element { Vector: var written } } => written == vector,
                CallWithOutputs call => call.OutputVectors.Contains(vector),
                _ => false,
            } &&
            (_index.Position(statement) >= _index.Position(loop) || _index.Enclosing(statement).Any(around.Contains)));
    }

    /// <summary>The replayed local <paramref name="statement"/> assigns (it is replayed in a backward body), or null.</summary>
    private string? ReplayedName(Statement statement) => statement switch
    {
        AssignReal { Target: Variable { Name: var real } } when _replays.ContainsKey(real) => real,
        AssignInteger integer when _replays.ContainsKey(integer.Name) => integer.Name,
        _ => null,
    };

    /// <summary>
    /// The backward loop's header where a replay needs the loop to run its iterations in their own order; null where no
    /// replay does. Where the iterations are not independent, the replays it carries are refused (the method is
    /// differentiated again without them) and the usual reversed header returned meanwhile.
    /// </summary>
    private ForLoop? ForwardOrderHeader(ForLoop loop, IReadOnlyList<Statement> body)
    {
        var needing = _replays.Values.Where(replay => replay.MustRunForward.Contains(loop, ReferenceComparer<ForLoop>.Instance)).ToList();
        if (needing.Count == 0)
        {
            return null;
        }

        if (!IterationsIndependent(loop.Counter, body))
        {
            _replaysFailed.UnionWith(needing.Select(replay => replay.Name));
            return Reversed(loop);
        }

        return new ForLoop(loop.Counter, loop.CounterType, loop.From, loop.To, EquatableArray<Statement>.Empty, loop.Descending)
        {
            Comment = Comment.Of($"in the forward order: {string.Join(", ", needing.Select(replay => replay.Name))} is computed again as the forward sweep did"),
        };
    }

    /// <summary>The replays in <paramref name="loop"/>'s backward body, placed around its backward steps <paramref name="declared"/>.</summary>
    private List<Statement> WithReplays(ForLoop loop, List<Statement> declared)
    {
        var replays = _replays.Values.Where(replay => ReferenceEquals(replay.Loop, loop)).ToList();
        if (replays.Count == 0)
        {
            return declared;
        }

        var result = new List<Statement>();
        foreach (bool after in new[] { false, true })
        {
            if (after)
            {
                result.AddRange(declared);
            }

            var names = new HashSet<string>(replays.Where(replay => replay.AfterReads == after).Select(replay => replay.Name));
            result.AddRange(loop.Body.Where(statement => ReplayedName(statement) is { } name && names.Contains(name))
                .Select(statement => statement with { Comment = Comment.Of("computed again, as the forward sweep did") }));
        }

        return result;
    }

    /// <summary>
    /// The declarations of the replayed locals whose loop <paramref name="holder"/> holds, computed again just before
    /// its backward step: a declaration inside a backward loop's body, an assignment where the forward sweep's local is
    /// still in scope (the top level, an iteration differentiated in place).
    /// </summary>
    private IEnumerable<BackwardLine> ReplayedDeclarations(Statement holder)
    {
        foreach (var replay in _replays.Values.Where(replay => ReferenceEquals(replay.Holder, holder)))
        {
            _index.TryGetScope(replay.Name, out var scope);
            bool inScope = scope is null || ReferenceEquals(scope, _fusedLoop);
            var comment = Comment.Of($"{replay.Name} computed again, as the forward sweep did: nothing is saved for it");
            Statement statement = replay.Declaration switch
            {
                DeclareReal real when inScope => new AssignReal(new Variable(real.Name), real.Value, real.Name) { Comment = comment },
                DeclareInteger integer when inScope => new AssignInteger(integer.Name, integer.Value, null) { Comment = comment },
                _ => replay.Declaration with { Comment = comment },
            };
            var line = new BackwardLine(statement);
            line.Mentions.UnionWith(StatementFacts.Names(statement));
            yield return line;
        }
    }

    /// <summary>
    /// Refuses the replays that need <paramref name="fused"/>, the loop differentiated iteration by iteration, to run
    /// forwards: its backward steps run inside it, after each iteration, where no declaration is computed again.
    /// </summary>
    private void RefuseReplaysAcross(ForLoop fused) =>
        _replaysFailed.UnionWith(_replays.Values.Where(replay => replay.MustRunForward.Contains(fused, ReferenceComparer<ForLoop>.Instance)).Select(replay => replay.Name));
}
