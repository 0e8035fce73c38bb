using SymbolicDiff.Generator.Differentiation;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Tests.Generator.Gradients;

/// <summary>
/// The differentiation stage on its own, without a compiler: methods are built by hand as
/// <see cref="MethodModel"/>s, differentiated, and the resulting <see cref="GradientProgram"/> is run by a
/// small interpreter written here, at points where the chain rule has been applied by hand.
/// </summary>
public class DifferentiatorTests
{
    private const double Tolerance = 1e-12;

    private static readonly Variable X = new("x");
    private static readonly Variable Y = new("y");
    private static readonly Variable W = new("w");
    private static readonly Variable B = new("b");
    private static readonly Variable K = new("k");

    // The runtime primitives as the parser describes them (see DerivativeDeclarationReader).
    private static readonly Function Sigmoid = new(
        "global::SymbolicDiff.Activations.Sigmoid",
        "Sigmoid",
        BuiltinFunction.None,
        new DeclaredPartial?[] { new("global::SymbolicDiff.Activations.SigmoidDerivative", TakesValue: true) }.ToEquatableArray())
    {
        ParameterNames = new[] { "z" }.ToEquatableArray(),
    };

    private static readonly Function MeanSquaredError = new(
        "global::SymbolicDiff.Losses.MeanSquaredError",
        "MeanSquaredError",
        BuiltinFunction.None,
        new DeclaredPartial?[]
        {
            new("global::SymbolicDiff.Losses.MeanSquaredErrorPredictionDerivative", TakesValue: false),
            new("global::SymbolicDiff.Losses.MeanSquaredErrorTargetDerivative", TakesValue: false),
        }.ToEquatableArray())
    {
        ParameterNames = new[] { "prediction", "target" }.ToEquatableArray(),
    };

    // ---- The worked example -----------------------------------------------------------------------------

    /// <summary>z = x·w + b; a = σ(z); loss = (a − y)², differentiated with respect to w and b.</summary>
    private static StraightLineMethod NeuronModel() => Method(
        "Loss",
        new[] { Parameter("x", false), Parameter("w", true), Parameter("b", true), Parameter("y", false) },
        "loss",
        Assign("z", Add(Mul(X, W), B)),
        Assign("a", CallOf(Sigmoid, new Variable("z"))),
        Assign("loss", CallOf(MeanSquaredError, new Variable("a"), Y)));

    [Fact]
    public void Neuron_adjoints_follow_the_chain_rule_at_the_worked_example()
    {
        var program = Differentiate(NeuronModel());
        var run = Interpreter.Run(program, ("x", 0.5), ("w", 2.0), ("b", -1.0), ("y", 1.0));

        // By hand: z = 0, a = ½, ∂loss/∂a = 2(a − y) = −1, ∂a/∂z = a(1 − a) = ¼, ∂loss/∂z = −¼,
        // ∂loss/∂w = −¼·x = −⅛, ∂loss/∂b = −¼.
        Assert.Equal(0.25, run.Variables["loss"], Tolerance);
        Assert.Equal(-1.0, run.Variables["dLoss_da"], Tolerance);
        Assert.Equal(-0.25, run.Variables["dLoss_dz"], Tolerance);
        Assert.Equal(new[] { "W", "B" }, program.Gradient.Select(g => g.PropertyName));
        Assert.Equal(-0.125, run.Gradient["W"], Tolerance);
        Assert.Equal(-0.25, run.Gradient["B"], Tolerance);
    }

    [Theory]
    [InlineData(1.5, -0.3, 0.4, 0.0)]
    [InlineData(-2.0, 0.7, 1.1, 1.0)]
    [InlineData(0.25, 3.0, -2.5, 0.3)]
    public void Neuron_gradient_equals_the_closed_form_at_other_points(double x, double w, double b, double y)
    {
        var run = Interpreter.Run(Differentiate(NeuronModel()), ("x", x), ("w", w), ("b", b), ("y", y));

        // The chain rule written out: ∂L/∂w = 2(a − y)·a(1 − a)·x, ∂L/∂b = 2(a − y)·a(1 − a).
        double a = 1 / (1 + Math.Exp(-(x * w + b)));
        double dLdz = 2 * (a - y) * a * (1 - a);
        Assert.Equal((a - y) * (a - y), run.Variables["loss"], Tolerance);
        Assert.Equal(dLdz * x, run.Gradient["W"], Tolerance);
        Assert.Equal(dLdz, run.Gradient["B"], Tolerance);
    }

    [Fact]
    public void Neuron_gives_no_adjoint_to_the_parameters_held_constant()
    {
        var program = Differentiate(NeuronModel());

        Assert.Equal(new[] { "w", "b" }, program.Gradient.Select(g => g.ParameterName));
        Assert.DoesNotContain(BackwardOf(program), s => s.Target.EndsWith("_dx", StringComparison.Ordinal) || s.Target.EndsWith("_dy", StringComparison.Ordinal));

        // The forward sweep is the method's own program, untouched.
        Assert.Equal(NeuronModel().Body.Select(a => (a.Target, a.Value)), ForwardOf(program).Select(a => (a.Target, a.Value)));
    }

    // ---- Fan-out: an adjoint accumulated from several uses -----------------------------------------------

    [Theory]
    [InlineData(0.3, -1.2)]
    [InlineData(-1.7, 0.4)]
    [InlineData(2.0, 2.0)]
    public void Adjoints_of_a_variable_used_twice_accumulate(double x, double y)
    {
        // u = x·y; v = sin u; r = u·v + x.
        var program = Differentiate(Method(
            "R",
            new[] { Parameter("x", true), Parameter("y", true) },
            "r",
            Assign("u", Mul(X, Y)),
            Assign("v", Sin(new Variable("u"))),
            Assign("r", Add(Mul(new Variable("u"), new Variable("v")), X))));
        var run = Interpreter.Run(program, ("x", x), ("y", y));

        // r = xy·sin(xy) + x; ∂r/∂u = sin u + u cos u, ∂r/∂x = y·∂r/∂u + 1, ∂r/∂y = x·∂r/∂u.
        double u = x * y;
        double dRdu = Math.Sin(u) + u * Math.Cos(u);
        Assert.Equal(dRdu, run.Variables["dR_du"], Tolerance);
        Assert.Equal(y * dRdu + 1, run.Gradient["X"], Tolerance);
        Assert.Equal(x * dRdu, run.Gradient["Y"], Tolerance);
        Assert.Contains(BackwardOf(program), s => s.Accumulates);
    }

    // ---- Dead code and constants --------------------------------------------------------------------------

    [Fact]
    public void Dead_and_constant_variables_get_no_backward_statement()
    {
        // dead = x·x (never used), unused = exp(w) (depends on w, never reaches r), c = 2k (k held constant),
        // r = w·c. Only w's adjoint is needed: ∂r/∂w = c = 2k; ∂r/∂x = 0.
        var program = Differentiate(Method(
            "R",
            new[] { Parameter("x", true), Parameter("w", true), Parameter("k", false) },
            "r",
            Assign("dead", Mul(X, X)),
            Assign("unused", Exp(W)),
            Assign("c", Mul(K, C(2))),
            Assign("r", Mul(W, new Variable("c")))));

        Assert.Equal(new[] { "c", "r" }, ForwardOf(program).Select(a => a.Target));
        var statement = Assert.Single(BackwardOf(program));
        Assert.False(statement.Accumulates);
        Assert.Equal(new Variable("c"), statement.Value);

        Assert.Equal(new[] { "X", "W" }, program.Gradient.Select(g => g.PropertyName));
        var gradient = program.Gradient.ToDictionary(g => g.PropertyName, g => g.Value);
        Assert.Equal(Constant.Zero, gradient["X"]);
        Assert.Equal(new Variable(statement.Target), gradient["W"]);

        var run = Interpreter.Run(program, ("x", 5.0), ("w", 3.0), ("k", 1.5));
        Assert.Equal(9.0, run.Variables["r"]);
        Assert.Equal(3.0, run.Gradient["W"]);
        Assert.Equal(0.0, run.Gradient["X"]);
    }

    [Fact]
    public void Returning_a_parameter_needs_no_backward_sweep()
    {
        var program = Differentiate(Method("Second", new[] { Parameter("x", true), Parameter("y", true) }, "y"));

        Assert.Empty(BackwardOf(program));
        Assert.Equal(Constant.Zero, program.Gradient[0].Value);
        Assert.Equal(Constant.One, program.Gradient[1].Value);
    }

    [Fact]
    public void A_result_of_constants_only_has_zero_gradient()
    {
        // r = 2k with only x differentiated.
        var program = Differentiate(Method("R", new[] { Parameter("x", true), Parameter("k", false) }, "r", Assign("r", Mul(C(2), K))));

        Assert.Empty(BackwardOf(program));
        Assert.Equal(Constant.Zero, Assert.Single(program.Gradient).Value);
    }

    // ---- Local derivative rules, one function at a time -------------------------------------------------

    public static IEnumerable<object[]> Rules() => new[]
    {
        // name, x, expected ∂r/∂x (by hand: the textbook derivative evaluated with System.Math)
        new object[] { "Exp", 0.7, Math.Exp(0.7) },
        new object[] { "Log", 0.7, 1 / 0.7 },
        new object[] { "Sqrt", 0.7, 0.5 / Math.Sqrt(0.7) },
        new object[] { "PowConstant", 0.7, 3 * 0.7 * 0.7 },
        new object[] { "PowConstant", -1.3, 3 * 1.3 * 1.3 },
        new object[] { "Sin", 0.7, Math.Cos(0.7) },
        new object[] { "Cos", 0.7, -Math.Sin(0.7) },
        new object[] { "Tan", 0.7, 1 / (Math.Cos(0.7) * Math.Cos(0.7)) },
        new object[] { "Tanh", 0.7, 1 / (Math.Cosh(0.7) * Math.Cosh(0.7)) },
        new object[] { "Abs", 0.7, 1.0 },
        new object[] { "Abs", -0.7, -1.0 },
        new object[] { "Abs", 0.0, 0.0 },
        new object[] { "Sigmoid", 0.7, Math.Exp(-0.7) / ((1 + Math.Exp(-0.7)) * (1 + Math.Exp(-0.7))) },
        new object[] { "Negate", 0.7, -1.0 },
        new object[] { "Reciprocal", 0.7, -1 / (0.7 * 0.7) },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_rule_gives_the_textbook_derivative(string rule, double x, double expected)
    {
        Expr value = rule switch
        {
            "PowConstant" => Builtin(BuiltinFunction.Pow, X, C(3)),
            "Sigmoid" => CallOf(Sigmoid, X),
            "Negate" => new Negate(X),
            "Reciprocal" => new Binary(BinaryOperator.Divide, C(1), X),
            _ => Builtin(Enum.Parse<BuiltinFunction>(rule), X),
        };

        // The call nested inside r = 0 + f(x)·1 as well as at the root, so both ways of reaching the
        // function's value (the result's name, or the call itself) are exercised.
        foreach (var body in new[] { value, Add(C(0), Mul(value, C(1))) })
        {
            var program = Differentiate(Method("R", new[] { Parameter("x", true) }, "r", Assign("r", body)));
            var run = Interpreter.Run(program, ("x", x));
            Assert.Equal(expected, run.Gradient["X"], Tolerance);
        }
    }

    [Theory]
    [InlineData(1.7, 0.6)]
    [InlineData(0.4, -2.2)]
    public void Pow_with_a_variable_exponent_differentiates_both_arguments(double x, double y)
    {
        // r = xʸ: ∂r/∂x = y·xʸ⁻¹, ∂r/∂y = xʸ·ln x.
        var program = Differentiate(Method(
            "R", new[] { Parameter("x", true), Parameter("y", true) }, "r", Assign("r", Builtin(BuiltinFunction.Pow, X, Y))));
        var run = Interpreter.Run(program, ("x", x), ("y", y));

        Assert.Equal(y * Math.Pow(x, y - 1), run.Gradient["X"], Tolerance);
        Assert.Equal(Math.Pow(x, y) * Math.Log(x), run.Gradient["Y"], Tolerance);
    }

    [Fact]
    public void Quotient_and_value_taking_rules_reuse_the_value_instead_of_recomputing_it()
    {
        // r = x / y and e = exp(x·y): the backward sweep reads r and e, it does not divide or exponentiate again.
        var quotient = Differentiate(Method(
            "R", new[] { Parameter("x", true), Parameter("y", true) }, "r", Assign("r", new Binary(BinaryOperator.Divide, X, Y))));
        var run = Interpreter.Run(quotient, ("x", 3.0), ("y", -4.0));
        Assert.Equal(1 / -4.0, run.Gradient["X"], Tolerance);
        Assert.Equal(-3.0 / 16.0, run.Gradient["Y"], Tolerance);    // −x/y²
        Assert.Contains(BackwardOf(quotient), s => Mentions(s.Value, "r"));

        var exponential = Differentiate(Method(
            "E", new[] { Parameter("x", true), Parameter("y", true) }, "e", Assign("e", Exp(Mul(X, Y)))));
        Assert.DoesNotContain(BackwardOf(exponential), s => CallsAnything(s.Value));
        var expRun = Interpreter.Run(exponential, ("x", 0.5), ("y", -1.0));
        Assert.Equal(-Math.Exp(-0.5), expRun.Gradient["X"], Tolerance);   // y·e^(xy)
        Assert.Equal(0.5 * Math.Exp(-0.5), expRun.Gradient["Y"], Tolerance);
    }

    [Fact]
    public void A_call_without_a_declared_partial_for_an_active_argument_is_reported()
    {
        var onlyFirst = new Function(
            "global::Lib.F",
            "F",
            BuiltinFunction.None,
            new DeclaredPartial?[] { new("global::Lib.FDerivative", TakesValue: false), null }.ToEquatableArray())
        {
            ParameterNames = new[] { "a", "b" }.ToEquatableArray(),
        };

        // A constant for the undeclared parameter is fine...
        var (fine, fineDiagnostics) = Run(Method(
            "R", new[] { Parameter("x", true), Parameter("k", false) }, "r", Assign("r", CallOf(onlyFirst, X, K))));
        Assert.NotNull(fine);
        Assert.Empty(fineDiagnostics);

        // ...an argument that depends on x is not.
        var (program, diagnostics) = Run(Method(
            "R", new[] { Parameter("x", true), Parameter("k", false) }, "r", Assign("r", CallOf(onlyFirst, K, Mul(X, X)))));
        Assert.Null(program);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("SD0012", diagnostic.Id);
        Assert.Equal(new[] { "F", "b" }, diagnostic.MessageArguments);
    }

    // ---- Simplifier -------------------------------------------------------------------------------------

    private static readonly Dictionary<string, (Expr Input, Expr Expected)> IdentityCases = new (string Name, Expr Input, Expr Expected)[]
    {
        ("x*1", Mul(X, C(1)), X),
        ("1*x", Mul(C(1), X), X),
        ("x+0", Add(X, C(0)), X),
        ("0+x", Add(C(0), X), X),
        ("x-0", Sub(X, C(0)), X),
        ("0-x", Sub(C(0), X), new Negate(X)),
        ("0*x", Mul(C(0), X), C(0)),
        ("x*0", Mul(X, C(0)), C(0)),
        ("0/x", new Binary(BinaryOperator.Divide, C(0), X), C(0)),
        ("x/1", new Binary(BinaryOperator.Divide, X, C(1)), X),
        ("-(-x)", new Negate(new Negate(X)), X),
        ("-(-(-x))", new Negate(new Negate(new Negate(X))), new Negate(X)),
        ("-(3)", new Negate(C(3)), C(-3)),
        ("2+3", Add(C(2), C(3)), C(5)),
        ("(2+3)*4", Mul(Add(C(2), C(3)), C(4)), C(20)),
        ("1/4 is not integer division", new Binary(BinaryOperator.Divide, C(1), C(4)), C(0.25)),
        ("2-5", Sub(C(2), C(5)), C(-3)),
        ("(2*3)+(8/2)-1", Sub(Add(Mul(C(2), C(3)), new Binary(BinaryOperator.Divide, C(8), C(2))), C(1)), C(9)),
        ("x*-1", Mul(X, C(-1)), new Negate(X)),
        ("2*(3*x)", Mul(C(2), Mul(C(3), X)), Mul(C(6), X)),
        ("x*2 puts the constant first", Mul(X, C(2)), Mul(C(2), X)),
        ("x+x", Add(X, X), Mul(C(2), X)),
        ("x-(-y)", Sub(X, new Negate(Y)), Add(X, Y)),
        ("x+(-y)", Add(X, new Negate(Y)), Sub(X, Y)),
        ("(-x)*(-y)", Mul(new Negate(X), new Negate(Y)), Mul(X, Y)),
        ("bottom up: ((x*1)+0)*(1+0)", Mul(Add(Mul(X, C(1)), C(0)), Add(C(1), C(0))), X),
        ("bottom up: (0*x)+(y*1)", Add(Mul(C(0), X), Mul(Y, C(1))), Y),
        ("pow(x,1)", Builtin(BuiltinFunction.Pow, X, C(1)), X),
        ("pow(x,0)", Builtin(BuiltinFunction.Pow, X, C(0)), C(1)),
        ("pow(x,2-1)", Builtin(BuiltinFunction.Pow, X, Sub(C(2), C(1))), X),
        ("sin(2*3) folds the argument only", Sin(Mul(C(2), C(3))), Sin(C(6))),
        ("c ? x*1 : x+0", new Conditional(new Comparison(ComparisonOperator.Greater, Y, C(0)), Mul(X, C(1)), Add(X, C(0))), X),
        ("x*y is left alone", Mul(X, Y), Mul(X, Y)),
        ("x+y is left alone", Add(X, Y), Add(X, Y)),
        ("x-y is left alone", Sub(X, Y), Sub(X, Y)),
        ("x/y is left alone", new Binary(BinaryOperator.Divide, X, Y), new Binary(BinaryOperator.Divide, X, Y)),
    }.ToDictionary(c => c.Name, c => (c.Input, c.Expected));

    public static IEnumerable<object[]> Identities() => IdentityCases.Keys.Select(name => new object[] { name });

    [Theory]
    [MemberData(nameof(Identities))]
    public void Simplifier_applies_its_identities(string identity)
    {
        var (input, expected) = IdentityCases[identity];
        var actual = Simplifier.Simplify(input);
        Assert.True(expected.Equals(actual), $"{identity}: expected {expected}, got {actual}");
    }

    [Fact]
    public void Simplifier_is_idempotent_on_its_results()
    {
        foreach (var (input, _) in IdentityCases.Values)
        {
            var once = Simplifier.Simplify(input);
            Assert.Equal(once, Simplifier.Simplify(once));
        }
    }

    // ---- Building models ----------------------------------------------------------------------------------

    /// <summary>A straight-line method as the single-assignment pass hands it to the straight-line transform.</summary>
    private sealed record StraightLineMethod(MethodModel Model, EquatableArray<Assignment> Body, string Result);

    private static (GradientProgram? Program, IReadOnlyList<DiagnosticInfo> Diagnostics) Run(StraightLineMethod method) =>
        ReverseModeDifferentiator.Differentiate(method.Model, method.Body, method.Result);

    private static GradientProgram Differentiate(StraightLineMethod method)
    {
        var (program, diagnostics) = Run(method);
        Assert.Empty(diagnostics);
        Assert.NotNull(program);
        return program!;
    }

    private static StraightLineMethod Method(string name, ParameterModel[] parameters, string result, params Assignment[] body) =>
        new(new MethodModel(new TypeHierarchy(null, EquatableArray<ContainingType>.Empty), name, parameters.ToEquatableArray(), EquatableArray<Statement>.Empty, result),
            body.ToEquatableArray(),
            result);

    private static ParameterModel Parameter(string name, bool differentiated) => new(name, "double", differentiated);

    private static Assignment Assign(string target, Expr value) => new(target, target, value);

    private static Constant C(double value) => new(value);

    private static Binary Add(Expr left, Expr right) => new(BinaryOperator.Add, left, right);

    private static Binary Sub(Expr left, Expr right) => new(BinaryOperator.Subtract, left, right);

    private static Binary Mul(Expr left, Expr right) => new(BinaryOperator.Multiply, left, right);

    private static Call CallOf(Function function, params Expr[] arguments) => new(function, arguments.ToEquatableArray());

    private static Call Builtin(BuiltinFunction kind, params Expr[] arguments) =>
        CallOf(new Function("global::System.Math." + kind, kind.ToString(), kind, EquatableArray<DeclaredPartial?>.Empty), arguments);

    private static Call Sin(Expr argument) => Builtin(BuiltinFunction.Sin, argument);

    private static Call Exp(Expr argument) => Builtin(BuiltinFunction.Exp, argument);

    private static bool Mentions(Expr expression, string variable) => expression switch
    {
        Variable v => v.Name == variable,
        Negate n => Mentions(n.Operand, variable),
        Binary b => Mentions(b.Left, variable) || Mentions(b.Right, variable),
        Call c => c.Arguments.Any(a => Mentions(a, variable)),
        Comparison c => Mentions(c.Left, variable) || Mentions(c.Right, variable),
        Conditional c => Mentions(c.Condition, variable) || Mentions(c.WhenTrue, variable) || Mentions(c.WhenFalse, variable),
        _ => false,
    };

    private static bool CallsAnything(Expr expression) => expression switch
    {
        Call => true,
        Negate n => CallsAnything(n.Operand),
        Binary b => CallsAnything(b.Left) || CallsAnything(b.Right),
        Conditional c => CallsAnything(c.WhenTrue) || CallsAnything(c.WhenFalse),
        _ => false,
    };

    // ---- A tiny interpreter for gradient programs ----------------------------------------------------------

    private sealed record RunResult(Dictionary<string, double> Variables, Dictionary<string, double> Gradient);

    /// <summary>
    /// Runs the forward sweep, then the backward sweep, then reads the gradient entries. It fails on a
    /// variable read before it is defined, a variable declared twice, and an accumulation into an
    /// undeclared variable, so it also checks that the program is well formed.
    /// </summary>
    private static class Interpreter
    {
        // The runtime primitives' definitions, written out again here rather than called.
        private static readonly Dictionary<string, Func<double[], double>> Functions = new()
        {
            ["global::SymbolicDiff.Activations.Sigmoid"] = a => 1 / (1 + Math.Exp(-a[0])),
            ["global::SymbolicDiff.Activations.SigmoidDerivative"] = a => a[1] * (1 - a[1]),
            ["global::SymbolicDiff.Activations.TanhDerivative"] = a => 1 - a[1] * a[1], // Math.Tanh's rule; its tail (|x| > 1) is TanhTailTests'
            ["global::SymbolicDiff.Losses.MeanSquaredError"] = a => (a[0] - a[1]) * (a[0] - a[1]),
            ["global::SymbolicDiff.Losses.MeanSquaredErrorPredictionDerivative"] = a => 2 * (a[0] - a[1]),
            ["global::SymbolicDiff.Losses.MeanSquaredErrorTargetDerivative"] = a => 2 * (a[1] - a[0]),
            ["global::Lib.F"] = a => a[0] * a[1],
            ["global::Lib.FDerivative"] = a => a[1],
        };

        public static RunResult Run(GradientProgram program, params (string Name, double Value)[] arguments)
        {
            var variables = arguments.ToDictionary(a => a.Name, a => a.Value);
            Assert.Equal(program.Method.Parameters.Select(p => p.Name).OrderBy(n => n), variables.Keys.OrderBy(n => n));

            foreach (var assignment in ForwardOf(program))
            {
                Assert.False(variables.ContainsKey(assignment.Target), $"forward: {assignment.Target} is defined twice");
                variables[assignment.Target] = Evaluate(assignment.Value, variables);
            }

            foreach (var statement in BackwardOf(program))
            {
                double value = Evaluate(statement.Value, variables);
                if (statement.Accumulates)
                {
                    Assert.True(variables.ContainsKey(statement.Target), $"backward: {statement.Target} += before it is declared");
                    variables[statement.Target] += value;
                }
                else
                {
                    Assert.False(variables.ContainsKey(statement.Target), $"backward: {statement.Target} is declared twice");
                    variables[statement.Target] = value;
                }
            }

            var gradient = new Dictionary<string, double>();
            foreach (var entry in program.Gradient)
            {
                gradient.Add(entry.PropertyName, Evaluate(entry.Value, variables));
            }

            return new RunResult(variables, gradient);
        }

        private static double Evaluate(Expr expression, Dictionary<string, double> variables) => expression switch
        {
            Constant c => c.Value,
            Variable v => variables.TryGetValue(v.Name, out double value)
                ? value
                : throw new Xunit.Sdk.XunitException($"{v.Name} is read before it is defined"),
            Negate n => -Evaluate(n.Operand, variables),
            Binary b => b.Operator switch
            {
                BinaryOperator.Add => Evaluate(b.Left, variables) + Evaluate(b.Right, variables),
                BinaryOperator.Subtract => Evaluate(b.Left, variables) - Evaluate(b.Right, variables),
                BinaryOperator.Multiply => Evaluate(b.Left, variables) * Evaluate(b.Right, variables),
                _ => Evaluate(b.Left, variables) / Evaluate(b.Right, variables),
            },
            Call c => Apply(c, c.Arguments.Select(a => Evaluate(a, variables)).ToArray()),
            Conditional c => Holds(c.Condition, variables) ? Evaluate(c.WhenTrue, variables) : Evaluate(c.WhenFalse, variables),
            _ => throw new NotSupportedException(expression.ToString()),
        };

        private static bool Holds(Expr condition, Dictionary<string, double> variables)
        {
            switch (condition)
            {
                case Logical { Operator: LogicalOperator.And } and:
                    return Holds(and.Left, variables) && Holds(and.Right, variables);
                case Logical or:
                    return Holds(or.Left, variables) || Holds(or.Right, variables);
                case Not not:
                    return !Holds(not.Operand, variables);
                case BoolConstant constant:
                    return constant.Value;
            }

            if (condition is not Comparison comparison)
            {
                throw new NotSupportedException("this interpreter evaluates comparisons only: " + condition);
            }

            double left = Evaluate(comparison.Left, variables);
            double right = Evaluate(comparison.Right, variables);
            return comparison.Operator switch
            {
                ComparisonOperator.Less => left < right,
                ComparisonOperator.LessOrEqual => left <= right,
                ComparisonOperator.Greater => left > right,
                ComparisonOperator.GreaterOrEqual => left >= right,
                ComparisonOperator.Equal => left == right,
                _ => left != right,
            };
        }

        private static double Apply(Call call, double[] a) => call.Function.Builtin switch
        {
            BuiltinFunction.Exp => Math.Exp(a[0]),
            BuiltinFunction.Log => Math.Log(a[0]),
            BuiltinFunction.Sqrt => Math.Sqrt(a[0]),
            BuiltinFunction.Pow => Math.Pow(a[0], a[1]),
            BuiltinFunction.Sin => Math.Sin(a[0]),
            BuiltinFunction.Cos => Math.Cos(a[0]),
            BuiltinFunction.Tan => Math.Tan(a[0]),
            BuiltinFunction.Tanh => Math.Tanh(a[0]),
            BuiltinFunction.Abs => Math.Abs(a[0]),
            _ => Functions.TryGetValue(call.Function.QualifiedName, out var f)
                ? f(a)
                : throw new NotSupportedException("no definition for " + call.Function.QualifiedName),
        };
    }

    /// <summary>A definition of the gradient body, as the interpreter and the assertions read it.</summary>
    private sealed record Step(string Target, Expr Value, bool Accumulates);

    /// <summary>The forward sweep: the body's definitions before the backward sweep's heading.</summary>
    private static List<Step> ForwardOf(GradientProgram program) => Steps(program).TakeWhile(s => s.Target != BackwardHeading).ToList();

    /// <summary>The backward sweep: the body's definitions and accumulations after its heading.</summary>
    private static List<Step> BackwardOf(GradientProgram program) => Steps(program).SkipWhile(s => s.Target != BackwardHeading).Skip(1).ToList();

    private const string BackwardHeading = "\u0001backward";

    private static IEnumerable<Step> Steps(GradientProgram program)
    {
        foreach (var statement in program.Body)
        {
            switch (statement)
            {
                case CommentLine { Comment: { } comment } when comment.Parts.OfType<CommentText>().Any(t => t.Text.StartsWith("Backward sweep", StringComparison.Ordinal)):
                    yield return new Step(BackwardHeading, Constant.Zero, false);
                    break;
                case DeclareReal real:
                    yield return new Step(real.Name, real.Value, false);
                    break;
                case DeclareBool condition:
                    yield return new Step(condition.Name, condition.Condition, false);
                    break;
                case DeclareVar declaration:
                    yield return new Step(declaration.Name, declaration.Value, false);
                    break;
                case DeclareInteger integer:
                    yield return new Step(integer.Name, integer.Value, false);
                    break;
                case UpdateReal { Target: Variable target, Operator: UpdateOperator.Add } update:
                    yield return new Step(target.Name, update.Value, true);
                    break;
                case UpdateReal { Target: Variable target, Operator: UpdateOperator.Subtract } update:
                    yield return new Step(target.Name, new Negate(update.Value), true);
                    break;
                case CommentLine:
                    break;
                default:
                    throw new InvalidOperationException("Unexpected statement in a loop-free gradient body: " + statement);
            }
        }
    }
}
