using System;
using System.Linq;
using System.Runtime.CompilerServices;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// Algebraic clean-up of derivative expressions, bottom up: constant folding and the identities
/// <c>x*1</c>, <c>x+0</c>, <c>0*x</c>, <c>x/1</c>, <c>-(-x)</c>, <c>x^1</c>, and moving signs and constants
/// outward so that the result reads as a person would write it (<c>2 * x</c>, <c>-(a / b)</c>).
/// </summary>
/// <remarks>
/// <c>0 * x → 0</c> is the usual symbolic-differentiation convention (as in PyTorch's autograd, a zero
/// local derivative contributes nothing even where the other factor is infinite).
/// </remarks>
internal static class Simplifier
{
    public static Expr Simplify(Expr expression)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack(); // a backstop: SizeLimits keeps input shallower than this
        return expression switch
        {
            Negate negate => SimplifyNegate(Simplify(negate.Operand)),
            Binary binary => SimplifyBinary(binary.Operator, Simplify(binary.Left), Simplify(binary.Right)),
            Call call => SimplifyCall(new Call(call.Function, call.Arguments.Select(Simplify).ToEquatableArray())),
            // A comparison's operands are the user's (or a rule's arguments) and stay as written: simplifying
            // them could turn (c ? x : x) <= x into x <= x, which C# warns about (CS1718).
            Comparison comparison => SimplifyComparison(comparison.Operator, comparison.Left, comparison.Right),
            Logical logical => SimplifyLogical(logical.Operator, Simplify(logical.Left), Simplify(logical.Right)),
            Not not => Simplify(not.Operand) is BoolConstant constant ? new BoolConstant(!constant.Value) : new Not(Simplify(not.Operand)),
            Conditional conditional => SimplifyConditional(
                Simplify(conditional.Condition),
                Simplify(conditional.WhenTrue),
                Simplify(conditional.WhenFalse)),
            _ => expression,
        };
    }

    public static Expr Negated(Expr operand) => SimplifyNegate(operand);

    /// <summary>
    /// A derivative rule's template with the call's arguments and value put in, simplified as it is rebuilt
    /// (<c>3 · u^(3 − 1)</c> becomes <c>3 · u^2</c>); the arguments themselves are the user's and stay as written.
    /// </summary>
    public static Expr Instantiate(Expr template, System.Collections.Generic.IReadOnlyList<Expr> arguments, Expr value) => template switch
    {
        RuleArgument argument => arguments[argument.Index],
        RuleValue => value,
        Negate negate => SimplifyNegate(Instantiate(negate.Operand, arguments, value)),
        Binary binary => SimplifyBinary(binary.Operator, Instantiate(binary.Left, arguments, value), Instantiate(binary.Right, arguments, value)),
        Call call => SimplifyCall(new Call(call.Function, call.Arguments.Select(a => Instantiate(a, arguments, value)).ToEquatableArray())),
        Comparison comparison => SimplifyComparison(comparison.Operator, Instantiate(comparison.Left, arguments, value), Instantiate(comparison.Right, arguments, value)),
        Logical logical => SimplifyLogical(logical.Operator, Instantiate(logical.Left, arguments, value), Instantiate(logical.Right, arguments, value)),
        Conditional conditional => SimplifyConditional(
            Instantiate(conditional.Condition, arguments, value),
            Instantiate(conditional.WhenTrue, arguments, value),
            Instantiate(conditional.WhenFalse, arguments, value)),
        _ => template,
    };

    public static Expr Add(Expr left, Expr right) => SimplifyBinary(BinaryOperator.Add, left, right);

    public static Expr Subtract(Expr left, Expr right) => SimplifyBinary(BinaryOperator.Subtract, left, right);

    public static Expr Multiply(Expr left, Expr right) => SimplifyBinary(BinaryOperator.Multiply, left, right);

    public static Expr Divide(Expr left, Expr right) => SimplifyBinary(BinaryOperator.Divide, left, right);

    private static Expr SimplifyNegate(Expr operand) => operand switch
    {
        Constant constant => constant.IsZero ? Constant.Zero : new Constant(-constant.Value),
        Negate inner => inner.Operand,
        _ => new Negate(operand),
    };

    private static Expr SimplifyBinary(BinaryOperator op, Expr left, Expr right)
    {
        if (left is Constant a && right is Constant b && Fold(op, a.Value, b.Value) is { } folded)
        {
            return new Constant(folded);
        }

        switch (op)
        {
            case BinaryOperator.Add:
            {
                if (left is Constant { IsZero: true })
                {
                    return right;
                }

                if (right is Constant { IsZero: true })
                {
                    return left;
                }

                if (right is Negate negatedRight)
                {
                    return SimplifyBinary(BinaryOperator.Subtract, left, negatedRight.Operand);
                }

                if (left is Negate negatedLeft)
                {
                    return SimplifyBinary(BinaryOperator.Subtract, right, negatedLeft.Operand);
                }

                if (right is Constant { Value: < 0 } negativeRight)
                {
                    return new Binary(BinaryOperator.Subtract, left, new Constant(-negativeRight.Value));
                }

                if (left.Equals(right))
                {
                    return SimplifyBinary(BinaryOperator.Multiply, new Constant(2), left);
                }

                break;
            }

            case BinaryOperator.Subtract:
            {
                if (right is Constant { IsZero: true })
                {
                    return left;
                }

                if (left is Constant { IsZero: true })
                {
                    return SimplifyNegate(right);
                }

                if (right is Negate negatedRight)
                {
                    return SimplifyBinary(BinaryOperator.Add, left, negatedRight.Operand);
                }

                if (right is Constant { Value: < 0 } negativeRight)
                {
                    return new Binary(BinaryOperator.Add, left, new Constant(-negativeRight.Value));
                }

                if (left is Negate negatedLeft)
                {
                    return SimplifyNegate(SimplifyBinary(BinaryOperator.Add, negatedLeft.Operand, right));
                }

                break;
            }

            case BinaryOperator.Multiply:
            {
                if (left is Constant { IsZero: true } || right is Constant { IsZero: true })
                {
                    return Constant.Zero;
                }

                if (left is Constant { IsOne: true })
                {
                    return right;
                }

                if (right is Constant { IsOne: true })
                {
                    return left;
                }

                if (left is Constant { Value: -1.0 })
                {
                    return SimplifyNegate(right);
                }

                if (right is Constant { Value: -1.0 })
                {
                    return SimplifyNegate(left);
                }

                if (left is Negate leftNegate)
                {
                    return SimplifyNegate(SimplifyBinary(BinaryOperator.Multiply, leftNegate.Operand, right));
                }

                if (right is Negate rightNegate)
                {
                    return SimplifyNegate(SimplifyBinary(BinaryOperator.Multiply, left, rightNegate.Operand));
                }

                // a · (c ? t : 0) → c ? a · t : 0: an untaken branch contributes an exact 0, even where a is infinite.
                if (right is Conditional { WhenFalse: Constant { IsZero: true } } guardedRight)
                {
                    return SimplifyConditional(guardedRight.Condition, SimplifyBinary(BinaryOperator.Multiply, left, guardedRight.WhenTrue), Constant.Zero);
                }

                if (left is Conditional { WhenFalse: Constant { IsZero: true } } guardedLeft)
                {
                    return SimplifyConditional(guardedLeft.Condition, SimplifyBinary(BinaryOperator.Multiply, guardedLeft.WhenTrue, right), Constant.Zero);
                }

                if (left is Constant { Value: < 0 } negativeLeft)
                {
                    return SimplifyNegate(SimplifyBinary(BinaryOperator.Multiply, new Constant(-negativeLeft.Value), right));
                }

                // x · (c / y) → (c · x) / y: reads as one fraction, and x · (1 / y) becomes x / y.
                if (right is Binary { Operator: BinaryOperator.Divide, Left: Constant } rightQuotient && left is not Constant)
                {
                    return SimplifyBinary(BinaryOperator.Divide, SimplifyBinary(BinaryOperator.Multiply, rightQuotient.Left, left), rightQuotient.Right);
                }

                if (left is Binary { Operator: BinaryOperator.Divide, Left: Constant } leftQuotient && right is not Constant)
                {
                    return SimplifyBinary(BinaryOperator.Divide, SimplifyBinary(BinaryOperator.Multiply, leftQuotient.Left, right), leftQuotient.Right);
                }

                // Constants to the front, and folded with a constant factor already there: 2 * (3 * x) → 6 * x.
                if (right is Constant && left is not Constant)
                {
                    return SimplifyBinary(BinaryOperator.Multiply, right, left);
                }

                if (left is Constant outer && right is Binary { Operator: BinaryOperator.Multiply, Left: Constant inner } product)
                {
                    return SimplifyBinary(BinaryOperator.Multiply, new Constant(outer.Value * inner.Value), product.Right);
                }

                break;
            }

            case BinaryOperator.Divide:
            {
                if (left is Constant { IsZero: true })
                {
                    return Constant.Zero;
                }

                if (right is Constant { IsOne: true })
                {
                    return left;
                }

                if (left is Negate leftNegate)
                {
                    return SimplifyNegate(SimplifyBinary(BinaryOperator.Divide, leftNegate.Operand, right));
                }

                if (right is Negate rightNegate)
                {
                    return SimplifyNegate(SimplifyBinary(BinaryOperator.Divide, left, rightNegate.Operand));
                }

                break;
            }
        }

        return new Binary(op, left, right);
    }

    private static Expr SimplifyCall(Call call)
    {
        if (call.Function.Builtin == BuiltinFunction.Pow && call.Arguments[1] is Constant exponent)
        {
            if (exponent.IsOne)
            {
                return call.Arguments[0];
            }

            if (exponent.IsZero)
            {
                return Constant.One;
            }
        }

        return call;
    }

    /// <summary>
    /// <c>u &lt; u</c> and <c>u &gt; u</c> are false for every u, NaN included (and C# warns, CS1718, about
    /// comparing a variable with itself): the derivative of max(u, u) needs no such test.
    /// </summary>
    private static Expr SimplifyComparison(ComparisonOperator op, Expr left, Expr right) =>
        op is ComparisonOperator.Less or ComparisonOperator.Greater && left.Equals(right)
            ? new BoolConstant(false)
            : left is Constant a && right is Constant b
                ? new BoolConstant(Compare(op, a.Value, b.Value))
                : new Comparison(op, left, right);

    private static bool Compare(ComparisonOperator op, double left, double right) => op switch
    {
        ComparisonOperator.Less => left < right,
        ComparisonOperator.LessOrEqual => left <= right,
        ComparisonOperator.Greater => left > right,
        ComparisonOperator.GreaterOrEqual => left >= right,
        ComparisonOperator.Equal => left == right,
        _ => left != right,
    };

    /// <summary>&amp;&amp; and || with a constant side: <c>false &amp;&amp; c</c> is false, <c>true &amp;&amp; c</c> is c.</summary>
    private static Expr SimplifyLogical(LogicalOperator op, Expr left, Expr right) => (op, left, right) switch
    {
        (LogicalOperator.And, BoolConstant { Value: false }, _) => left,
        (LogicalOperator.And, BoolConstant { Value: true }, _) => right,
        (LogicalOperator.And, _, BoolConstant { Value: true }) => left,
        (LogicalOperator.Or, BoolConstant { Value: true }, _) => left,
        (LogicalOperator.Or, BoolConstant { Value: false }, _) => right,
        (LogicalOperator.Or, _, BoolConstant { Value: false }) => left,
        _ => new Logical(op, left, right),
    };

    private static Expr SimplifyConditional(Expr condition, Expr whenTrue, Expr whenFalse) => condition switch
    {
        BoolConstant { Value: true } => whenTrue,
        BoolConstant { Value: false } => whenFalse,
        _ when whenTrue.Equals(whenFalse) => whenTrue,
        _ => new Conditional(condition, whenTrue, whenFalse),
    };

    /// <summary>
    /// The value of <c>left op right</c>, or null where it is better left as written: a division whose quotient is not
    /// short and exact (<c>1 / 3</c> stays as written rather than becoming 0.3333333333333333, which is both harder to
    /// read and not what the user wrote), and the integer-only operators (<c>%</c>, bit operations, shifts), whose
    /// value depends on the integer type (a shift count is masked by its width) and which the user's own constants
    /// already come folded by the compiler.
    /// </summary>
    private static double? Fold(BinaryOperator op, double left, double right)
    {
        switch (op)
        {
            case BinaryOperator.Add:
                return left + right;
            case BinaryOperator.Subtract:
                return left - right;
            case BinaryOperator.Multiply:
                return left * right;
            case BinaryOperator.Divide:
                double quotient = left / right;
                return quotient * right == left && quotient.ToString("R", System.Globalization.CultureInfo.InvariantCulture).Length <= 8
                    ? quotient
                    : null;
            default:
                return null;
        }
    }
}
