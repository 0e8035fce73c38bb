using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicDiff.Generator.Differentiation;
using SymbolicDiff.Generator.Emit;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Tests.Generator.Integers;

/// <summary>
/// Integer expressions printed by Emit read back, through Roslyn's parser, as the same computation: random trees of
/// every integer operator are evaluated directly and from the C# text, with C#'s int semantics. And the simplifier folds
/// none of the integer-only operators and throws on none of them.
/// </summary>
public class IntegerExpressionRoundTripTests
{
    private static readonly BinaryOperator[] Operators =
    {
        BinaryOperator.Add, BinaryOperator.Subtract, BinaryOperator.Multiply, BinaryOperator.Remainder,
        BinaryOperator.BitwiseAnd, BinaryOperator.BitwiseOr, BinaryOperator.ExclusiveOr,
        BinaryOperator.LeftShift, BinaryOperator.RightShift, BinaryOperator.UnsignedRightShift,
    };

    [Fact]
    public void Printed_integer_code_parses_back_to_the_same_value_for_every_mix_of_operators()
    {
        var random = new Random(20261130);
        for (int trial = 0; trial < 3000; trial++)
        {
            var tree = RandomTree(random, depth: 4);
            bool compare = trial % 3 == 0;
            Expr printed = compare ? new Comparison((ComparisonOperator)(trial / 3 % 6), tree, RandomTree(random, depth: 2)) : tree;
            string text = ExpressionWriter.WriteInteger(printed);
            var syntax = SyntaxFactory.ParseExpression(text);
            Assert.False(syntax.ContainsDiagnostics, text);
            foreach (int n in new[] { -37, -5, -1, 0, 1, 6, 13, 1000 })
            {
                long expected = Evaluate(printed, n);
                long actual = Evaluate(syntax, n);
                Assert.True(expected == actual, $"{text} at n = {n}: the tree gives {expected}, the text {actual}");
            }
        }
    }

    [Fact]
    public void Integers_compared_in_real_code_are_printed_without_a_conversion_and_keep_their_value()
    {
        // A branch condition such as (i & 1) == 0 reaches Emit as a comparison of integers read as reals; it is printed
        // as the user wrote it, in integers, and must still compute the same truth value.
        var random = new Random(20261201);
        for (int trial = 0; trial < 1000; trial++)
        {
            var left = new IntegerValue(RandomTree(random, depth: 3));
            Expr right = trial % 2 == 0 ? new Constant(random.Next(-3, 8)) : new IntegerValue(RandomTree(random, depth: 2));
            var comparison = new Comparison((ComparisonOperator)(trial % 6), left, right);
            string text = ExpressionWriter.Write(comparison);
            Assert.DoesNotContain("(double)", text);
            var syntax = SyntaxFactory.ParseExpression(text);
            Assert.False(syntax.ContainsDiagnostics, text);
            var integers = new Comparison(comparison.Operator, left.Integer, right is IntegerValue value ? value.Integer : right);
            foreach (int n in new[] { -37, -5, -1, 0, 1, 6, 13, 1000 })
            {
                Assert.True(Evaluate(integers, n) == Evaluate(syntax, n), $"{text} at n = {n}");
            }
        }

        // A real operand keeps the comparison in reals.
        Assert.Equal("(double)(n & 1) == 0.5", ExpressionWriter.Write(new Comparison(ComparisonOperator.Equal, new IntegerValue(new Binary(BinaryOperator.BitwiseAnd, new Variable("n"), new Constant(1))), new Constant(0.5))));
    }

    [Fact]
    public void The_simplifier_folds_no_integer_only_operator_and_throws_on_none()
    {
        foreach (BinaryOperator op in Enum.GetValues<BinaryOperator>())
        {
            var expression = new Binary(op, new Constant(7), new Constant(2));
            var simplified = Simplifier.Simplify(expression);
            if (op.IsIntegerOnly())
            {
                Assert.Equal(expression, simplified); // 7 % 2, 7 & 2, 7 << 2 ...: left as written, whatever the integer type
            }
            else
            {
                Assert.IsType<Constant>(simplified);
            }
        }
    }

    private static Expr RandomTree(Random random, int depth)
    {
        if (depth == 0 || random.Next(4) == 0)
        {
            return random.Next(2) == 0 ? new Variable("n") : new Constant(random.Next(1, 8));
        }

        switch (random.Next(6))
        {
            case 0:
                return new Negate(RandomTree(random, depth - 1));
            case 1:
                return new BitwiseComplement(RandomTree(random, depth - 1));
            default:
                var op = Operators[random.Next(Operators.Length)];

                // A remainder by a constant (never 0); a shift by a small count, as code shifts.
                var right = op == BinaryOperator.Remainder || op.IsShift() ? new Constant(random.Next(1, 8)) : RandomTree(random, depth - 1);
                return new Binary(op, RandomTree(random, depth - 1), right);
        }
    }

    // C#'s int semantics, unchecked: what the user's method computes.
    private static int Evaluate(Expr expression, int n) => expression switch
    {
        Constant constant => (int)constant.Value,
        Variable => n,
        Negate negate => unchecked(-Evaluate(negate.Operand, n)),
        BitwiseComplement complement => ~Evaluate(complement.Operand, n),
        Comparison comparison => Compare(comparison.Operator, Evaluate(comparison.Left, n), Evaluate(comparison.Right, n)) ? 1 : 0,
        Binary binary => Apply(binary.Operator, Evaluate(binary.Left, n), Evaluate(binary.Right, n)),
        _ => throw new ArgumentException("not integer code: " + expression, nameof(expression)),
    };

    private static int Apply(BinaryOperator op, int left, int right) => unchecked(op switch
    {
        BinaryOperator.Add => left + right,
        BinaryOperator.Subtract => left - right,
        BinaryOperator.Multiply => left * right,
        BinaryOperator.Remainder => left % right,
        BinaryOperator.BitwiseAnd => left & right,
        BinaryOperator.BitwiseOr => left | right,
        BinaryOperator.ExclusiveOr => left ^ right,
        BinaryOperator.LeftShift => left << right,
        BinaryOperator.RightShift => left >> right,
        BinaryOperator.UnsignedRightShift => left >>> right,
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    });

    private static bool Compare(ComparisonOperator op, int left, int right) => op switch
    {
        ComparisonOperator.Less => left < right,
        ComparisonOperator.LessOrEqual => left <= right,
        ComparisonOperator.Greater => left > right,
        ComparisonOperator.GreaterOrEqual => left >= right,
        ComparisonOperator.Equal => left == right,
        _ => left != right,
    };

    // The same semantics, read from the C# text as Roslyn parses it: precedence and parentheses decide the tree.
    private static int Evaluate(ExpressionSyntax syntax, int n) => syntax switch
    {
        ParenthesizedExpressionSyntax parenthesized => Evaluate(parenthesized.Expression, n),
        IdentifierNameSyntax { Identifier.ValueText: "n" } => n,
        LiteralExpressionSyntax literal => (int)literal.Token.Value!,
        PrefixUnaryExpressionSyntax unary when unary.Kind() == SyntaxKind.UnaryMinusExpression => unchecked(-Evaluate(unary.Operand, n)),
        PrefixUnaryExpressionSyntax unary when unary.Kind() == SyntaxKind.BitwiseNotExpression => ~Evaluate(unary.Operand, n),
        BinaryExpressionSyntax binary when ComparisonOf(binary.Kind()) is { } comparison =>
            Compare(comparison, Evaluate(binary.Left, n), Evaluate(binary.Right, n)) ? 1 : 0,
        BinaryExpressionSyntax binary => Apply(OperatorOf(binary.Kind()), Evaluate(binary.Left, n), Evaluate(binary.Right, n)),
        _ => throw new ArgumentException("unexpected syntax: " + syntax, nameof(syntax)),
    };

    private static ComparisonOperator? ComparisonOf(SyntaxKind kind) => kind switch
    {
        SyntaxKind.LessThanExpression => ComparisonOperator.Less,
        SyntaxKind.LessThanOrEqualExpression => ComparisonOperator.LessOrEqual,
        SyntaxKind.GreaterThanExpression => ComparisonOperator.Greater,
        SyntaxKind.GreaterThanOrEqualExpression => ComparisonOperator.GreaterOrEqual,
        SyntaxKind.EqualsExpression => ComparisonOperator.Equal,
        SyntaxKind.NotEqualsExpression => ComparisonOperator.NotEqual,
        _ => null,
    };

    private static BinaryOperator OperatorOf(SyntaxKind kind) => kind switch
    {
        SyntaxKind.AddExpression => BinaryOperator.Add,
        SyntaxKind.SubtractExpression => BinaryOperator.Subtract,
        SyntaxKind.MultiplyExpression => BinaryOperator.Multiply,
        SyntaxKind.ModuloExpression => BinaryOperator.Remainder,
        SyntaxKind.BitwiseAndExpression => BinaryOperator.BitwiseAnd,
        SyntaxKind.BitwiseOrExpression => BinaryOperator.BitwiseOr,
        SyntaxKind.ExclusiveOrExpression => BinaryOperator.ExclusiveOr,
        SyntaxKind.LeftShiftExpression => BinaryOperator.LeftShift,
        SyntaxKind.RightShiftExpression => BinaryOperator.RightShift,
        SyntaxKind.UnsignedRightShiftExpression => BinaryOperator.UnsignedRightShift,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an integer operator"),
    };
}
