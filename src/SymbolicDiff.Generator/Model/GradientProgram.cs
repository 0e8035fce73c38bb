namespace SymbolicDiff.Generator.Model;

/// <summary>One line of the backward sweep: <c>double Target = Value;</c>, or <c>Target += Value;</c> when accumulating.</summary>
/// <param name="Target">The adjoint or local-partial variable.</param>
/// <param name="Value">The simplified right-hand side.</param>
/// <param name="Accumulates">True for <c>+=</c> (a later contribution to an adjoint already declared).</param>
/// <param name="Comment">The chain-rule step this line performs, in ∂ notation.</param>
internal sealed record BackwardStatement(string Target, Expr Value, bool Accumulates, string Comment);

/// <summary>The gradient entry of one differentiated parameter.</summary>
/// <param name="ParameterName">The user's parameter name.</param>
/// <param name="PropertyName">The PascalCase property name in the gradient struct.</param>
/// <param name="Value">The adjoint variable, or a constant when the result does not depend on the parameter.</param>
internal sealed record GradientEntry(string ParameterName, string PropertyName, Expr Value);

/// <summary>
/// The output of differentiation and simplification, everything emission needs: the forward sweep (the
/// user's statements in single-assignment form, minus any that do not reach the result), the backward
/// sweep, and the gradient entries.
/// </summary>
internal sealed record GradientProgram(
    MethodModel Method,
    EquatableArray<Assignment> Forward,
    EquatableArray<BackwardStatement> Backward,
    EquatableArray<GradientEntry> Gradient)
{
    /// <summary>For a method with loops or vectors: the whole generated method body, line by line (Forward and Backward are then empty).</summary>
    public EquatableArray<CodeLine> LoopBody { get; init; }
}
