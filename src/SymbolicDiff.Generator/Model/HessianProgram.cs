namespace SymbolicDiff.Generator.Model;

/// <summary>
/// Second derivatives of a method, as IR: forward mode run over the method's gradient program (forward-over-reverse).
/// <see cref="Body"/> is the gradient's own computation with each value's tangent beside it, the tangent taken along
/// the direction held in <see cref="Directions"/>; the tangent of each partial of the gradient is then one entry of
/// H·v. Emit runs the body once per unit direction for a dense Hessian (scalar parameters), or once along the
/// caller's direction for a Hessian-vector product (vectors).
/// </summary>
/// <param name="Body">The forward sweep over the gradient: value, gradient and their tangents.</param>
/// <param name="Returned">The local holding the method's value at the end of the body.</param>
/// <param name="Directions">Per differentiated parameter, in declaration order, the name of its part of the direction (<c>vW</c>).</param>
/// <param name="Partials">Per differentiated parameter, its partial derivative after the body (a local, or 0); in a method over vectors, its gradient output (a span, or an <c>out</c> for a scalar).</param>
/// <param name="PartialTangents">Per differentiated parameter, the tangent of its partial along the direction: (H·v) for it; in a method over vectors, the output receiving it (a span for a vector, an <c>out</c> for a scalar).</param>
internal sealed record HessianProgram(
    EquatableArray<Statement> Body,
    string Returned,
    EquatableArray<string> Directions,
    EquatableArray<Expr> Partials,
    EquatableArray<Expr> PartialTangents)
{
    /// <summary>
    /// Every name the body declares or reads, as the transform left it: for third derivatives
    /// (<see cref="Differentiation.SecondOrder"/>), whose tangents take the names of the gradient outputs (<c>dX</c>), which
    /// <see cref="NameAllocator.ForBody"/> would count as taken. Every other pass, and Emit, asks
    /// <see cref="NameAllocator.ForBody"/> of the statements as they are.
    /// </summary>
    public EquatableArray<string> UsedNames { get; init; } = EquatableArray<string>.Empty;

    /// <summary>
    /// Statements Emit writes once, before the body and outside any loop over directions: the scratch spans that the
    /// Hessians of called [Differentiable] methods are written into (<see cref="Differentiation.CalleeHessians"/>).
    /// </summary>
    public EquatableArray<Statement> Prologue { get; init; } = EquatableArray<Statement>.Empty;

    /// <summary>
    /// This program with its body and its prologue rewritten by the one map <paramref name="forScope"/> makes for them
    /// (<see cref="GradientProgram.WithEveryScope"/>): Emit prints both in one method of <paramref name="method"/>, whose
    /// parameters include the <see cref="Directions"/>.
    /// </summary>
    public HessianProgram WithEveryScope(MethodModel method, System.Func<BodyScope, System.Func<EquatableArray<Statement>, EquatableArray<Statement>>> forScope)
    {
        var map = forScope(new BodyScope(method, System.Linq.Enumerable.Concat(Prologue, Body), Directions));
        return this with { Body = map(Body), Prologue = map(Prologue) };
    }
}

/// <summary>
/// Third derivatives of a method (<c>[Differentiable(ThirdOrder = true)]</c>), as IR: forward mode run over its
/// <see cref="HessianProgram"/> along a second direction d, the Hessian's own direction v held constant. Emit runs
/// <see cref="Body"/> once per unit direction v, as it runs the Hessian's, into <c>MHessianWithDerivative</c>: the
/// Hessian's entries are the <see cref="HessianProgram.PartialTangents"/> still, and their tangents along d are the
/// Hessian's directional derivative, Σₘ ∂³M/∂pᵢ∂pⱼ∂pₘ · dₘ.
/// </summary>
/// <param name="Body">The forward sweep over the Hessian program: its values, then each one's tangent along d beside it.</param>
/// <param name="Tangents">Per differentiated parameter, in declaration order, the name of its part of d (<c>dX</c>): a parameter of the method.</param>
/// <param name="HessianTangents">Per differentiated parameter, the tangent along d of its entry of H·v (a local, or 0).</param>
internal sealed record HessianTangentProgram(
    EquatableArray<Statement> Body,
    EquatableArray<string> Tangents,
    EquatableArray<Expr> HessianTangents)
{
    /// <summary>Every name the body declares or reads, so that the locals Emit adds around it take others.</summary>
    public EquatableArray<string> UsedNames { get; init; } = EquatableArray<string>.Empty;

    /// <summary>
    /// For a method over spans (<c>MHessianVectorProductWithDerivative</c>, forward mode over its Hessian-vector product, the
    /// direction varying too): per differentiated parameter, the name of the tangent of its part of the direction, a
    /// parameter after <see cref="Tangents"/>; empty for a method of scalars.
    /// </summary>
    public EquatableArray<string> DirectionTangents { get; init; } = EquatableArray<string>.Empty;

    /// <summary>
    /// For a method over spans: per differentiated parameter, the span receiving the tangent of its gradient output (H·d),
    /// then per differentiated parameter the span receiving the tangent of its part of H·v (∇³M[v, d] + H·dv); empty for a
    /// method of scalars, whose <see cref="HessianTangents"/> are locals.
    /// </summary>
    public EquatableArray<string> OutputTangents { get; init; } = EquatableArray<string>.Empty;
}
