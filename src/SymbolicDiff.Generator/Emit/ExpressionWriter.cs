using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Emit;

/// <summary>
/// Prints an expression as C#, with the fewest parentheses that keep its exact evaluation order
/// (floating-point addition is not associative, so <c>a + (b + c)</c> keeps its parentheses).
/// Numbers are printed in the invariant culture with round-trip precision, whatever the machine's locale.
/// </summary>
internal static class ExpressionWriter
{
    private const int ConditionalPrecedence = 1;
    private const int OrPrecedence = 2;
    private const int AndPrecedence = 3;

    // C#'s integer operators: | below ^ below &, all below comparisons; shifts between comparisons and + -.
    private const int BitwiseOrPrecedence = 4;
    private const int ExclusiveOrPrecedence = 5;
    private const int BitwiseAndPrecedence = 6;
    private const int ComparisonPrecedence = 7;
    private const int ShiftPrecedence = 8;
    private const int AdditivePrecedence = 10;
    private const int MultiplicativePrecedence = 20;
    private const int UnaryPrecedence = 30;
    private const int PrimaryPrecedence = 40;

    /// <summary>Prints <paramref name="expression"/>; for a float method (<paramref name="single"/>) with float literals and MathF.</summary>
    public static string Write(Expr expression, bool single = false)
    {
        var builder = Builders.Acquire();
        Append(builder, expression, single);
        return Builders.Release(builder);
    }

    /// <summary><see cref="Write(Expr, bool)"/> appended to <paramref name="builder"/>, for text built in place (a comment in its line).</summary>
    public static void Append(StringBuilder builder, Expr expression, bool single = false) => Write(expression, builder, single, integer: false);

    /// <summary>Prints the whole value of a real declaration or assignment: a constant alone as a real literal (<c>0.0</c>, <c>1f</c>).</summary>
    public static string WriteValue(Expr expression, bool single = false)
    {
        var builder = Builders.Acquire();
        WriteTyped(expression, builder, single, integer: false);
        return Builders.Release(builder);
    }

    /// <summary>Prints integer code (a count): constants stay integer literals, as the user wrote them.</summary>
    public static string WriteInteger(Expr expression)
    {
        var builder = Builders.Acquire();
        Write(expression, builder, single: false, integer: true);
        return Builders.Release(builder);
    }

    /// <summary>
    /// A whole number in integer code as an integer literal: "R" would write -2⁶³ (long.MinValue) as -9.223372036854776E+18,
    /// a double, which a long cannot take (CS0266 in generated code, found by fuzzing).
    /// </summary>
    private static string IntegerLiteral(double value) =>
        value == System.Math.Floor(value) && value >= -9223372036854775808.0 && value < 9223372036854775808.0 && System.Math.Abs(value) >= 1e15
            ? ((long)value).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : Number(value);

    /// <summary>Escapes an identifier that is a C# keyword (see <see cref="CSharpLexical.Identifier"/>).</summary>
    public static string Identifier(string name) => CSharpLexical.Identifier(name);

    /// <summary>A double literal that reads back as exactly the same double (see <see cref="CSharpLexical.Number"/>).</summary>
    public static string Number(double value) => CSharpLexical.Number(value);

    /// <summary>
    /// A constant where nothing else fixes its type (a call argument, a branch of ?:): written so that C#
    /// reads a double (3.0, not 3, which would pick Math.Max(int, int) or make c ? 3 : 2 an int).
    /// </summary>
    private static void WriteTyped(Expr expression, StringBuilder builder, bool single, bool integer)
    {
        if (expression is Constant constant && !integer)
        {
            builder.Append(RealLiteral(constant.Value, single));
            return;
        }

        Write(expression, builder, single, integer);
    }

    private static string RealLiteral(double value, bool single) => single ? FloatLiteral(value) : DoubleLiteral(value);

    /// <summary>A float literal: the double rounded to float, as the compiler would round a float method's constants.</summary>
    private static string FloatLiteral(double value)
    {
        float single = (float)value;
        if (float.IsNaN(single))
        {
            return "float.NaN";
        }

        if (float.IsInfinity(single))
        {
            return single > 0 ? "float.PositiveInfinity" : "float.NegativeInfinity";
        }

        return single.ToString("R", CultureInfo.InvariantCulture) + "f";
    }

    private static string DoubleLiteral(double value)
    {
        string text = Number(value);
        foreach (char c in text)
        {
            if (!char.IsDigit(c) && c != '-')
            {
                return text;
            }
        }

        return text + ".0"; // looks integral: C# would read an int
    }

    private static void Write(Expr expression, StringBuilder builder, bool single, bool integer)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack(); // a backstop: SizeLimits keeps input shallower than this
        switch (expression)
        {
            case Constant constant:
                // Integer code (an index, a bound) stays integer in a float method too: x[0], not x[0f].
                builder.Append(single && !integer ? FloatLiteral(constant.Value) : integer ? IntegerLiteral(constant.Value) : Number(constant.Value));
                break;

            case Variable variable:
                builder.Append(Identifier(variable.Name));
                break;

            case Negate negate:
            {
                builder.Append('-');
                int start = builder.Length;
                WriteOperand(negate.Operand, UnaryPrecedence, builder, parenthesiseEqual: false, single, integer);

                // "- -x" must not become the decrement token "--x".
                if (builder.Length > start && builder[start] == '-')
                {
                    builder.Insert(start, '(').Append(')');
                }

                break;
            }

            case Binary { Left: Constant left, Right: Constant right } constants when !integer:
                // Two literals alone: C# would do integer arithmetic on "1 / 3", so make the left one a double.
                builder.Append(single ? FloatLiteral(left.Value) : DoubleLiteral(left.Value)).Append(' ').Append(OperatorText(constants.Operator)).Append(' ');
                WriteOperand(right, MultiplicativePrecedence, builder, parenthesiseEqual: true, single, integer);
                break;

            case Binary binary when binary.Operator.IsIntegerOnly() && binary.Operator != BinaryOperator.Remainder:
            {
                // Bit operations and shifts: an operand that is another of them, or arithmetic, gets parentheses even
                // where precedence would not need them ((n & 3) | (n << 1), (i + 1) << 2), as people write them.
                int precedence = Precedence(binary);
                WriteOperand(binary.Left, ClarifiedPrecedence(binary, binary.Left, precedence), builder, parenthesiseEqual: false, single, integer);
                builder.Append(' ').Append(OperatorText(binary.Operator)).Append(' ');
                WriteOperand(binary.Right, ClarifiedPrecedence(binary, binary.Right, precedence), builder, parenthesiseEqual: true, single, integer);
                break;
            }

            case Binary binary:
            {
                int precedence = Precedence(binary);
                WriteOperand(binary.Left, precedence, builder, parenthesiseEqual: false, single, integer);
                builder.Append(' ').Append(OperatorText(binary.Operator)).Append(' ');
                WriteOperand(binary.Right, precedence, builder, parenthesiseEqual: true, single, integer);
                break;
            }

            case BitwiseComplement complement:
                builder.Append('~');
                WriteOperand(complement.Operand, UnaryPrecedence, builder, parenthesiseEqual: false, single, integer: true);
                break;

            case IntegerConversion conversion:
                // (int)(x * n): the operand is real code, whatever surrounds the conversion.
                builder.Append('(').Append(conversion.TypeName).Append(')');
                WriteOperand(conversion.Real, PrimaryPrecedence, builder, parenthesiseEqual: false, single, integer: false);
                break;

            case IntegerCast cast:
                builder.Append('(').Append(cast.TypeName).Append(')');
                WriteOperand(cast.Integer, UnaryPrecedence, builder, parenthesiseEqual: false, single, integer: true);
                break;

            case HeldArgument held:
                Write(held.Value, builder, single, integer: !held.IsCondition);
                break;

            case Call call:
                if (call.Function.Builtin == BuiltinFunction.Sign)
                {
                    // Math.Sign returns int: as a real number it can never start integer arithmetic.
                    builder.Append(single ? "(float)" : "(double)");
                }

                // An entry of another method's gradient is read from the struct its gradient method returns.
                builder.Append(call.Function.Component is { } component ? component.GradientMethod : single && call.Function.Rule is { } rule ? rule.SingleName : call.Function.QualifiedName).Append('(');
                for (int i = 0; i < call.Arguments.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }

                    WriteTyped(call.Arguments[i], builder, single, integer);
                }

                builder.Append(')');
                if (call.Function.Component is { } read)
                {
                    builder.Append('.').Append(read.Property);
                }

                break;

            case Comparison comparison:
            {
                // Integers compared with integers read as the user wrote them, (i & 1) == 0, not (double)(i & 1) == 0:
                // the same result (and for a long beyond 2^53 the exact one), without a conversion to read past.
                bool integers = IntegerOperand(comparison.Left) is { } left && IntegerOperand(comparison.Right) is { } right &&
                                (comparison.Left is IntegerValue || comparison.Right is IntegerValue);
                WriteOperand(integers ? IntegerOperand(comparison.Left)! : comparison.Left, integers ? ComparedPrecedence(comparison.Left) : ComparisonPrecedence, builder, parenthesiseEqual: true, single, integer || integers);
                builder.Append(' ').Append(ComparisonText(comparison.Operator)).Append(' ');
                WriteOperand(integers ? IntegerOperand(comparison.Right)! : comparison.Right, integers ? ComparedPrecedence(comparison.Right) : ComparisonPrecedence, builder, parenthesiseEqual: true, single, integer || integers);
                break;
            }

            case Logical logical:
            {
                int precedence = Precedence(logical);
                WriteOperand(logical.Left, precedence, builder, parenthesiseEqual: false, single, integer);
                builder.Append(logical.Operator == LogicalOperator.And ? " && " : " || ");
                WriteOperand(logical.Right, precedence, builder, parenthesiseEqual: true, single, integer);
                break;
            }

            case Not not:
                builder.Append('!');
                WriteOperand(not.Operand, UnaryPrecedence, builder, parenthesiseEqual: false, single, integer);
                break;

            case Member member:
                WriteOperand(member.Target, PrimaryPrecedence, builder, parenthesiseEqual: false, single, integer);
                builder.Append('.').Append(member.Name);
                break;

            case CalleeValue callee:
                builder.Append(Identifier(callee.Gradient.Name)).Append(".Value");
                break;

            case External external:
                builder.Append(external.Code);
                break;

            case DefaultLiteral:
                builder.Append("default");
                break;

            case ThrownException thrown:
                builder.Append(thrown.Code);
                break;

            case Element element:
                builder.Append(Identifier(element.Vector)).Append('[');
                Write(element.Index, builder, single, integer: true);
                builder.Append(']');
                break;

            case VectorArgument { IsSlice: false } vector:
                builder.Append(Identifier(vector.Vector));
                break;

            case VectorArgument view:
                // The view a slice passes: features.Slice(xStart, d), or of an array global::System.MemoryExtensions.AsSpan(features, xStart, d).
                builder.Append(view.IsArray ? "global::System.MemoryExtensions.AsSpan(" + Identifier(view.Vector) + ", " : Identifier(view.Vector) + ".Slice(");
                Write(view.Start!, builder, single, integer: true);
                builder.Append(", ");
                Write(view.Length!, builder, single, integer: true);
                builder.Append(')');
                break;

            case SliceStart slice:
                builder.Append("global::SymbolicDiff.Runtime.SliceBounds.Start(");
                Write(slice.VectorLength, builder, single, integer: true);
                builder.Append(", ");
                Write(slice.Start, builder, single, integer: true);
                builder.Append(", ");
                Write(slice.Length, builder, single, integer: true);
                builder.Append(')');
                break;

            case SliceIndex slice:
                builder.Append("global::SymbolicDiff.Runtime.SliceBounds.Index(");
                Write(slice.Index, builder, single, integer: true);
                builder.Append(", ");
                Write(slice.Length, builder, single, integer: true);
                builder.Append(')');
                break;

            case CallWithDerivative beside:
                // Activations.SigmoidWithDerivative(z, out double dforget_dz): the value, and its partial declared beside it.
                builder.Append(beside.Method).Append('(');
                foreach (var argument in beside.Arguments)
                {
                    WriteTyped(argument, builder, single, integer);
                    builder.Append(", ");
                }

                builder.Append(single ? "out float " : "out double ").Append(Identifier(beside.Derivative)).Append(')');
                break;

            case OutArgument argument:
                builder.Append(argument.Declares ? (single ? "out float " : "out double ") : "out ").Append(Identifier(argument.Target.Name));
                break;

            case SavedPop pop:
                builder.Append(Identifier(pop.Stack)).Append(".Pop()");
                break;

            case VectorCall call:
                builder.Append(call.Function.QualifiedName).Append('(');
                for (int i = 0; i < call.Arguments.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }

                    // An integer argument (a class index) is written as integer code, not converted.
                    if (call.Arguments[i] is IntegerValue integerArgument)
                    {
                        Write(integerArgument.Integer, builder, single, integer: true);
                    }
                    else
                    {
                        WriteTyped(call.Arguments[i], builder, single, integer);
                    }
                }

                builder.Append(')');
                break;

            case IntegerValue value:
                // Integer arithmetic first, as C# does it, then one conversion.
                builder.Append(single ? "(float)" : "(double)");
                WriteOperand(value.Integer, value.Integer is IntegerConversion or IntegerCast or BitwiseComplement ? UnaryPrecedence : PrimaryPrecedence, builder, parenthesiseEqual: false, single, integer: true);
                break;

            case BoolConstant boolean:
                builder.Append(boolean.Value ? "true" : "false");
                break;

            case Conditional conditional:
                WriteOperand(conditional.Condition, ConditionalPrecedence, builder, parenthesiseEqual: true, single, integer);
                builder.Append(" ? ");
                if (conditional.WhenTrue is Constant trueConstant && !integer)
                {
                    builder.Append(RealLiteral(trueConstant.Value, single));
                }
                else
                {
                    WriteOperand(conditional.WhenTrue, ConditionalPrecedence, builder, parenthesiseEqual: true, single, integer);
                }

                builder.Append(" : ");
                if (conditional.WhenFalse is Constant falseConstant && !integer)
                {
                    builder.Append(RealLiteral(falseConstant.Value, single));
                }
                else
                {
                    WriteOperand(conditional.WhenFalse, ConditionalPrecedence, builder, parenthesiseEqual: false, single, integer);
                }

                break;
        }
    }

    /// <summary>The integer code a comparison operand stands for: an integer read as a real, or a whole-number literal; else null.</summary>
    private static Expr? IntegerOperand(Expr operand) => operand switch
    {
        IntegerValue value => value.Integer,
        Constant constant when constant.Value == System.Math.Floor(constant.Value) && System.Math.Abs(constant.Value) <= int.MaxValue => constant,
        _ => null,
    };

    /// <summary>A bit operation or shift compared gets parentheses, as people write it: (i >> 1) != 2.</summary>
    private static int ComparedPrecedence(Expr operand) =>
        operand is IntegerValue { Integer: Binary binary } && binary.Operator.IsIntegerOnly() && binary.Operator != BinaryOperator.Remainder
            ? PrimaryPrecedence
            : ComparisonPrecedence;

    private static void WriteOperand(Expr operand, int parentPrecedence, StringBuilder builder, bool parenthesiseEqual, bool single, bool integer)
    {
        int precedence = Precedence(operand);
        bool parenthesise = precedence < parentPrecedence || (parenthesiseEqual && precedence == parentPrecedence);
        if (parenthesise)
        {
            builder.Append('(');
        }

        Write(operand, builder, single, integer);
        if (parenthesise)
        {
            builder.Append(')');
        }
    }

    private static int Precedence(Expr expression) => expression switch
    {
        Conditional => ConditionalPrecedence,
        Logical { Operator: LogicalOperator.Or } => OrPrecedence,
        Logical => AndPrecedence,
        Not => UnaryPrecedence,
        Comparison => ComparisonPrecedence,
        Binary { Operator: BinaryOperator.Add or BinaryOperator.Subtract } => AdditivePrecedence,
        Binary { Operator: BinaryOperator.BitwiseOr } => BitwiseOrPrecedence,
        Binary { Operator: BinaryOperator.ExclusiveOr } => ExclusiveOrPrecedence,
        Binary { Operator: BinaryOperator.BitwiseAnd } => BitwiseAndPrecedence,
        Binary { Operator: var op } when op.IsShift() => ShiftPrecedence,
        Binary => MultiplicativePrecedence,
        BitwiseComplement or IntegerConversion or IntegerCast => UnaryPrecedence,
        HeldArgument held => Precedence(held.Value),
        Negate => UnaryPrecedence,
        Call { Function.Builtin: BuiltinFunction.Sign } => UnaryPrecedence,
        IntegerValue => UnaryPrecedence,
        Constant { Value: < 0 } => UnaryPrecedence,
        _ => PrimaryPrecedence,
    };

    private static string OperatorText(BinaryOperator op) => op switch
    {
        BinaryOperator.Add => "+",
        BinaryOperator.Subtract => "-",
        BinaryOperator.Multiply => "*",
        BinaryOperator.Remainder => "%",
        BinaryOperator.BitwiseAnd => "&",
        BinaryOperator.BitwiseOr => "|",
        BinaryOperator.ExclusiveOr => "^",
        BinaryOperator.LeftShift => "<<",
        BinaryOperator.RightShift => ">>",
        BinaryOperator.UnsignedRightShift => ">>>",
        _ => "/",
    };

    /// <summary>
    /// The precedence an operand of a bit operation or shift is written against: one above its own when it is a
    /// different binary operator (so it gets parentheses), else the parent's.
    /// </summary>
    private static int ClarifiedPrecedence(Binary parent, Expr operand, int precedence) =>
        operand is Binary child && child.Operator != parent.Operator ? System.Math.Max(precedence, Precedence(child) + 1) : precedence;

    private static string ComparisonText(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Less => "<",
        ComparisonOperator.LessOrEqual => "<=",
        ComparisonOperator.Greater => ">",
        ComparisonOperator.GreaterOrEqual => ">=",
        ComparisonOperator.Equal => "==",
        _ => "!=",
    };
}
