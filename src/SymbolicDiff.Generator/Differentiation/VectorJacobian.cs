using System.Collections.Generic;
using System.Linq;
using System.Threading;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// Reverse mode for a vector-valued method (one that writes outputs r): the vector-Jacobian product cᵀJ is the
/// gradient of the scalar Σᵢ cᵢ rᵢ, with the cotangents c as inputs held constant. So the method is given one
/// <c>ReadOnlySpan</c> cotangent per output and a last loop <c>projection += rCotangent[i] * r[i]</c>, and the one
/// reverse-mode transform differentiates that: its backward sweep starts by seeding each output's adjoint with its
/// cotangent (∂projection/∂r[i] = rCotangent[i]) and then runs the method's own loops backwards, as for any buffer.
/// The price of reusing the transform unchanged is one multiply-add per output element in each sweep.
/// <para>
/// A method that also returns a real f gets the same product over Σᵢ cᵢ rᵢ + c₀ f beside it (<see cref="JacobianProgram.ValueWeighted"/>,
/// c₀ one more real input): a caller that reads the outputs and the value passes both adjoints in one backward sweep, and
/// forward mode over it gives (Σᵢ cᵢ ∇²rᵢ + c₀ ∇²f)·v, the helper's second derivatives a second-order caller needs.
/// </para>
/// </summary>
internal static class VectorJacobian
{
    public static (JacobianProgram? Program, IReadOnlyList<DiagnosticInfo> Diagnostics) Differentiate(MethodModel method, CancellationToken cancellationToken) =>
        Differentiate(method, weighValue: false, cancellationToken);

    /// <summary>
    /// <paramref name="plain"/> with, for a method that returns a real, its product over the value beside it
    /// (<see cref="JacobianProgram.ValueWeighted"/>). What that product would report, the method's own gradient (over the
    /// same value) reports already.
    /// </summary>
    public static JacobianProgram WithValueWeighted(MethodModel method, JacobianProgram plain, CancellationToken cancellationToken) =>
        method.ReturnsVoid ? plain : plain with { ValueWeighted = Differentiate(method, weighValue: true, cancellationToken).Program };

    private static (JacobianProgram? Program, IReadOnlyList<DiagnosticInfo> Diagnostics) Differentiate(MethodModel method, bool weighValue, CancellationToken cancellationToken)
    {
        var outputs = method.Parameters.Where(p => p.IsOutput).ToList();
        var names = new NameAllocator(method.Parameters.Select(p => p.Name)
            .Concat(method.Parameters.Select(p => p.Output))
            .Concat(StatementFacts.DeclaredNames(method.Statements))
            .Concat(new[] { method.MethodName, GeneratedNames.JacobianParameter }));
        var cotangents = outputs.Select(output => names.Fresh(GeneratedNames.Cotangent(output.Name))).ToList();
        string projection = names.Fresh(GeneratedNames.CotangentProjection);
        string? valueCotangent = weighValue ? names.Fresh(GeneratedNames.ValueCotangent) : null;

        var statements = method.Statements.ToList();
        statements.Add(valueCotangent is null
            ? new DeclareReal(projection, Constant.Zero)
            {
                Comment = Comment.Of($"{projection} = Σ cᵢ rᵢ over the outputs: its gradient is the vector-Jacobian product"),
            }
            : new DeclareReal(projection, new Binary(BinaryOperator.Multiply, new Variable(valueCotangent), new Variable(method.Result)))
            {
                Comment = Comment.Of($"{projection} = {valueCotangent} · {method.Result} + Σ cᵢ rᵢ over the outputs: its gradient is the vector-Jacobian product with the returned value weighed in"),
            });
        for (int k = 0; k < outputs.Count; k++)
        {
            string counter = names.Fresh("i");
            var element = new Element(outputs[k].Name, new Variable(counter));
            var weighted = new Binary(BinaryOperator.Multiply, new Element(cotangents[k], new Variable(counter)), element);
            var update = new AssignReal(new Variable(projection), new Binary(BinaryOperator.Add, new Variable(projection), weighted),
                $"{projection} += {cotangents[k]}[{counter}] * {outputs[k].Name}[{counter}]");
            statements.Add(new ForLoop(counter, "int", Constant.Zero, new Member(new Variable(outputs[k].Name), "Length"), new Statement[] { update }.ToEquatableArray()));
        }

        string real = method.RealType;
        var parameters = method.Parameters
            .Concat(cotangents.Select(name => new ParameterModel(name, $"global::System.ReadOnlySpan<{real}>", IsDifferentiated: false) { ElementType = real }))
            .Concat(valueCotangent is null ? Enumerable.Empty<ParameterModel>() : new[] { new ParameterModel(valueCotangent, real, IsDifferentiated: false) })
            .ToEquatableArray();
        // What only the method's returned value reads is dead here, where the projection is the result.
        var rewritten = DeadLocals.Remove(method with { Parameters = parameters, Statements = statements.ToEquatableArray(), Result = projection, ReturnsVoid = false });
        var (product, diagnostics) = LoopDifferentiator.Differentiate(rewritten, cancellationToken);
        return (product is null ? null : new JacobianProgram(product, cotangents.ToEquatableArray()) { ValueCotangent = valueCotangent }, diagnostics);
    }
}
