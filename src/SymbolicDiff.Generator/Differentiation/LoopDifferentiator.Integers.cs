using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Analysis;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// Integer code the backward sweep reads: what it reads in turn, and the running indices a loop declares.
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>
    /// The bools and reals a statement reads inside its integer code (an index <c>x[sign ? i : j]</c>, an integer read as a
    /// real <c>(double)(c ? 1 : -1)</c>, a conversion <c>(int)(x[i] * n)</c>): the backward sweep evaluates that code again
    /// where it differentiates the statement, so it reads them there.
    /// </summary>
    private static IEnumerable<string> IntegerCodeReads(Statement statement) =>
        StatementFacts.Expressions(statement).SelectMany(expression => IntegerCodeReads(expression, inIntegerCode: false)).Distinct();

    private static IEnumerable<string> IntegerCodeReads(Expr expression, bool inIntegerCode)
    {
        if (inIntegerCode)
        {
            return ExpressionFacts.Variables(expression);
        }

        return expression switch
        {
            IntegerValue or IntegerConversion or HeldArgument => ExpressionFacts.Variables(expression),
            Element element => ExpressionFacts.Variables(element.Index),
            _ => ExpressionFacts.Children(expression).SelectMany(child => IntegerCodeReads(child, inIntegerCode: false)),
        };
    }

    /// <summary>
    /// Integer locals a loop's body declares whose value a step changes: a running index a deeper loop steps
    /// (<c>int k = start; for (...) { ...; k++; }</c>), and a local computed from one (<c>int row = k;</c> before
    /// <c>k += n</c>). The backward sweep undoes each step where it meets it, so at the top of each iteration it reruns,
    /// where it would compute such a local again, the steps are not undone yet: the local would be off by them. Each one
    /// the backward sweep reads (among <paramref name="reads"/>) is saved at the end of the iteration instead, with the
    /// loop's other saved locals, and restored from there.
    /// </summary>
    private void SaveIntegersStepsChange(IEnumerable<ToBeRecordedAnalysis.Read> reads)
    {
        var changed = new HashSet<string>(_index.Statements.OfType<StepInteger>().Select(step => step.Name)
            .Concat(_index.Statements.OfType<AssignInteger>().Select(assign => assign.Name)));
        if (changed.Count == 0)
        {
            return;
        }

        // What is computed from a stepped index, directly or through other integers, changes with it.
        var integers = _index.Statements.OfType<DeclareInteger>().ToList();
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (var integer in integers)
            {
                if (!changed.Contains(integer.Name) && ExpressionFacts.Variables(integer.Value).Any(changed.Contains))
                {
                    grew = changed.Add(integer.Name);
                }
            }
        }

        foreach (string name in reads.Select(read => read.Name).Where(changed.Contains).Distinct().ToList())
        {
            if (DeclaringLoop(name, _method.Statements, null) is not { } loop)
            {
                continue; // declared at the top level: the backward sweep reads the local itself
            }

            if (!SavedAtEnd.TryGetValue(loop, out var saved))
            {
                SavedAtEnd[loop] = saved = new List<string>();
            }

            if (!saved.Contains(name))
            {
                saved.Add(name);
            }
        }
    }

    /// <summary>The loop whose body declares the integer local <paramref name="name"/>; null at the top level (or nowhere).</summary>
    private static ForLoop? DeclaringLoop(string name, EquatableArray<Statement> statements, ForLoop? scope)
    {
        foreach (var statement in statements)
        {
            if (statement is DeclareInteger declared && declared.Name == name)
            {
                return scope;
            }

            if (statement is ForLoop loop && DeclaringLoop(name, loop.Body, loop) is { } inner)
            {
                return inner;
            }
        }

        return null;
    }

    /// <summary>The integer type of a local the method declares (<c>int</c> or <c>long</c>), or null when it is not one.</summary>
    private string? IntegerTypeOf(string name) =>
        _index.Statements.OfType<DeclareInteger>().FirstOrDefault(declared => declared.Name == name)?.TypeName;

    /// <summary>What the forward sweep pushes at the end of an iteration for a saved local: its value, a bool as 1 or 0.</summary>
    private Expr SavedValueOf(string name) =>
        _index.Bools.Contains(name) ? new Conditional(new Variable(name), Constant.One, Constant.Zero)
        : IntegerTypeOf(name) is not null ? new IntegerValue(new Variable(name))
        : new Variable(name);

    /// <summary>The backward loop's declaration of a saved local, from the value the forward sweep pushed at the end of the iteration.</summary>
    private Statement RestoredAtEnd(string name)
    {
        var popped = new SavedPop(SavedStack);
        if (_index.Bools.Contains(name))
        {
            return new DeclareBool(name, new Comparison(ComparisonOperator.NotEqual, popped, Constant.Zero)) { Comment = Comment.Of("the branch this iteration took") };
        }

        if (IntegerTypeOf(name) is { } type)
        {
            bool stepped = _index.Statements.Any(statement => statement is StepInteger step && step.Name == name || statement is AssignInteger assign && assign.Name == name);
            bool counts = _index.Statements.Any(statement => statement is ForLoop { While: not null, To: Variable { Name: var count } } && count == name);
            return new DeclareInteger(name, type, new IntegerConversion(type, popped))
            {
                Comment = counts ? Comment.Of($"the iterations the loop below ran in this iteration")
                    : stepped
                    ? Comment.Of($"{name} as it was at the end of this iteration: the steps and assignments below take it back")
                    : Comment.Of($"{name} as this iteration computed it (computed again here, it would read steps not undone yet)"),
            };
        }

        return new DeclareReal(name, popped) { Comment = Comment.Of($"{name} as it was at the end of this iteration") };
    }

    /// <summary>
    /// The backward sweep's undoing of <c>best = j;</c>: the value <c>best</c> had before it, which the forward sweep saved
    /// there (an assignment, unlike a step, cannot be undone by arithmetic).
    /// </summary>
    private Statement RestoredBeforeAssignment(AssignInteger assign) =>
        new AssignInteger(assign.Name, new IntegerConversion(IntegerTypeOf(assign.Name) ?? "int", new SavedPop(SavedStack)), null)
        {
            Comment = Comment.Of($"{assign.Name} as it was before ", assign),
        };
}
