using System.Linq;

namespace SymbolicDiff.Generator.Model;

/// <summary>
/// The value of a call of <paramref name="Function"/> at <paramref name="Arguments"/>, computed by its value-and-derivative
/// method (<paramref name="Method"/>, what its <c>[Derivative]</c> names as <c>WithValue</c>), which also declares the local
/// <paramref name="Derivative"/> with the partial with respect to argument <paramref name="Argument"/>, the one the function declares:
/// <c>Activations.SigmoidWithDerivative(z, out double dforget_dz)</c>. Only ever the whole value of a real declaration
/// in the forward sweep of a first-order gradient (see <c>Differentiation/DerivativesBesideValues.cs</c>); the partial
/// of that declaration with respect to the argument is then <paramref name="Derivative"/>, read where the backward sweep
/// would call the derivative method. Its children are the call's arguments; the derivative is declared here, not read.
/// </summary>
internal sealed record CallWithDerivative(Function Function, EquatableArray<Expr> Arguments, string Method, int Argument, string Derivative) : Expr
{
    /// <summary>Where the call is written, for diagnostics found during differentiation; not part of equality.</summary>
    public LocationInfo? Location { get; init; }

    /// <summary>The plain call this computes the value of.</summary>
    public Call Call => new(Function, Arguments) { Location = Location };

    public bool Equals(CallWithDerivative? other) =>
        other is not null && Function.Equals(other.Function) && Arguments.Equals(other.Arguments) && Method == other.Method &&
        Argument == other.Argument && Derivative == other.Derivative;

    public override int GetHashCode() => unchecked((Function.GetHashCode() * 397) ^ Arguments.GetHashCode() ^ Derivative.GetHashCode());

    /// <summary>
    /// The derivative method's call this stands in for, <c>SigmoidDerivative(z, a)</c> where <paramref name="value"/> is
    /// the value's local: what a trace of the gradient shows as the partial's formula.
    /// </summary>
    public Call DerivativeMethodCall(Expr value)
    {
        var declared = Function.DeclaredPartials[Argument]!;
        var arguments = declared.TakesValue ? Arguments.Concat(new[] { value }) : Arguments;
        string name = declared.QualifiedMethodName;
        return new Call(Function.Plain(name, name.Substring(name.LastIndexOf('.') + 1)), arguments.ToEquatableArray());
    }

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
