namespace SymbolicDiff.Generator.Model;

/// <summary>
/// The value of <paramref name="Call"/> computed by its function's value-and-derivative method (<paramref name="Method"/>,
/// what its <c>[Derivative]</c> names as <c>WithValue</c>), which also declares the local <paramref name="Derivative"/> with
/// the partial with respect to argument <paramref name="Argument"/>, the one the function declares:
/// <c>Activations.SigmoidWithDerivative(z, out double dforget_dz)</c>. Only ever the whole value of a real declaration
/// in the forward sweep of a first-order gradient (see <c>Differentiation/DerivativesBesideValues.cs</c>); the partial
/// of that declaration with respect to the argument is then <paramref name="Derivative"/>, read where the backward sweep
/// would call the derivative method. Its children are the call's arguments.
/// </summary>
internal sealed record CallWithDerivative(Call Call, string Method, int Argument, Variable Derivative) : Expr
{
    /// <summary>
    /// For a call of a function that declares a partial for one parameter only, with a <c>WithValue</c> method: that
    /// parameter's index and the method; else null.
    /// </summary>
    public static (int Argument, string Method)? Of(Call call)
    {
        if (call.Function.Rule is not null || call.Function.IsDifferentiableCallee || call.Function.Component is not null)
        {
            return null;
        }

        (int Argument, string Method)? found = null;
        for (int i = 0; i < call.Function.DeclaredPartials.Count; i++)
        {
            if (call.Function.DeclaredPartials[i] is not { } partial)
            {
                continue;
            }

            if (found is not null || partial.WithValue is null)
            {
                return null;
            }

            found = (i, partial.WithValue);
        }

        return found is not null && call.Arguments.Count == call.Function.DeclaredPartials.Count ? found : null;
    }
}
