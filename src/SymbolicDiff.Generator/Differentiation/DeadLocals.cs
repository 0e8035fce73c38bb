using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// A pass before the transforms: removes the writes of locals (real, integer, bool) that nothing reads afterwards on
/// any path. The parser keeps <c>double v2 = k;</c> when its only reader is itself dead (<c>double v3 = v2 * y;</c>,
/// dropped for being unread), and <c>v0 += v1;</c> in a loop after the last read of <c>v0</c>; copied into a forward
/// sweep, the first warns (CS0219) in code the user cannot change, and the second would be differentiated for
/// nothing (and read the result after its only write).
/// <para>
/// Liveness, computed backwards, where a write counts as a read of what it reads only if it is live itself (so
/// <c>s += e</c> with <c>s</c> never read after is dead, although it reads <c>s</c>); a loop's body may run any number
/// of times, so what is live at its end is iterated to a fixed point. Conditions, indices, loop bounds, element writes
/// and calls with outputs always count: only whole-local writes are removed, and not one whose value may throw. A declaration whose value nothing reads but
/// whose local a later write still defines stays as a declaration, its value 0 (<see cref="DeclareReal.Unassigned"/>).
/// A loop without a counter keeps the local it counts its iterations in (its <see cref="ForLoop.To"/>): the backward
/// sweep reads it. A <c>while</c> loop whose test simplifies to false never runs, and goes with all it alone reads.
/// </para>
/// </summary>
internal static class DeadLocals
{
    /// <summary><paramref name="method"/> without its dead writes (itself where there are none).</summary>
    public static MethodModel Remove(MethodModel method)
    {
        var statements = Remove(method.Statements, new[] { method.Result });
        return statements.Equals(method.Statements) ? method : method with { Statements = statements };
    }

    /// <summary>The statements without the writes nothing reads afterwards, with the locals in <paramref name="liveAtEnd"/> read after the last.</summary>
    public static EquatableArray<Statement> Remove(EquatableArray<Statement> statements, IReadOnlyCollection<string> liveAtEnd)
    {
        var pass = new Pass();
        var kept = new List<Statement>();
        pass.Backward(statements, new HashSet<string>(liveAtEnd), kept);
        return kept.Count == statements.Count && kept.SequenceEqual(statements, ReferenceComparer<Statement>.Instance) ? statements : kept.ToEquatableArray();
    }

    private sealed class Pass
    {
        // The locals with a write that stays, met so far (walking backwards): a declaration of one stays too.
        private readonly HashSet<string> _keptWrites = new();

        /// <summary>
        /// Walks <paramref name="statements"/> backwards, turning <paramref name="live"/> (the locals read after them)
        /// into the locals read before them; with <paramref name="kept"/>, collects the statements that stay, in order.
        /// </summary>
        public void Backward(IReadOnlyList<Statement> statements, HashSet<string> live, List<Statement>? kept)
        {
            var reversed = kept is null ? null : new List<Statement>();
            for (int at = statements.Count - 1; at >= 0; at--)
            {
                if (Step(statements[at], live, reversed is not null) is { } stays)
                {
                    reversed?.Add(stays);
                }
            }

            if (reversed is not null)
            {
                reversed.Reverse();
                kept!.AddRange(reversed);
            }
        }

        /// <summary>One statement, backwards: the statement as it stays (null where it goes), <paramref name="live"/> updated.</summary>
        private Statement? Step(Statement statement, HashSet<string> live, bool rewrite)
        {
            switch (statement)
            {
                case ForLoop loop:
                    return Loop(loop, live, rewrite);

                case IfStatement guarded:
                {
                    // The branch may or may not run: what is read after it stays read before it.
                    var inside = new HashSet<string>(live);
                    var then = rewrite ? new List<Statement>() : null;
                    Backward(guarded.Then, inside, then);
                    if (rewrite && then!.Count == 0)
                    {
                        return null;
                    }

                    live.UnionWith(inside);
                    AddReads(guarded.Condition, live);
                    return rewrite ? guarded with { Then = then!.ToEquatableArray() } : guarded;
                }

                case CallWithOutputs call:
                    // Kept for the outputs it writes, whether or not its returned value is read.
                    if (call.ValueName is { } value)
                    {
                        live.Remove(value);
                    }

                    AddReads(statement, live);
                    return statement;
            }

            if (WrittenLocal(statement) is not { } name)
            {
                AddReads(statement, live); // an element write, a buffer, a generated statement: always kept
                return statement;
            }

            if (!live.Contains(name) && !Throws(statement))
            {
                // Dead. A declaration whose local a later write still defines stays, as a declaration with no value to compute.
                return statement is DeclareReal or DeclareInteger && _keptWrites.Contains(name) ? WithoutValue(statement) : null;
            }

            // A step, and a guarded assignment, keep the local's earlier value (they read it); the others overwrite it.
            if (statement is not (StepInteger or AssignInteger { Guard: not null }))
            {
                live.Remove(name);
            }

            AddReads(statement, live);
            if (rewrite)
            {
                _keptWrites.Add(name);
            }

            return statement;
        }

        private Statement? Loop(ForLoop loop, HashSet<string> live, bool rewrite)
        {
            // A while loop whose test is constant and false (for (int i = 1; i < i; i++), read as C# runs it) never runs:
            // it goes, and what only it read (its count, its hoisted counter) with it. No transform differentiates it.
            if (loop is { While: { } test, TestsAfterBody: false } && Simplifier.Simplify(test) is BoolConstant { Value: false })
            {
                return null;
            }

            // Read before the loop, at its end (after its last iteration, or before the next) and at its test.
            var atEnd = new HashSet<string>(live);
            foreach (var bound in StatementFacts.Expressions(loop))
            {
                AddReads(bound, atEnd);
            }

            while (true)
            {
                var beforeBody = new HashSet<string>(atEnd);
                Backward(loop.Body, beforeBody, kept: null);
                beforeBody.Remove(loop.Counter);
                int count = atEnd.Count;
                atEnd.UnionWith(beforeBody);
                if (atEnd.Count == count)
                {
                    break;
                }
            }

            atEnd.Remove(loop.Counter);
            if (!rewrite)
            {
                live.UnionWith(atEnd);
                return loop;
            }

            var body = new List<Statement>();
            Backward(loop.Body, new HashSet<string>(atEnd), body);

            // A counted loop left with nothing to do goes, bounds and all; one that runs on a condition still counts.
            if (body.Count == 0 && loop.While is null)
            {
                return null;
            }

            live.UnionWith(atEnd);
            return body.Count == loop.Body.Count && body.SequenceEqual(loop.Body, ReferenceComparer<Statement>.Instance) ? loop : loop with { Body = body.ToEquatableArray() };
        }

        private static Statement WithoutValue(Statement statement) => statement switch
        {
            DeclareReal real => real with { Value = Constant.Zero, Unassigned = true, IntegerCode = false },
            DeclareInteger integer => integer with { Value = Constant.Zero },
            _ => statement,
        };

        private static void AddReads(Statement statement, HashSet<string> live)
        {
            // An assignment writes its local, it does not read it (its value may, as s = s + e does).
            var reads = statement switch
            {
                AssignReal { Target: Variable } assign => new[] { assign.Value },
                AssignInteger assign => assign.Guard is null ? new[] { assign.Value } : new[] { assign.Value, assign.Guard },
                _ => StatementFacts.Expressions(statement),
            };
            foreach (var expression in reads)
            {
                AddReads(expression, live);
            }
        }

        private static void AddReads(Expr expression, HashSet<string> live) => live.UnionWith(StatementFacts.NamesIn(expression));
    }

    /// <summary>
    /// Whether the statement's value may throw (a switch expression with no arm for some value, a throw expression): C#
    /// evaluates it even where nothing reads the local, so it stays.
    /// </summary>
    private static bool Throws(Statement statement) =>
        StatementFacts.Expressions(statement).Any(expression => ExpressionFacts.Nodes(expression).Any(node => node is ThrownException));

    /// <summary>The local a declaration or assignment writes as a whole (not a buffer element), or null.</summary>
    private static string? WrittenLocal(Statement statement) => statement switch
    {
        DeclareReal real => real.Name,
        AssignReal { Target: Variable variable } => variable.Name,
        DeclareInteger integer => integer.Name,
        DeclareBool condition => condition.Name,
        StepInteger step => step.Name,
        AssignInteger assign => assign.Name,
        _ => null,
    };
}
