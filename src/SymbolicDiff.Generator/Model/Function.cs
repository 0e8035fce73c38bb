using System.Linq;

namespace SymbolicDiff.Generator.Model;

/// <summary>The functions whose derivative rules are built into the generator (the <c>System.Math</c> ones).</summary>
internal enum BuiltinFunction
{
    None,
    Exp,
    Log,
    LogWithBase,
    Log10,
    Log2,
    Sqrt,
    Cbrt,
    Pow,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Atan2,
    Sinh,
    Cosh,
    Tanh,
    Abs,
    Max,
    Min,
    Clamp,
    FusedMultiplyAdd,
    CopySign,
    IEEERemainder,

    // Piecewise constant: derivative 0 everywhere it exists.
    Sign,
    Floor,
    Ceiling,
    Round,
    Truncate,
}

/// <summary>
/// A partial derivative declared with <c>[Derivative]</c>: the method that computes it, and whether it
/// takes the function's value as an extra last argument.
/// </summary>
internal sealed record DeclaredPartial(string QualifiedMethodName, bool TakesValue)
{
    /// <summary>
    /// The derivative method as a function in its own right, with the partials its own <c>[Derivative]</c>
    /// attributes declare (read two levels deep below the function, each level's own partials carried the same way), or
    /// null where it declares none: what second derivatives (forward mode over the gradient, which calls this method)
    /// and third derivatives (forward mode over the Hessian, which calls its partials) differentiate through.
    /// </summary>
    public Function? Callable { get; init; }

    /// <summary>
    /// The method the <c>[Derivative]</c> names as <c>WithValue</c>, fully qualified, or null: it takes the function's
    /// arguments and an <c>out</c> parameter, returns the function's value and writes this partial into the parameter
    /// (<c>Activations.SigmoidWithDerivative(z, out double da_dz)</c>). A first-order gradient's forward sweep calls it
    /// instead of the function and keeps the partial (<see cref="CallWithDerivative"/>).
    /// </summary>
    public string? WithValue { get; init; }
}

/// <summary>
/// A callable function as the generator sees it: the fully qualified name to emit, a short name for
/// comments and temporaries, and where its derivative comes from.
/// </summary>
/// <param name="QualifiedName">The name to emit, e.g. <c>global::System.Math.Exp</c>.</param>
/// <param name="DisplayName">The short name, e.g. <c>Exp</c>.</param>
/// <param name="Builtin">The built-in rule, or <see cref="BuiltinFunction.None"/>.</param>
/// <param name="DeclaredPartials">For a non-built-in function, one entry per parameter: the declared partial, or null.</param>
internal sealed record Function(
    string QualifiedName,
    string DisplayName,
    BuiltinFunction Builtin,
    EquatableArray<DeclaredPartial?> DeclaredPartials)
{
    /// <summary>
    /// The qualified name's hash: equal functions have equal names, and the compiler's hash of every member (the declared
    /// partials, each a function again, the Hessian) cost more than the rest of hashing a call, which shared
    /// subexpressions do for every subtree of every backward sweep.
    /// </summary>
    public override int GetHashCode() => QualifiedName.GetHashCode();

    /// <summary>The parameter names of a non-built-in function, for messages.</summary>
    public EquatableArray<string> ParameterNames { get; init; }

    /// <summary>For another [Differentiable] method: its generated <c>MWithGradient</c>, fully qualified; else null.</summary>
    public string? GradientMethod { get; init; }

    /// <summary>For another [Differentiable] method: per parameter, the gradient property (W for w), or null where it is not differentiated.</summary>
    public EquatableArray<string?> GradientProperties { get; init; }

    /// <summary>
    /// For an entry of another [Differentiable] method's gradient (<c>UWithGradient(x, k).X</c>, nested differentiation):
    /// where its value and its partials (a row of the callee's Hessian) come from; else null.
    /// </summary>
    public GradientComponent? Component { get; init; }

    /// <summary>
    /// For another [Differentiable] method with <c>SecondOrder = true</c>: its Hessian, which the partials of its gradient's
    /// entries read (nested differentiation, and a caller's own second derivatives); else null.
    /// </summary>
    public CalleeHessian? Hessian { get; init; }

    /// <summary>Whether this is another [Differentiable] method, whose generated gradient is called rather than inlined.</summary>
    public bool IsDifferentiableCallee => GradientMethod is not null;

    /// <summary>
    /// For another [Differentiable] method with second derivatives (<see cref="Hessian"/>): the entry
    /// <paramref name="property"/> of its gradient (<c>UWithGradient(x, k).X</c>) as a function of its arguments in its
    /// own right, whose partials are a row of its Hessian. Named after the callee, so that a partial it does not
    /// differentiate is SD0021's advice, as for a call of it.
    /// </summary>
    public Function GradientEntry(string property)
    {
        var columns = new int[GradientProperties.Count];
        int differentiated = 0;
        for (int i = 0; i < columns.Length; i++)
        {
            columns[i] = GradientProperties[i] is null ? -1 : differentiated++;
        }

        int row = columns[GradientProperties.ToList().IndexOf(property)];
        var component = new GradientComponent(Hessian!, GradientMethod!, property, row, columns.ToEquatableArray());
        return new Function(GradientMethod + "." + property, DisplayName, BuiltinFunction.None, new DeclaredPartial?[DeclaredPartials.Count].ToEquatableArray())
        {
            ParameterNames = ParameterNames,
            Component = component,
        };
    }

    /// <summary>A function called only in derivative code (a [Derivative] method), which needs no rule of its own.</summary>
    public static Function Plain(string qualifiedName, string displayName) =>
        new(qualifiedName, displayName, BuiltinFunction.None, EquatableArray<DeclaredPartial?>.Empty);

    /// <summary>The derivative rule of a built-in function, or null.</summary>
    public BuiltinRule? Rule => Builtin == BuiltinFunction.None ? null : BuiltinRules.Of(Builtin);

    /// <summary>
    /// Whether a partial derivative needed at these arguments is written in terms of the function's value (eᵘ,
    /// √u, σ(u), uᵖ·ln u for a varying exponent): then the value is worth a name of its own. A constant argument
    /// needs no partial.
    /// </summary>
    public bool PartialsUseValue(System.Collections.Generic.IReadOnlyList<Expr> arguments)
    {
        if (Rule is not { } rule)
        {
            return HasValueTakingPartial();
        }

        for (int i = 0; i < arguments.Count && i < rule.Arity; i++)
        {
            if (arguments[i] is not Constant && rule.PartialUsesValue(i))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the partial derivatives evaluate the arguments again (1/u for ln u; every declared derivative method).</summary>
    public bool PartialsUseArguments => !IsDifferentiableCallee && (Rule?.PartialsUseArguments ?? true);

    /// <summary>Sign, Floor, Ceiling, Round and Truncate: piecewise constant, derivative 0 (as in PyTorch).</summary>
    public bool HasZeroDerivative => Rule?.HasZeroDerivative ?? false;

    private bool HasValueTakingPartial()
    {
        foreach (var partial in DeclaredPartials)
        {
            if (partial is { TakesValue: true })
            {
                return true;
            }
        }

        return false;
    }
}
