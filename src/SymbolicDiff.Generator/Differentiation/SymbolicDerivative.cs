using System.Collections.Generic;
using SymbolicDiff.Generator.Model;
using SymbolicDiff.Generator.Parsing;
using static SymbolicDiff.Generator.Differentiation.Simplifier;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// The local partial derivative ∂e/∂u of one right-hand side <c>e</c> with respect to one variable
/// <c>u</c>, by the textbook rules (sum, product, quotient, chain). The result is simplified as it is
/// built, so <c>∂(x*w + b)/∂w</c> comes out as <c>x</c>.
/// </summary>
internal sealed class SymbolicDerivative
{
    private readonly string _variable;
    private readonly Expr _root;
    private readonly string _rootName;
    private readonly List<MissingPartial> _missing;

    private SymbolicDerivative(string variable, Expr root, string rootName, List<MissingPartial> missing)
    {
        _variable = variable;
        _root = root;
        _rootName = rootName;
        _missing = missing;
    }

    /// <summary>A call whose argument needs a partial derivative that the callee does not declare.</summary>
    public sealed record MissingPartial(string Function, string Parameter, LocationInfo? Location);

    /// <summary>
    /// ∂<paramref name="expression"/>/∂<paramref name="variable"/>, where <paramref name="expression"/> is
    /// the right-hand side of <c>valueName = expression</c>: rules that need the value of the whole
    /// expression (exp, sqrt, sigmoid, a quotient) use <paramref name="valueName"/> instead of computing it again.
    /// </summary>
    public static Expr Of(Expr expression, string variable, string valueName, List<MissingPartial> missing)
    {
        // A statement inside a branch is `v = taken ? e : 0`: where it is evaluated, v is e's value.
        var root = expression is Conditional { WhenFalse: Constant { IsZero: true } } guarded ? guarded.WhenTrue : expression;
        return new SymbolicDerivative(variable, root, valueName, missing).Derive(expression);
    }

    private Expr Derive(Expr expression)
    {
        switch (expression)
        {
            case Constant:
                return Constant.Zero;

            case Variable variable:
                return variable.Name == _variable ? Constant.One : Constant.Zero;

            case Negate negate:
                return Negated(Derive(negate.Operand));

            case Binary binary:
                return DeriveBinary(binary);

            case Call call:
                return DeriveCall(call);

            case CalleeValue callee:
                return DeriveCall(callee.Call, gradient: callee.Gradient);

            case Conditional conditional:
                // The condition carries no derivative: the gradient is that of the branch taken.
                return Simplify(new Conditional(conditional.Condition, Derive(conditional.WhenTrue), Derive(conditional.WhenFalse)));

            default:
                return Constant.Zero;
        }
    }

    private Expr DeriveBinary(Binary binary)
    {
        var left = binary.Left;
        var right = binary.Right;
        var dLeft = Derive(left);
        var dRight = Derive(right);
        switch (binary.Operator)
        {
            case BinaryOperator.Add:
                return Add(dLeft, dRight);

            case BinaryOperator.Subtract:
                return Subtract(dLeft, dRight);

            case BinaryOperator.Multiply:
                // (fg)' = f'g + fg'
                return Add(Multiply(dLeft, right), Multiply(left, dRight));

            default:
                // (f/g)' = f'/g − (f/g)·g'/g; when f/g is the whole right-hand side, its value is already named.
                var quotient = ReferenceEquals(binary, _root) ? new Variable(_rootName) : (Expr)binary;
                if (dRight is Constant { IsZero: true })
                {
                    return Divide(dLeft, right);
                }

                var fromDenominator = Negated(Divide(Multiply(quotient, dRight), right));
                return Add(Divide(dLeft, right), fromDenominator);
        }
    }

    private Expr DeriveCall(Call call, Variable? gradient = null)
    {
        Expr value = ReferenceEquals(call, _root) ? new Variable(_rootName) : call;
        Expr total = Constant.Zero;
        for (int i = 0; i < call.Arguments.Count; i++)
        {
            var dArgument = Derive(call.Arguments[i]);
            if (dArgument is Constant { IsZero: true })
            {
                continue;
            }

            var partial = call.Function.IsDifferentiableCallee ? CalleePartial(call, i, gradient) : Partial(call, i, value);
            if (partial is null)
            {
                string parameter = i < call.Function.ParameterNames.Count ? call.Function.ParameterNames[i] : "#" + (i + 1);
                _missing.Add(new MissingPartial(call.Function.DisplayName, parameter, call.Location));
                continue;
            }

            total = Add(total, Multiply(partial, dArgument));
        }

        return total;
    }

    /// <summary>∂f/∂(argument i) at the call's arguments, or null when the callee declares none.</summary>
    private static Expr? Partial(Call call, int index, Expr value)
    {
        if (call.Function.HasZeroDerivative)
        {
            // Sign, Floor, Ceiling, Round, Truncate are piecewise constant: 0, as PyTorch defines them.
            return Constant.Zero;
        }

        var a = call.Arguments;
        switch (call.Function.Builtin)
        {
            case BuiltinFunction.Exp:
                return value;                                                            // (eᵘ)' = eᵘ
            case BuiltinFunction.Log:
                return Divide(Constant.One, a[0]);                                       // (ln u)' = 1/u
            case BuiltinFunction.LogWithBase when index == 0:
                return Divide(Constant.One, Multiply(a[0], Math(BuiltinFunction.Log, a[1])));  // ∂log_b(u)/∂u = 1/(u ln b)
            case BuiltinFunction.LogWithBase:
                return Negated(Divide(value, Multiply(a[1], Math(BuiltinFunction.Log, a[1]))));  // ∂log_b(u)/∂b = −log_b(u)/(b ln b)
            case BuiltinFunction.Log10:
                return Divide(Constant.One, Multiply(a[0], new Constant(System.Math.Log(10))));
            case BuiltinFunction.Log2:
                return Divide(Constant.One, Multiply(a[0], new Constant(System.Math.Log(2))));
            case BuiltinFunction.Sqrt:
                return Divide(new Constant(0.5), value);                                 // (√u)' = 1/(2√u)
            case BuiltinFunction.Cbrt:
                return Divide(Constant.One, Multiply(new Constant(3), Multiply(value, value)));  // (∛u)' = 1/(3∛u²)
            case BuiltinFunction.Pow when index == 0:
                return Multiply(a[1], Simplify(Math(BuiltinFunction.Pow, a[0], Subtract(a[1], Constant.One)))); // p·u^(p−1)
            case BuiltinFunction.Pow:
                return Multiply(value, Math(BuiltinFunction.Log, a[0]));                 // ∂(u^p)/∂p = u^p · ln u
            case BuiltinFunction.Sin:
                return Math(BuiltinFunction.Cos, a[0]);
            case BuiltinFunction.Cos:
                return Negated(Math(BuiltinFunction.Sin, a[0]));
            case BuiltinFunction.Tan:
                return Add(Constant.One, Multiply(value, value));                        // 1 + tan²u
            case BuiltinFunction.Asin:
                return Divide(Constant.One, Math(BuiltinFunction.Sqrt, Subtract(Constant.One, Multiply(a[0], a[0]))));
            case BuiltinFunction.Acos:
                return Negated(Divide(Constant.One, Math(BuiltinFunction.Sqrt, Subtract(Constant.One, Multiply(a[0], a[0])))));
            case BuiltinFunction.Atan:
                return Divide(Constant.One, Add(Constant.One, Multiply(a[0], a[0])));
            case BuiltinFunction.Atan2:
            {
                // atan2(y, x): ∂/∂y = x/(x² + y²), ∂/∂x = −y/(x² + y²)
                var squaredNorm = Add(Multiply(a[1], a[1]), Multiply(a[0], a[0]));
                return index == 0 ? Divide(a[1], squaredNorm) : Negated(Divide(a[0], squaredNorm));
            }

            case BuiltinFunction.Sinh:
                return Math(BuiltinFunction.Cosh, a[0]);
            case BuiltinFunction.Cosh:
                return Math(BuiltinFunction.Sinh, a[0]);
            case BuiltinFunction.Tanh:
                return Subtract(Constant.One, Multiply(value, value));                   // 1 − tanh²u
            case BuiltinFunction.Abs:
                // sign(u), with 0 at u = 0 as PyTorch's abs backward. The last branch returns u itself:
                // it is ±0 at a kink and NaN for NaN, where Math.Sign would throw.
                return Select(a[0], ComparisonOperator.Greater, Constant.Zero, Constant.One,
                    Select(a[0], ComparisonOperator.Less, Constant.Zero, new Constant(-1), a[0]));
            case BuiltinFunction.Max:
            case BuiltinFunction.Min:
            {
                // As torch.maximum/minimum: the gradient goes to the selected argument, split evenly on a tie.
                var self = a[index];
                var other = a[1 - index];
                var wins = call.Function.Builtin == BuiltinFunction.Max ? ComparisonOperator.Greater : ComparisonOperator.Less;
                var loses = call.Function.Builtin == BuiltinFunction.Max ? ComparisonOperator.Less : ComparisonOperator.Greater;
                return Select(self, wins, other, Constant.One, Select(self, loses, other, Constant.Zero, new Constant(0.5)));
            }

            case BuiltinFunction.Clamp:
            {
                // As torch.clamp: x passes its gradient where lo ≤ x ≤ hi; a bound gets it where it is the result.
                var (x, low, high) = (a[0], a[1], a[2]);
                return index switch
                {
                    0 => Select(x, ComparisonOperator.Less, low, Constant.Zero, Select(x, ComparisonOperator.Greater, high, Constant.Zero, Constant.One)),
                    1 => Select(x, ComparisonOperator.Less, low, Constant.One, Constant.Zero),
                    _ => Select(x, ComparisonOperator.Greater, high, Constant.One, Constant.Zero),
                };
            }

            case BuiltinFunction.FusedMultiplyAdd:
                return index switch { 0 => a[1], 1 => a[0], _ => Constant.One };        // a·b + c
            default:
                var declared = index < call.Function.DeclaredPartials.Count ? call.Function.DeclaredPartials[index] : null;
                if (declared is null)
                {
                    return null;
                }

                var arguments = new List<Expr>(a);
                if (declared.TakesValue)
                {
                    arguments.Add(value);
                }

                return new Call(Function.Plain(declared.QualifiedMethodName, ShortName(declared.QualifiedMethodName)), arguments.ToEquatableArray());
        }
    }

    /// <summary>
    /// ∂f/∂(argument i) of another [Differentiable] method: the property of its gradient struct, from the
    /// struct the forward sweep computed or, inside a nested conditional, from a call of its gradient there.
    /// </summary>
    private static Expr? CalleePartial(Call call, int index, Variable? gradient)
    {
        string? property = index < call.Function.GradientProperties.Count ? call.Function.GradientProperties[index] : null;
        if (property is null)
        {
            return null;
        }

        Expr target = gradient ?? (Expr)new Call(Function.Plain(call.Function.GradientMethod!, call.Function.DisplayName + "WithGradient"), call.Arguments);
        return new Member(target, property);
    }

    private static Call Math(BuiltinFunction kind, params Expr[] arguments) => BuiltinFunctions.Call(kind, arguments);

    private static Expr Select(Expr left, ComparisonOperator op, Expr right, Expr whenTrue, Expr whenFalse) =>
        Simplify(new Conditional(new Comparison(op, left, right), whenTrue, whenFalse));

    private static string ShortName(string qualifiedName) => qualifiedName.Substring(qualifiedName.LastIndexOf('.') + 1);
}
