using System.Collections.Generic;
using System.Linq;

namespace SymbolicDiff.Generator.Model;

/// <summary>
/// The derivative rules of the built-in <c>System.Math</c> functions, as data: one row per function, with one
/// partial per argument as an IR template over <see cref="RuleArgument"/>s and the <see cref="RuleValue"/>.
/// Parsing finds functions here by name and arity, differentiation instantiates the templates, Emit takes the
/// float names, and the list in diagnostic SD0006 and in the README is produced from it. Adding a function is
/// one row and one test.
/// </summary>
internal static class BuiltinRules
{
    private static readonly RuleArgument U = new(0);
    private static readonly RuleArgument V = new(1);
    private static readonly RuleArgument W = new(2);
    private static readonly RuleValue Value = new();
    private static readonly Constant Zero = Constant.Zero;
    private static readonly Constant One = Constant.One;

    /// <summary>
    /// The runtime's <c>Activations.TanhDerivative(x, tanh)</c> with the partials its <c>[Derivative]</c>s declare, for
    /// second derivatives, and those partials' own declared partials, for third derivatives (ThirdOrder = true, forward
    /// mode over a Hessian that calls them): what DerivativeDeclarationReader reads from Activations.Tanh's declarations,
    /// written out here because Math.Tanh carries none.
    /// </summary>
    private static readonly Function TanhDerivative = RuntimeFunction(
        "TanhDerivative",
        Partial("TanhDerivativeXPartial", RuntimeFunction("TanhDerivativeXPartial", Partial("TanhDerivativeXPartialXPartial"), Partial("TanhDerivativeMixedPartial"))),
        Partial("TanhDerivativeTanhPartial", RuntimeFunction("TanhDerivativeTanhPartial", Partial("TanhDerivativeMixedPartial"), Partial("TanhDerivativeTanhPartialTanhPartial"))));

    /// <summary>A runtime <c>Activations</c> method of (x, tanh) with its declared partials.</summary>
    private static Function RuntimeFunction(string name, DeclaredPartial xPartial, DeclaredPartial tanhPartial) =>
        new(RuntimeActivations + name, name, BuiltinFunction.None, new DeclaredPartial?[] { xPartial, tanhPartial }.ToEquatableArray())
        {
            ParameterNames = new[] { "x", "tanh" }.ToEquatableArray(),
        };

    private static DeclaredPartial Partial(string name, Function? callable = null) =>
        new(RuntimeActivations + name, TakesValue: false) { Callable = callable };

    private const string RuntimeActivations = "global::SymbolicDiff.Activations.";

    /// <summary>Every rule, in the order the supported list names them.</summary>
    public static IReadOnlyList<BuiltinRule> All { get; } = new[]
    {
        Row(BuiltinFunction.Exp, "Exp", "(eᵘ)' = eᵘ", Value),
        Row(BuiltinFunction.Log, "Log", "(ln u)' = 1/u", Div(One, U)),
        Row(BuiltinFunction.LogWithBase, "Log", "∂log_b(u)/∂u = 1/(u ln b); ∂/∂b = −log_b(u)/(b ln b)",
            Div(One, Mul(U, Call(BuiltinFunction.Log, V))),
            Neg(Div(Value, Mul(V, Call(BuiltinFunction.Log, V))))),
        Row(BuiltinFunction.Log10, "Log10", "1/(u ln 10)", Div(One, Mul(U, new Constant(System.Math.Log(10))))),
        Row(BuiltinFunction.Log2, "Log2", "1/(u ln 2)", Div(One, Mul(U, new Constant(System.Math.Log(2))))),
        Row(BuiltinFunction.Sqrt, "Sqrt", "(√u)' = 1/(2√u)", Div(new Constant(0.5), Value)),
        Row(BuiltinFunction.Cbrt, "Cbrt", "(∛u)' = 1/(3∛u²)", Div(One, Mul(new Constant(3), Mul(Value, Value)))),
        // As PyTorch's pow backward: ∂/∂u is 0 where p = 0 (not 0·0⁻¹ = NaN at u = 0), and ∂/∂p is 0 where u = 0
        // and p ≥ 0 (not 0·ln 0 = NaN), the limits of the true derivative there.
        Row(BuiltinFunction.Pow, "Pow", "∂(uᵖ)/∂u = p·uᵖ⁻¹, 0 where p = 0; ∂(uᵖ)/∂p = uᵖ·ln u, 0 where u = 0 and p ≥ 0",
            If(new Comparison(ComparisonOperator.Equal, V, Zero), Zero, Mul(V, Call(BuiltinFunction.Pow, U, Sub(V, One)))),
            If(new Logical(LogicalOperator.And, new Comparison(ComparisonOperator.Equal, U, Zero), new Comparison(ComparisonOperator.GreaterOrEqual, V, Zero)),
                Zero, Mul(Value, Call(BuiltinFunction.Log, U)))),
        Row(BuiltinFunction.Sin, "Sin", "cos u", Call(BuiltinFunction.Cos, U)),
        Row(BuiltinFunction.Cos, "Cos", "−sin u", Neg(Call(BuiltinFunction.Sin, U))),
        Row(BuiltinFunction.Tan, "Tan", "1 + tan²u", Add(One, Mul(Value, Value))),
        Row(BuiltinFunction.Asin, "Asin", "1/√(1 − u²)", Div(One, Call(BuiltinFunction.Sqrt, Sub(One, Mul(U, U))))),
        Row(BuiltinFunction.Acos, "Acos", "−1/√(1 − u²)", Neg(Div(One, Call(BuiltinFunction.Sqrt, Sub(One, Mul(U, U)))))),
        Row(BuiltinFunction.Atan, "Atan", "1/(1 + u²)", Div(One, Add(One, Mul(U, U)))),
        // atan2(y, x): ∂/∂y = x/(x² + y²), ∂/∂x = −y/(x² + y²).
        Row(BuiltinFunction.Atan2, "Atan2", "∂/∂y = x/(x² + y²), ∂/∂x = −y/(x² + y²)",
            Div(V, Add(Mul(V, V), Mul(U, U))),
            Neg(Div(U, Add(Mul(V, V), Mul(U, U))))),
        Row(BuiltinFunction.Sinh, "Sinh", "cosh u", Call(BuiltinFunction.Cosh, U)),
        Row(BuiltinFunction.Cosh, "Cosh", "sinh u", Call(BuiltinFunction.Sinh, U)),
        // 1 − tanh²u from the value where that is accurate (|u| ≤ 1: tanh² ≤ 0.58, no cancellation); beyond, 1 − tanh²
        // cancels (relative error growing like e^2|u|, and 0 from |u| ≈ 19 where tanh rounds to ±1, although the
        // derivative is a normal double up to |u| ≈ 354.9), so the same function is taken as 4e/(1 + e)² with
        // e = e^−2|u|, which does not cancel: one exponential in the tails only, a few ulps everywhere (TanhTailTests),
        // and 0 where e underflows. That is the runtime's Activations.TanhDerivative(u, tanh u), which Activations.Tanh
        // declares as its derivative: one tanh derivative, called rather than written out, because the JIT compiles a
        // loop that calls it into faster code than one holding the inline conditional and its exponential (the MLP's
        // backward loop over hidden units, docs/performance.md). Its own [Derivative]s give second derivatives.
        Row(BuiltinFunction.Tanh, "Tanh", "1 − tanh²u for |u| ≤ 1, 4e/(1 + e)² with e = e^−2|u| beyond (Activations.TanhDerivative)",
            new Call(TanhDerivative, new Expr[] { U, Value }.ToEquatableArray())),
        // sign(u), with 0 at u = 0 as PyTorch's abs backward. The last branch is u itself: ±0 at the kink and NaN
        // for NaN, where Math.Sign would throw.
        Row(BuiltinFunction.Abs, "Abs", "sign u, 0 at 0",
            Select(U, ComparisonOperator.Greater, Zero, One, Select(U, ComparisonOperator.Less, Zero, new Constant(-1), U))),
        // As torch.maximum/minimum: the gradient goes to the selected argument, split evenly on a tie.
        Row(BuiltinFunction.Max, "Max", "1 to the larger argument, ½ each on a tie",
            Select(U, ComparisonOperator.Greater, V, One, Select(U, ComparisonOperator.Less, V, Zero, new Constant(0.5))),
            Select(V, ComparisonOperator.Greater, U, One, Select(V, ComparisonOperator.Less, U, Zero, new Constant(0.5)))),
        Row(BuiltinFunction.Min, "Min", "1 to the smaller argument, ½ each on a tie",
            Select(U, ComparisonOperator.Less, V, One, Select(U, ComparisonOperator.Greater, V, Zero, new Constant(0.5))),
            Select(V, ComparisonOperator.Less, U, One, Select(V, ComparisonOperator.Greater, U, Zero, new Constant(0.5)))),
        // As torch.clamp: x passes its gradient where lo ≤ x ≤ hi; a bound gets it where it is the result.
        // MathF has no Clamp: a float method calls Math.Clamp(float, float, float).
        Row(BuiltinFunction.Clamp, "Clamp", "1 for x inside [lo, hi], else 1 for the bound that is the result",
            Select(U, ComparisonOperator.Less, V, Zero, Select(U, ComparisonOperator.Greater, W, Zero, One)),
            Select(U, ComparisonOperator.Less, V, One, Zero),
            Select(U, ComparisonOperator.Greater, W, One, Zero)) with { SingleName = "global::System.Math.Clamp" },
        Row(BuiltinFunction.FusedMultiplyAdd, "FusedMultiplyAdd", "∂(a·b + c)/∂a = b, ∂/∂b = a, ∂/∂c = 1", V, U, One),
        // copysign(u, v) = |u| with v's sign: Abs's rule (0 at u = 0) times v's sign; nothing to v, whose sign only
        // switches between two values (−0 and NaN included: Math.CopySign(1, v) reads v's sign bit, as the function does).
        Row(BuiltinFunction.CopySign, "CopySign", "sign u · sign v to u (0 at u = 0), 0 to v",
            Mul(Call(BuiltinFunction.CopySign, One, V), Select(U, ComparisonOperator.Greater, Zero, One, Select(U, ComparisonOperator.Less, Zero, new Constant(-1), U))),
            Zero),
        // IEEE remainder r = u − v·n with n = round(u/v) to even: n is piecewise constant, so ∂r/∂u = 1 and ∂r/∂v = −n
        // (as fmod's rule in PyTorch, with the rounded quotient for the truncated one).
        Row(BuiltinFunction.IEEERemainder, "IEEERemainder", "∂/∂u = 1, ∂/∂v = −round(u/v)", One, Neg(Call(BuiltinFunction.Round, Div(U, V)))),
        // Piecewise constant: derivative 0 wherever it exists, as PyTorch defines it.
        Piecewise(BuiltinFunction.Sign, "Sign"),
        Piecewise(BuiltinFunction.Floor, "Floor"),
        Piecewise(BuiltinFunction.Ceiling, "Ceiling"),
        Piecewise(BuiltinFunction.Round, "Round"),
        Piecewise(BuiltinFunction.Truncate, "Truncate"),
    };

    private static readonly Dictionary<(string Name, int Arity), BuiltinRule> ByName = All.ToDictionary(rule => (rule.Name, rule.Arity));
    private static readonly Dictionary<BuiltinFunction, BuiltinRule> ByKind = All.ToDictionary(rule => rule.Kind);

    /// <summary>The supported <c>Math</c> functions, for messages and the README: <c>Math.Exp, Log, …</c>.</summary>
    public static string SupportedList { get; } = "Math." + string.Join(", ", All.Select(rule => rule.Name).Distinct());

    /// <summary>The rule of <c>System.Math.{name}</c> taking <paramref name="arity"/> arguments, or null.</summary>
    public static BuiltinRule? Find(string name, int arity) => ByName.TryGetValue((name, arity), out var rule) ? rule : null;

    /// <summary>The rule of a built-in function.</summary>
    public static BuiltinRule Of(BuiltinFunction kind) => ByKind[kind];

    /// <summary>The function record of a built-in, used both when parsing calls and in derivative templates.</summary>
    public static Function Function(BuiltinFunction kind)
    {
        string name = kind == BuiltinFunction.LogWithBase ? "Log" : kind.ToString();
        return new("global::System.Math." + name, name, kind, EquatableArray<DeclaredPartial?>.Empty);
    }

    /// <summary>A call of a built-in function.</summary>
    public static Call Call(BuiltinFunction kind, params Expr[] arguments) => new(Function(kind), arguments.ToEquatableArray());

    private static BuiltinRule Row(BuiltinFunction kind, string name, string formula, params Expr[] partials) =>
        new(kind, name, partials.Length, "global::System.MathF." + name, formula, partials.ToEquatableArray());

    private static BuiltinRule Piecewise(BuiltinFunction kind, string name) =>
        new(kind, name, 1, "global::System.MathF." + name, "0 (piecewise constant)", new Expr[] { Zero }.ToEquatableArray());

    private static Expr Add(Expr left, Expr right) => new Binary(BinaryOperator.Add, left, right);

    private static Expr Sub(Expr left, Expr right) => new Binary(BinaryOperator.Subtract, left, right);

    private static Expr Mul(Expr left, Expr right) => new Binary(BinaryOperator.Multiply, left, right);

    private static Expr Div(Expr left, Expr right) => new Binary(BinaryOperator.Divide, left, right);

    private static Expr Neg(Expr operand) => new Negate(operand);

    private static Expr If(Expr condition, Expr whenTrue, Expr whenFalse) => new Conditional(condition, whenTrue, whenFalse);

    private static Expr Select(Expr left, ComparisonOperator op, Expr right, Expr whenTrue, Expr whenFalse) =>
        new Conditional(new Comparison(op, left, right), whenTrue, whenFalse);
}

/// <summary>One built-in function's derivative rule.</summary>
/// <param name="Kind">Which function.</param>
/// <param name="Name">Its name in <c>System.Math</c>.</param>
/// <param name="Arity">How many arguments it takes.</param>
/// <param name="SingleName">The function a float method calls, fully qualified (<c>MathF.Exp</c>).</param>
/// <param name="Formula">The rule in words, for documentation.</param>
/// <param name="Partials">∂f/∂(argument i), one template per argument.</param>
internal sealed record BuiltinRule(BuiltinFunction Kind, string Name, int Arity, string SingleName, string Formula, EquatableArray<Expr> Partials)
{
    /// <summary>Piecewise constant (Sign, Floor, ...): every partial is 0.</summary>
    public bool HasZeroDerivative => Partials.All(partial => partial is Constant { IsZero: true });

    /// <summary>Whether the partial with respect to argument <paramref name="index"/> is written in terms of the function's value (eᵘ, √u).</summary>
    public bool PartialUsesValue(int index) => Mentions(Partials[index], node => node is RuleValue);

    /// <summary>Whether some partial evaluates an argument again (1/u for ln u), so that arguments are worth naming.</summary>
    public bool PartialsUseArguments => Partials.Any(partial => Mentions(partial, node => node is RuleArgument));

    private static bool Mentions(Expr template, System.Func<Expr, bool> predicate) => ExpressionFacts.Mentions(template, predicate);
}
