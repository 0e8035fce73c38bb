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
    public static int Size(Expr expression)
    {
        int size = 1;
        for (int i = 0, count = ChildCount(expression); i < count; i++)
        {
            size += Size(Child(expression, i));
        }

        return size;
    }

    /// <summary>The direct subexpressions, left to right.</summary>
    public static IReadOnlyList<Expr> Children(Expr expression)
    {
        int count = ChildCount(expression);
        if (count == 0)
        {
            return Array.Empty<Expr>();
        }

        var children = new Expr[count];
        for (int i = 0; i < count; i++)
        {
            children[i] = Child(expression, i);
        }

        return children;
    }

    /// <summary>How many direct subexpressions <paramref name="expression"/> has (what <see cref="Children"/> lists, without a list).</summary>
    public static int ChildCount(Expr expression) => expression switch
    {
        // The leaves and the commonest inner nodes first: each arm is a type test, and a variable or constant
        // (half of all nodes) otherwise fell through every one of them to the last arm.
        Variable or Constant => 0,
        Binary => 2,
        Call call => call.Arguments.Count,
        Negate or Not or Member or Element or IntegerValue or OutArgument or BitwiseComplement or IntegerConversion or HeldArgument or IntegerCast => 1,
        Comparison or Logical or CalleeValue or SliceIndex => 2,
        Conditional or SliceStart => 3,
        VectorArgument { IsSlice: true } => 2,
        VectorCall call => call.Arguments.Count,
        CallWithDerivative beside => beside.Arguments.Count,
        HessianEntry entry => entry.Arguments.Count,
        HessianEntryTangent tangent => tangent.Arguments.Count + tangent.Tangents.Count,
        _ => 0,
    };

    /// <summary>The direct subexpression at <paramref name="index"/>, left to right (0 ≤ index &lt; <see cref="ChildCount"/>).</summary>
    public static Expr Child(Expr expression, int index) => expression switch
    {
        Negate negate => negate.Operand,
        Binary binary => index == 0 ? binary.Left : binary.Right,
        Call call => call.Arguments[index],
        Comparison comparison => index == 0 ? comparison.Left : comparison.Right,
        Logical logical => index == 0 ? logical.Left : logical.Right,
        Not not => not.Operand,
        Conditional conditional => index == 0 ? conditional.Condition : index == 1 ? conditional.WhenTrue : conditional.WhenFalse,
        Member member => member.Target,
        CalleeValue callee => index == 0 ? callee.Gradient : callee.Call,
        Element element => element.Index,
        IntegerValue integer => integer.Integer,
        VectorCall call => call.Arguments[index],
        CallWithDerivative beside => beside.Arguments[index],
        OutArgument argument => argument.Target,
        BitwiseComplement complement => complement.Operand,
        IntegerConversion conversion => conversion.Real,
        HeldArgument held => held.Value,
        IntegerCast cast => cast.Integer,
        HessianEntry entry => entry.Arguments[index],
        HessianEntryTangent tangent => index < tangent.Arguments.Count ? tangent.Arguments[index] : tangent.Tangents[index - tangent.Arguments.Count],
        SliceStart slice => index == 0 ? slice.VectorLength : index == 1 ? slice.Start : slice.Length,
        SliceIndex slice => index == 0 ? slice.Index : slice.Length,
        VectorArgument { IsSlice: true } view => index == 0 ? view.Start! : view.Length!,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, "The expression has no subexpressions."),
    };

    /// <summary>Whether <paramref name="predicate"/> holds for <paramref name="expression"/> or any node below it.</summary>
    public static bool Mentions(Expr expression, Func<Expr, bool> predicate)
    {
        if (predicate(expression))
        {
            return true;
        }

        for (int i = 0, count = ChildCount(expression); i < count; i++)
        {
            if (Mentions(Child(expression, i), predicate))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every node of <paramref name="expression"/>, itself first, then each child's nodes left to right (preorder).</summary>
    public static IReadOnlyList<Expr> Nodes(Expr expression)
    {
        var nodes = new List<Expr>();
        AddNodes(expression, nodes);
        return nodes;
    }

    private static void AddNodes(Expr expression, List<Expr> nodes)
    {
        nodes.Add(expression);
        for (int i = 0, count = ChildCount(expression); i < count; i++)
        {
            AddNodes(Child(expression, i), nodes);
        }
    }

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
        OutArgument argument => new OutArgument((Variable)children[0], argument.Declares),
        CallWithDerivative beside => beside with { Arguments = children.ToEquatableArray() },
        BitwiseComplement => new BitwiseComplement(children[0]),
        IntegerConversion conversion => new IntegerConversion(conversion.TypeName, children[0]),
        HeldArgument held => new HeldArgument(children[0], held.IsCondition),
        IntegerCast cast => new IntegerCast(cast.TypeName, children[0]),
        HessianEntry entry => entry with { Arguments = children.ToEquatableArray() },
        HessianEntryTangent tangent => tangent with
        {
            Arguments = children.Take(tangent.Arguments.Count).ToEquatableArray(),
            Tangents = children.Skip(tangent.Arguments.Count).ToEquatableArray(),
        },
        SliceStart slice => slice with { VectorLength = children[0], Start = children[1], Length = children[2] },
        SliceIndex => new SliceIndex(children[0], children[1]),
        VectorArgument { IsSlice: true } view => view with { Start = children[0], Length = children[1] },
        _ => expression,
    };

    /// <summary>Rebuilds <paramref name="expression"/> top-down, replacing each node for which <paramref name="replace"/> answers (only the nodes above a replacement are new).</summary>
    public static Expr Rewrite(Expr expression, Func<Expr, Expr?> replace)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack(); // a backstop: SizeLimits keeps input shallower than this
        var replacement = replace(expression);
        if (replacement is not null)
        {
            return replacement;
        }

        // A subtree in which nothing is replaced is kept as it is (an equal tree), not rebuilt node by node.
        Expr[]? children = null;
        for (int i = 0, count = ChildCount(expression); i < count; i++)
        {
            var child = Child(expression, i);
            var rewritten = Rewrite(child, replace);
            if (children is null && !ReferenceEquals(rewritten, child))
            {
                children = new Expr[count];
                for (int earlier = 0; earlier < i; earlier++)
                {
                    children[earlier] = Child(expression, earlier);
                }
            }

            if (children is not null)
            {
                children[i] = rewritten;
            }
        }

        return children is null ? expression : WithChildren(expression, children);
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

        for (int i = 0, count = ChildCount(expression); i < count; i++)
        {
            Collect(Child(expression, i), seen, ordered);
        }
    }
}
