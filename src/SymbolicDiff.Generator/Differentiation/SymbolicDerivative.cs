using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using SymbolicDiff.Generator.Model;
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
    public sealed record MissingPartial(string Function, string Parameter, LocationInfo? Location)
    {
        /// <summary>One SD0012 per distinct missing partial.</summary>
        public static List<DiagnosticInfo> Diagnostics(IEnumerable<MissingPartial> missing) => missing
            .Select(m => DiagnosticInfo.Create(Generator.Diagnostics.DiagnosticDescriptors.MissingPartialDerivative, m.Location, m.Function, m.Parameter))
            .Distinct()
            .ToList();
    }

    /// <summary>
    /// ∂<paramref name="expression"/>/∂<paramref name="variable"/>, where <paramref name="expression"/> is
    /// the right-hand side of <c>valueName = expression</c>: rules that need the value of the whole
    /// expression (exp, sqrt, sigmoid, a quotient) use <paramref name="valueName"/> instead of computing it again.
    /// </summary>
    public static Expr Of(Expr expression, string variable, string valueName, List<MissingPartial> missing)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack(); // a backstop: SizeLimits keeps input shallower than this
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

            case CallWithDerivative beside:
                return DeriveBeside(beside);

            case Conditional conditional:
                // The condition carries no derivative: the gradient is that of the branch taken.
                return Simplify(new Conditional(conditional.Condition, Derive(conditional.WhenTrue), Derive(conditional.WhenFalse)));

            default:
                return Constant.Zero;
        }
    }

    private Expr DeriveBinary(Binary binary)
    {
        if (binary.Operator.IsIntegerOnly())
        {
            return Constant.Zero; // %, bit operations, shifts: integers carry no derivative
        }

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

    /// <summary>
    /// A call whose value-and-derivative method the forward sweep called: the partial with respect to its one declared
    /// parameter is the local that method declared; any other argument that varies is SD0012, as for the call itself.
    /// </summary>
    private Expr DeriveBeside(CallWithDerivative beside)
    {
        var call = beside.Call;
        Expr total = Constant.Zero;
        for (int i = 0; i < call.Arguments.Count; i++)
        {
            var dArgument = Derive(call.Arguments[i]);
            if (dArgument is Constant { IsZero: true })
            {
                continue;
            }

            if (i != beside.Argument)
            {
                _missing.Add(new MissingPartial(call.Function.DisplayName, call.Function.ParameterNames[i], call.Location));
                continue;
            }

            total = Add(total, Multiply(new Variable(beside.Derivative), dArgument));
        }

        return total;
    }

    /// <summary>
    /// ∂f/∂(argument <paramref name="index"/>) of one call, by the same rules the reverse transforms use: a built-in
    /// rule's template, a declared <c>[Derivative]</c> partial, or a property of another [Differentiable] method's
    /// gradient struct (read from <paramref name="gradient"/> where the caller computed it, else from a call of its
    /// gradient). <paramref name="value"/> stands for the call's value where a rule reuses it. Null when no partial is declared.
    /// </summary>
    public static Expr? PartialOfCall(Call call, int index, Expr value, Variable? gradient) =>
        call.Function.IsDifferentiableCallee ? CalleePartial(call, index, gradient) : Partial(call, index, value);

    /// <summary>∂f/∂(argument i) at the call's arguments, or null when the callee declares none.</summary>
    private static Expr? Partial(Call call, int index, Expr value)
    {
        var a = call.Arguments;
        if (call.Function.Component is { } component)
        {
            // An entry of another method's gradient: its partials are a row of that method's Hessian.
            int column = index < component.Columns.Count ? component.Columns[index] : -1;
            return column < 0 ? null : new HessianEntry(component.Hessian, a, component.Row, column);
        }

        if (call.Function.Rule is { } rule)
        {
            // A built-in: its row's template, with the call's arguments and value put in.
            return Instantiate(rule.Partials[index], a, value);
        }

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

        Expr target = gradient ?? (Expr)new Call(Function.Plain(call.Function.GradientMethod!, GeneratedNames.GradientMethod(call.Function.DisplayName)), call.Arguments);
        return new Member(target, property);
    }

    private static string ShortName(string qualifiedName) => qualifiedName.Substring(qualifiedName.LastIndexOf('.') + 1);
}
