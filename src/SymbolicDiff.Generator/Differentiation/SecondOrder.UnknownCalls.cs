using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

internal static partial class SecondOrder
{
    /// <summary>
    /// What SD0031 / SD0035 say where forward mode over <paramref name="program"/> (its gradient, its Hessian program, its
    /// Hessian-vector product) gave up for a construct it has no rule for, and where they point: a call with varying
    /// arguments no rule takes is named, with what would give it one, at the call where the user wrote it (else at
    /// <paramref name="location"/>, the method's); any other construct as before.
    /// </summary>
    private static (string What, LocationInfo? Location) NoForwardRule(ForwardModeDifferentiator.GradientTangents forward, string program, LocationInfo? location) =>
        forward.UnknownCall is { } call
            ? ($"the call `{call.Text}` in its {program}, which forward mode has no rule for (mark '{call.Callee}' [Differentiable], or declare its derivative with [Derivative] on it)", call.Location ?? location)
            : ($"a construct of its {program} that forward mode has no rule for", location);
}
