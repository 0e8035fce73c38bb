using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace SymbolicDiff.Generator.Model;

/// <summary>Small queries over statements, and the one place that knows which expressions and names a statement holds.</summary>
internal static class StatementFacts
{
    /// <summary>
    /// <paramref name="statement"/> with the expressions of a straight-line statement (values, targets, conditions,
    /// calls, pushes) and those its comment shows each replaced by <paramref name="rewrite"/>; loops, branches and the
    /// other kinds as they are (their callers walk nested bodies themselves).
    /// </summary>
    public static Statement RewriteExpressions(Statement statement, Func<Expr, Expr> rewrite)
    {
        var rewritten = statement switch
        {
            DeclareReal real => real with { Value = rewrite(real.Value) },
            AssignReal assign => assign with { Target = rewrite(assign.Target), Value = rewrite(assign.Value) },
            UpdateReal update => update with { Target = rewrite(update.Target), Value = rewrite(update.Value) },
            DeclareBool condition => condition with { Condition = rewrite(condition.Condition) },
            ThrowIf check => check with { Condition = rewrite(check.Condition) },
            DeclareVar declaration => declaration with { Value = rewrite(declaration.Value) },
            CallStatement call => call with { Call = rewrite(call.Call) },
            SavePush push => push with { Value = rewrite(push.Value) },
            SavePushRun run => run with { Values = run.Values.Select(rewrite).ToEquatableArray() },
            _ => statement,
        };

        return rewritten.Comment is { } comment
            ? rewritten with
            {
                Comment = new Comment(comment.Parts.Select(part => part is CommentExpression expression ? expression with { Expression = rewrite(expression.Expression) } : part).ToEquatableArray()),
            }
            : rewritten;
    }

    /// <summary>
    /// <paramref name="statement"/> reading and writing <paramref name="to"/> wherever it mentions the name
    /// <paramref name="from"/> (a variable, a loop counter, a buffer): nested loops' headers and bodies, an assignment's
    /// source text, and the forward statements its comment quotes too.
    /// </summary>
    public static Statement Renamed(Statement statement, string from, string to)
    {
        Expr Rename(Expr expression) => ExpressionFacts.Rewrite(expression, node => node switch
        {
            Element element when element.Vector == from => new Element(to, Rename(element.Index)),
            VectorArgument vector when vector.Vector == from => vector.Renamed(to),
            Variable variable when variable.Name == from => new Variable(to),
            _ => null,
        });

        var renamed = statement switch
        {
            ForLoop loop => loop with { From = Rename(loop.From), To = Rename(loop.To), Body = loop.Body.Select(inner => Renamed(inner, from, to)).ToEquatableArray() },
            DeclareInteger integer => integer with { Value = Rename(integer.Value) },
            AssignReal assign => RewriteExpressions(assign with { Source = Regex.Replace(assign.Source, @"(?<![\w@])@?" + Regex.Escape(from.TrimStart('@')) + @"(?!\w)", to) }, Rename),
            _ => RewriteExpressions(statement, Rename),
        };
        return renamed.Comment is { } comment && comment.Parts.Any(part => part is QuotedStatement)
            ? renamed with
            {
                Comment = new Comment(comment.Parts.Select(part => part is QuotedStatement quoted ? new QuotedStatement(Renamed(quoted.Statement, from, to)) : part).ToEquatableArray()),
            }
            : renamed;
    }

    /// <summary>
    /// How many of the first statements are the method's own argument checks (<c>if (n &lt;= 0) throw ...;</c>): the longest
    /// run of <see cref="ThrowIf"/>s and the bool and integer declarations they read, up to its last <see cref="ThrowIf"/>;
    /// 0 where the method does not start with one. A generated method runs them before it writes any output, as the user's does.
    /// </summary>
    public static int LeadingChecks(IReadOnlyList<Statement> statements)
    {
        int end = 0;
        for (int at = 0; at < statements.Count && statements[at] is ThrowIf or DeclareBool or DeclareInteger; at++)
        {
            if (statements[at] is ThrowIf)
            {
                end = at + 1;
            }
        }

        return end;
    }

    /// <summary>Whether a loop stands among <paramref name="statements"/> or in a branch nested in them: what the passes about loops look for first.</summary>
    public static bool HasLoop(EquatableArray<Statement> statements)
    {
        foreach (var statement in statements)
        {
            if (statement is ForLoop || statement is IfStatement guarded && HasLoop(guarded.Then))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every statement, each followed by those nested in it (loop bodies, branches), in program order.</summary>
    public static IEnumerable<Statement> Flatten(IEnumerable<Statement> statements)
    {
        foreach (var statement in statements)
        {
            yield return statement;
            var nested = statement switch
            {
                ForLoop loop => loop.Body,
                IfStatement guarded => guarded.Then,
                _ => EquatableArray<Statement>.Empty,
            };
            if (nested.Count == 0)
            {
                continue; // most statements: no iterator for an empty body
            }

            foreach (var inner in Flatten(nested))
            {
                yield return inner;
            }
        }
    }

    /// <summary>Every name a statement declares, writes or reads, nested loops included (comments excluded).</summary>
    public static IEnumerable<string> Names(Statement statement)
    {
        foreach (var name in DeclaredName(statement) is { } declared ? new[] { declared } : Enumerable.Empty<string>())
        {
            yield return name;
        }

        foreach (var name in Expressions(statement).SelectMany(NamesIn))
        {
            yield return name;
        }

        if (statement is ForLoop loop)
        {
            yield return loop.Counter;
            foreach (var name in loop.Body.SelectMany(Names))
            {
                yield return name;
            }
        }

        if (statement is IfStatement guarded)
        {
            foreach (var name in guarded.Then.SelectMany(Names))
            {
                yield return name;
            }
        }
    }

    /// <summary>
    /// Every name the statements take, nested bodies included: those they declare (locals, loop counters, buffers, stacks,
    /// views, a call's outputs, and the storage an adjoint buffer or a kept-values buffer rents), write or read. What a
    /// pass that adds a local to them must not reuse (<see cref="NameAllocator.ForBody"/>); comments excluded.
    /// </summary>
    public static IEnumerable<string> TakenNames(IEnumerable<Statement> statements)
    {
        var names = new List<string>();
        AddTakenNames(statements, names);
        return names;
    }

    /// <summary>
    /// Adds the <see cref="TakenNames"/> of <paramref name="statements"/> to <paramref name="names"/> (a set keeps each once,
    /// a list counts them), in program order: one walk, without an iterator per statement or a node list per expression.
    /// </summary>
    public static void AddTakenNames(IEnumerable<Statement> statements, ICollection<string> names)
    {
        foreach (var statement in statements)
        {
            foreach (string written in WrittenNames(statement))
            {
                names.Add(written);
            }

            foreach (var expression in Expressions(statement))
            {
                AddNamesIn(expression, names);
            }

            switch (statement)
            {
                case DeclareAdjointBuffer buffer:
                    names.Add(buffer.Storage);
                    break;
                case DeclareKeptValues kept:
                    names.Add(kept.Storage);
                    break;
                case ForLoop loop:
                    AddTakenNames(loop.Body, names);
                    break;
                case IfStatement guarded:
                    AddTakenNames(guarded.Then, names);
                    break;
            }
        }
    }

    /// <summary>Every name an expression reads: its variables, the vectors of its elements and vector arguments, the stacks it pops.</summary>
    public static IEnumerable<string> NamesIn(Expr expression)
    {
        var names = new List<string>();
        AddNamesIn(expression, names);
        return names;
    }

    /// <summary>Adds the <see cref="NamesIn"/> of <paramref name="expression"/> to <paramref name="names"/>, node before children.</summary>
    private static void AddNamesIn(Expr expression, ICollection<string> names)
    {
        switch (expression)
        {
            case Variable variable:
                names.Add(variable.Name);
                break;
            case Element element:
                names.Add(element.Vector);
                break;
            case VectorArgument vector:
                names.Add(vector.Vector);
                break;
            case SavedPop pop:
                names.Add(pop.Stack);
                break;
        }

        for (int i = 0, count = ExpressionFacts.ChildCount(expression); i < count; i++)
        {
            AddNamesIn(ExpressionFacts.Child(expression, i), names);
        }
    }

    /// <summary>Every name the statements declare, loop counters included, nested bodies too.</summary>
    public static IEnumerable<string> DeclaredNames(IEnumerable<Statement> statements)
    {
        foreach (var statement in statements)
        {
            if (DeclaredName(statement) is { } name)
            {
                yield return name;
            }

            if (statement is DeclareReal { Value: CallWithDerivative beside })
            {
                yield return beside.Derivative;
            }

            if (statement is CallWithOutputs call)
            {
                foreach (string scalar in call.ScalarOutputs)
                {
                    yield return scalar;
                }
            }

            if (statement is RestoreDeclaredRun restored)
            {
                foreach (string restoredName in restored.Names)
                {
                    yield return restoredName;
                }
            }

            var nested = statement switch
            {
                ForLoop loop => loop.Body,
                IfStatement guarded => guarded.Then,
                _ => EquatableArray<Statement>.Empty,
            };
            if (statement is ForLoop counted)
            {
                yield return counted.Counter;
            }

            foreach (var inner in DeclaredNames(nested))
            {
                yield return inner;
            }
        }
    }

    /// <summary>The name a declaration introduces, or null.</summary>
    public static string? DeclaredName(Statement statement) => statement switch
    {
        DeclareReal real => real.Name,
        DeclareBool condition => condition.Name,
        DeclareInteger integer => integer.Name,
        DeclareBuffer buffer => buffer.Name,
        DeclareIndexTable table => table.Name,
        DeclareVar declaration => declaration.Name,
        DeclareKeptValues kept => kept.Name,
        CallWithOutputs { ValueName: { } value } => value,
        _ => null,
    };

    /// <summary>
    /// The names one statement writes, not those of the statements nested in it (see <see cref="WrittenNamesIn"/>): what
    /// it declares (locals, buffers, stacks, views, a loop's counter, a call's returned value and <c>out</c> reals); the
    /// local or, for an element, the whole vector an assignment or update writes; the integer a step or assignment
    /// changes; the spans a call with outputs writes; every span a call made for its effect is passed, as conservative as
    /// the call's contract is unknown here (a real passed by value it cannot change); the stack a push or pop changes, and
    /// the vector a restore fills; the output a clear zeroes. The one answer to "what may this statement change" for
    /// every pass that asks (which values a loop keeps, which reads it may hoist, which evaluations stay valid).
    /// </summary>
    public static IEnumerable<string> WrittenNames(Statement statement)
    {
        if (DeclaredName(statement) is { } declared)
        {
            yield return declared;
        }

        switch (statement)
        {
            case DeclareSavedValues stack:
                yield return stack.Name;
                break;
            case DeclareAdjointBuffer adjoint:
                yield return adjoint.Name;
                break;
            case DeclareSliceView view:
                yield return view.View.Name;
                break;
            case AssignReal assign:
                yield return TargetName(assign.Target);
                break;
            case UpdateReal update:
                yield return TargetName(update.Target);
                break;
            case StepInteger step:
                yield return step.Name;
                break;
            case AssignInteger assign:
                yield return assign.Name;
                break;
            case ForLoop loop:
                yield return loop.Counter;
                break;
            case CallWithOutputs call:
                foreach (string output in call.OutputVectors.Concat(call.ScalarOutputs))
                {
                    yield return output;
                }

                break;
            case CallStatement call:
                foreach (var node in ExpressionFacts.Nodes(call.Call))
                {
                    switch (node)
                    {
                        case VectorArgument vector:
                            yield return vector.Vector;
                            break;
                        case OutArgument { Declares: true } output:
                            yield return output.Target.Name;
                            break;
                    }
                }

                break;
            case SavePush push:
                yield return push.Stack;
                break;
            case SavePushRun run:
                yield return run.Stack;
                break;
            case RestoreDeclaredRun restored:
                foreach (string name in restored.Names)
                {
                    yield return name; // and its stack, popped: see below
                }

                break;
            case RestoreSaved restore:
                yield return restore.Vector; // and its stack, popped: see below
                break;
            case ClearOutput clear:
                yield return clear.Output;
                break;
        }

        foreach (var pop in Expressions(statement).SelectMany(ExpressionFacts.Nodes).OfType<SavedPop>())
        {
            yield return pop.Stack;
        }
    }

    /// <summary>The <see cref="WrittenNames(Statement)"/> of every statement, each followed by those of the statements nested in it (loop bodies, branches), in program order.</summary>
    public static IEnumerable<string> WrittenNamesIn(IEnumerable<Statement> statements) => Flatten(statements).SelectMany(WrittenNames);

    /// <summary>The name an assignment target stands for: the local, or the vector of an element.</summary>
    public static string TargetName(Expr target) => target is Element element ? element.Vector : ((Variable)target).Name;

    /// <summary>Every real write of the statements (declarations and assignments, in loops and guarded blocks too), as (target, value): the data flows the activity analyses run over.</summary>
    public static IEnumerable<(string Target, Expr Value)> Writes(IEnumerable<Statement> statements)
    {
        foreach (var statement in statements)
        {
            switch (statement)
            {
                case DeclareReal real:
                    yield return (real.Name, real.Value);
                    break;
                case AssignReal assign:
                    yield return (TargetName(assign.Target), assign.Value);
                    break;
                case CallWithOutputs call:
                    foreach (string output in call.OutputVectors)
                    {
                        yield return (output, call.Inputs);
                    }

                    if (call.ValueName is { } value)
                    {
                        yield return (value, call.Inputs);
                    }

                    foreach (string scalar in call.ScalarOutputs)
                    {
                        yield return (scalar, call.Inputs);
                    }

                    break;
                case ForLoop loop:
                    foreach (var write in Writes(loop.Body))
                    {
                        yield return write;
                    }

                    break;
                case IfStatement guarded:
                    foreach (var write in Writes(guarded.Then))
                    {
                        yield return write;
                    }

                    break;
            }
        }
    }

    /// <summary>The expressions a statement holds directly (not those of a loop's body).</summary>
    public static IEnumerable<Expr> Expressions(Statement statement) => statement switch
    {
        DeclareReal real => new[] { real.Value },
        DeclareBool condition => new[] { condition.Condition },
        DeclareInteger integer => new[] { integer.Value },
        DeclareBuffer buffer => new[] { buffer.Length },
        DeclareKeptValues kept => new[] { kept.Length },
        DeclareVar declaration => new[] { declaration.Value },
        AssignReal assign => new[] { assign.Target, assign.Value },
        UpdateReal update => new[] { update.Target, update.Value },
        CallStatement call => new[] { call.Call },
        CallWithOutputs call => new Expr[] { call.Call },
        SavePush push => new[] { push.Value },
        SavePushRun run => run.Values,
        RestoreDeclaredRun restored => new Expr[] { new SavedPop(restored.Stack) },
        RestoreSaved restore => new Expr[] { new VectorArgument(restore.Vector), new SavedPop(restore.Stack) },
        StepInteger step => step.Guard is null ? new[] { new Variable(step.Name), step.Delta } : new[] { new Variable(step.Name), step.Delta, step.Guard },
        AssignInteger assign => assign.Guard is null ? new[] { new Variable(assign.Name), assign.Value } : new[] { new Variable(assign.Name), assign.Value, assign.Guard },
        ForLoop loop => loop.While is null ? new[] { loop.From, loop.To } : new[] { loop.From, loop.To, loop.While },
        IfStatement guarded => new[] { guarded.Condition },
        ThrowIf check => new[] { check.Condition }.Concat(check.Reads.Select(name => (Expr)new Variable(name))),
        _ => Enumerable.Empty<Expr>(),
    };
}
