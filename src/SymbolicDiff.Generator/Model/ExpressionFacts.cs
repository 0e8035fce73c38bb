using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;

namespace SymbolicDiff.Generator.Model;

/// <summary>Small queries over expression trees, and the one place that knows each node's children.</summary>
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
        expression is Constant or Variable or BoolConstant or DefaultLiteral or External or Member { Target: Variable } or CalleeValue or Element ||
        expression is Negate { Operand: Constant or Variable };

    /// <summary>Whether the expression is a bool (a condition) rather than a double.</summary>
    public static bool IsBoolean(Expr expression) => expression is Comparison or Logical or Not or BoolConstant;

    /// <summary>The number of nodes, a cheap measure of how much work an expression is.</summary>
    public static int Size(Expr expression) => 1 + Children(expression).Sum(Size);

    /// <summary>The direct subexpressions, left to right.</summary>
    public static IReadOnlyList<Expr> Children(Expr expression) => expression switch
    {
        Negate negate => new[] { negate.Operand },
        Binary binary => new[] { binary.Left, binary.Right },
        Call call => call.Arguments.ToArray(),
        Comparison comparison => new[] { comparison.Left, comparison.Right },
        Logical logical => new[] { logical.Left, logical.Right },
        Not not => new[] { not.Operand },
        Conditional conditional => new[] { conditional.Condition, conditional.WhenTrue, conditional.WhenFalse },
        Member member => new[] { member.Target },
        CalleeValue callee => new Expr[] { callee.Gradient, callee.Call },
        Element element => new[] { element.Index },
        IntegerValue integer => new[] { integer.Integer },
        VectorCall call => call.Arguments.ToArray(),
        HessianEntry entry => entry.Arguments.ToArray(),
        _ => Array.Empty<Expr>(),
    };

    /// <summary>The same node with new children (in the order <see cref="Children"/> gives them).</summary>
    public static Expr WithChildren(Expr expression, IReadOnlyList<Expr> children) => expression switch
    {
        Negate => new Negate(children[0]),
        Binary binary => new Binary(binary.Operator, children[0], children[1]),
        Call call => new Call(call.Function, children.ToEquatableArray()) { Location = call.Location },
        Comparison comparison => new Comparison(comparison.Operator, children[0], children[1]),
        Logical logical => new Logical(logical.Operator, children[0], children[1]),
        Not => new Not(children[0]),
        Conditional => new Conditional(children[0], children[1], children[2]),
        Member member => new Member(children[0], member.Name),
        CalleeValue => new CalleeValue((Variable)children[0], (Call)children[1]),
        Element element => new Element(element.Vector, children[0]),
        IntegerValue => new IntegerValue(children[0]),
        VectorCall call => new VectorCall(call.Function, children.ToEquatableArray()) { Location = call.Location },
        HessianEntry entry => entry with { Arguments = children.ToEquatableArray() },
        _ => expression,
    };

    /// <summary>Rebuilds <paramref name="expression"/> top-down, replacing each node for which <paramref name="replace"/> answers.</summary>
    public static Expr Rewrite(Expr expression, Func<Expr, Expr?> replace)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack(); // a backstop: SizeLimits keeps input shallower than this
        var replacement = replace(expression);
        if (replacement is not null)
        {
            return replacement;
        }

        var children = Children(expression);
        return children.Count == 0 ? expression : WithChildren(expression, children.Select(child => Rewrite(child, replace)).ToArray());
    }

    private static void Collect(Expr expression, HashSet<string> seen, List<string> ordered)
    {
        if (expression is Variable variable)
        {
            if (seen.Add(variable.Name))
            {
                ordered.Add(variable.Name);
            }

            return;
        }

        foreach (var child in Children(expression))
        {
            Collect(child, seen, ordered);
        }
    }
}
