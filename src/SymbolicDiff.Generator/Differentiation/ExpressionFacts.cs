using System.Collections.Generic;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>Small queries over expression trees.</summary>
internal static class ExpressionFacts
{
    /// <summary>The distinct variables of <paramref name="expression"/>, in order of first appearance (left to right).</summary>
    public static IReadOnlyList<string> Variables(Expr expression)
    {
        var seen = new HashSet<string>();
        var ordered = new List<string>();
        Collect(expression, seen, ordered);
        return ordered;
    }

    /// <summary>An atom is printed as is and is never worth a line or a temporary of its own.</summary>
    public static bool IsAtom(Expr expression) =>
        expression is Constant or Variable || expression is Negate { Operand: Constant or Variable };

    /// <summary>The number of nodes, a cheap measure of how much work an expression is.</summary>
    public static int Size(Expr expression) => expression switch
    {
        Negate negate => 1 + Size(negate.Operand),
        Binary binary => 1 + Size(binary.Left) + Size(binary.Right),
        Call call => 1 + SumSizes(call.Arguments),
        Comparison comparison => 1 + Size(comparison.Left) + Size(comparison.Right),
        Conditional conditional => 1 + Size(conditional.Condition) + Size(conditional.WhenTrue) + Size(conditional.WhenFalse),
        _ => 1,
    };

    private static int SumSizes(EquatableArray<Expr> expressions)
    {
        int total = 0;
        foreach (var expression in expressions)
        {
            total += Size(expression);
        }

        return total;
    }

    private static void Collect(Expr expression, HashSet<string> seen, List<string> ordered)
    {
        switch (expression)
        {
            case Variable variable:
                if (seen.Add(variable.Name))
                {
                    ordered.Add(variable.Name);
                }

                break;
            case Negate negate:
                Collect(negate.Operand, seen, ordered);
                break;
            case Binary binary:
                Collect(binary.Left, seen, ordered);
                Collect(binary.Right, seen, ordered);
                break;
            case Call call:
                foreach (var argument in call.Arguments)
                {
                    Collect(argument, seen, ordered);
                }

                break;
            case Comparison comparison:
                Collect(comparison.Left, seen, ordered);
                Collect(comparison.Right, seen, ordered);
                break;
            case Conditional conditional:
                Collect(conditional.Condition, seen, ordered);
                Collect(conditional.WhenTrue, seen, ordered);
                Collect(conditional.WhenFalse, seen, ordered);
                break;
        }
    }
}
