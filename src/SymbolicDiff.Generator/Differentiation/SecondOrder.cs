using System.Collections.Generic;
using System.Linq;
using System.Threading;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// Second derivatives by forward-over-reverse: the gradient program the reverse transforms produced is itself a
/// program in the same IR, so the forward transform runs over it. The tangent of each partial of the gradient along a
/// direction v is (H·v) for that parameter. Nothing here differentiates anything itself: this class only presents the
/// gradient as a method to the forward transform (its outputs declared, <c>+=</c> written out, each derivative
/// function the gradient calls given its own declared derivative) and reports what has none.
/// </summary>
internal static partial class SecondOrder
{
    public static (HessianProgram? Program, DiagnosticInfo? Diagnostic) Differentiate(
        MethodModel method,
        GradientProgram gradient,
        LocationInfo? location,
        CancellationToken cancellationToken)
    {
        if (method.HasOutputs)
        {
            // Its results are spans: their second derivatives are the weighted Hessian-vector product over its
            // vector-Jacobian product (SecondOrder.Weighted.cs), not forward mode over the gradient of its returned value.
            return (null, Unsupported(method, location, "a vector-valued method (one that writes results into span parameters; its Jacobian is generated)"));
        }

        return OverGradient(method, gradient, location, scalarsAsOutParameters: false, cancellationToken);
    }

    /// <summary>
    /// Forward mode over <paramref name="gradient"/>, the gradient program of <paramref name="method"/>. With
    /// <paramref name="scalarsAsOutParameters"/>, a scalar's parts of the gradient and of H·v are <c>out</c> parameters
    /// even where no vector is differentiated (the shape of a product, not of <c>MWithHessian</c>).
    /// </summary>
    private static (HessianProgram? Program, DiagnosticInfo? Diagnostic) OverGradient(
        MethodModel method,
        GradientProgram gradient,
        LocationInfo? location,
        bool scalarsAsOutParameters,
        CancellationToken cancellationToken)
    {
        var differentiated = method.Parameters.Where(p => p.IsDifferentiated).ToList();

        // A gradient that differentiates through another method's gradient reads its Hessian: its own second
        // derivatives read that Hessian's directional derivative (third derivatives), which the callee generates with
        // ThirdOrder = true.
        if (CalleeHessians.FirstReadWithoutThirdOrder(method.Statements) is { } withoutThirdOrder)
        {
            return (null, DiagnosticInfo.Create(DiagnosticDescriptors.CalleeWithoutThirdOrder, withoutThirdOrder.Location ?? location, method.MethodName, withoutThirdOrder.Function.DisplayName));
        }

        // A [Differentiable] callee's gradient struct: its entries read as functions whose partials are its Hessian.
        var (withEntries, withoutHessian) = CalleeGradientReads.Rewrite(method, gradient);
        if (withEntries is null)
        {
            return (null, CalleeWithoutHessian(method, withoutHessian!, location));
        }

        gradient = withEntries;

        // What the forward transform has no rule for in a gradient body: a [Differentiable] callee's gradient struct,
        // a function over vectors' vector-Jacobian product. Reported by name rather than differentiated wrongly.
        foreach (var statement in StatementFacts.Flatten(gradient.Body))
        {
            if (statement is DeclareVar declaration && declaration.Value is Call or Conditional)
            {
                string callee = Calls(declaration.Value).Select(c => c.Function.DisplayName).FirstOrDefault() ?? declaration.Name;
                string suffix = GeneratedNames.GradientMethod(string.Empty);
                callee = callee.EndsWith(suffix, System.StringComparison.Ordinal) ? callee.Substring(0, callee.Length - suffix.Length) : callee;
                return (null, Unsupported(method, location, $"a method that calls another [Differentiable] method ('{callee}'), whose gradient would have to be differentiated again"));
            }

            // A vector-valued helper's product is differentiated through the helper's weighted Hessian-vector product.
            if (statement is CallStatement { Call: VectorCall { Function.HasOutputs: true } helperCall })
            {
                if (HelperProblem(method, helperCall, location) is { } helperProblem)
                {
                    return (null, helperProblem);
                }

                continue;
            }

            if (statement is DeclareReal { Value: VectorCall { Function.HasOutputs: true } declaredProduct })
            {
                return (null, Unsupported(method, location, $"a method that calls a helper that declares only its vector-Jacobian products ('{declaredProduct.Function.DisplayName}'), which declare no derivatives of their own"));
            }

            // A [Differentiable] method over spans: its products' tangents are generated with its Hessian (SecondOrder = true).
            if (StatementFacts.Expressions(statement).SelectMany(ExpressionFacts.Nodes).OfType<VectorCall>()
                    .FirstOrDefault(call => call.Function is { IsDifferentiableCallee: true, IsProductCall: true, TangentOfProductCall: null }) is { } calleeProduct)
            {
                return (null, CalleeWithoutHessian(method, calleeProduct.Function, CallLocation(method, calleeProduct.Function) ?? location));
            }

            // A vector-Jacobian product (SoftmaxCrossEntropyLogitsGradient) is differentiated by the tangent method its own [Derivative] names.
            if (statement is CallStatement { Call: VectorCall { Function.TangentOfProductCall: null } vectorCall })
            {
                string product = vectorCall.Function.QualifiedName.Substring(vectorCall.Function.QualifiedName.LastIndexOf('.') + 1);
                return (null, Unsupported(method, location, $"a method that calls a function over vectors ('{vectorCall.Function.DisplayName}'), whose vector-Jacobian product '{product}' declares no derivative (declare one on it: [Derivative(nameof({product}Tangent))], see docs/custom-derivatives.md)"));
            }
        }

        var callables = DerivativeCallables(method.Statements);
        var body = new List<Statement>();
        var names = new HashSet<string>(method.Parameters.Select(p => p.Name).Concat(method.Parameters.Select(p => p.Output)));
        names.UnionWith(StatementFacts.DeclaredNames(gradient.Body));
        names.UnionWith(StatementFacts.Flatten(gradient.Body).SelectMany(StatementFacts.Names));
        var allocator = new NameAllocator(names);

        // The gradient's outputs are locals here (a scalar method's loop gradient writes dW, which Emit declares) or,
        // for vectors, the caller's spans; the product outputs are their tangents.
        var outputTangents = new Dictionary<string, string>();
        var vectorOutputs = new List<ParameterModel>();
        if (gradient.WritesOutputs)
        {
            foreach (var parameter in differentiated)
            {
                if (parameter.IsVector)
                {
                    string product = allocator.Fresh(GeneratedNames.HessianVectorProductOutput(parameter.Name));
                    outputTangents[parameter.Output] = product;
                    vectorOutputs.Add(new ParameterModel(parameter.Output, $"global::System.Span<{method.RealType}>", IsDifferentiated: false) { ElementType = method.RealType, Output = product });
                }
                else
                {
                    body.Add(new DeclareReal(parameter.Output, Constant.Zero) { Unassigned = true });
                }
            }
        }

        body.AddRange(Rewrite(gradient.Body, callables));

        // A partial the straight-line gradient left as an expression (not one adjoint) gets a name, to take its tangent.
        var partials = new List<Expr>();
        foreach (var parameter in differentiated)
        {
            var value = gradient.WritesOutputs ? new Variable(parameter.Output) : gradient.Gradient.First(e => e.ParameterName == parameter.Name).Value;
            if (value is not (Variable or Constant))
            {
                string name = allocator.Fresh(GeneratedNames.Adjoint(method.Result, parameter.Name));
                body.Add(new DeclareReal(name, value));
                value = new Variable(name);
            }

            partials.Add(value);
        }

        var directions = differentiated.Select(p => allocator.Fresh(GeneratedNames.HessianDirection(p.Name))).ToList();

        // A vector-valued method's outputs (the weighted product): their tangents, J·v, go to scratch, used only where
        // the method reads an output back after writing it.
        var outputScratch = method.Parameters.Where(p => p.IsOutput).ToDictionary(p => p.Name, p => allocator.Fresh(GeneratedNames.Tangent(p.Name.TrimStart('@')) + "Unused"));
        var parameters = method.Parameters
            .Select(p => p.IsDifferentiated ? p with { Output = directions[differentiated.IndexOf(p)] } : p.IsOutput ? p with { Output = outputScratch[p.Name] } : p)
            .Concat(vectorOutputs)
            .ToList();
        var asMethod = method with { Parameters = parameters.ToEquatableArray(), Statements = body.ToEquatableArray(), Result = gradient.Returned };

        // The tangents wanted are the partials' (the value's own tangent, f's directional derivative, is not needed).
        var results = partials.OfType<Variable>().Select(v => v.Name).Distinct().ToList();
        var forward = ForwardModeDifferentiator.DifferentiateGradient(asMethod, results, outputTangents, cancellationToken);
        if (forward.Program is null)
        {
            if (forward.MissingFunction is { } missing)
            {
                return (null, Missing(method, location, missing.Function, missing.Parameter is null
                    ? "derivative of its own ([Derivative] on it)"
                    : $"derivative with respect to its parameter '{missing.Parameter}'"));
            }

            var (what, at) = NoForwardRule(forward, "gradient", location);
            return (null, Unsupported(method, at, what));
        }

        var tangents = partials.Select(partial => partial is Variable variable
            ? outputTangents.TryGetValue(variable.Name, out var span) ? new Variable(span) : forward.Tangents[results.IndexOf(variable.Name)]
            : Constant.Zero).ToList();
        var productBody = forward.Program.Body.Where(statement => statement is not CheckOutputLength check || !outputScratch.ContainsValue(check.Output)).ToList();
        var tangentsRead = new HashSet<string>(StatementFacts.Flatten(productBody).Where(statement => statement is not ClearOutput).SelectMany(StatementFacts.Names));
        foreach (var unread in outputScratch.Where(pair => !tangentsRead.Contains(pair.Value)).ToList())
        {
            // No value the products need depends on this output: its tangent is never computed, so no scratch at all.
            outputScratch.Remove(unread.Key);
            productBody.RemoveAll(statement => statement is ClearOutput clear && clear.Output == unread.Value);
        }

        if (outputScratch.Count > 0)
        {
            foreach (string name in StatementFacts.DeclaredNames(productBody).Concat(StatementFacts.Flatten(productBody).SelectMany(StatementFacts.Names)))
            {
                allocator.Reserve(name);
            }

            productBody.InsertRange(0, outputScratch.Select(pair => (Statement)new DeclareAdjointBuffer(pair.Value, allocator.Fresh(GeneratedNames.AdjointStorage(pair.Value)), pair.Key, OutputTangentStackBound)
            {
                Comment = Comment.Of($"the tangent of {pair.Key}, for the values the sweep reads back from it (not an output here): on the stack up to 128 elements, pooled above"),
            }));
            productBody.AddRange(productBody.OfType<DeclareAdjointBuffer>().Where(buffer => outputScratch.ContainsValue(buffer.Name)).Select(buffer => (Statement)new Release(buffer.Storage, IsAdjointBuffer: true)).ToList());
        }

        if ((scalarsAsOutParameters || differentiated.Any(p => p.IsVector)) && differentiated.Any(p => !p.IsVector))
        {
            foreach (string name in StatementFacts.DeclaredNames(productBody).Concat(StatementFacts.Flatten(productBody).SelectMany(StatementFacts.Names)))
            {
                allocator.Reserve(name);
            }

            (productBody, tangents) = MixedHessianOutputs.AsOutParameters(differentiated, productBody, tangents, allocator, method.Result);
        }

        var used = new SortedSet<string>(StatementFacts.DeclaredNames(productBody), System.StringComparer.Ordinal);
        used.UnionWith(StatementFacts.Flatten(productBody).SelectMany(StatementFacts.Names));
        return (new HessianProgram(productBody.ToEquatableArray(), gradient.Returned, directions.ToEquatableArray(), partials.ToEquatableArray(), tangents.ToEquatableArray())
        {
            UsedNames = used.ToEquatableArray(),
        }, null);
    }

    /// <summary>The gradient's statements as the forward transform reads them: <c>t += e</c> as <c>t = t + e</c>, derivative calls with their own derivatives.</summary>
    private static List<Statement> Rewrite(IEnumerable<Statement> statements, IReadOnlyDictionary<string, Function> callables)
    {
        var output = new List<Statement>();
        foreach (var statement in statements)
        {
            Expr Calls(Expr e) => WithCallables(e, callables);
            output.Add(statement switch
            {
                UpdateReal update => new AssignReal(update.Target, Calls(Updated(update)), string.Empty) { Comment = update.Comment },
                DeclareReal real => real with { Value = Calls(real.Value) },
                AssignReal assign => assign with { Value = Calls(assign.Value) },
                ForLoop loop => loop with { Body = Rewrite(loop.Body, callables).ToEquatableArray() },
                IfStatement guarded => guarded with { Then = Rewrite(guarded.Then, callables).ToEquatableArray() },
                CallStatement { Call: VectorCall { Function.ProductIsHessianVector: true } gradientCall } => AsCallWithOutputs(gradientCall, statement.Comment),
                _ => statement,
            });
        }

        return output;
    }

    /// <summary>
    /// A call the backward sweep makes for <c>UWithGradient(v, dV)</c>, as the forward transform reads it: a call of a
    /// vector-valued function, differentiated by its own forward mode. U's Hessian-vector product
    /// <c>UHessianVectorProduct(v, direction, gradient, product)</c> is a function of (v, direction) with outputs (gradient,
    /// product), whose forward mode is <c>UHessianVectorProductWithDerivative</c> (U's <c>ThirdOrder = true</c>); the
    /// gradient called again for the value it returns is <c>UWithGradient</c> itself, whose forward mode is U's product.
    /// </summary>
    private static CallWithOutputs AsCallWithOutputs(VectorCall call, Comment? comment)
    {
        var function = call.Function;
        if (function.QualifiedName != function.ProductMethod)
        {
            return new CallWithOutputs(call, string.Empty) { Comment = comment };
        }

        // (U's arguments, a direction, a gradient output and a product output per differentiated parameter): all spans,
        // HelperProblem having reported U's differentiated reals (SD0031).
        int count = function.Outputs.Count(output => !output);
        var differentiated = function.ParameterNames.Take(count).Where((_, i) => function.Differentiated[i]).ToList();
        string callee = function.DisplayName.Substring(0, function.DisplayName.Length - GeneratedNames.GradientMethod(string.Empty).Length);
        var names = function.ParameterNames.Take(count)
            .Concat(differentiated.Select(GeneratedNames.HessianDirection))
            .Concat(differentiated.Select(GeneratedNames.Output))
            .Concat(differentiated.Select(GeneratedNames.HessianVectorProductOutput))
            .ToEquatableArray();
        var product = new VectorFunction(function.ProductMethod!, GeneratedNames.HessianVectorProductMethod(callee), names, new string?[names.Count].ToEquatableArray())
        {
            Outputs = names.Select((_, i) => i >= count + differentiated.Count).ToEquatableArray(),
            Differentiated = names.Select((_, i) => i < count ? function.Differentiated[i] : i < count + differentiated.Count).ToEquatableArray(),
            DerivativeMethod = function.HessianVectorProductTangentMethod,
            HessianVectorProductTangentMethod = function.HessianVectorProductTangentMethod,
            HessianKey = function.HessianKey,
        };
        return new CallWithOutputs(call with { Function = product }, string.Empty) { Comment = comment };
    }

    private static Expr Updated(UpdateReal update) => update.Operator switch
    {
        UpdateOperator.Add => new Binary(BinaryOperator.Add, update.Target, update.Value),
        UpdateOperator.Subtract => new Binary(BinaryOperator.Subtract, update.Target, update.Value),
        UpdateOperator.Multiply => new Binary(BinaryOperator.Multiply, update.Target, update.Value),
        _ => update.Value,
    };

    /// <summary>A call of a derivative method (<c>SigmoidDerivative</c>) with the partials its own [Derivative] declares.</summary>
    private static Expr WithCallables(Expr expression, IReadOnlyDictionary<string, Function> callables)
    {
        var children = ExpressionFacts.Children(expression);
        var rebuilt = children.Count == 0 ? expression : ExpressionFacts.WithChildren(expression, children.Select(child => WithCallables(child, callables)).ToArray());
        return rebuilt is Call { Function: { Builtin: BuiltinFunction.None, DeclaredPartials.Count: 0, IsDifferentiableCallee: false } plain } call &&
            callables.TryGetValue(plain.QualifiedName, out var callable)
            ? call with { Function = callable }
            : rebuilt;
    }

    /// <summary>The derivative methods the method's calls declare, by name, each with its own declared partials where it has them.</summary>
    private static Dictionary<string, Function> DerivativeCallables(IEnumerable<Statement> statements)
    {
        var callables = new Dictionary<string, Function>();
        foreach (var statement in StatementFacts.Flatten(statements))
        {
            foreach (var call in StatementFacts.Expressions(statement).SelectMany(Calls))
            {
                foreach (var partial in call.Function.DeclaredPartials)
                {
                    if (partial?.Callable is { } callable)
                    {
                        callables[partial.QualifiedMethodName] = callable;
                    }
                }
            }
        }

        return callables;
    }

    private static IEnumerable<Call> Calls(Expr expression)
    {
        if (expression is Call call)
        {
            yield return call;
        }

        foreach (var nested in ExpressionFacts.Children(expression).SelectMany(Calls))
        {
            yield return nested;
        }
    }


    private static DiagnosticInfo Missing(MethodModel method, LocationInfo? location, string function, string what) =>
        DiagnosticInfo.Create(DiagnosticDescriptors.MissingSecondDerivative, location, method.MethodName, function, what);

    /// <summary>At the call of the callee (else at <c>SecondOrder = true</c>): its second derivatives are needed, and it has none.</summary>
    private static DiagnosticInfo CalleeWithoutHessian(MethodModel method, Call call, LocationInfo? location) =>
        DiagnosticInfo.Create(DiagnosticDescriptors.CalleeWithoutSecondOrder, call.Location ?? location, method.MethodName, call.Function.DisplayName);

    private static DiagnosticInfo CalleeWithoutHessian(MethodModel method, VectorFunction callee, LocationInfo? location) =>
        DiagnosticInfo.Create(DiagnosticDescriptors.CalleeWithoutSecondOrder, location, method.MethodName, callee.DisplayName);

    /// <summary>Where the method's own body calls the function over spans whose product <paramref name="product"/> is (the same products), or null.</summary>
    private static LocationInfo? CallLocation(MethodModel method, VectorFunction product) =>
        StatementFacts.Flatten(method.Statements)
            .SelectMany(StatementFacts.Expressions)
            .SelectMany(ExpressionFacts.Nodes)
            .OfType<VectorCall>()
            .FirstOrDefault(call => call.Location is not null && call.Function.Products.Equals(product.Products) && call.Function.DisplayName == product.DisplayName)?.Location;

    private static DiagnosticInfo Unsupported(MethodModel method, LocationInfo? location, string what) =>
        DiagnosticInfo.Create(DiagnosticDescriptors.SecondOrderUnsupported, location, method.MethodName, what);
}
