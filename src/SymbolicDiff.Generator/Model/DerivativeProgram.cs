namespace SymbolicDiff.Generator.Model;

/// <summary>
/// The output of forward-mode differentiation, as IR: the body of <c>MWithDerivative</c> (argument checks, then
/// the method's own statements with each value's tangent computed beside it), the local holding the method's
/// value and the expression of its tangent. Emit adds the signature, which follows the method's, and the return.
/// </summary>
/// <param name="Body">The statements of the forward sweep.</param>
/// <param name="Returned">The local (or parameter) holding the method's value at the end of the body.</param>
/// <param name="Derivative">Its tangent: the directional derivative along the caller's tangents (0 where the value does not depend on them).</param>
internal sealed record DerivativeProgram(EquatableArray<Statement> Body, string Returned, Expr Derivative);
