namespace SymbolicDiff.Generator.Model;

/// <summary>
/// The dense Hessian of another [Differentiable] method with <c>SecondOrder = true</c>, as its generated span overload
/// <c>MWithHessian(arguments, Span gradient, Span hessian)</c> writes it: what differentiating through a call of its
/// gradient reads (nested differentiation).
/// </summary>
/// <param name="Method">The span overload of <c>MWithHessian</c>, fully qualified.</param>
/// <param name="DisplayName">The callee's short name (<c>U</c>), for comments and the names of its scratch spans.</param>
/// <param name="Size">n, the number of parameters the callee differentiates: the gradient has n entries, the Hessian n×n, row-major.</param>
internal sealed record CalleeHessian(string Method, string DisplayName, int Size)
{
    /// <summary>
    /// The callee's documentation ID where it is declared in source (as <see cref="DifferentiableCall.Callee"/>), so that a
    /// caller whose code reads this Hessian gets none when the callee's Hessian is not generated; null from metadata.
    /// </summary>
    public string? Key { get; init; }

    /// <summary>
    /// With <c>ThirdOrder = true</c> on the callee: its generated <c>MHessianWithDerivative</c>, fully qualified, which also
    /// writes the Hessian's directional derivative (what a caller's own second derivatives read); else null.
    /// </summary>
    public string? TangentMethod { get; init; }

    /// <summary>Per parameter of the callee, whether it differentiates it (has a row and a column in the Hessian, and a tangent in <see cref="TangentMethod"/>).</summary>
    public EquatableArray<bool> Differentiated { get; init; } = EquatableArray<bool>.Empty;
}

/// <summary>
/// One entry of a called [Differentiable] method's gradient, <c>UWithGradient(x, k).X</c>, seen as a function of U's
/// arguments in its own right: its value is read from U's gradient, and its partial derivatives are a row of U's
/// Hessian (∂(∂U/∂x)/∂k = ∂²U/∂x∂k), which <see cref="HessianEntry"/> stands for until the backward or forward sweep is
/// lowered (<see cref="Differentiation.CalleeHessians"/>).
/// </summary>
/// <param name="Hessian">The callee's Hessian.</param>
/// <param name="GradientMethod">The callee's <c>MWithGradient</c>, fully qualified, which computes the value.</param>
/// <param name="Property">The gradient property read (<c>X</c>).</param>
/// <param name="Row">The entry's place among the callee's differentiated parameters: its row of the Hessian.</param>
/// <param name="Columns">Per parameter of the callee, its column in the Hessian, or -1 where the callee does not differentiate it.</param>
internal sealed record GradientComponent(CalleeHessian Hessian, string GradientMethod, string Property, int Row, EquatableArray<int> Columns);

/// <summary>
/// ∂²U/∂pᵣ∂p꜀ of a called [Differentiable] method U at <paramref name="Arguments"/>: the partial derivative of one of
/// its gradient's entries (<see cref="GradientComponent"/>). A value like any other to the transforms; before Emit,
/// <see cref="Differentiation.CalleeHessians"/> turns it into an element of a scratch span that a call of U's
/// <c>MWithHessian</c> at the same arguments filled.
/// </summary>
internal sealed record HessianEntry(CalleeHessian Hessian, EquatableArray<Expr> Arguments, int Row, int Column) : Expr
{
    /// <summary>The entry's index in the row-major n×n Hessian.</summary>
    public int Index => (Row * Hessian.Size) + Column;
}

/// <summary>
/// The directional derivative of a <see cref="HessianEntry"/>: Σₘ ∂³U/∂pᵣ∂p꜀∂pₘ · dpₘ at <paramref name="Arguments"/>,
/// along <paramref name="Tangents"/> (one per argument, the argument's tangent; 0 where it does not vary). What forward
/// mode over a gradient that reads U's Hessian makes of an entry (the caller's own second derivatives); lowered by
/// <see cref="Differentiation.CalleeHessians"/> into an element of a scratch span that a call of U's
/// <c>MHessianWithDerivative</c> filled.
/// </summary>
internal sealed record HessianEntryTangent(CalleeHessian Hessian, EquatableArray<Expr> Arguments, EquatableArray<Expr> Tangents, int Row, int Column) : Expr
{
    /// <summary>The entry's index in the row-major n×n Hessian (and in its tangent).</summary>
    public int Index => (Row * Hessian.Size) + Column;
}
