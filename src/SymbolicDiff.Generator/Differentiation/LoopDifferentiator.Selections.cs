using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Analysis;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// A running minimum or maximum over a loop (<c>closest = Math.Min(closest, distance)</c>) is differentiated as the
/// selection it is: the forward sweep records the iteration whose value the running minimum ends up holding, and the
/// backward sweep sends the adjoint to that iteration alone, computing its values again there, instead of saving every
/// iteration's values and running the loop backwards with a zero adjoint for all but one (k-means' nearest centroid,
/// log-sum-exp's and GMM's maxima).
/// <para>
/// Why that is exact. The loop's body writes nothing but its own locals and the running value m, which it reads only in
/// <c>m = Math.Min(m, e)</c> (or Max, either argument order), so the only way an iteration reaches the result is through
/// m. After the loop, m is the value of the iteration that last lowered it (the first to attain the minimum: the test
/// that records it is strict), or m's value before the loop where none did. Away from ties the derivative of the
/// running minimum is therefore the derivative of that iteration's e, or of the earlier m, and 0 for every other
/// iteration; ∂m/∂e and the partial of the earlier m are those of <c>m = e</c> and of nothing. The selected iteration
/// reads only what was there when the loop ran (its locals are its own, and what it reads from outside the loop is
/// restored for it as for any backward step, counted as read at its statements), so computing it again gives the
/// same values.
/// </para>
/// <para>
/// On a tie the whole adjoint goes to the first value that attains the minimum (m's value before the loop counting as
/// first), as <c>torch.min(x, dim)</c> and <c>argmin</c> pick their index, where <c>Math.Min</c> of two values splits a
/// tie evenly; see docs/supported.md.
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>
    /// A loop whose only effect outside its own locals is the running selection <paramref name="Running"/> =
    /// Min/Max(<paramref name="Running"/>, <paramref name="Candidate"/>) in statement <paramref name="Update"/>;
    /// <paramref name="Selected"/> records the iteration that gave it its value.
    /// </summary>
    private sealed record Selection(ForLoop Loop, AssignReal Update, string Running, Expr Candidate, bool Minimum, string Selected);

    private readonly Dictionary<ForLoop, Selection> _selections = new(ReferenceComparer<ForLoop>.Instance);

    /// <summary>Whether a selection's record is saved across the iterations of a loop around it.</summary>
    private bool _selectionsSaved;

    /// <summary>
    /// Finds the running selections whose value reaches the result, and gives each update the partials of
    /// <c>m = e</c>, which is what it is in the selected iteration (the only one the backward sweep visits).
    /// </summary>
    private void FindSelections()
    {
        foreach (var loop in _index.Statements.OfType<ForLoop>())
        {
            if (SelectionOf(loop) is { } selection)
            {
                _selections[loop] = selection;
                _partials[selection.Update] = Partials(selection.Update.Target, selection.Candidate);
            }
        }
    }

    /// <summary>Drops the selections whose running value the forward sweep must save (it is read after being overwritten): they are differentiated as loops.</summary>
    private bool DropTapedSelections(Dictionary<Statement, StatementPartials> original)
    {
        var taped = _selections.Values.Where(selection => Taped.Contains(selection.Running)).ToList();
        foreach (var selection in taped)
        {
            _selections.Remove(selection.Loop);
            _partials[selection.Update] = original[selection.Update];
        }

        return taped.Count > 0;
    }

    /// <summary>
    /// A selection's loop runs forwards only; its locals are computed again for the selected iteration, in the same
    /// block as its backward step, so nothing is saved at the end of its iterations.
    /// </summary>
    private void KeepSelectedIterationsLocal()
    {
        foreach (var loop in _selections.Keys)
        {
            _recorded.SavedAtEndOfIteration.Remove(loop);
        }
    }

    private Selection? SelectionOf(ForLoop loop)
    {
        var updates = loop.Body.OfType<AssignReal>()
            .Where(assign => assign.Target is Variable { Name: var name } && !DeclaredIn(name, loop))
            .ToList();
        if (updates.Count != 1 ||
            updates[0] is not { Target: Variable { Name: var running }, Value: Call { Function.Builtin: BuiltinFunction.Min or BuiltinFunction.Max, Arguments.Count: 2 } call } update ||
            !_contributed.Contains(running) || !_partials.ContainsKey(update))
        {
            return null;
        }

        var arguments = call.Arguments;
        var candidate = arguments[0] is Variable { Name: var first } && first == running ? arguments[1]
            : arguments[1] is Variable { Name: var second } && second == running ? arguments[0]
            : null;
        if (candidate is not (Variable or Element) || ExpressionFacts.Variables(candidate).Contains(running))
        {
            return null;
        }

        // Everything else the body does stays in the iteration: its own locals only, and m read nowhere else.
        foreach (var statement in StatementFacts.Flatten(loop.Body))
        {
            if (ReferenceEquals(statement, update))
            {
                continue;
            }

            bool ownOnly = statement switch
            {
                DeclareReal or DeclareInteger or DeclareBool or ForLoop => true,
                AssignReal { Target: Variable { Name: var target } } => DeclaredIn(target, loop),
                _ => false,
            };
            if (!ownOnly || StatementFacts.Names(statement).Contains(running))
            {
                return null;
            }
        }

        bool minimum = call.Function.Builtin == BuiltinFunction.Min;
        string selected = _names.Fresh(SafeName(running) + "At");
        return new Selection(loop, update, running, candidate, minimum, selected);
    }

    /// <summary>Whether <paramref name="name"/> is declared in <paramref name="loop"/>'s body or a loop nested in it (its counter included).</summary>
    private bool DeclaredIn(string name, ForLoop loop) =>
        StatementFacts.DeclaredNames(new[] { loop }).Contains(name) ||
        _index.TryGetScope(name, out var scope) && scope is not null && (ReferenceEquals(scope, loop) || _index.IsInside(scope, loop));

    /// <summary>
    /// What computing the selected iteration again reads: every name its statements read from outside the loop (the
    /// running value apart), counted as read at those statements, so that it is restored for the backward sweep.
    /// </summary>
    private IEnumerable<ToBeRecordedAnalysis.Read> SelectionReads()
    {
        foreach (var selection in _selections.Values)
        {
            foreach (var statement in StatementFacts.Flatten(selection.Loop.Body).Where(s => !ReferenceEquals(s, selection.Update)))
            {
                var names = StatementFacts.Expressions(statement).SelectMany(Reads)
                    .Concat(StatementFacts.Expressions(statement).SelectMany(ExpressionFacts.Variables).Where(IsIntegerLocal));
                foreach (string name in WithIntegerInputs(names).Where(name => name != selection.Running && !DeclaredIn(name, selection.Loop)))
                {
                    yield return new ToBeRecordedAnalysis.Read(name, statement, AfterWrite: false);
                }
            }
        }
    }

    /// <summary>Whether the record must be saved: a loop around the selection runs its backward iterations after all its forward ones.</summary>
    private bool SavesRecord(Selection selection)
    {
        var enclosing = _index.Enclosing(selection.Loop);
        return enclosing.Count > 0 && !ReferenceEquals(enclosing[enclosing.Count - 1], _fusedLoop);
    }

    /// <summary>
    /// The forward sweep of a selection: the user's loop as written, nothing saved in it, with the iteration that lowers
    /// (raises) the running value recorded; <c>At = bound</c> (an index the loop never visits) where none does.
    /// </summary>
    private IEnumerable<Statement> ForwardSelection(Selection selection)
    {
        var loop = selection.Loop;
        string running = selection.Running;
        string extreme = selection.Minimum ? "minimum" : "maximum";
        yield return new DeclareInteger(selection.Selected, loop.CounterType, loop.To)
        {
            Comment = Comment.Of($"the iteration whose value {running} ends up holding; ", Code(loop.To), $" (never an iteration) while it keeps its value from before the loop"),
        };

        var record = new IfStatement(
            new Comparison(selection.Minimum ? ComparisonOperator.Less : ComparisonOperator.Greater, selection.Candidate, new Variable(running)),
            new Statement[]
            {
                new UpdateReal(new Variable(selection.Selected), UpdateOperator.Set, new Variable(loop.Counter))
                {
                    Comment = Comment.Of($"recorded: the backward sweep visits only this iteration, the first to attain the {extreme}"),
                },
            }.ToEquatableArray());
        var body = new List<Statement>();
        foreach (var statement in loop.Body)
        {
            if (ReferenceEquals(statement, selection.Update))
            {
                body.Add(record);
            }

            body.Add(statement);
        }

        yield return loop with { Body = body.ToEquatableArray() };
        if (SavesRecord(selection))
        {
            _selectionsSaved = true;
            yield return new SavePush(SavedStack, new IntegerValue(new Variable(selection.Selected)))
            {
                Comment = Comment.Of($"saved: the backward sweep reads which iteration gave {running} its value"),
            };
        }
    }

    /// <summary>
    /// The backward sweep of a selection, one line: the selected iteration computed again and differentiated, its
    /// update read as <c>m = e</c>; nothing where m kept its earlier value (its adjoint passes on unchanged).
    /// </summary>
    private void BackwardSelection(Selection selection, List<BackwardLine> output)
    {
        var loop = selection.Loop;
        var inner = BackwardBlock(loop.Body);
        var localAdjoints = _adjoints.Keys.Where(n => _index.TryGetScope(n, out var scope) && scope is not null && ReferenceEquals(scope, loop)).ToList();
        var declared = DeclareAdjointStatements(inner, localAdjoints);
        var again = WithoutUnreadRecomputation(Forward(loop.Body.Where(statement => !ReferenceEquals(statement, selection.Update)).ToEquatableArray()), declared);

        var body = new List<Statement>
        {
            new DeclareInteger(loop.Counter, loop.CounterType, new Variable(selection.Selected))
            {
                Comment = Comment.Of(again.Count > 0 ? $"the iteration that gave {selection.Running} its value, computed again" : $"the iteration that gave {selection.Running} its value"),
            },
        };
        body.AddRange(again);
        body.AddRange(declared);

        if (SavesRecord(selection))
        {
            output.Add(new BackwardLine(new DeclareInteger(selection.Selected, loop.CounterType, new IntegerConversion(loop.CounterType, new SavedPop(SavedStack)))
            {
                Comment = Comment.Of($"which iteration gave {selection.Running} its value"),
            }));
        }

        string extreme = selection.Minimum ? "Min" : "Max";
        output.Add(new BackwardLine(Note($"{selection.Running} = Math.{extreme}({selection.Running}, …) over {loop.Counter}: only the iteration it selected passes its adjoint on.")));
        var line = new BackwardLine(new IfStatement(
            new Comparison(ComparisonOperator.NotEqual, new Variable(selection.Selected), loop.To),
            body.ToEquatableArray()));
        line.Mentions.UnionWith(inner.SelectMany(l => l.Mentions));
        output.Add(line);
    }
}
