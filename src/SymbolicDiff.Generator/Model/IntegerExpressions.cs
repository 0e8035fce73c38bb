namespace SymbolicDiff.Generator.Model;

// Integer code beyond + - * / %: nodes that only ever stand in integer code (a DeclareInteger's value, an index,
// the inside of an IntegerValue) or as a callee's non-real argument. Integers carry no derivative, so every
// transform treats them as constants along any direction.

/// <summary><c>~n</c>: the bitwise complement of an integer.</summary>
internal sealed record BitwiseComplement(Expr Operand) : Expr;

/// <summary>
/// <c>(int)(x * n)</c>: a real converted to an integer type (<paramref name="TypeName"/>, <c>int</c> or <c>long</c>), which
/// truncates toward zero. Piecewise constant, like <c>Math.Truncate</c>, so its derivative is 0 wherever it exists;
/// <paramref name="Real"/> is real code.
/// </summary>
internal sealed record IntegerConversion(string TypeName, Expr Real) : Expr;

/// <summary>
/// An integer converted to another integer type where the conversion changes the result: <c>(long)n</c> inside long
/// arithmetic (<c>(long)i &lt;&lt; 40</c>, <c>(long)n * n</c>: dropped, it would shift or overflow in 32 bits), and <c>(int)k</c>
/// of a long (which keeps the low 32 bits, and makes an index a span accepts).
/// </summary>
internal sealed record IntegerCast(string TypeName, Expr Integer) : Expr;

/// <summary>
/// An argument for a parameter of a [Differentiable] callee that is not real (<c>3</c> in <c>Power(x, 3)</c> for
/// <c>Power(double x, int n)</c>, or a bool flag): passed as written, with no partial of its own.
/// <paramref name="IsCondition"/> for a bool, else integer code.
/// </summary>
internal sealed record HeldArgument(Expr Value, bool IsCondition) : Expr;

/// <summary>Which <see cref="BinaryOperator"/>s exist only in integer code.</summary>
internal static class IntegerOperators
{
    /// <summary>Whether <paramref name="op"/> is defined on integers only (<c>%</c> and the bit operations): its derivative is 0.</summary>
    public static bool IsIntegerOnly(this BinaryOperator op) => op >= BinaryOperator.Remainder;

    /// <summary>Whether <paramref name="op"/> is a shift (its right operand is a count, masked by the left's width).</summary>
    public static bool IsShift(this BinaryOperator op) => op is BinaryOperator.LeftShift or BinaryOperator.RightShift or BinaryOperator.UnsignedRightShift;
}
