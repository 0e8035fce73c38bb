using System.Globalization;
using Microsoft.CodeAnalysis.Text;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Differentiation;
using SymbolicDiff.Generator.Model;
using SecondOrderTransform = SymbolicDiff.Generator.Differentiation.SecondOrder;

namespace SymbolicDiff.Tests.Generator.ForwardMode;

/// <summary>
/// Where forward mode gives up for a call it has no rule for whose arguments vary (<see cref="UnknownCallTests"/>), the
/// diagnostic the user sees (SD0031 for second derivatives) names the call and says what to write instead, at the call
/// where the IR carries its location, else at the method. The parser writes no such call, so the programs are IR.
/// </summary>
public class UnknownCallDiagnosticTests
{
    private static readonly Variable X = new("x");

    private static readonly LocationInfo MethodLocation = new("Model.cs", new TextSpan(10, 5), new LinePositionSpan(new LinePosition(2, 4), new LinePosition(2, 9)));

    private static readonly LocationInfo CallLocation = new("Model.cs", new TextSpan(40, 17), new LinePositionSpan(new LinePosition(5, 8), new LinePosition(5, 25)));

    private static MethodModel Method(params Statement[] statements) => new(
        new TypeHierarchy(null, EquatableArray<ContainingType>.Empty),
        "M",
        new[] { new ParameterModel("x", "double", IsDifferentiated: true) }.ToEquatableArray(),
        statements.ToEquatableArray(),
        "y");

    /// <summary><c>Span&lt;double&gt; buffer = stackalloc double[1]; global::Model.FillGradient(x, buffer); double y = buffer[0];</c> and <c>dy_dx = 2 buffer[0]</c>.</summary>
    private static Statement[] Filling(LocationInfo? at) => new Statement[]
    {
        new DeclareBuffer("buffer", Constant.One, OnStack: true),
        new CallStatement(new Call(Function.Plain("global::Model.FillGradient", "FillGradient"), new Expr[] { X, new VectorArgument("buffer") }.ToEquatableArray()) { Location = at }),
        new DeclareReal("y", new Element("buffer", new Constant(0))),
        new DeclareReal("dy_dx", new Binary(BinaryOperator.Multiply, new Constant(2), new Element("buffer", new Constant(0)))),
    };

    [Fact]
    public void Forward_mode_keeps_the_call_it_gave_up_for_by_name()
    {
        var forward = ForwardModeDifferentiator.DifferentiateGradient(Method(Filling(CallLocation)), new[] { "dy_dx" }, new Dictionary<string, string>(), CancellationToken.None);

        Assert.Null(forward.Program);
        var call = Assert.IsType<ForwardModeDifferentiator.UnknownCall>(forward.UnknownCall);
        Assert.Equal("Model.FillGradient", call.Callee);
        Assert.Equal("Model.FillGradient(x, buffer)", call.Text);
        Assert.Equal(CallLocation, call.Location);
    }

    [Fact]
    public void A_program_forward_mode_differentiates_names_no_call()
    {
        // FillGradient(2, buffer): nothing varies, the call is kept and nothing is reported.
        var statements = Filling(null);
        statements[1] = new CallStatement(new Call(Function.Plain("global::Model.FillGradient", "FillGradient"), new Expr[] { new Constant(2), new VectorArgument("buffer") }.ToEquatableArray()));
        var forward = ForwardModeDifferentiator.DifferentiateGradient(Method(statements), new[] { "dy_dx" }, new Dictionary<string, string>(), CancellationToken.None);

        Assert.NotNull(forward.Program);
        Assert.Null(forward.UnknownCall);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SD0031_names_the_call_its_callee_and_what_to_write_at_the_call_or_else_at_the_method(bool callHasLocation)
    {
        var body = Filling(callHasLocation ? CallLocation : null);
        var method = Method(new DeclareReal("y", new Binary(BinaryOperator.Multiply, X, X)));
        var gradient = new GradientProgram(method, body.ToEquatableArray(), new[] { new GradientEntry("x", "X", new Variable("dy_dx")) }.ToEquatableArray(), "y");

        var (program, diagnostic) = SecondOrderTransform.Differentiate(method, gradient, MethodLocation, CancellationToken.None);

        Assert.Null(program);
        Assert.NotNull(diagnostic);
        Assert.Equal("SD0031", diagnostic!.Id);
        Assert.Equal(callHasLocation ? CallLocation : MethodLocation, diagnostic.Location);
        string message = string.Format(CultureInfo.InvariantCulture, DiagnosticDescriptors.SecondOrderUnsupported.MessageFormat.ToString(CultureInfo.InvariantCulture), diagnostic.MessageArguments.Cast<object>().ToArray());
        Assert.Contains("`Model.FillGradient(x, buffer)`", message, StringComparison.Ordinal);
        Assert.Contains("forward mode has no rule for", message, StringComparison.Ordinal);
        Assert.Contains("mark 'Model.FillGradient' [Differentiable]", message, StringComparison.Ordinal);
        Assert.Contains("[Derivative]", message, StringComparison.Ordinal);
    }
}
