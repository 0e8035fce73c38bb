using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;
using static SymbolicDiff.Generator.Differentiation.Simplifier;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// Calls of vector-valued helpers in forward mode, <c>Step(state, k, next);</c>: the helper's own forward mode
/// (<c>StepWithDerivative</c>) takes the arguments' tangents and writes the outputs with their tangents, in place of
/// the call. An argument that does not vary gets a zero tangent (a zeroed scratch span for a vector), and an output
/// whose tangent nothing reads gets a scratch span to write it into.
/// </summary>
internal sealed partial class ForwardModeDifferentiator
{
    // A vector passed to a helper where it does not vary → its zero tangent; an output nothing reads → the span its tangent goes to.
    private readonly Dictionary<string, string> _zeroTangents = new();
    private readonly Dictionary<string, string> _discardedTangents = new();
    private HashSet<string> _needsZeroTangent = new();
    private HashSet<string> _needsDiscardedTangent = new();

    /// <summary>Whether the call's derivative is computed: an output's tangent is wanted, and an input varies.</summary>
    private bool IsDifferentiated(CallWithOutputs call) =>
        (call.OutputVectors.Any(_active.Contains) || ScalarOutputsActive(call) || IsValueActive(call)) && DataReads(call.Inputs).Any(_active.Contains);

    /// <summary>Whether the helper's returned value, read by the caller, needs a tangent.</summary>
    private bool IsValueActive(CallWithOutputs call) => call.ValueName is { } value && _active.Contains(value);

    /// <summary>
    /// <c>double u = UWithGradient(v, dV);</c> where only u varies, not the gradient: du = ∇U(v) · dv needs the gradient
    /// the call writes, not the Hessian-vector product.
    /// </summary>
    private bool IsGradientValueOnly(CallWithOutputs call) => call.Call.Function.ProductIsHessianVector && !call.OutputVectors.Any(_active.Contains) && !ScalarOutputsActive(call);

    /// <summary>Decides, before the transform, which vectors need a zero tangent or a discarded one (declared where their length is known).</summary>
    private void PlanOutputCallTangents()
    {
        var calls = OutputCallsIn(_method.Statements).Where(IsDifferentiated).ToList();
        _needsZeroTangent = new HashSet<string>(calls.Where(call => call.Call.Function.DerivativeMethod is not null && !IsGradientValueOnly(call)).SelectMany(call => call.Call.Arguments
            .Select((argument, i) => (argument, i))
            .Where(pair => pair.i < call.Call.Function.Differentiated.Count && call.Call.Function.Differentiated[pair.i])
            .Select(pair => pair.argument)
            .OfType<VectorArgument>()
            .Select(vector => vector.Vector)
            .Where(vector => !_active.Contains(vector))));
        _needsDiscardedTangent = new HashSet<string>(calls.Where(call => call.Call.Function.DerivativeMethod is not null && !IsGradientValueOnly(call))
            .SelectMany(call => call.OutputVectors.Where(output => !_active.Contains(output))));

        // A helper with declared products: a unit cotangent per output, and ∂/∂v scratch per varying vector input.
        var declared = calls.Where(call => call.Call.Function.DerivativeMethod is null).ToList();
        _needsUnitCotangent = new HashSet<string>(declared.SelectMany(call => call.OutputVectors));
        DeclaredProductVectors = new HashSet<string>(declared.SelectMany(call => call.Call.Arguments
            .Select((argument, i) => (argument, i))
            .Where(pair => call.Call.Function.Products[pair.i] is not null && pair.argument is VectorArgument vector && _active.Contains(vector.Vector))
            .Select(pair => ((VectorArgument)pair.argument).Vector)));
    }

    private HashSet<string> _needsUnitCotangent = new();
    private readonly Dictionary<string, string> _unitCotangents = new();

    /// <summary>The varying vectors a helper's declared product differentiates: each needs a span for ∂/∂v.</summary>
    private HashSet<string> DeclaredProductVectors { get; set; } = new();

    /// <summary>The scratch spans <see cref="PlanOutputCallTangents"/> asked for, for <paramref name="vector"/>, declared where its length is known.</summary>
    private IEnumerable<Statement> DeclareOutputCallTangents(string vector)
    {
        if (_needsZeroTangent.Contains(vector))
        {
            string name = FreshBufferName(GeneratedNames.Tangent(vector.TrimStart('@')) + "Zero");
            _zeroTangents[vector] = name;
            _releases.Add(new Release(GeneratedNames.AdjointStorage(name), IsAdjointBuffer: true));
            yield return new DeclareAdjointBuffer(name, GeneratedNames.AdjointStorage(name), vector, StackBound)
            {
                Comment = Comment.Of($"the tangent of {vector}, which does not vary: 0, for a helper that takes one"),
            };
        }

        if (_needsUnitCotangent.Contains(vector))
        {
            string name = FreshBufferName(vector.TrimStart('@') + "Unit");
            _unitCotangents[vector] = name;
            _releases.Add(new Release(GeneratedNames.AdjointStorage(name), IsAdjointBuffer: true));
            yield return new DeclareAdjointBuffer(name, GeneratedNames.AdjointStorage(name), vector, StackBound)
            {
                Comment = Comment.Of($"a unit cotangent over {vector}, one element at a time, for a helper's declared products"),
            };
        }

        if (_needsDiscardedTangent.Contains(vector))
        {
            string name = FreshBufferName(GeneratedNames.Tangent(vector.TrimStart('@')) + "Unused");
            _discardedTangents[vector] = name;
            _releases.Add(new Release(GeneratedNames.AdjointStorage(name), IsAdjointBuffer: true));
            yield return new DeclareAdjointBuffer(name, GeneratedNames.AdjointStorage(name), vector, StackBound)
            {
                Comment = Comment.Of($"where a helper writes the tangent of {vector}, which nothing reads"),
            };
        }
    }

    /// <summary>The call with its forward mode in its place, or as it is where nothing about it varies.</summary>
    private void DifferentiateOutputCall(CallWithOutputs call, List<Statement> output)
    {
        var function = call.Call.Function;
        if (!call.OutputVectors.Any(_active.Contains) && !ScalarOutputsActive(call) && !IsValueActive(call))
        {
            output.Add(call);
            return;
        }

        if (!IsDifferentiated(call))
        {
            output.Add(call);
            foreach (string vector in call.OutputVectors.Where(IsActiveVector))
            {
                output.Add(new ClearOutput(_tangents[vector]) { Comment = Comment.Of($"{vector} does not vary here: {function.DisplayName} computed it from constants") });
            }

            if (IsValueActive(call))
            {
                output.Add(new DeclareReal(NewTangent(call.ValueName!), Constant.Zero) { Comment = Comment.Of($"{call.ValueName} is a constant here") });
            }

            output.AddRange(ConstantScalarOutputTangents(call));

            return;
        }

        if (function.DerivativeMethod is null)
        {
            DifferentiateDeclaredOutputCall(call, output);
            return;
        }

        if (IsGradientValueOnly(call))
        {
            if (call.Call.Arguments.Where((argument, i) => !function.IsOutput(i) && !(i < function.Differentiated.Count && function.Differentiated[i])).Any(argument => DataReads(argument).Any(_active.Contains)))
            {
                _unsupported = true; // no partial for it: the reverse transform reports it (SD0012)
                return;
            }

            var gradientCall = call with { Call = call.Call with { Arguments = WithScalarGradients(call, out var scalars).ToEquatableArray() } };
            output.Add(gradientCall);
            output.Add(new DeclareReal(NewTangent(call.ValueName!), GradientValueTangent(call, scalars))
            {
                Comment = Comment.Of($"d{call.ValueName} = ∇U · dv, the gradient {function.DisplayName} wrote, along the tangents of the vectors it differentiates (no other tangent is read: no Hessian-vector product)"),
            });
            return;
        }

        // UWithGradient(v, dV): U's Hessian-vector product writes the gradient into dV and H·dv into its tangent.
        bool hessian = function.ProductIsHessianVector;
        var arguments = hessian ? call.Call.Arguments.Where((_, i) => !function.IsOutput(i)).ToList() : new List<Expr>(call.Call.Arguments);
        var chain = new List<object>();
        string written = call.OutputVectors.Count(IsActiveVector) == 1 ? call.OutputVectors.First(IsActiveVector) : function.DisplayName;
        for (int i = 0; i < call.Call.Arguments.Count; i++)
        {
            var argument = call.Call.Arguments[i];
            bool differentiated = i < function.Differentiated.Count && function.Differentiated[i];
            if (!differentiated)
            {
                if (!function.IsOutput(i) && DataReads(argument).Any(_active.Contains))
                {
                    _unsupported = true; // no partial for it: the reverse transform reports it (SD0012)
                    return;
                }

                continue;
            }

            var tangent = argument is VectorArgument vector
                ? new VectorArgument(IsActiveVector(vector.Vector) ? _tangents[vector.Vector] : _zeroTangents[vector.Vector])
                : Tangent(argument, isRoot: false);
            arguments.Add(tangent);
            if (argument is VectorArgument varying ? IsActiveVector(varying.Vector) : !IsZero(tangent))
            {
                chain.AddRange(new object[] { chain.Count == 0 ? string.Empty : " + ", $"∂{written}/∂", argument is VectorArgument named ? named.Vector : function.ParameterNames[i], " · ", tangent });
            }
        }

        var scalarGradients = new Dictionary<int, Variable>();
        if (hessian)
        {
            // The gradient's parts, then their tangents: a scalar's (out _) are read only for the tangent of the value.
            var withGradients = WithScalarGradients(call, out scalarGradients);
            arguments.AddRange(withGradients.Where((_, i) => function.IsOutput(i)));
            arguments.AddRange(call.Call.Arguments.Where((_, i) => function.IsOutput(i)).Select(output => output is VectorArgument vector
                ? new VectorArgument(IsActiveVector(vector.Vector) ? _tangents[vector.Vector] : _discardedTangents[vector.Vector])
                : ScalarOutputTangent(output)));
        }
        else
        {
            foreach (string vector in call.OutputVectors)
            {
                arguments.Add(new VectorArgument(IsActiveVector(vector) ? _tangents[vector] : _discardedTangents[vector]));
            }
        }

        if (_unsupported)
        {
            return;
        }

        var tangents = string.Join(", ", call.OutputVectors.Where(IsActiveVector).Select(vector => _tangents[vector]).Concat(call.ScalarOutputs.Where(_active.Contains).Select(scalar => _tangents[scalar])));
        var comment = new List<object> { $"{function.DisplayName} and its tangents: {tangents} = " };
        comment.AddRange(chain);
        var derivative = new VectorCall(function with { QualifiedName = function.DerivativeMethod }, arguments.ToEquatableArray());
        if (call.ValueName is not { } value)
        {
            output.Add(new CallStatement(derivative) { Comment = Comment.Of(comment.ToArray()) });
            return;
        }

        if (hessian)
        {
            // double u = UWithGradient(v, dV): the product returns U(v) too, and du = ∇U(v) · dv, the gradient it wrote.
            output.Add(new DeclareReal(value, derivative) { Comment = Comment.Of(comment.ToArray()) });
            if (IsValueActive(call))
            {
                output.Add(new DeclareReal(NewTangent(value), GradientValueTangent(call, scalarGradients)) { Comment = Comment.Of($"d{value} = ∇U · dv, the gradient {function.DisplayName} wrote, along the tangents of the vectors it differentiates") });
            }

            return;
        }

        // It also returns (Value, Derivative): the value the caller reads, and its tangent.
        var result = new Variable(_names.Fresh(NameAllocator.ToCamelCase(function.DisplayName) + "Derivative"));
        output.Add(new DeclareVar(result.Name, derivative) { Comment = Comment.Of(comment.ToArray()) });
        output.Add(new DeclareReal(value, new Member(result, "Value")));
        if (IsValueActive(call))
        {
            output.Add(new DeclareReal(NewTangent(value), new Member(result, "Derivative")) { Comment = Comment.Of($"d{value}, the directional derivative of the value {function.DisplayName} returned") });
        }
    }

    /// <summary>
    /// Σ dot(dVₖ, dvₖ) over the vectors U differentiates that vary here, plus ∂U/∂b · db over its scalars (read from
    /// <paramref name="scalarGradients"/>): the tangent of U(v, b) returned by <c>UWithGradient(v, b, dV, out _)</c>.
    /// </summary>
    private Expr GradientValueTangent(CallWithOutputs call, Dictionary<int, Variable> scalarGradients)
    {
        var function = call.Call.Function;
        var differentiated = call.Call.Arguments.Where((_, i) => i < function.Differentiated.Count && function.Differentiated[i]).ToList();
        var outputs = call.Call.Arguments.Where((_, i) => function.IsOutput(i)).ToList();
        Expr total = Constant.Zero;
        for (int k = 0; k < differentiated.Count; k++)
        {
            if (differentiated[k] is VectorArgument vector)
            {
                if (IsActiveVector(vector.Vector))
                {
                    total = Add(total, new Call(Function.Plain(GeneratedNames.DotProduct, "Dot"), new Expr[] { outputs[k], new VectorArgument(_tangents[vector.Vector]) }.ToEquatableArray()));
                }
            }
            else if (scalarGradients.TryGetValue(k, out var gradient))
            {
                total = Add(total, Multiply(gradient, Tangent(differentiated[k], isRoot: false)));
            }
        }

        return total;
    }

    /// <summary>
    /// The arguments of <c>UWithGradient(v, b, dV, out _)</c> with a local, <c>out double gradientB</c>, in place of each
    /// scalar part of the gradient that the tangent of the returned value reads (the value varies, and so does b).
    /// </summary>
    private List<Expr> WithScalarGradients(CallWithOutputs call, out Dictionary<int, Variable> scalarGradients)
    {
        var function = call.Call.Function;
        var differentiated = Enumerable.Range(0, call.Call.Arguments.Count).Where(i => i < function.Differentiated.Count && function.Differentiated[i]).ToList();
        var arguments = new List<Expr>(call.Call.Arguments);
        scalarGradients = new Dictionary<int, Variable>();
        int k = 0;
        for (int i = 0; i < arguments.Count; i++)
        {
            if (!function.IsOutput(i))
            {
                continue;
            }

            var argument = call.Call.Arguments[differentiated[k]];
            if (arguments[i] is OutArgument { Declares: true } declared)
            {
                scalarGradients[k] = declared.Target; // out double dB: the caller's own local holds ∂U/∂b
            }
            else if (arguments[i] is OutArgument && IsValueActive(call) && !IsZero(Tangent(argument, isRoot: false)))
            {
                var gradient = new Variable(_names.Fresh("gradient" + NameAllocator.ToPascalCase(function.ParameterNames[differentiated[k]])));
                scalarGradients[k] = gradient;
                arguments[i] = new OutArgument(gradient, Declares: true);
            }

            k++;
        }

        return arguments;
    }

    /// <summary>
    /// A helper that declares only its vector-Jacobian products: the call as it is, then each output's tangent one
    /// element at a time, dOᵢ = eᵢᵀ·J·t, from the products with the unit cotangent eᵢ (a product call per element).
    /// </summary>
    private void DifferentiateDeclaredOutputCall(CallWithOutputs call, List<Statement> output)
    {
        var function = call.Call.Function;
        var inputs = call.Call.Arguments.Where((_, i) => !function.IsOutput(i)).ToList();
        var outputs = call.OutputVectors.ToList();
        var units = outputs.Select(o => (Expr)new VectorArgument(_unitCotangents[o])).ToList();
        output.Add(call);
        foreach (string vector in outputs.Where(IsActiveVector))
        {
            string counter = _names.Fresh("i");
            var index = new Variable(counter);
            var body = new List<Statement> { new UpdateReal(new Element(_unitCotangents[vector], index), UpdateOperator.Set, Constant.One) };
            Expr row = Constant.Zero;
            for (int i = 0; i < call.Call.Arguments.Count; i++)
            {
                var argument = call.Call.Arguments[i];
                if (function.IsOutput(i))
                {
                    continue;
                }

                var tangent = argument is VectorArgument v ? (IsActiveVector(v.Vector) ? new VectorArgument(_tangents[v.Vector]) : null) : Tangent(argument, isRoot: false);
                if (tangent is null || IsZero(tangent))
                {
                    continue;
                }

                if (function.Products[i] is not { } product)
                {
                    _unsupported = true; // no product for a varying input: the reverse transform reports it (SD0012)
                    return;
                }

                var productFunction = function with { QualifiedName = product };
                if (argument is VectorArgument varying)
                {
                    string partials = _partials[varying.Vector];
                    body.Add(new ClearOutput(partials));
                    body.Add(new CallStatement(new VectorCall(productFunction, inputs.Concat(units).Append(new VectorArgument(partials)).ToEquatableArray()))
                    {
                        Comment = Comment.Of($"{partials} = eᵢᵀ · ∂{vector}/∂{varying.Vector}: {function.DisplayName}'s declared product"),
                    });
                    row = Add(row, new Call(Function.Plain(GeneratedNames.DotProduct, "Dot"), new Expr[] { new VectorArgument(partials), tangent }.ToEquatableArray()));
                }
                else
                {
                    row = Add(row, Multiply(new VectorCall(productFunction, inputs.Concat(units).ToEquatableArray()), tangent));
                }
            }

            body.Add(new UpdateReal(new Element(_tangents[vector], index), UpdateOperator.Set, row) { Comment = Comment.Of($"d{vector}[{counter}] = Σ ∂{vector}[{counter}]/∂u · du over {function.DisplayName}'s varying inputs") });
            body.Add(new UpdateReal(new Element(_unitCotangents[vector], index), UpdateOperator.Set, Constant.Zero));
            output.Add(new ForLoop(counter, "int", Constant.Zero, new Member(new Variable(vector), "Length"), body.ToEquatableArray())
            {
                Comment = Comment.Of($"the tangent of {vector}, one element at a time, from {function.DisplayName}'s declared products"),
            });
        }
    }

    private static IEnumerable<CallWithOutputs> OutputCallsIn(IEnumerable<Statement> statements)
    {
        foreach (var statement in statements)
        {
            switch (statement)
            {
                case CallWithOutputs call:
                    yield return call;
                    break;
                case ForLoop loop:
                    foreach (var inner in OutputCallsIn(loop.Body))
                    {
                        yield return inner;
                    }

                    break;
                case IfStatement guarded:
                    foreach (var inner in OutputCallsIn(guarded.Then))
                    {
                        yield return inner;
                    }

                    break;
            }
        }
    }
}
