using System.Collections.Generic;
using System.Linq;
using System.Threading;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

// Forward mode over a gradient program (second derivatives, forward-over-reverse): the statements only the reverse
// transforms create, which the parser never does. Kept apart from the forward transform of users' methods so that
// the two can evolve separately; the entry point is DifferentiateGradient.
internal sealed partial class ForwardModeDifferentiator
{
    // A missing partial met while differentiating a call: the function and its parameter (null: it declares none at all).
    private (string Function, string? Parameter)? _missingPartial;

    /// <summary>The forward sweep of a gradient program, with the tangents of several of its values.</summary>
    /// <param name="Program">The forward sweep, or null where a construct has no forward rule.</param>
    /// <param name="Tangents">Per requested value, its tangent (a variable or 0), in the order asked.</param>
    /// <param name="MissingFunction">Where Program is null because a called function declares no derivative: its name and parameter.</param>
    public sealed record GradientTangents(DerivativeProgram? Program, IReadOnlyList<Expr> Tangents, (string Function, string? Parameter)? MissingFunction)
    {
        /// <summary>Where Program is null because of a call with varying arguments that no rule takes: that call.</summary>
        public UnknownCall? UnknownCall { get; init; }
    }

    /// <summary>
    /// Forward mode over <paramref name="gradient"/>, a gradient program presented as a method (its body as the
    /// statements, the gradient's outputs declared in it): the tangents of all of <paramref name="results"/> (the value
    /// and the partials), along the direction given by the differentiated parameters' <see cref="ParameterModel.Output"/>
    /// names, and of the output spans as <paramref name="outputTangents"/> names them. Values the backward sweep restores from the saved stack get their tangents from the same stack (pushed
    /// after the value, so popped before it).
    /// </summary>
    public static GradientTangents DifferentiateGradient(
        MethodModel gradient,
        IReadOnlyList<string> results,
        IReadOnlyDictionary<string, string> outputTangents,
        CancellationToken cancellationToken)
    {
        var transform = new ForwardModeDifferentiator(gradient, cancellationToken, results);

        // The gradient's output spans (written, never read by the method) have the caller's spans as their tangents.
        foreach (var pair in outputTangents)
        {
            transform._tangents[pair.Key] = pair.Value;
        }

        var program = transform.Run();
        var tangents = results
            .Select(result => program is not null && transform._active.Contains(result) && transform._tangents.TryGetValue(result, out var tangent)
                ? (Expr)new Variable(tangent)
                : Constant.Zero)
            .ToList();
        return new GradientTangents(program, tangents, program is null ? transform._missingPartial : null)
        {
            UnknownCall = program is null ? transform._unknownCall : null,
        };
    }

    /// <summary>The statements of a gradient program that need a tangent of their own; false for the others, kept as they are.</summary>
    private bool TransformGradientStatement(Statement statement, List<Statement> output)
    {
        switch (statement)
        {
            case SavePush push:
                output.Add(push);
                var tangent = Tangent(push.Value, isRoot: false);
                if (IsSavedWithTangent(push.Value))
                {
                    output.Add(new SavePush(push.Stack, tangent) { Comment = Comment.Of("saved: its tangent, popped before the value") });
                }

                return true;

            case DeclareAdjointBuffer adjoint:
                // The adjoint of a local buffer (∂loss/∂logits): a vector of the gradient like any other, with a tangent buffer beside it.
                output.Add(adjoint);
                if (_active.Contains(adjoint.Name))
                {
                    DeclareTangentBuffer(adjoint.Name, adjoint.Buffer, output);
                }

                output.AddRange(DeclareHelperProductScratch(adjoint.Name, adjoint.Buffer));
                output.AddRange(DeclareOutputCallTangents(adjoint.Name));
                return true;

            case CallStatement { Call: VectorCall { Function.IsProductCall: true } product }:
                DifferentiateProductCall((CallStatement)statement, product, output);
                return true;

            case CallStatement { Call: VectorCall { Function.IsHelperProductCall: true, Function.HessianVectorProductMethod: not null } helperProduct }:
                DifferentiateHelperProductCall((CallStatement)statement, helperProduct, output);
                return true;

            case ClearOutput clear when _tangents.TryGetValue(clear.Output, out var tangentOutput):
                output.Add(clear);
                output.Add(new ClearOutput(tangentOutput));
                return true;

            default:
                return false;
        }
    }

    /// <summary>
    /// <c>G(x, k, seed, dX)</c>, a function over vectors' vector-Jacobian product adding seed·∂f/∂x into dX: the call, then
    /// the tangent method G's own [Derivative] names, which adds the call's directional derivative (seed·H·dx +
    /// dseed·∂f/∂x) into dX's tangent. An input that does not vary gets <c>default</c>, an empty span the tangent method
    /// reads as 0 (a real gets 0).
    /// </summary>
    private void DifferentiateProductCall(CallStatement statement, VectorCall call, List<Statement> output)
    {
        output.Add(statement);
        if (call.Arguments.Count == 0 || call.Arguments[call.Arguments.Count - 1] is not VectorArgument gradient ||
            !_active.Contains(gradient.Vector) || !_tangents.TryGetValue(gradient.Vector, out var gradientTangent))
        {
            return;
        }

        if (call.Function.TangentOfProductCall is not { } tangentMethod)
        {
            _unsupported = true; // the product declares no derivative: SecondOrder reports it (SD0031, SD0032)
            return;
        }

        var inputs = call.Arguments.Take(call.Arguments.Count - 1).ToList();
        var (tangents, varying) = ProductInputTangents(inputs);
        if (varying.Count == 0)
        {
            return;
        }

        string product = call.Function.QualifiedName.Substring(call.Function.QualifiedName.LastIndexOf('.') + 1);
        var gradientTangentView = gradient.Renamed(gradientTangent); // a slice's: the same view of the tangent span
        var comment = new List<object> { gradientTangentView, $" += the derivative of {product}'s contribution to ", gradient, " along " };
        for (int i = 0; i < varying.Count; i++)
        {
            comment.Add(i == 0 ? string.Empty : ", ");
            comment.Add(varying[i]);
        }

        var arguments = inputs.Concat(tangents).Append(gradientTangentView).ToEquatableArray();
        output.Add(new CallStatement(new VectorCall(call.Function with { QualifiedName = tangentMethod }, arguments))
        {
            Comment = Comment.Of(comment.ToArray()),
        });
    }

    /// <summary>
    /// <c>G(x, s, seed)</c> inside an expression, the product that returns seed·∂f/∂s for a real argument s (a
    /// [Differentiable] method over spans' scalar product): its tangent is a call of the tangent method its function
    /// names, <c>GTangent(x, s, seed, &lt;tangent per real or span input&gt;)</c>, which returns seed·(H·d)ₛ + dseed·∂f/∂s.
    /// </summary>
    private Expr TangentOfProductValue(VectorCall call)
    {
        var (tangents, varying) = ProductInputTangents(call.Arguments);
        if (varying.Count == 0)
        {
            return Constant.Zero;
        }

        if (call.Function.TangentOfProductCall is not { } tangentMethod)
        {
            _unsupported = true; // SecondOrder reports it (SD0031, SD0032)
            return Constant.Zero;
        }

        return new VectorCall(call.Function with { QualifiedName = tangentMethod }, call.Arguments.Concat(tangents).ToEquatableArray());
    }

    /// <summary>
    /// The tangents of a product's inputs (all its arguments but the gradient span), one per real or span input in
    /// order: a varying vector's tangent span, <c>default</c> (an empty span, read as 0) for a vector that does not vary,
    /// a real's tangent (0 where it does not vary). Also what varies, for the comment; integers carry none.
    /// </summary>
    private (List<Expr> Tangents, List<object> Varying) ProductInputTangents(IEnumerable<Expr> inputs)
    {
        var tangents = new List<Expr>();
        var varying = new List<object>();
        foreach (var input in inputs)
        {
            switch (input)
            {
                case IntegerValue:
                    break;
                case VectorArgument vector when IsActiveVector(vector.Vector):
                    var tangentView = vector.Renamed(_tangents[vector.Vector]); // a slice's: the same view of the tangent span
                    tangents.Add(tangentView);
                    varying.Add(tangentView);
                    break;
                case VectorArgument:
                    tangents.Add(new DefaultLiteral());
                    break;
                default:
                    var tangent = Tangent(input, isRoot: false);
                    tangents.Add(tangent);
                    if (!IsZero(tangent))
                    {
                        varying.Add(tangent);
                    }

                    break;
            }
        }

        return (tangents, varying);
    }

    /// <summary>What a vector-Jacobian product call (<c>G(x, k, seed, dX)</c>) writes and reads, for the activity analysis: dX from all its arguments, dX included.</summary>
    private IEnumerable<Analysis.DataFlow> ProductCallFlows() =>
        StatementFacts.Flatten(_method.Statements)
            .OfType<CallStatement>()
            .Select(statement => statement.Call)
            .OfType<VectorCall>()
            .Where(call => call.Function.IsProductCall && call.Arguments.Count > 0 && call.Arguments[call.Arguments.Count - 1] is VectorArgument)
            .Select(call => new Analysis.DataFlow(((VectorArgument)call.Arguments[call.Arguments.Count - 1]).Vector, DataReads(call).Distinct().ToList()));

    /// <summary>Whether a saved value's tangent is saved beside it: a real, or a buffer's element, whose tangent the sweep carries.</summary>
    private bool IsSavedWithTangent(Expr value) => value switch
    {
        Variable variable => _active.Contains(variable.Name) && _tangents.ContainsKey(variable.Name),
        // An element of a buffer the sweep overwrites (x[i] before x[i] += h * rate[i]): popped with its tangent too.
        Element element => _active.Contains(element.Vector) && _tangents.ContainsKey(element.Vector),
        _ => false,
    };

    /// <summary>
    /// The tangent of a value the backward sweep restores (<c>p = saved.Pop()</c>): popped from the same stack, where
    /// <see cref="TransformGradientStatement"/> pushed it after the value. The tangent statement goes before the value's.
    /// </summary>
    private Expr TangentOfSavedValue(SavedPop pop) => new SavedPop(pop.Stack);

    private static Comment SavedTangentComment(Expr target) => Comment.Of("d", target, " as it was, restored with the value");
}
