using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// A run of saves is saved with one call, and a run of restores into new locals taken back with one: in a loop's body,
/// consecutive <c>saved.Push(forget); saved.Push(ingate); saved.Push(outgate);</c> become
/// <c>saved.Push(forget, ingate, outgate);</c>, and consecutive <c>double outgate = saved.Pop(); double ingate =
/// saved.Pop(); double forget = saved.Pop();</c> become <c>saved.Pop(out double forget, out double ingate, out double
/// outgate);</c>. The runtime's <c>SavedValues</c> then checks for room once per run instead of once per value and stores
/// or loads at constant offsets (the LSTM's cell saves eight values an iteration; measured 6 % of its gradient's time).
/// A pass over every program Emit prints (<see cref="Apply(GradientProgram)"/>), the last one, after the transforms,
/// which read and count pushes one value at a time.
/// <para>
/// Why that is exact. <c>Push(v1, …, vn)</c> saves v1 first and vn last, as the n single pushes do, and it evaluates
/// the values before saving any; a value here never reads the stack (a run stops at a value that pops) and expressions
/// have no other effect, so each value is the one its single push saved. <c>Pop(out n1, …, out nk)</c> gives nk the
/// value saved last and n1 the one saved k values earlier, as the declarations <c>double nk = Pop(); …; double n1 =
/// Pop();</c> did; their values are pops and nothing else, so no declaration of the run reads a name another declares.
/// Each rewrite is equivalent where it stands, so pushes and pops stay paired whichever of them are rewritten, and runs
/// are cut at <see cref="SavePushRun.MaxLength"/> anywhere. Only loop bodies (and branches inside them) are rewritten: a
/// straight line saves each value once a call, where one call per run gains nothing, and the derivation's trace reads
/// the top level's declarations one by one.
/// </para>
/// </summary>
internal static class SavedRuns
{
    /// <summary>Every body of <paramref name="program"/> with its runs of pushes and of pops in loops written as one call each.</summary>
    public static GradientProgram Apply(GradientProgram program) => program.WithEveryBody(body => Rewrite(body, inLoop: false));

    /// <summary><paramref name="statements"/> with each run (inside a loop: <paramref name="inLoop"/>, or in a loop nested in them) as one call, nested bodies too.</summary>
    internal static EquatableArray<Statement> Rewrite(EquatableArray<Statement> statements, bool inLoop) =>
        Rewritten(statements, inLoop) is { } rewritten ? rewritten.ToEquatableArray() : statements;

    /// <summary>What <see cref="Rewrite"/> returns, or null where nothing changes.</summary>
    private static List<Statement>? Rewritten(EquatableArray<Statement> statements, bool inLoop)
    {
        bool changed = false;
        var result = new List<Statement>(statements.Count);
        for (int at = 0; at < statements.Count; at++)
        {
            var statement = statements[at];
            int end = inLoop ? RunEnd(statements, at) : at;
            if (end > at)
            {
                result.Add(Run(statements, at, end));
                changed = true;
                at = end;
                continue;
            }

            var nested = statement switch
            {
                ForLoop loop => Rewritten(loop.Body, inLoop: true) is { } body ? loop with { Body = body.ToEquatableArray() } : (Statement?)null,
                IfStatement guarded => Rewritten(guarded.Then, inLoop) is { } then ? guarded with { Then = then.ToEquatableArray() } : null,
                _ => null,
            };
            changed |= nested is not null;
            result.Add(nested ?? statement);
        }

        return changed ? result : null;
    }

    /// <summary>The index of the last statement of the run that starts at <paramref name="start"/> (at most <see cref="SavePushRun.MaxLength"/> long); <paramref name="start"/> where none does.</summary>
    private static int RunEnd(EquatableArray<Statement> statements, int start)
    {
        if (StackOf(statements[start]) is not { } first)
        {
            return start;
        }

        int end = start;
        while (end + 1 < statements.Count && end + 1 - start < SavePushRun.MaxLength
            && StackOf(statements[end + 1]) is { } next && next == first)
        {
            end++;
        }

        return end;
    }

    /// <summary>The stack a statement that may join a run saves to or restores from: a push of one value that pops nothing, or a plain declaration of a popped real; else null.</summary>
    private static (string Stack, bool Pushes)? StackOf(Statement statement) => statement switch
    {
        SavePush { Value: not VectorArgument } push when !ExpressionFacts.Nodes(push.Value).OfType<SavedPop>().Any() => (push.Stack, true),
        DeclareReal { Value: SavedPop pop, IntegerCode: false, Unassigned: false } => (pop.Stack, false),
        _ => null,
    };

    /// <summary>The statements from <paramref name="start"/> to <paramref name="end"/> (a run) as one call.</summary>
    private static Statement Run(EquatableArray<Statement> statements, int start, int end)
    {
        var run = statements.Skip(start).Take(end - start + 1).ToList();
        if (run[0] is SavePush first)
        {
            var values = run.Cast<SavePush>().Select(push => push.Value).ToEquatableArray();
            return new SavePushRun(first.Stack, values)
            {
                Comment = Comment.Of("saved in one call, first to last: values the backward sweep reads again"),
            };
        }

        // double outgate = saved.Pop(); double ingate = saved.Pop(); …: the last declared received the first value saved.
        var declarations = run.Cast<DeclareReal>().ToList();
        var names = Enumerable.Reverse(declarations).Select(declaration => declaration.Name).ToEquatableArray();
        return new RestoreDeclaredRun(((SavedPop)declarations[0].Value).Stack, names)
        {
            Comment = Comment.Of("taken back in one call, as this iteration saved them"),
        };
    }
}
