using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// Makes the backward sweep compute each value once: a subexpression the forward sweep already computed
/// is replaced by the forward variable, and a subexpression that occurs more than once in the backward
/// sweep is computed into a local of its own before its first use. All expressions are pure, so moving
/// them is safe.
/// </summary>
internal static class CommonSubexpressions
{
    private const int MaxRounds = 64;
    private const int MaxSharedSearchSize = 4000;

    // Not a valid C# identifier, so it cannot collide with any user name before it is replaced.
    private const string PlaceholderPrefix = "<shared>";

    public static List<BackwardStatement> Share(
        IReadOnlyList<Assignment> forward,
        IReadOnlyList<BackwardStatement> backward,
        NameAllocator names,
        CancellationToken cancellationToken)
    {
        var computedForward = new Dictionary<Expr, string>();
        foreach (var assignment in forward)
        {
            if (!ExpressionFacts.IsAtom(assignment.Value) && !computedForward.ContainsKey(assignment.Value))
            {
                computedForward[assignment.Value] = assignment.Target;
            }
        }

        var statements = backward
            .Select(statement => statement with
            {
                Value = Rewrite(statement.Value, e => computedForward.TryGetValue(e, out var name) ? new Variable(name) : null),
            })
            .ToList();

        // Temporaries are found largest first but named in the order they appear: placeholders until then.
        var placeholders = new List<string>();
        // The search is quadratic in the size of the sweep: past a size no hand-written method reaches, a
        // machine-made expression is left as it is rather than stall the IDE.
        int rounds = statements.Sum(statement => ExpressionFacts.Size(statement.Value)) > MaxSharedSearchSize ? 0 : MaxRounds;
        for (int round = 0; round < rounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var repeated = MostValuableRepeat(statements);
            if (repeated is null)
            {
                break;
            }

            var expression = repeated;
            string name = PlaceholderPrefix + placeholders.Count;
            placeholders.Add(name);
            int firstUse = statements.FindIndex(statement => Contains(statement.Value, expression));
            for (int i = 0; i < statements.Count; i++)
            {
                statements[i] = statements[i] with { Value = Rewrite(statements[i].Value, e => e.Equals(expression) ? new Variable(name) : null) };
            }

            statements.Insert(firstUse, new BackwardStatement(name, expression, Accumulates: false, Comment: null));
        }

        if (placeholders.Count == 0)
        {
            return statements;
        }

        var finalNames = new Dictionary<string, string>();
        foreach (var statement in statements.Where(s => s.Target.StartsWith(PlaceholderPrefix, StringComparison.Ordinal)))
        {
            finalNames[statement.Target] = names.Fresh("shared");
        }

        var renamed = statements
            .Select(statement => statement with
            {
                Target = finalNames.TryGetValue(statement.Target, out var target) ? target : statement.Target,
                Value = Rewrite(statement.Value, e => e is Variable v && finalNames.TryGetValue(v.Name, out var n) ? new Variable(n) : null),
            })
            .ToList();

        return renamed
            .Select(statement => finalNames.ContainsValue(statement.Target)
                ? statement with { Comment = Comment.Of($"computed once, used in {renamed.Count(s => ExpressionFacts.Variables(s.Value).Contains(statement.Target))} lines below") }
                : statement)
            .ToList();
    }

    /// <summary>The largest subexpression that occurs at least twice.</summary>
    private static Expr? MostValuableRepeat(List<BackwardStatement> statements)
    {
        var counts = new Dictionary<Expr, int>();
        foreach (var statement in statements)
        {
            CountSubtrees(statement.Value, counts);
        }

        Expr? best = null;
        int bestSize = 0;
        foreach (var entry in counts)
        {
            int size = ExpressionFacts.Size(entry.Key);
            if (entry.Value >= 2 && size > bestSize)
            {
                best = entry.Key;
                bestSize = size;
            }
        }

        return best;
    }

    private static void CountSubtrees(Expr expression, Dictionary<Expr, int> counts)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack(); // a backstop: SizeLimits keeps input shallower than this
        if (!ExpressionFacts.IsAtom(expression) && !ExpressionFacts.IsBoolean(expression))
        {
            counts[expression] = counts.TryGetValue(expression, out int n) ? n + 1 : 1;
        }

        if (expression is Member or CalleeValue)
        {
            // Struct-valued parts (a gradient struct, a call of MWithGradient) are not doubles to share.
            return;
        }

        if (expression is Conditional conditional)
        {
            // Only the condition: what a branch computes must stay behind its condition, where it may be
            // undefined (1/x behind x != 0) or even throw (a user function outside its domain).
            CountSubtrees(conditional.Condition, counts);
            return;
        }

        for (int i = 0, count = ExpressionFacts.ChildCount(expression); i < count; i++)
        {
            CountSubtrees(ExpressionFacts.Child(expression, i), counts);
        }
    }

    private static bool Contains(Expr expression, Expr part) => ExpressionFacts.Mentions(expression, node => node.Equals(part));

    internal static Expr Rewrite(Expr expression, Func<Expr, Expr?> replace) => ExpressionFacts.Rewrite(expression, replace);
}
