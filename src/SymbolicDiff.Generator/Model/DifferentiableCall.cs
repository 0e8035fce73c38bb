namespace SymbolicDiff.Generator.Model;

/// <summary>
/// A call of another [Differentiable] method of the same compilation whose generated code the caller's gradient
/// calls (its <c>MWithGradient</c> or vector-Jacobian products).
/// </summary>
/// <param name="Callee">The callee's documentation ID (<c>M:Ns.Type.H(System.Double)</c>): the same for both parts of a partial method.</param>
/// <param name="DisplayName">The callee as the message names it (<c>Type.H</c>).</param>
/// <param name="Location">Where the call is written, reported at if the callee gets no generated code.</param>
internal sealed record DifferentiableCall(string Callee, string DisplayName, LocationInfo? Location);
