using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// Prepares the forward sweep so that the backward sweep never computes a forward value twice. Around a
/// call that depends on a differentiated parameter:
/// <list type="bullet">
/// <item>an argument that is more than a name, and that the derivative evaluates again (every declared
/// derivative method, 1/u for ln u, ...), is computed once into a local named after the callee's parameter
/// (<c>Sigmoid(x * w + b)</c> becomes <c>double z = x * w + b;</c> then <c>Sigmoid(z)</c>);</item>
/// <item>a call nested in a larger expression whose derivative reuses its value (eᵘ, √u, σ(u)) gets a
/// local of its own (<c>double exp = Math.Exp(u);</c>).</item>
/// </list>
/// Expressions are pure, so naming a subexpression never changes a result.
/// </summary>
internal sealed class CallNormalizer
{
    private const string BuiltinArgumentName = "u";

    private readonly HashSet<string> _active;
    private readonly NameAllocator _names;
    private readonly List<Assignment> _output = new();
    private readonly Dictionary<Expr, Variable> _named = new();

    private CallNormalizer(HashSet<string> active, NameAllocator names)
    {
        _active = active;
        _names = names;
    }

    /// <summary>Rewrites <paramref name="forward"/>; new locals that depend on a differentiated parameter are added to <paramref name="active"/>.</summary>
    public static List<Assignment> Normalize(IReadOnlyList<Assignment> forward, HashSet<string> active, NameAllocator names)
    {
        var normalizer = new CallNormalizer(active, names);
        foreach (var assignment in forward)
        {
            var value = assignment.IsDouble ? normalizer.Visit(assignment.Value, isRoot: true) : assignment.Value;
            normalizer._output.Add(assignment with { Value = value });
        }

        return normalizer._output;
    }

    // The condition of the branch being normalised: what is named inside it is computed only when it holds.
    private Expr? _guard;

    private Expr Visit(Expr expression, bool isRoot) => expression switch
    {
        Negate negate => new Negate(Visit(negate.Operand, isRoot: false)),
        Binary binary => VisitBinary(binary),
        Call call => VisitCall(call, isRoot),
        Conditional { WhenFalse: Variable or Constant } guarded when isRoot && _guard is null => VisitGuarded(guarded),

        // Anything inside another conditional stays where it is: hoisting it would evaluate it when not taken.
        _ => expression,
    };

    /// <summary>
    /// A product or quotient: each operand is a partial of the other (∂(a·b)/∂a = b, ∂(a/b)/∂a = 1/b), so a call
    /// there whose other operand is active is named, and the backward sweep reads it instead of calling again
    /// (<c>Softplus(v) * s</c> becomes <c>double softplus = Softplus(v);</c> then <c>softplus * s</c>).
    /// </summary>
    private Expr VisitBinary(Binary binary)
    {
        var left = Visit(binary.Left, isRoot: false);
        var right = Visit(binary.Right, isRoot: false);
        if (binary.Operator is BinaryOperator.Multiply or BinaryOperator.Divide)
        {
            left = left is Call leftCall && IsActive(right) ? NameCall(leftCall) : left;
            right = right is Call rightCall && IsActive(left) ? NameCall(rightCall) : right;
        }

        return new Binary(binary.Operator, left, right);
    }

    // A call as cheap as reading a local (|u|, max, floor, ...) is left where it is: naming it would only add lines.
    private Expr NameCall(Call call) =>
        call.Function.IsDifferentiableCallee || call.Function.Builtin is BuiltinFunction.Abs or BuiltinFunction.Max or BuiltinFunction.Min
            or BuiltinFunction.Clamp or BuiltinFunction.FusedMultiplyAdd or BuiltinFunction.CopySign or BuiltinFunction.Sign or BuiltinFunction.Floor
            or BuiltinFunction.Ceiling or BuiltinFunction.Round or BuiltinFunction.Truncate
            ? call
            : Name(NameAllocator.ToCamelCase(call.Function.DisplayName), call);

    /// <summary>A statement inside a branch, <c>v = taken ? e : 0</c> or <c>v_1 = taken ? e : v</c>: e is normalised with guarded temporaries.</summary>
    private Expr VisitGuarded(Conditional guarded)
    {
        _guard = guarded.Condition;
        try
        {
            return guarded with { WhenTrue = Visit(guarded.WhenTrue, isRoot: true) };
        }
        finally
        {
            _guard = null;
        }
    }

    private Expr VisitCall(Call call, bool isRoot)
    {
        var arguments = call.Arguments.Select(argument => Visit(argument, isRoot: false)).ToList();
        if (!arguments.Any(IsActive))
        {
            return call with { Arguments = arguments.ToEquatableArray() };
        }

        if (call.Function.IsDifferentiableCallee)
        {
            // Another [Differentiable] method: call its generated gradient once; value and partials are its properties.
            var gradientCall = new Call(Function.Plain(call.Function.GradientMethod!, GeneratedNames.GradientMethod(call.Function.DisplayName)), arguments.ToEquatableArray());
            string gradientName = _names.Fresh(GeneratedNames.CalleeGradient(call.Function.DisplayName));
            _output.Add(new Assignment(
                gradientName,
                gradientName,
                _guard is null ? gradientCall : new Conditional(_guard, gradientCall, new DefaultLiteral()),
                IsGradientStruct: true));
            return new CalleeValue(new Variable(gradientName), call with { Arguments = arguments.ToEquatableArray() });
        }

        if (call.Function.PartialsUseArguments)
        {
            for (int i = 0; i < arguments.Count; i++)
            {
                if (!ExpressionFacts.IsAtom(arguments[i]))
                {
                    string wanted = i < call.Function.ParameterNames.Count ? call.Function.ParameterNames[i] : BuiltinArgumentName;
                    arguments[i] = Name(wanted, arguments[i]);
                }
            }
        }

        var normalized = call with { Arguments = arguments.ToEquatableArray() };
        // A call with a value-and-derivative method too: named, it is declared with its derivative (DerivativesBesideValues).
        if (!isRoot && (normalized.Function.PartialsUseValue(arguments) || CallWithDerivative.Of(normalized) is not null))
        {
            return Name(NameAllocator.ToCamelCase(call.Function.DisplayName), normalized);
        }

        // An entry of another method's gradient inside a larger expression: named once here (fX), so that the backward
        // sweep reads it rather than calling that gradient again where the product rule needs the entry's value.
        if (!isRoot && normalized.Function.Component is { } component)
        {
            return Name(NameAllocator.ToCamelCase(component.Hessian.DisplayName) + component.Property, normalized);
        }

        return normalized;
    }

    private Variable Name(string wanted, Expr value)
    {
        // Single assignment: a value named once stays valid, so the same expression is never named twice
        // (under the same condition: a guarded temporary is 0 where its branch is not taken).
        var stored = _guard is null ? value : new Conditional(_guard, value, Constant.Zero);
        if (_named.TryGetValue(stored, out var existing))
        {
            return existing;
        }

        string name = _names.Fresh(wanted);
        _output.Add(new Assignment(name, name, stored));
        if (IsActive(value))
        {
            _active.Add(name);
        }

        var variable = new Variable(name);
        _named[stored] = variable;
        return variable;
    }

    private bool IsActive(Expr expression) => ExpressionFacts.Variables(expression).Any(_active.Contains);
}
