using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// Removes the writes of locals (real, integer, bool) nothing reads: the parser keeps <c>double v2 = k;</c> when the only reader
/// is itself dead (<c>double v3 = v2 * y;</c>, dropped for being unread), and the generated method would then warn
/// (CS0219) in code the user cannot change. Repeated until nothing more goes; a local read by a condition, an
/// index or another kept statement stays.
/// </summary>
internal static class DeadLocals
{
    public static EquatableArray<Statement> Remove(EquatableArray<Statement> statements, string result) =>
        Remove(statements, new[] { result });

    /// <summary>The same, keeping every local in <paramref name="results"/> (a gradient's entries, for second derivatives).</summary>
    public static EquatableArray<Statement> Remove(EquatableArray<Statement> statements, IReadOnlyCollection<string> results)
    {
        var current = statements;
        while (true)
        {
            var read = new HashSet<string>(results);
            CollectReads(current, read);
            var pruned = Prune(current, read);
            if (pruned.Count == current.Count && Size(pruned) == Size(current))
            {
                return current;
            }

            current = pruned;
        }
    }

    /// <summary>Names read by a statement other than as its own target's earlier value.</summary>
    private static void CollectReads(IEnumerable<Statement> statements, HashSet<string> read)
    {
        foreach (var statement in statements)
        {
            string? target = WrittenLocal(statement);

            // A loop without a counter runs on its condition; its count is read only by a backward sweep, if there is one.
            foreach (var expression in statement is ForLoop { While: { } condition } ? new[] { condition } : StatementFacts.Expressions(statement))
            {
                if (statement is AssignReal assign && ReferenceEquals(expression, assign.Target) && assign.Target is Variable)
                {
                    continue;
                }

                foreach (string name in ExpressionFacts.Variables(expression).Where(name => name != target))
                {
                    read.Add(name);
                }

                CollectVectors(expression, read);
            }

            switch (statement)
            {
                case ForLoop loop:
                    CollectReads(loop.Body, read);
                    break;
                case IfStatement guarded:
                    CollectReads(guarded.Then, read);
                    break;
            }
        }
    }

    private static void CollectVectors(Expr expression, HashSet<string> read)
    {
        if (expression is Element element)
        {
            read.Add(element.Vector);
        }
        else if (expression is VectorArgument vector)
        {
            read.Add(vector.Vector);
        }

        for (int i = 0, count = ExpressionFacts.ChildCount(expression); i < count; i++)
        {
            CollectVectors(ExpressionFacts.Child(expression, i), read);
        }
    }

    private static EquatableArray<Statement> Prune(IEnumerable<Statement> statements, HashSet<string> read) => statements
        .Where(statement => WrittenLocal(statement) is not { } name || read.Contains(name))
        .Select(statement => statement switch
        {
            ForLoop loop => loop with { Body = Prune(loop.Body, read) },
            IfStatement guarded => guarded with { Then = Prune(guarded.Then, read) },
            _ => statement,
        })
        .ToEquatableArray();

    /// <summary>The real local a declaration or assignment writes as a whole (not a buffer element), or null.</summary>
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

    private static int Size(IEnumerable<Statement> statements) => statements.Sum(statement => 1 + statement switch
    {
        ForLoop loop => Size(loop.Body),
        IfStatement guarded => Size(guarded.Then),
        _ => 0,
    });
}
