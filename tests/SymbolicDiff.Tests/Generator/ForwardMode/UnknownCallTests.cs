using SymbolicDiff.Generator.Differentiation;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Tests.Generator.ForwardMode;

/// <summary>
/// A call statement the forward transform has no rule for (<c>H.Fill(x, buffer);</c>, what a gradient or Hessian program
/// may hold: another function's derivative methods) is kept as it is, so its effect would get a tangent of 0. Where an
/// argument varies, that zero is wrong: the transform gives up (null, which the callers report as SD0031 / SD0035)
/// rather than differentiate it silently. The parser writes no such statement, so the programs are written in the IR.
/// </summary>
public class UnknownCallTests
{
    private static readonly Variable X = new("x");

    /// <summary><c>Span&lt;double&gt; buffer = stackalloc double[1]; H.Fill(argument, buffer); double y = buffer[0]; return y;</c></summary>
    private static MethodModel Filling(Expr argument) => new(
        new TypeHierarchy(null, EquatableArray<ContainingType>.Empty),
        "M",
        new[] { new ParameterModel("x", "double", IsDifferentiated: true) }.ToEquatableArray(),
        new Statement[]
        {
            new DeclareBuffer("buffer", Constant.One, OnStack: true),
            new CallStatement(new Call(Function.Plain("H.Fill", "Fill"), new[] { argument, new VectorArgument("buffer") }.ToEquatableArray())),
            new DeclareReal("y", new Element("buffer", new Constant(0))),
        }.ToEquatableArray(),
        "y");

    [Fact]
    public void A_call_without_a_rule_whose_argument_varies_has_no_forward_mode()
    {
        // H.Fill(x * x, buffer): y depends on x through the call, whose derivative nothing declares. Before the rule the
        // transform returned a program whose tangent of y was 0.
        Assert.Null(ForwardModeDifferentiator.Differentiate(Filling(new Binary(BinaryOperator.Multiply, X, X))));
    }

    [Fact]
    public void A_gradient_program_with_such_a_call_reports_no_tangents()
    {
        var forward = ForwardModeDifferentiator.DifferentiateGradient(Filling(X), new[] { "y" }, new Dictionary<string, string>(), CancellationToken.None);

        Assert.Null(forward.Program);
        Assert.Null(forward.MissingFunction); // not a missing partial of a function the method calls: the construct's own message
    }

    [Fact]
    public void A_call_without_a_rule_whose_arguments_do_not_vary_is_kept_and_y_is_constant()
    {
        var program = ForwardModeDifferentiator.Differentiate(Filling(new Constant(2)));

        Assert.NotNull(program);
        Assert.Contains(program!.Body, statement => statement is CallStatement);
        Assert.Equal(Constant.Zero, program.Derivative);
    }

    [Fact]
    public void An_argument_read_only_as_a_condition_or_through_a_piecewise_constant_function_does_not_vary()
    {
        // H.Fill(0 < x ? 1 : 2, buffer) and H.Fill(Floor(x), buffer): constant along every direction (almost everywhere).
        var condition = new Conditional(new Comparison(ComparisonOperator.Less, Constant.Zero, X), Constant.One, new Constant(2));
        var floor = new Call(new Function("Math.Floor", "Floor", BuiltinFunction.Floor, EquatableArray<DeclaredPartial?>.Empty), new Expr[] { X }.ToEquatableArray());

        foreach (var argument in new Expr[] { condition, floor })
        {
            var program = ForwardModeDifferentiator.Differentiate(Filling(argument));
            Assert.NotNull(program);
            Assert.Equal(Constant.Zero, program!.Derivative);
        }
    }

    [Fact]
    public void A_call_that_overwrites_a_varying_value_through_out_has_no_forward_mode()
    {
        // double y = x * x; H.Read(out y); return y;: y's value after the call is the call's, whose derivative nothing declares.
        var method = new MethodModel(
            new TypeHierarchy(null, EquatableArray<ContainingType>.Empty),
            "M",
            new[] { new ParameterModel("x", "double", IsDifferentiated: true) }.ToEquatableArray(),
            new Statement[]
            {
                new DeclareReal("y", new Binary(BinaryOperator.Multiply, X, X)),
                new CallStatement(new Call(Function.Plain("H.Read", "Read"), new Expr[] { new OutArgument(new Variable("y"), Declares: false) }.ToEquatableArray())),
            }.ToEquatableArray(),
            "y");

        Assert.Null(ForwardModeDifferentiator.Differentiate(method));
    }
}
