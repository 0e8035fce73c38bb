using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Analysis;
using SymbolicDiff.Generator.Model;
using static SymbolicDiff.Generator.Differentiation.Simplifier;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// Calls of vector-valued helpers, <c>Step(state, k, next);</c> (<see cref="CallWithOutputs"/>): the outputs' adjoints
/// are the cotangent of the helper's vector-Jacobian product, which gives ∂result/∂argument for each argument at once.
/// <para>
/// The generated product overwrites its gradient outputs, so it writes them into scratch spans (one per vector
/// argument, declared once with the adjoint buffers: no allocation per call) and <c>out</c> locals, which are then
/// added into the arguments' adjoints. The call overwrote its outputs, so their adjoints are 0 before it. It writes
/// every element of them, so where the backward sweep reads an output's earlier value (a buffer reused across
/// iterations), the whole output is saved before the call and restored after its product.
/// </para>
/// </summary>
internal sealed partial class LoopDifferentiator
{
    // A vector passed to a helper's product → the scratch span that receives its gradient output.
    private readonly Dictionary<string, string> _productScratch = new();

    // The outputs of UWithGradient(v, dV) calls: their scratch receives the gradient U's Hessian-vector product writes again, unread.
    private readonly HashSet<string> _rewrittenGradients = new();

    // Those of them read again: double u = UWithGradient(v, dV); passes ∂result/∂u on through that gradient.
    private readonly HashSet<string> _readRewrittenGradients = new();

    private IEnumerable<CallWithOutputs> OutputCalls => _index.Statements.OfType<CallWithOutputs>();

    /// <summary>What reaches what through the calls: each output from the call's active inputs.</summary>
    private IEnumerable<DataFlow> OutputCallFlows() => OutputCalls.SelectMany(call =>
    {
        var inputs = DataReads(call.Inputs).Where(_active.Contains).Distinct().ToList();
        return call.OutputVectors.Concat(call.ScalarOutputs).Concat(call.ValueName is { } value ? new[] { value } : new string[0]).Select(output => new DataFlow(output, inputs));
    });

    /// <summary>Whether the backward sweep differentiates this call: an output reaches the result, and an input varies.</summary>
    private bool Contributes(CallWithOutputs call) =>
        (call.OutputVectors.Any(_contributed.Contains) || ScalarOutputsContribute(call) || ValueContributes(call)) && DataReads(call.Inputs).Any(_active.Contains);

    /// <summary>Whether the helper's returned value, read by the caller, reaches the result.</summary>
    private bool ValueContributes(CallWithOutputs call) => call.ValueName is { } value && _contributed.Contains(value);

    /// <summary>An argument that varies where the helper has no gradient output for it: a missing partial (SD0012).</summary>
    private void CheckOutputCallPartials(CallWithOutputs call)
    {
        var function = call.Call.Function;
        for (int i = 0; i < call.Call.Arguments.Count; i++)
        {
            bool differentiated = i < function.Differentiated.Count && function.Differentiated[i];
            if (!function.IsOutput(i) && !differentiated && DataReads(call.Call.Arguments[i]).Any(_active.Contains))
            {
                string parameter = i < function.ParameterNames.Count ? function.ParameterNames[i] : "#" + (i + 1);
                _missing.Add(new SymbolicDerivative.MissingPartial(function.DisplayName, parameter, call.Call.Location));
            }
        }
    }

    /// <summary>What the product reads again in the backward sweep: every input of the call (the integers they are indexed with too).</summary>
    private IEnumerable<ToBeRecordedAnalysis.Read> OutputCallReads()
    {
        foreach (var call in OutputCalls)
        {
            if (!call.OutputVectors.Any(_contributed.Contains) && !ScalarOutputsContribute(call) && !ValueContributes(call))
            {
                continue;
            }

            var integers = ExpressionFacts.Variables(call.Inputs).Where(IsIntegerLocal);
            foreach (string name in WithIntegerInputs(Reads(call.Inputs).Concat(integers)))
            {
                yield return new ToBeRecordedAnalysis.Read(name, call, AfterWrite: false);
            }
        }
    }

    /// <summary>The forward sweep: each output whose earlier values the backward sweep reads is saved, element by element, before the call.</summary>
    private IEnumerable<Statement> SaveOverwrittenOutputs(CallWithOutputs call)
    {
        foreach (string output in call.OutputVectors.Where(Taped.Contains))
        {
            string counter = _names.Fresh("j");
            var push = new SavePush(SavedStack, new Element(output, new Variable(counter)));
            yield return new ForLoop(counter, "int", Constant.Zero, Length(output), new Statement[] { push }.ToEquatableArray())
            {
                Comment = Comment.Of($"saved: the backward sweep reads the values {output} has before {call.Call.Function.DisplayName} overwrites it"),
            };
        }
    }

    private void BackwardOutputCall(CallWithOutputs call, List<BackwardLine> output)
    {
        var taped = call.OutputVectors.Where(Taped.Contains).ToList();
        bool contributes = Contributes(call);
        if (!contributes && taped.Count == 0)
        {
            return;
        }

        output.Add(new BackwardLine(new CommentLine { Comment = Comment.Of(call) }));
        if (contributes)
        {
            BackwardProduct(call, output);
        }

        // Undone last, in the reverse order of the saves: the product above wrote the outputs' values after the call.
        for (int k = taped.Count - 1; k >= 0; k--)
        {
            string vector = taped[k];
            string counter = _names.Fresh("j");
            var restore = new UpdateReal(new Element(vector, new Variable(counter)), UpdateOperator.Set, new SavedPop(SavedStack));
            var loop = new ForLoop(counter, "int", new Binary(BinaryOperator.Subtract, Length(vector), Constant.One), new Binary(BinaryOperator.Subtract, Constant.Zero, Constant.One), new Statement[] { restore }.ToEquatableArray(), Descending: true)
            {
                Comment = Comment.Of($"{vector} as it was before this call"),
            };
            output.Add(new BackwardLine(loop));
        }
    }

    /// <summary>
    /// The helper's product with the outputs' adjoints as cotangents, its gradient outputs added into the arguments'
    /// adjoints (a real argument's through its own partials), and the outputs' adjoints set to 0.
    /// </summary>
    private void BackwardProduct(CallWithOutputs call, List<BackwardLine> output)
    {
        var function = call.Call.Function;
        if (function.ProductMethod is null)
        {
            BackwardDeclaredProducts(call, output);
            return;
        }

        // UWithGradient(v, dV): U's Hessian-vector product, (U's arguments, direction, gradient, H·direction); the
        // gradient it writes again goes to scratch, and H·adj(dV) is adj(dV)ᵀ·H, H being symmetric.
        bool hessian = function.ProductIsHessianVector;
        var arguments = hessian ? call.Call.Arguments.Where((_, i) => !function.IsOutput(i)).ToList() : new List<Expr>(call.Call.Arguments);
        var additions = new List<BackwardLine>();
        var outputs = call.OutputVectors.ToList();
        var mentions = new HashSet<string>();
        bool throughOutputs = outputs.Any(_contributed.Contains) || ScalarOutputsContribute(call);

        // The value it returns, read here: its adjoint is one more cotangent, c₀, of the same product (the gradient of
        // Σᵢ cᵢ rᵢ + c₀ f), so one backward sweep of the helper passes on both (an output that does not reach the result
        // weighs 0: its adjoint is zero).
        bool throughValue = !hessian && ValueContributes(call) && function.ValueGradientMethod is not null;
        var scalarGradients = new Dictionary<int, Variable>();
        if (hessian)
        {
            // The direction: the adjoints of the gradient's parts, span and scalar (out double dB); a discarded one's is 0.
            var positions = Enumerable.Range(0, call.Call.Arguments.Count).Where(function.IsOutput).ToList();
            arguments.AddRange(positions.Select(i => call.Call.Arguments[i] is VectorArgument vector ? new VectorArgument(AdjointName(vector.Vector)) : ScalarOutputDirection(call.Call.Arguments[i])));
            if (throughOutputs)
            {
                _rewrittenGradients.UnionWith(outputs);
                foreach (int i in positions)
                {
                    arguments.Add(call.Call.Arguments[i] is VectorArgument vector
                        ? new VectorArgument(ProductScratch(function.DisplayName, vector.Vector))
                        : ScalarGradientOutput(call, positions.IndexOf(i), scalarGradients));
                }
            }
        }
        else
        {
            arguments.AddRange(outputs.Select(vector => new VectorArgument(AdjointName(vector))));
            if (throughValue)
            {
                var valueAdjoint = AdjointOf(new Variable(call.ValueName!));
                arguments.Add(valueAdjoint);
                mentions.UnionWith(ExpressionFacts.Variables(valueAdjoint));
            }
        }

        string cotangents = string.Join(", ", outputs.Concat(call.ScalarOutputs.Where(_contributed.Contains)).Concat(throughValue ? new[] { call.ValueName! } : new string[0]).Select(o => $"∂{_method.Result}/∂{o}"));
        var reached = new List<string>();
        for (int i = 0; i < call.Call.Arguments.Count; i++)
        {
            if (i >= function.Differentiated.Count || !function.Differentiated[i])
            {
                continue;
            }

            var argument = call.Call.Arguments[i];
            string parameter = function.ParameterNames[i];
            if (argument is VectorArgument vector)
            {
                string scratch = ProductScratch(function.DisplayName, vector.Vector);
                arguments.Add(new VectorArgument(scratch));
                if (_active.Contains(vector.Vector))
                {
                    reached.Add($"∂{_method.Result}/∂{vector.Vector}");
                    additions.Add(AddInto(AdjointName(vector.Vector), scratch, vector.Vector));
                    mentions.Add(AdjointName(vector.Vector));
                }

                continue;
            }

            var partials = Partials(new Variable("\u0001none"), argument);
            if (partials.Inputs.Count == 0)
            {
                arguments.Add(new OutArgument(new Variable("_"), Declares: false));
                continue;
            }

            reached.Add($"∂{_method.Result}/∂{parameter}");
            var gradient = new Variable(_names.Fresh(GeneratedNames.Adjoint(function.DisplayName, SafeName(parameter))));
            arguments.Add(new OutArgument(gradient, Declares: true));
            AddScalarContributions(function, parameter, argument, partials, gradient, additions);
        }

        if (throughOutputs || throughValue)
        {
            var product = new VectorCall(function with { QualifiedName = function.ProductMethod!, WeighsValue = throughValue }, arguments.ToEquatableArray());
            var through = outputs.Concat(call.ScalarOutputs.Where(_contributed.Contains)).Concat(throughValue ? new[] { call.ValueName! } : new string[0]);
            var productLine = new BackwardLine(new CallStatement(product)
            {
                Comment = Comment.Of($"{string.Join(", ", reached)} through {string.Join(", ", through)}: {(hessian ? $"the Hessian-vector product of the function whose gradient {function.DisplayName} writes, with direction" : function.DisplayName + "'s vector-Jacobian product with cotangent")} {cotangents}"),
            });
            productLine.Mentions.UnionWith(mentions);
            output.Add(productLine);
            output.AddRange(additions);
        }

        if (ValueContributes(call) && hessian)
        {
            BackwardGradientValue(call, throughOutputs, scalarGradients, output);
        }

        foreach (string vector in outputs)
        {
            output.Add(new BackwardLine(new ClearOutput(AdjointName(vector))
            {
                Comment = Comment.Of($"{vector} was overwritten here: its earlier values do not reach the result through it"),
            }));
        }
    }

    /// <summary>
    /// A helper that declares its products with [Derivative]: per varying input, its product with the outputs' adjoints as
    /// cotangents, which adds into a vector's adjoint directly, or returns a real's part; then the outputs' adjoints are 0.
    /// </summary>
    private void BackwardDeclaredProducts(CallWithOutputs call, List<BackwardLine> output)
    {
        var function = call.Call.Function;
        var outputs = call.OutputVectors.ToList();
        var inputs = call.Call.Arguments.Where((_, i) => !function.IsOutput(i)).ToList();
        var cotangents = outputs.Select(o => (Expr)new VectorArgument(AdjointName(o))).ToList();
        string through = string.Join(", ", outputs.Select(o => $"∂{_method.Result}/∂{o}"));
        for (int i = 0; i < call.Call.Arguments.Count; i++)
        {
            if (function.Products[i] is not { } product)
            {
                continue;
            }

            var argument = call.Call.Arguments[i];
            string parameter = function.ParameterNames[i];
            var productFunction = function with { QualifiedName = product };
            if (argument is VectorArgument vector)
            {
                if (!_active.Contains(vector.Vector))
                {
                    continue;
                }

                string adjoint = AdjointName(vector.Vector);
                var line = new BackwardLine(new CallStatement(new VectorCall(productFunction, inputs.Concat(cotangents).Append(new VectorArgument(adjoint)).ToEquatableArray()))
                {
                    Comment = Comment.Of($"∂{_method.Result}/∂{vector.Vector} += ({through})ᵀ · ∂{string.Join(", ", outputs)}/∂{parameter}: {function.DisplayName}'s declared product"),
                });
                line.Mentions.Add(adjoint);
                output.Add(line);
                continue;
            }

            var partials = Partials(new Variable("\u0001none"), argument);
            if (partials.Inputs.Count == 0)
            {
                continue;
            }

            var gradient = new Variable(_names.Fresh(GeneratedNames.Adjoint(function.DisplayName, SafeName(parameter))));
            output.Add(new BackwardLine(new DeclareReal(gradient.Name, new VectorCall(productFunction, inputs.Concat(cotangents).ToEquatableArray()))
            {
                Comment = Comment.Of($"({through})ᵀ · ∂{string.Join(", ", outputs)}/∂{parameter}: {function.DisplayName}'s declared product"),
            }));
            var additions = new List<BackwardLine>();
            AddScalarContributions(function, parameter, argument, partials, gradient, additions);
            output.AddRange(additions);
        }

        foreach (string vector in outputs)
        {
            output.Add(new BackwardLine(new ClearOutput(AdjointName(vector))
            {
                Comment = Comment.Of($"{vector} was overwritten here: its earlier values do not reach the result through it"),
            }));
        }
    }

    /// <summary>
    /// <c>double u = UWithGradient(v, b, dV, out _);</c>: ∂u/∂v is U's gradient at the call, so ∂result/∂v += ∂result/∂u ·
    /// ∇U(v), and ∂result/∂b += ∂result/∂u · ∂U/∂b. The Hessian-vector product above (<paramref name="afterProduct"/>)
    /// wrote that gradient into its scratch (and <paramref name="scalarGradients"/>) again; without it, UWithGradient is
    /// called once more, into the scratch of each vector it differentiates.
    /// </summary>
    private void BackwardGradientValue(CallWithOutputs call, bool afterProduct, Dictionary<int, Variable> scalarGradients, List<BackwardLine> output)
    {
        var function = call.Call.Function;
        var adjoint = AdjointOf(new Variable(call.ValueName!));
        var differentiated = Enumerable.Range(0, call.Call.Arguments.Count).Where(i => i < function.Differentiated.Count && function.Differentiated[i]).ToList();
        var outputs = Enumerable.Range(0, call.Call.Arguments.Count).Where(function.IsOutput).Select(i => call.Call.Arguments[i]).ToList();
        var gradients = new List<Expr>();
        for (int k = 0; k < differentiated.Count; k++)
        {
            if (call.Call.Arguments[differentiated[k]] is VectorArgument vector)
            {
                string scratch = ProductScratch(function.DisplayName, afterProduct ? ((VectorArgument)outputs[k]).Vector : vector.Vector);
                gradients.Add(new VectorArgument(scratch));
                if (afterProduct)
                {
                    _readRewrittenGradients.Add(((VectorArgument)outputs[k]).Vector);
                }
            }
            else
            {
                gradients.Add(afterProduct
                    ? scalarGradients.TryGetValue(k, out var scalar) ? scalar : new OutArgument(new Variable("_"), Declares: false)
                    : ScalarGradientOutput(call, k, scalarGradients));
            }
        }

        if (!afterProduct)
        {
            var arguments = call.Call.Arguments.Where((_, i) => !function.IsOutput(i)).Concat(gradients);
            output.Add(new BackwardLine(new CallStatement(new VectorCall(function, arguments.ToEquatableArray()))
            {
                Comment = Comment.Of($"∂{call.ValueName}/∂ each of its inputs: the gradient {function.DisplayName} writes, for the value it returned"),
            }));
        }

        var additions = new List<BackwardLine>();
        for (int k = 0; k < differentiated.Count; k++)
        {
            var argument = call.Call.Arguments[differentiated[k]];
            if (argument is VectorArgument vector)
            {
                if (_active.Contains(vector.Vector))
                {
                    var line = AddInto(AdjointName(vector.Vector), ((VectorArgument)gradients[k]).Vector, vector.Vector, adjoint,
                        Comment.Of($"∂{_method.Result}/∂{vector.Vector} += ∂{_method.Result}/∂{call.ValueName} · ∂{call.ValueName}/∂{vector.Vector}, the gradient for the value the call returned"));
                    line.Mentions.UnionWith(ExpressionFacts.Variables(adjoint));
                    additions.Add(line);
                }
            }
            else if (scalarGradients.TryGetValue(k, out var gradient))
            {
                AddScalarContributions(function, function.ParameterNames[differentiated[k]], argument, Partials(new Variable("\u0001none"), argument), Multiply(adjoint, gradient), additions);
            }
        }

        output.AddRange(additions);
    }

    /// <summary>
    /// Where the gradient of a gradient over spans writes its <paramref name="k"/>-th part, a scalar: a local when the
    /// value the call returns reaches the result and the scalar's argument varies (∂u/∂b is that part), else <c>out _</c>.
    /// </summary>
    private Expr ScalarGradientOutput(CallWithOutputs call, int k, Dictionary<int, Variable> scalarGradients)
    {
        var function = call.Call.Function;
        int index = Enumerable.Range(0, call.Call.Arguments.Count).Where(i => i < function.Differentiated.Count && function.Differentiated[i]).ElementAt(k);
        var argument = call.Call.Arguments[index];
        if (!ValueContributes(call) || Partials(new Variable("\u0001none"), argument).Inputs.Count == 0)
        {
            return new OutArgument(new Variable("_"), Declares: false);
        }

        var gradient = new Variable(_names.Fresh("gradient" + NameAllocator.ToPascalCase(SafeName(function.ParameterNames[index]))));
        scalarGradients[k] = gradient;
        return new OutArgument(gradient, Declares: true);
    }

    /// <summary>What a helper's part for a real parameter passes on to the values its argument is computed from.</summary>
    private void AddScalarContributions(VectorFunction function, string parameter, Expr argument, StatementPartials partials, Expr gradient, List<BackwardLine> additions)
    {
        foreach (var (input, partial) in partials.Inputs)
        {
            var contribution = Multiply(gradient, Resolve(partial, argument));
            var chain = argument.Equals(input)
                ? Comment.Of($"∂{_method.Result}/∂", input, $" += its part through {function.DisplayName}'s {parameter}")
                : Comment.Of($"∂{_method.Result}/∂", input, $" += ∂{_method.Result}/∂{function.DisplayName}.{parameter} · ∂{function.DisplayName}.{parameter}/∂", input, $" ({function.DisplayName}.{parameter} = ", Code(argument), ")");
            var line = new BackwardLine(null, AdjointOf(input), contribution, chain);
            line.Mentions.Add(AdjointName(TargetName(input)));
            line.Mentions.UnionWith(ExpressionFacts.Variables(contribution));
            additions.Add(line);
        }
    }

    /// <summary><c>for (int k = 0; k &lt; v.Length; k++) adjoint[k] += scratch[k];</c> (each times <paramref name="scale"/>, if given).</summary>
    private BackwardLine AddInto(string adjoint, string scratch, string vector, Expr? scale = null, Comment? comment = null)
    {
        string counter = _names.Fresh("j");
        Expr part = new Element(scratch, new Variable(counter));
        var add = new UpdateReal(new Element(adjoint, new Variable(counter)), UpdateOperator.Add, scale is null ? part : Multiply(scale, part));
        var loop = new ForLoop(counter, "int", Constant.Zero, Length(vector), new Statement[] { add }.ToEquatableArray())
        {
            Comment = comment ?? Comment.Of($"∂{_method.Result}/∂{vector} += its part through this call"),
        };
        var line = new BackwardLine(loop);
        line.Mentions.Add(adjoint);
        return line;
    }

    /// <summary>The scratch span a helper's product writes its gradient output for <paramref name="vector"/> into, one per vector.</summary>
    private string ProductScratch(string helper, string vector)
    {
        if (!_productScratch.TryGetValue(vector, out var scratch))
        {
            scratch = _names.Fresh(GeneratedNames.Adjoint(helper, SafeName(vector)));
            _productScratch[vector] = scratch;
        }

        return scratch;
    }

    private IEnumerable<Statement> OutputCallScratchDeclarations() => _productScratch.Select(pair =>
        (Statement)new DeclareAdjointBuffer(pair.Value, ScratchStorageName(pair.Value), pair.Key, StackBound)
        {
            Comment = _rewrittenGradients.Contains(pair.Key)
                ? Comment.Of($"the gradient a Hessian-vector product writes again, as {pair.Key} ({(_readRewrittenGradients.Contains(pair.Key) ? "read for the value the call returned" : "not read")}): on the stack up to {StackBound} elements, pooled above")
                : Comment.Of($"a helper's gradient output for {pair.Key}, added into ∂{_method.Result}/∂{pair.Key}: on the stack up to {StackBound} elements, pooled above"),
        });

    private IEnumerable<Statement> OutputCallScratchReleases() =>
        _productScratch.Values.Select(scratch => (Statement)new Release(ScratchStorageName(scratch), IsAdjointBuffer: true));

    private readonly Dictionary<string, string> _scratchStorages = new();

    private string ScratchStorageName(string scratch)
    {
        if (!_scratchStorages.TryGetValue(scratch, out var storage))
        {
            storage = _names.Fresh(GeneratedNames.AdjointStorage(scratch));
            _scratchStorages[scratch] = storage;
        }

        return storage;
    }

    private static Expr Length(string vector) => new Member(new Variable(vector), "Length");
}
