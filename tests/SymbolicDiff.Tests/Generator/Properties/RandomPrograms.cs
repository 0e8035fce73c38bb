using System.Globalization;
using System.Text;
using CsCheck;

namespace SymbolicDiff.Tests.Generator.Properties;

// Random [Differentiable] programs for the property tests: a small syntax tree of the supported language, CsCheck
// generators for it (so that failures shrink), and rendering to C#.
//
// Variables are referred to by index and resolved when rendering, modulo the variables in scope at that point, so
// that the generators need no context and every generated tree renders to valid C#, whatever shrinking does to it.
//
// Values must stay finite and moderate for finite differences to mean something, so functions with a restricted
// domain or a singularity are only applied through a construction that keeps their argument inside the domain and
// away from the singularity: Log(1 + u²), Sqrt(2 + sin u), division by 1.5 + cos u, Pow with a constant exponent
// or a positive base, Asin(0.9·sin u), Tan(sin u), Cbrt and Atan2 away from 0, Clamp with lo < hi by construction,
// and so on. Exp, Sinh, Cosh and a variable exponent only get bounded arguments: a huge intermediate that cancels
// (x = sinh(v)·(y − y) with sinh(v) ≈ 1e192) makes the backward sweep's sums lose every small term against it
// (absorption), a limit of floating-point reverse mode and not an error of the generator. The few points where a
// value still grows past 1e4 or overflows are skipped by the checker (see GradientOracle), and counted.
//
// The points are random reals (see Points), not round numbers, so that no condition compares equal numbers
// (an == that holds on a set of measure zero cannot be seen by finite differences) and no kink sits exactly at a
// point.
//
// The generator bugs these programs found (GeneratorBugRegressionTests has a minimal repro of each) are fixed, and
// the programs use those constructs again.

/// <summary>A function or operator with its C# template: {0}, {1}, {2} are the arguments.</summary>
internal sealed record Op(string Template, int Arity, bool IsOperator = false, bool HasIntegerOverloads = false, bool IsMaxOrMin = false)
{
    public string Render(params string[] args) => string.Format(CultureInfo.InvariantCulture, Template, args);
}

internal abstract record Expr
{
    /// <summary>Whether C# sees this as a constant expression (literals and operators on them only).</summary>
    public abstract bool IsConstant { get; }
}

/// <summary>A double parameter or local: the <see cref="Index"/>-th one in scope, modulo their number.</summary>
internal sealed record VarRef(int Index) : Expr
{
    public override bool IsConstant => false;
}

/// <summary>A literal or a constant: <see cref="RandomPrograms.Literals"/>[Index].</summary>
internal sealed record Lit(int Index) : Expr
{
    public override bool IsConstant => true;
}

/// <summary>A const local in scope (the Index-th, modulo their number), or a literal when there is none.</summary>
internal sealed record ConstRef(int Index) : Expr
{
    public override bool IsConstant => true;
}

internal sealed record Apply(Op Op, Expr[] Args) : Expr
{
    public override bool IsConstant => Op.IsOperator && Args.All(a => a.IsConstant);
}

internal sealed record Conditional(Cond Condition, Expr WhenTrue, Expr WhenFalse) : Expr
{
    public override bool IsConstant => false;
}

/// <summary>A call of the method's [Differentiable] helper.</summary>
internal sealed record HelperCall(Expr First, Expr Second) : Expr
{
    public override bool IsConstant => false;
}

internal abstract record Cond;

internal sealed record Compare(string Operator, Expr Left, Expr Right) : Cond;

internal sealed record Logic(string Operator, Cond Left, Cond Right) : Cond;

internal sealed record Not(Cond Operand) : Cond;

/// <summary>A bool local in scope (the Index-th, modulo their number), or a comparison when there is none.</summary>
internal sealed record BoolRef(int Index) : Cond;

internal abstract record Stmt;

internal sealed record DeclareDouble(Expr Value) : Stmt;

internal sealed record DeclareBool(Cond Value) : Stmt;

internal sealed record DeclareConst(int Literal) : Stmt;

/// <summary><c>v = e</c> to a parameter or a double local in scope.</summary>
internal sealed record Assign(int Target, Expr Value) : Stmt;

/// <summary><c>v op= e</c>; <c>/=</c> divides by 1.5 + cos e.</summary>
internal sealed record CompoundAssign(string Operator, int Target, Expr Value) : Stmt;

/// <summary><c>v++</c>, <c>v--</c>, <c>++v</c> or <c>--v</c> as a statement.</summary>
internal sealed record Step(int Target, bool Increment, bool Prefix) : Stmt;

/// <summary><c>if (c) { Then; [return ThenReturn;] } [else { Else }]</c>. Only the then-branch may return, so code after the if is always reachable.</summary>
internal sealed record If(Cond Condition, Stmt[] Then, Expr? ThenReturn, Stmt[]? Else) : Stmt;

/// <summary>A method body: an expression body when <see cref="Statements"/> is null, a block ending in <c>return Result</c> otherwise.</summary>
internal sealed record Body(Stmt[]? Statements, Expr Result);

/// <summary>
/// One generated case: a method M(x, y[, z[, w]]) differentiated for the parameters in <see cref="DifferentiatedMask"/>,
/// its helper H(p, q) (differentiated for both), and the points to check them at.
/// </summary>
internal sealed record Case(int ParameterCount, int DifferentiatedMask, Body Main, Body Helper, double[][] Points)
{
    public static readonly string[] MainParameters = { "x", "y", "z", "w" };
    public static readonly string[] HelperParameters = { "p", "q" };

    public IReadOnlyList<string> Parameters => MainParameters.Take(ParameterCount).ToList();

    public IReadOnlyList<string> Differentiated =>
        Parameters.Where((_, i) => (DifferentiatedMask & (1 << i)) != 0).ToList();

    public bool DifferentiatesAll => Differentiated.Count == ParameterCount;
}

internal static class RandomPrograms
{
    /// <summary>Whether the rules that keep known generator bugs out of the programs apply (see the TODOs).</summary>

    // ----- The vocabulary ----------------------------------------------------------------------------------

    public static readonly string[] Literals = { "0.5", "2.0", "1.5", "-0.75", "3.0", "0.25", "1e-3", "Math.PI", "Math.E", "Scale", "2.5" };

    private static Op O(string template, int arity, bool isOperator = false) => new(template, arity, isOperator);

    /// <summary>A Math function with overloads for integers (and decimal) besides double.</summary>
    private static Op Overloaded(string template, int arity, bool isMaxOrMin = false) => new(template, arity, HasIntegerOverloads: true, IsMaxOrMin: isMaxOrMin);

    /// <summary>One-argument functions and operators, with weights.</summary>
    public static readonly (int Weight, Op Op)[] Unary =
    {
        (6, O("-({0})", 1, isOperator: true)),
        (1, O("+({0})", 1, isOperator: true)),
        // exp
        (2, O("Math.Exp(Math.Sin({0}))", 1)),
        (2, O("Math.Exp(Math.Tanh({0}))", 1)),
        (1, O("Math.Exp(0.5 * Math.Cos({0}))", 1)),
        (1, O("Math.Exp(-Math.Pow({0}, 2))", 1)),
        (1, O("Math.Exp(2 * Math.Atan({0}))", 1)),
        // logarithms, of a positive argument
        (2, O("Math.Log(1 + Math.Pow({0}, 2))", 1)),
        (1, O("Math.Log(2 + Math.Sin({0}))", 1)),
        (1, O("Math.Log(1.5 + Math.Cos({0}), 3.0)", 1)),
        (1, O("Math.Log10(1 + Math.Pow({0}, 2))", 1)),
        (1, O("Math.Log2(3 + Math.Tanh({0}))", 1)),
        // roots
        (2, O("Math.Sqrt(2 + Math.Sin({0}))", 1)),
        (1, O("Math.Sqrt(1 + Math.Pow({0}, 2))", 1)),
        (1, O("Math.Cbrt(1.5 + Math.Cos({0}))", 1)),
        (1, O("Math.Cbrt(Math.Atan({0}) + 2)", 1)),
        // powers: a constant exponent, or a positive base
        (2, O("Math.Pow({0}, 2)", 1)),
        (1, O("Math.Pow({0}, 3)", 1)),
        (1, O("Math.Pow(1 + Math.Pow({0}, 2), -0.5)", 1)),
        (1, O("Math.Pow(1.2 + Math.Cos({0}), -2)", 1)),
        (1, O("Math.Pow(1.5 + Math.Sin({0}), 1.7)", 1)),
        (1, O("Math.Pow(2.0, Math.Sin({0}))", 1)),
        // trigonometry
        (3, O("Math.Sin({0})", 1)),
        (3, O("Math.Cos({0})", 1)),
        (1, O("Math.Tan(Math.Sin({0}))", 1)),
        (1, O("Math.Tan(0.5 * Math.Tanh({0}))", 1)),
        (1, O("Math.Asin(0.9 * Math.Sin({0}))", 1)),
        (1, O("Math.Acos(0.8 * Math.Tanh({0}))", 1)),
        (2, O("Math.Atan({0})", 1)),
        // hyperbolic
        (3, O("Math.Tanh({0})", 1)),
        (1, O("Math.Sinh(Math.Sin({0}))", 1)),
        (1, O("Math.Cosh(Math.Tanh({0}))", 1)),
        (1, O("Math.Sinh(Math.Atan({0}))", 1)),
        (1, O("Math.Cosh(2 * Math.Atan({0}))", 1)),
        // kinks and steps
        (2, Overloaded("Math.Abs({0})", 1)),
        (1, Overloaded("Math.Clamp({0}, -0.5, 0.75)", 1)),
        (1, Overloaded("Math.Floor({0})", 1)),
        (1, Overloaded("Math.Ceiling({0})", 1)),
        (1, Overloaded("Math.Round({0})", 1)),
        (1, Overloaded("Math.Truncate({0})", 1)),
        (1, O("(double)Math.Sign({0})", 1)),
        // the runtime's primitives
        (2, O("Activations.Sigmoid({0})", 1)),
        (1, O("Activations.Tanh({0})", 1)),
        (1, O("Activations.Softplus({0})", 1)),
        (1, O("Activations.Relu({0})", 1)),
        (1, O("Activations.LeakyRelu({0})", 1)),
        (1, O("Activations.LeakyRelu({0}, 0.2)", 1)),
        // functions of the test's own with a declared derivative ([Derivative], see RenderFile)
        (1, O("Cube({0})", 1)),
        (1, O("Softsign({0})", 1)),
        (1, O("Scaled({0}, 4.0)", 1)),
    };

    /// <summary>Two-argument functions and operators, with weights.</summary>
    public static readonly (int Weight, Op Op)[] Binary =
    {
        (8, O("({0} + {1})", 2, isOperator: true)),
        (6, O("({0} - {1})", 2, isOperator: true)),
        (8, O("({0} * {1})", 2, isOperator: true)),
        // division, by something kept away from 0
        (3, O("({0} / (1.5 + Math.Cos({1})))", 2)),
        (2, O("({0} / (1 + Math.Pow({1}, 2)))", 2)),
        (1, O("({0} / (2.5 + Math.Tanh({1})))", 2)),
        (1, O("({0} / 1.7)", 1, isOperator: true)),
        (1, O("(2.0 / (1.5 + Math.Sin({0} * {1})))", 2)),
        (2, Overloaded("Math.Max({0}, {1})", 2, isMaxOrMin: true)),
        (2, Overloaded("Math.Min({0}, {1})", 2, isMaxOrMin: true)),
        (1, O("Math.Pow(1.5 + Math.Sin({0}), 2 * Math.Atan({1}))", 2)),
        (1, O("Math.Pow(1 + Math.Pow({0}, 2), 0.5 * Math.Sin({1}))", 2)),
        (1, O("Math.Atan2({0}, 2 + Math.Sin({1}))", 2)),
        (1, O("Math.Atan2({0}, 1 + Math.Pow({1}, 2))", 2)),
        (1, O("Math.Atan2(2 + Math.Cos({0}), {1})", 2)),
        (1, O("Math.Log(2 + Math.Sin({0}), 3 + Math.Cos({1}))", 2)),
        (2, O("Losses.MeanSquaredError({0}, {1})", 2)),
        (1, O("Losses.HalfSquaredError({0}, {1})", 2)),
        (1, O("Losses.BinaryCrossEntropyWithLogits({0}, Activations.Sigmoid({1}))", 2)),
        // A probability kept inside [0.05, 0.95]: σ(z) for a large z loses the digits of 1 − σ that the derivative
        // (p − t) / (p(1 − p)) · σ(1 − σ) needs (a known limit; BinaryCrossEntropyWithLogits is the accurate form).
        (1, O("Losses.BinaryCrossEntropy(Activations.Sigmoid(3 * Math.Tanh({0})), Activations.Sigmoid({1}))", 2)),
    };

    /// <summary>Three-argument functions, with weights.</summary>
    public static readonly (int Weight, Op Op)[] Ternary =
    {
        (1, O("Math.FusedMultiplyAdd({0}, {1}, {2})", 3)),
        (1, O("Math.Clamp({0}, -1 - Math.Pow({1}, 2), 1 + Math.Pow({2}, 2))", 3)),
    };

    public static readonly string[] Comparisons = { "<", "<=", ">", ">=", "==", "!=" };

    // ----- Generators --------------------------------------------------------------------------------------

    private static readonly Gen<int> VariableIndex = Gen.Int[0, 7];

    private static Gen<T> Weighted<T>(params (int Weight, Gen<T> Gen)[] choices) =>
        Gen.Frequency(choices.Where(c => c.Weight > 0).Select(c => (c.Weight, (IGen<T>)c.Gen)).ToArray());

    private static Gen<Op> OpGen((int Weight, Op Op)[] ops) => Gen.Frequency(ops.Select(o => (o.Weight, o.Op)).ToArray());

    private static readonly Gen<Expr> Leaf = Weighted(
        (6, VariableIndex.Select(i => (Expr)new VarRef(i))),
        (2, Gen.Int[0, Literals.Length - 1].Select(i => (Expr)new Lit(i))),
        (1, Gen.Int[0, 3].Select(i => (Expr)new ConstRef(i))));

    private sealed class Family
    {
        private readonly Gen<Expr>[] _expressions;
        private readonly Gen<Cond>[] _conditions;

        public Family(bool helperCalls, int maxDepth)
        {
            _expressions = new Gen<Expr>[maxDepth + 1];
            _conditions = new Gen<Cond>[maxDepth + 1];
            _expressions[0] = Leaf;
            _conditions[0] = ComparisonOf(Leaf);
            for (int depth = 1; depth <= maxDepth; depth++)
            {
                var sub = _expressions[depth - 1];
                var subCondition = _conditions[depth - 1];
                _conditions[depth] = Weighted(
                    (4, ComparisonOf(sub)),
                    (1, Gen.Select(Gen.OneOf("&&", "||"), subCondition, subCondition, (op, l, r) => (Cond)new Logic(op, l, r))),
                    (1, subCondition.Select(c => (Cond)new Not(c))),
                    (1, VariableIndex.Select(i => (Cond)new BoolRef(i))));
                _expressions[depth] = Weighted(
                    (3, Leaf),
                    (5, Gen.Select(OpGen(Unary), sub, (op, a) => (Expr)new Apply(op, new[] { a }))),
                    (7, Gen.Select(OpGen(Binary), sub, sub, (op, a, b) => (Expr)new Apply(op, new[] { a, b }))),
                    (1, Gen.Select(OpGen(Ternary), sub, sub, sub, (op, a, b, c) => (Expr)new Apply(op, new[] { a, b, c }))),
                    (1, Gen.Select(subCondition, sub, sub, (c, a, b) => (Expr)new Conditional(c, a, b))),
                    (helperCalls ? 1 : 0, Gen.Select(sub, sub, (a, b) => (Expr)new HelperCall(a, b))));
            }
        }

        private static Gen<Cond> ComparisonOf(Gen<Expr> operand) =>
            Gen.Select(Gen.OneOf(Comparisons), operand, operand, (op, l, r) => (Cond)new Compare(op, l, r));

        public Gen<Expr> Expression(int depth) => _expressions[depth];

        public Gen<Cond> Condition(int depth) => _conditions[depth];

        /// <summary>Statements, with ifs nested at most <paramref name="nesting"/> deep.</summary>
        public Gen<Stmt> Statement(int nesting)
        {
            var choices = new List<(int, Gen<Stmt>)>
            {
                (5, Expression(3).Select(e => (Stmt)new DeclareDouble(e))),
                (3, Gen.Select(VariableIndex, Expression(2), (t, e) => (Stmt)new Assign(t, e))),
                (3, Gen.Select(Gen.OneOf("+=", "-=", "*=", "/="), VariableIndex, Expression(2), (op, t, e) => (Stmt)new CompoundAssign(op, t, e))),
                (1, Gen.Select(VariableIndex, Gen.Bool, Gen.Bool, (t, inc, pre) => (Stmt)new Step(t, inc, pre))),
                (1, Condition(2).Select(c => (Stmt)new DeclareBool(c))),
                (1, Gen.Int[0, Literals.Length - 1].Select(i => (Stmt)new DeclareConst(i))),
            };
            if (nesting > 0)
            {
                var inner = Statement(nesting - 1).Array[0, 3];
                choices.Add((3, Gen.Select(Condition(2), inner, Expression(3).Null(), Gen.Bool, inner,
                    (c, thenBranch, thenReturn, hasElse, elseBranch) => (Stmt)new If(c, thenBranch, thenReturn, hasElse ? elseBranch : null))));
            }

            return Weighted(choices.ToArray());
        }
    }

    private static readonly Family MainFamily = new(helperCalls: true, maxDepth: 4);
    private static readonly Family HelperFamily = new(helperCalls: false, maxDepth: 3);

    /// <summary>
    /// Three points in [−2.5, 2.5]⁴: uniform on a grid of 10⁻⁶, each coordinate shifted by an irrational-looking
    /// offset of its own, so that coordinates differ from each other and from the literals even when shrunk to the
    /// bottom of the range.
    /// </summary>
    private static readonly Gen<double[][]> Points =
        Gen.Int[0, 1_000_000].Array[4]
            .Select(u => u.Select((k, i) => -2.4 + 4.8 * (k / 1e6) + 0.0137 * Math.Sqrt(2 + i)).ToArray())
            .Array[3];

    private static Gen<(int Count, int Mask)> ParametersGen =>
        from count in Gen.Int[2, 4]
        from all in Gen.Bool
        from mask in Gen.Int[1, (1 << count) - 1]
        select (count, all ? (1 << count) - 1 : mask);

    private static readonly Gen<Body> HelperBody = Weighted(
        (1, HelperFamily.Expression(3).Select(e => new Body(null, e))),
        (1, Gen.Select(HelperFamily.Statement(1).Array[0, 3], HelperFamily.Expression(2), (s, e) => new Body(s, e))));

    /// <summary>Methods whose body is one expression (an expression body): the operators and functions in depth.</summary>
    public static readonly Gen<Case> ExpressionCases =
        from parameters in ParametersGen
        from result in MainFamily.Expression(4)
        from helper in HelperBody
        from points in Points
        select new Case(parameters.Count, parameters.Mask, new Body(null, result), helper, points);

    /// <summary>Methods with statements: locals, reassignment, compound assignment, ++/--, if/else, early returns.</summary>
    public static readonly Gen<Case> StatementCases =
        from parameters in ParametersGen
        from statements in MainFamily.Statement(2).Array[1, 6]
        from result in MainFamily.Expression(3)
        from helper in HelperBody
        from points in Points
        select new Case(parameters.Count, parameters.Mask, new Body(statements, result), helper, points);

    // ----- Rendering ---------------------------------------------------------------------------------------

    /// <summary>The source of a file holding the <paramref name="cases"/> as M0/H0, M1/H1, ... in one partial class.</summary>
    public static string RenderFile(IReadOnlyList<Case> cases)
    {
        var builder = new StringBuilder();
        builder.Append("""
            using System;
            using SymbolicDiff;

            public static partial class P
            {
                private const double Scale = 1.25;

                // Functions with a declared derivative: one plain, one reusing the function's value, and one of two
                // parameters that declares a partial for the first only (the second gets constants).
                [Derivative(nameof(CubeDerivative))]
                public static double Cube(double v) => v * v * v;

                public static double CubeDerivative(double v) => 3 * v * v;

                [Derivative(nameof(SoftsignDerivative))]
                public static double Softsign(double v) => v / (1 + Math.Abs(v));

                public static double SoftsignDerivative(double v, double value) => (1 - Math.Abs(value)) * (1 - Math.Abs(value));

                [Derivative(nameof(value), nameof(ScaledDerivative))]
                public static double Scaled(double value, double factor) => value * factor;

                public static double ScaledDerivative(double value, double factor) => factor;

            """);
        for (int i = 0; i < cases.Count; i++)
        {
            builder.Append('\n').Append(RenderCase(cases[i], i, indent: "    "));
        }

        builder.Append("}\n");
        return builder.ToString();
    }

    /// <summary>The helper and the method of one case, as they appear in the class.</summary>
    public static string RenderCase(Case c, int index, string indent = "")
    {
        var builder = new StringBuilder();
        RenderMethod(builder, indent, "[Differentiable]", $"H{index}", Case.HelperParameters, c.Helper, helperName: null);
        builder.Append('\n');
        string attribute = c.DifferentiatesAll
            ? "[Differentiable]"
            : "[Differentiable(" + string.Join(", ", c.Differentiated.Select(p => $"nameof({p})")) + ")]";
        RenderMethod(builder, indent, attribute, $"M{index}", c.Parameters, c.Main, helperName: $"H{index}");
        return builder.ToString();
    }

    private static void RenderMethod(StringBuilder builder, string indent, string attribute, string name, IReadOnlyList<string> parameters, Body body, string? helperName)
    {
        builder.Append(indent).Append(attribute).Append('\n');
        builder.Append(indent).Append($"public static double {name}(").Append(string.Join(", ", parameters.Select(p => "double " + p))).Append(')');
        var scope = new Scope(parameters, helperName);
        if (body.Statements is null)
        {
            builder.Append(" =>\n").Append(indent).Append("    ").Append(scope.Render(body.Result)).Append(";\n");
            return;
        }

        builder.Append('\n').Append(indent).Append("{\n");
        scope.RenderStatements(builder, body.Statements, indent + "    ");
        builder.Append(indent).Append("    return ").Append(scope.Render(body.Result)).Append(";\n");
        builder.Append(indent).Append("}\n");
    }

    /// <summary>The variables in scope while rendering a body; blocks push and pop.</summary>
    private sealed class Scope
    {
        private readonly List<string> _doubles;
        private readonly List<string> _bools = new();
        private readonly List<string> _constants = new();
        private readonly string? _helperName;
        private readonly HashSet<string> _parameters;
        private readonly HashSet<string> _parametersAssigned = new();
        private int _next;
        private int _branchDepth;

        public Scope(IReadOnlyList<string> parameters, string? helperName)
        {
            _doubles = parameters.ToList();
            _parameters = parameters.ToHashSet();
            _helperName = helperName;
        }

        /// <summary>The variable an assignment, compound assignment or ++/-- writes to, or null to leave the statement out.</summary>
        private string? Target(int index)
        {
            string target = Variable(index);
            if (!_parameters.Contains(target))
            {
                return target;
            }

            _parametersAssigned.Add(target);
            return target;
        }

        private string Variable(int index) => _doubles[index % _doubles.Count];

        public string Render(Expr expression) => expression switch
        {
            VarRef v => Variable(v.Index),
            Lit l => Literals[l.Index],
            ConstRef c => _constants.Count == 0 ? Literals[c.Index % Literals.Length] : _constants[c.Index % _constants.Count],
            Apply a => RenderApply(a),
            Conditional c => RenderConditional(c),
            // Only the main method has a helper; the helper's own family never generates calls.
            HelperCall h => $"{_helperName}({Render(h.First)}, {Render(h.Second)})",
            _ => throw new InvalidOperationException(expression.ToString()),
        };

        public string Render(Cond condition) => condition switch
        {
            Compare c => RenderComparison(c),
            Logic l => $"({Render(l.Left)} {l.Operator} {Render(l.Right)})",
            Not n => $"!({Render(n.Operand)})",
            BoolRef b => _bools.Count == 0 ? $"{Variable(b.Index)} > 0" : _bools[b.Index % _bools.Count],
            _ => throw new InvalidOperationException(condition.ToString()),
        };

        /// <summary>Whether the expression depends on a variable, as rendered (a constant can be folded by the generator).</summary>
        private static bool HasVariable(Expr expression) => expression switch
        {
            VarRef or HelperCall or Conditional => true,
            Apply a => a.Args.Take(a.Op.Arity).Any(HasVariable),
            _ => false,
        };

        private string RenderApply(Apply a)
        {
            var args = a.Args.Take(a.Op.Arity).Select(Render).ToArray();
            return a.Op.Render(args);
        }

        private string RenderConditional(Conditional c)
        {
            string whenTrue = Render(c.WhenTrue);
            string whenFalse = Render(c.WhenFalse);
            return $"({Render(c.Condition)} ? {whenTrue} : {whenFalse})";
        }

        private string RenderComparison(Compare c)
        {
            // A comparison of constants would be a constant condition (and unreachable code): compare a variable
            // instead. A comparison of a variable with itself is warning CS1718, in the input and in the generated
            // code that repeats it: shift one side.
            bool constant = c.Left.IsConstant && c.Right.IsConstant;
            string left = constant ? Variable(0) : Render(c.Left);
            string right = Render(c.Right);
            // A known limit, not a bug of a gradient: the parser reads +x as x, so +x <= x is written x <= x in the
            // generated code, and C# warns (CS1718) where the input did not (< and > are folded to false). Operands
            // equal up to + are therefore treated as equal here.
            bool same = left == right || (!constant && Simplified(c.Left) == Simplified(c.Right));
            return same ? $"{left} {c.Operator} {right} + 0.5" : $"{left} {c.Operator} {right}";
        }

        /// <summary>The expression as rendered, with the identities the generator simplifies away removed: +u, −(−u), c ? u : u.</summary>
        private string Simplified(Expr expression) => expression switch
        {
            Apply { Op.Template: "+({0})" } a => Simplified(a.Args[0]),
            Apply { Op.Template: "-({0})", Args: [Apply { Op.Template: "-({0})" } inner] } => Simplified(inner.Args[0]),
            Conditional c when Simplified(c.WhenTrue) == Simplified(c.WhenFalse) => Simplified(c.WhenTrue),
            _ => Render(expression),
        };

        public void RenderStatements(StringBuilder builder, IEnumerable<Stmt> statements, string indent)
        {
            foreach (var statement in statements)
            {
                RenderStatement(builder, statement, indent);
            }
        }

        private void RenderStatement(StringBuilder builder, Stmt statement, string indent)
        {
            switch (statement)
            {
                case DeclareDouble d:
                {
                    string value = Render(d.Value);
                    string name = "v" + _next++;
                    builder.Append(indent).Append($"double {name} = {value};\n");
                    _doubles.Add(name);
                    break;
                }

                case DeclareBool d:
                {
                    string value = Render(d.Value);
                    string name = "f" + _next++;
                    builder.Append(indent).Append($"bool {name} = {value};\n");
                    _bools.Add(name);
                    break;
                }

                case DeclareConst d:
                {
                    string name = "k" + _next++;
                    builder.Append(indent).Append($"const double {name} = {Literals[d.Literal]};\n");
                    _constants.Add(name);
                    break;
                }

                case Assign a:
                {
                    if (Target(a.Target) is not { } target)
                    {
                        break;
                    }

                    string value = Render(a.Value);
                    // v = v would be warning CS1717.
                    builder.Append(indent).Append($"{target} = {(value == target ? "2.0 * " + target : value)};\n");
                    break;
                }

                case CompoundAssign c:
                {
                    if (Target(c.Target) is not { } target)
                    {
                        break;
                    }

                    string value = c.Operator == "/=" ? $"(1.5 + Math.Cos({Render(c.Value)}))" : Render(c.Value);
                    builder.Append(indent).Append($"{target} {c.Operator} {value};\n");
                    break;
                }

                case Step s:
                {
                    if (Target(s.Target) is not { } target)
                    {
                        break;
                    }

                    string op = s.Increment ? "++" : "--";
                    builder.Append(indent).Append(s.Prefix ? op + target : target + op).Append(";\n");
                    break;
                }

                case If i:
                    builder.Append(indent);
                    RenderIf(builder, i, indent);
                    break;

                default:
                    throw new InvalidOperationException(statement.ToString());
            }
        }

        /// <summary>An if, from its keyword on; an else branch that is a single if is written <c>else if</c>.</summary>
        private void RenderIf(StringBuilder builder, If i, string indent)
        {
            builder.Append($"if ({Render(i.Condition)})\n").Append(indent).Append("{\n");
            RenderBlock(builder, i.Then, i.ThenReturn, indent + "    ");
            builder.Append(indent).Append("}\n");
            if (i.Else is [If elseIf])
            {
                builder.Append(indent).Append("else ");
                _branchDepth++;
                RenderIf(builder, elseIf, indent);
                _branchDepth--;
            }
            else if (i.Else is not null)
            {
                builder.Append(indent).Append("else\n").Append(indent).Append("{\n");
                RenderBlock(builder, i.Else, null, indent + "    ");
                builder.Append(indent).Append("}\n");
            }
        }

        private void RenderBlock(StringBuilder builder, Stmt[] statements, Expr? result, string indent)
        {
            // Locals declared in a block go out of scope at its end; their names stay unique in the method (CS0136).
            int doubles = _doubles.Count, bools = _bools.Count, constants = _constants.Count;
            _branchDepth++;
            RenderStatements(builder, statements, indent);
            if (result is not null)
            {
                builder.Append(indent).Append($"return {Render(result)};\n");
            }

            _branchDepth--;

            _doubles.RemoveRange(doubles, _doubles.Count - doubles);
            _bools.RemoveRange(bools, _bools.Count - bools);
            _constants.RemoveRange(constants, _constants.Count - constants);
        }
    }

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
