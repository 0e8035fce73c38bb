namespace SymbolicDiff.Generator.Model;

// The expression IR: immutable records with structural equality, so that the simplifier can recognise
// repeated subexpressions and the incremental pipeline can compare models by value. Expressions denote
// doubles, except Comparison, Logical, Not and BoolConstant (and variables assigned from them), which
// denote the bools that conditions are made of.

/// <summary>An expression of the differentiable program.</summary>
internal abstract record Expr;

/// <summary>A literal or compile-time constant (a const local, <c>Math.PI</c>, ...).</summary>
internal sealed record Constant(double Value) : Expr
{
    public static readonly Constant Zero = new(0.0);
    public static readonly Constant One = new(1.0);

    public bool IsZero => Value == 0.0;

    public bool IsOne => Value == 1.0;
}

/// <summary>A reference to a parameter or to a single-assignment local.</summary>
internal sealed record Variable(string Name) : Expr;

/// <summary>Unary minus.</summary>
internal sealed record Negate(Expr Operand) : Expr;

internal enum BinaryOperator
{
    Add,
    Subtract,
    Multiply,
    Divide,

    // Integer-only operators: in integer code (counts, indices, flags) the backward sweep never differentiates.
    Remainder,
    BitwiseAnd,
    BitwiseOr,
    ExclusiveOr,
    LeftShift,
    RightShift,
    UnsignedRightShift,
}

/// <summary>An arithmetic operation on two doubles.</summary>
internal sealed record Binary(BinaryOperator Operator, Expr Left, Expr Right) : Expr;

/// <summary>A call of a function whose derivative is known (built in, or declared with [Derivative]).</summary>
internal sealed record Call(Function Function, EquatableArray<Expr> Arguments) : Expr
{
    /// <summary>Where the call is written, for diagnostics found during differentiation; not part of equality.</summary>
    public LocationInfo? Location { get; init; }

    public bool Equals(Call? other) =>
        other is not null && Function.Equals(other.Function) && Arguments.Equals(other.Arguments);

    public override int GetHashCode() => unchecked((Function.GetHashCode() * 397) ^ Arguments.GetHashCode());
}

internal enum ComparisonOperator
{
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
}

/// <summary>A comparison of two doubles: a bool, which carries no derivative.</summary>
internal sealed record Comparison(ComparisonOperator Operator, Expr Left, Expr Right) : Expr;

internal enum LogicalOperator
{
    And,
    Or,
}

/// <summary><c>&amp;&amp;</c> or <c>||</c> of two bools.</summary>
internal sealed record Logical(LogicalOperator Operator, Expr Left, Expr Right) : Expr;

/// <summary><c>!</c> of a bool.</summary>
internal sealed record Not(Expr Operand) : Expr;

/// <summary><c>true</c> or <c>false</c>.</summary>
internal sealed record BoolConstant(bool Value) : Expr;

/// <summary><c>condition ? whenTrue : whenFalse</c>; the condition is a bool expression (or a bool variable).</summary>
internal sealed record Conditional(Expr Condition, Expr WhenTrue, Expr WhenFalse) : Expr;

/// <summary>A property of a struct-valued expression: <c>squareGradient.X</c>, a partial derivative a callee's gradient reported.</summary>
internal sealed record Member(Expr Target, string Name) : Expr;

/// <summary>
/// The value of a call of another [Differentiable] method, read from its gradient struct, which the forward
/// sweep computed into <see cref="Gradient"/> (<c>var squareGradient = H.SquareWithGradient(u);</c>): the partial
/// with respect to argument i is then <c>squareGradient.P_i</c>, with no further call.
/// </summary>
internal sealed record CalleeValue(Variable Gradient, Call Call) : Expr;

/// <summary>The <c>default</c> literal (a gradient struct in a branch not taken).</summary>
internal sealed record DefaultLiteral : Expr;

/// <summary>
/// A <c>throw</c> expression, <paramref name="Code"/> its C# text: the user's (<c>n &gt; 0 ? s / n : throw new
/// ArgumentException(...)</c>), or <c>throw new SwitchExpressionException()</c>, what a switch expression whose arms do not
/// cover every value does for the values none matches, as C# does. Only ever an alternative of a <see cref="Conditional"/>
/// (a throw expression is valid there). Its derivative is 0: where it is reached, nothing returns.
/// </summary>
internal sealed record ThrownException(string Code) : Expr
{
    /// <summary>What a switch expression throws for a value no arm matches.</summary>
    public static ThrownException NoArmMatches { get; } = new("throw new global::System.Runtime.CompilerServices.SwitchExpressionException()");
}

/// <summary>C# text read as is and held constant: a field or property of the type (<c>this.scale</c>).</summary>
internal sealed record External(string Code) : Expr;

/// <summary>An element of a vector (a span, an array, a local buffer): <c>weights[i]</c>; the index is integer code.</summary>
internal sealed record Element(string Vector, Expr Index) : Expr;

/// <summary>An integer expression read as a real number: written <c>(double)(n / 2)</c>, so C# computes it in integers first.</summary>
internal sealed record IntegerValue(Expr Integer) : Expr;

/// <summary>
/// A function over vectors with declared vector-Jacobian products (<c>Losses.SoftmaxCrossEntropy(logits, k)</c>):
/// for each parameter, the method that adds <c>seed · ∂f/∂parameter</c> into a gradient span, or null.
/// </summary>
internal sealed record VectorFunction(string QualifiedName, string DisplayName, EquatableArray<string> ParameterNames, EquatableArray<string?> Products)
{
    /// <summary>
    /// For a vector-valued helper (one that writes its results into span arguments, <c>Step(state, next)</c>): per
    /// parameter, whether it is such an output. Empty for a function that only reads its spans.
    /// </summary>
    public EquatableArray<bool> Outputs { get; init; } = EquatableArray<bool>.Empty;

    /// <summary>
    /// Per parameter, the derivative of its vector-Jacobian product (what the product's own <c>[Derivative]</c> names), or
    /// null: <c>T(&lt;the product's arguments but the gradient&gt;, tangent per real or span input, Span gradientTangent)</c>,
    /// which adds the product's directional derivative. Second derivatives call it; empty where none is declared.
    /// </summary>
    public EquatableArray<string?> ProductTangents { get; init; } = EquatableArray<string?>.Empty;

    /// <summary>
    /// Per parameter, the method its [Derivative] names as <c>WithValue</c>, or null: <c>V(&lt;the function's arguments&gt;,
    /// seed, Span gradient)</c>, which returns the function's value and adds the same product as <see cref="Products"/>'s,
    /// sharing their work. Empty where none is declared.
    /// </summary>
    public EquatableArray<string?> ValueAndProducts { get; init; } = EquatableArray<string?>.Empty;

    /// <summary>
    /// For a call of one of this function's vector-Jacobian products (its <see cref="QualifiedName"/> replaced by the
    /// product's, as the reverse transforms write it): the product's tangent method; else null.
    /// </summary>
    public string? TangentOfProductCall
    {
        get
        {
            for (int i = 0; i < Products.Count && i < ProductTangents.Count; i++)
            {
                if (Products[i] == QualifiedName)
                {
                    return ProductTangents[i];
                }
            }

            return null;
        }
    }

    /// <summary>
    /// For another [Differentiable] method over spans (its products generated with its gradient): true. Its products have
    /// tangents (<see cref="ProductTangents"/>) only where it has <c>SecondOrder = true</c>; without, a caller's second
    /// derivatives are SD0032 at the call.
    /// </summary>
    public bool IsDifferentiableCallee { get; init; }

    /// <summary>
    /// For another [Differentiable] method over spans, or a vector-valued [Differentiable] helper, with
    /// <c>SecondOrder = true</c> declared in source: its documentation ID, so that a caller whose second derivatives call
    /// its product tangents or its weighted Hessian-vector product (<see cref="HessianVectorProductMethod"/>), which come
    /// with its own second order, gets none when that is not generated (SD0033); else null.
    /// </summary>
    public string? HessianKey { get; init; }

    /// <summary>Whether this is a call of one of the tangents of the function's vector-Jacobian products (<see cref="ProductTangents"/>).</summary>
    public bool IsProductTangentCall
    {
        get
        {
            foreach (string? tangent in ProductTangents)
            {
                if (tangent == QualifiedName)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Whether this is a call of one of the function's own vector-Jacobian products (see <see cref="TangentOfProductCall"/>).</summary>
    public bool IsProductCall
    {
        get
        {
            foreach (string? product in Products)
            {
                if (product == QualifiedName)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>For a vector-valued helper: per parameter, whether its generated (or declared) derivatives have a gradient output and a tangent for it.</summary>
    public EquatableArray<bool> Differentiated { get; init; } = EquatableArray<bool>.Empty;

    /// <summary>
    /// For a vector-valued helper: its vector-Jacobian product, fully qualified, called as
    /// <c>P(&lt;arguments&gt;, cotangent per output, gradient output per differentiated parameter)</c>: a span (overwritten)
    /// for a vector, <c>out</c> for a real.
    /// </summary>
    public string? ProductMethod { get; init; }

    /// <summary>
    /// For a vector-valued helper: its forward mode, fully qualified, called as <c>D(&lt;arguments&gt;, tangent per
    /// differentiated parameter, tangent span per output)</c>; null where it has none (a declared derivative may not).
    /// </summary>
    public string? DerivativeMethod { get; init; }

    /// <summary>
    /// For <c>UWithGradient(v, dV)</c> read in a [Differentiable] method (the outputs are U's gradient): the product and the
    /// forward mode are both U's <c>UHessianVectorProduct(&lt;U's arguments&gt;, direction per vector, gradient outputs,
    /// H·direction outputs)</c>, so the outputs and their cotangent or tangent take those places (H is symmetric).
    /// </summary>
    public bool ProductIsHessianVector { get; init; }

    /// <summary>
    /// For <c>UWithGradient(v, dV)</c> (<see cref="ProductIsHessianVector"/>) where U has <c>ThirdOrder = true</c>: the forward
    /// mode of U's Hessian-vector product, fully qualified, <c>UHessianVectorProductWithDerivative(&lt;U's arguments&gt;,
    /// directions, gradient outputs, products, tangent per differentiated parameter and direction, tangent per output)</c>;
    /// else null. A caller's second derivatives differentiate the product its backward sweep calls through it.
    /// </summary>
    public string? HessianVectorProductTangentMethod { get; init; }

    /// <summary>
    /// For a vector-valued [Differentiable] helper with <c>SecondOrder = true</c>: its weighted Hessian-vector product, fully
    /// qualified, called as <c>H(&lt;arguments&gt;, weight per output, direction per differentiated parameter, gradient
    /// output per differentiated parameter, product output per differentiated parameter)</c>; else null. A caller's second
    /// derivatives differentiate the helper's vector-Jacobian product through it.
    /// </summary>
    public string? HessianVectorProductMethod { get; init; }

    /// <summary>
    /// Whether this is a call of a vector-valued helper's generated vector-Jacobian product (its <see cref="QualifiedName"/>
    /// replaced by <see cref="ProductMethod"/>, as the reverse transforms write it), not of a gradient's Hessian-vector product.
    /// </summary>
    public bool IsHelperProductCall => HasOutputs && !ProductIsHessianVector && ProductMethod is not null && QualifiedName == ProductMethod;

    /// <summary>For a vector-valued [Differentiable] helper that returns a real: its <c>MWithGradient</c>, fully qualified (the gradient of the returned value); else null.</summary>
    public string? ValueGradientMethod { get; init; }

    /// <summary>
    /// On a call of a vector-valued [Differentiable] helper's product (<see cref="ProductMethod"/> or
    /// <see cref="HessianVectorProductMethod"/>): the call passes the weight c₀ of the value the helper returns, a real
    /// after the cotangents, as the caller reads that value. Every such helper that returns a real (its
    /// <see cref="ValueGradientMethod"/> is set) has that overload of both products.
    /// </summary>
    public bool WeighsValue { get; init; }

    /// <summary>Whether the function writes results into some of its span arguments.</summary>
    public bool HasOutputs
    {
        get
        {
            foreach (bool output in Outputs)
            {
                if (output)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Whether argument <paramref name="index"/> is an output.</summary>
    public bool IsOutput(int index) => index < Outputs.Count && Outputs[index];
}

/// <summary>
/// <c>out target</c> (with <paramref name="Declares"/>, <c>out double target</c>): an argument that receives a generated
/// method's scalar gradient output; <c>out _</c> discards it.
/// </summary>
internal sealed record OutArgument(Variable Target, bool Declares) : Expr;

/// <summary>A call of a <see cref="VectorFunction"/>; vector arguments are <see cref="VectorArgument"/>s, integer ones <see cref="IntegerValue"/>s.</summary>
internal sealed record VectorCall(VectorFunction Function, EquatableArray<Expr> Arguments) : Expr
{
    public LocationInfo? Location { get; init; }

    public bool Equals(VectorCall? other) => other is not null && Function.Equals(other.Function) && Arguments.Equals(other.Arguments);

    public override int GetHashCode() => unchecked((Function.GetHashCode() * 397) ^ Arguments.GetHashCode());
}

/// <summary>
/// A vector passed to a function: the whole vector (<c>logits</c> in <c>SoftmaxCrossEntropy(logits, k)</c>), or, with
/// <paramref name="Start"/> and <paramref name="Length"/>, the view of it from that (already checked) start, as a slice
/// passes it (<c>Vectors.Dot(w, x)</c> with <c>x = features.Slice(r * d, d)</c> reads <c>features</c> from <c>xStart</c> for
/// <c>d</c>). A derivative of the argument is the matching view of the vector's adjoint or tangent (<see cref="Renamed"/>):
/// <c>dFeatures.Slice(xStart, d)</c>. <paramref name="IsArray"/>: the vector is an array (sliced with AsSpan).
/// </summary>
internal sealed record VectorArgument(string Vector, Expr? Start = null, Expr? Length = null, bool IsArray = false) : Expr
{
    /// <summary>Whether this is a view of part of the vector rather than the whole vector.</summary>
    public bool IsSlice => Start is not null;

    /// <summary>The same view of another vector of the same length (the adjoint or tangent span, always a span).</summary>
    public VectorArgument Renamed(string vector) => new(vector, Start, Length);
}

/// <summary><c>stack.Pop()</c>: the most recent value saved on a <see cref="SavePush"/> stack.</summary>
internal sealed record SavedPop(string Stack) : Expr;

/// <summary>In a derivative rule's template (<see cref="BuiltinRules"/>): the call's argument number <paramref name="Index"/>.</summary>
internal sealed record RuleArgument(int Index) : Expr;

/// <summary>In a derivative rule's template: the value of the call itself (eᵘ in (eᵘ)' = eᵘ), which the forward sweep already computed.</summary>
internal sealed record RuleValue : Expr;
