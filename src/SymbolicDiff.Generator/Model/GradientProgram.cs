namespace SymbolicDiff.Generator.Model;

/// <summary>
/// One line of a loop-free backward sweep while it is being built and simplified: <c>double Target = Value;</c>,
/// or <c>Target += Value;</c> when accumulating. It becomes a <see cref="Statement"/> of the program's body.
/// </summary>
/// <param name="Target">The adjoint or local-partial variable.</param>
/// <param name="Value">The simplified right-hand side.</param>
/// <param name="Accumulates">True for <c>+=</c> (a later contribution to an adjoint already declared).</param>
/// <param name="Comment">The chain-rule step this line performs, in ∂ notation.</param>
internal sealed record BackwardStatement(string Target, Expr Value, bool Accumulates, Comment? Comment);

/// <summary>The gradient entry of one differentiated parameter.</summary>
/// <param name="ParameterName">The user's parameter name.</param>
/// <param name="PropertyName">The PascalCase property name in the gradient struct.</param>
/// <param name="Value">The adjoint variable, or a constant when the result does not depend on the parameter.</param>
internal sealed record GradientEntry(string ParameterName, string PropertyName, Expr Value);

/// <summary>
/// The output of differentiation, everything emission needs, as IR: the body of the gradient method (forward
/// sweep, then backward sweep, with argument checks and saved values as statements), the gradient entries, and
/// the local holding the method's value. Emit adds the signature and the return, which follow the method's
/// signature, and prints the rest as it is.
/// </summary>
internal sealed record GradientProgram(
    MethodModel Method,
    EquatableArray<Statement> Body,
    EquatableArray<GradientEntry> Gradient,
    string Returned)
{
    /// <summary>
    /// The body writes each partial into the differentiated parameter's output (<see cref="GeneratedNames.Output"/>:
    /// a span, an <c>out</c>, or a local that Emit declares), rather than leaving it in the entry's adjoint.
    /// </summary>
    public bool WritesOutputs { get; init; }

    /// <summary>The forward-mode program of the same method (<c>MWithDerivative</c>), or null where none is generated.</summary>
    public DerivativeProgram? Derivative { get; init; }

    /// <summary>For a vector-valued method (one with outputs), its vector-Jacobian product, from which Emit also builds <c>MJacobian</c>; else null.</summary>
    public JacobianProgram? Jacobian { get; init; }

    /// <summary>With <c>[Differentiable(SecondOrder = true)]</c>, the second-derivative program (forward mode over this one); else null.</summary>
    public HessianProgram? Hessian { get; init; }

    /// <summary>
    /// With <c>SecondOrder = true</c> on a vector-valued method that returns a real: the weighted Hessian-vector product of
    /// the projection Σᵢ cᵢ rᵢ + c₀ f (forward mode over <see cref="JacobianProgram.ValueWeighted"/>); else null.
    /// </summary>
    public HessianProgram? ValueWeightedHessian { get; init; }

    /// <summary>With <c>[Differentiable(ThirdOrder = true)]</c>, the Hessian's directional derivative (forward mode over <see cref="Hessian"/>); else null.</summary>
    public HessianTangentProgram? HessianTangent { get; init; }

    /// <summary>
    /// This program with <paramref name="map"/> applied to every body Emit prints: the gradient's, forward mode's, the
    /// vector-Jacobian products' (and the value-weighted one's), the Hessians' (body and prologue) and the Hessian
    /// tangent's. The passes that run after the transforms, on what is printed, go through here, so none misses a body.
    /// </summary>
    public GradientProgram WithEveryBody(System.Func<EquatableArray<Statement>, EquatableArray<Statement>> map) => WithEveryScope(_ => map);

    /// <summary>
    /// <see cref="WithEveryBody"/> for a pass that needs the whole generated method in view while it rewrites one of its
    /// bodies (which buffers the method owns, which names it takes): per generated method, <paramref name="forScope"/> is
    /// given its <see cref="BodyScope"/> and returns the map then applied to each of its bodies, a Hessian's body and
    /// prologue alike. The one walk over what Emit prints.
    /// </summary>
    public GradientProgram WithEveryScope(System.Func<BodyScope, System.Func<EquatableArray<Statement>, EquatableArray<Statement>>> forScope) => this with
    {
        Body = InScope(Body, forScope),
        Derivative = Derivative is { } derivative ? derivative with { Body = InScope(derivative.Body, forScope) } : null,
        Jacobian = Jacobian?.WithEveryScope(forScope),
        Hessian = Hessian?.WithEveryScope(Method, forScope),
        ValueWeightedHessian = ValueWeightedHessian?.WithEveryScope(Method, forScope),
        HessianTangent = HessianTangent is { } tangent ? tangent with { Body = InScope(tangent.Body, forScope) } : null,
    };

    private EquatableArray<Statement> InScope(EquatableArray<Statement> body, System.Func<BodyScope, System.Func<EquatableArray<Statement>, EquatableArray<Statement>>> forScope) =>
        forScope(new BodyScope(Method, body, EquatableArray<string>.Empty))(body);
}

/// <summary>
/// The reverse mode of a vector-valued method: the gradient of Σᵢ cᵢ rᵢ over its outputs r with the cotangents c as
/// extra inputs, which is the vector-Jacobian product cᵀ J. Emit prints it as <c>MVectorJacobianProduct</c> and
/// builds <c>MJacobian</c> from it and <c>MWithDerivative</c>.
/// </summary>
/// <param name="Product">The gradient program of the rewritten method (its parameters: the method's, then one cotangent per output).</param>
/// <param name="Cotangents">The cotangent parameter of each output, in the outputs' order.</param>
internal sealed record JacobianProgram(GradientProgram Product, EquatableArray<string> Cotangents)
{
    /// <summary>
    /// The name of the weight c₀ of the returned value f, a real parameter after the cotangents, where this product is the
    /// gradient of Σᵢ cᵢ rᵢ + c₀ f; null for the plain cᵀJ.
    /// </summary>
    public string? ValueCotangent { get; init; }

    /// <summary>
    /// For a vector-valued method that returns a real: the same product with the returned value weighed in
    /// (<see cref="ValueCotangent"/>), printed as an overload of <c>MVectorJacobianProduct</c>. A caller that reads both the
    /// outputs and the value passes their adjoints to it in one backward sweep; else null.
    /// </summary>
    public JacobianProgram? ValueWeighted { get; init; }

    /// <summary>This product with every body Emit prints rewritten (<see cref="GradientProgram.WithEveryScope"/>), each in the scope of its product's method.</summary>
    public JacobianProgram WithEveryScope(System.Func<BodyScope, System.Func<EquatableArray<Statement>, EquatableArray<Statement>>> forScope) => this with
    {
        Product = Product.WithEveryScope(forScope),
        ValueWeighted = ValueWeighted?.WithEveryScope(forScope),
    };
}
