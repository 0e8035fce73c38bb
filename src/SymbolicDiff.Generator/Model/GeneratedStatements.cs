namespace SymbolicDiff.Generator.Model;

// Statements that only the transforms create (the parser never does): what a gradient body needs beyond the
// user's own statements. They are IR like the others, and only Emit turns them into C#.

/// <summary>How a generated update combines its value with the target: <c>=</c>, <c>+=</c>, <c>-=</c> or <c>*=</c>.</summary>
internal enum UpdateOperator
{
    Set,
    Add,
    Subtract,
    Multiply,
}

/// <summary><c>target op value;</c> on an adjoint or a gradient output (which, unlike <see cref="AssignReal"/>, holds only the new part of the value).</summary>
internal sealed record UpdateReal(Expr Target, UpdateOperator Operator, Expr Value) : Statement;

/// <summary><c>var name = value;</c>: the gradient struct a called [Differentiable] method returns.</summary>
internal sealed record DeclareVar(string Name, Expr Value) : Statement;

/// <summary>A call made for its effect (a vector-Jacobian product that adds into an adjoint span).</summary>
internal sealed record CallStatement(Expr Call) : Statement;

/// <summary>A line holding only its <see cref="Statement.Comment"/>; with no comment, an empty line.</summary>
internal sealed record CommentLine : Statement;

/// <summary>
/// <c>stack.Push(value);</c>: a value the backward sweep needs after the forward sweep overwrites it; or, where
/// <paramref name="Value"/> is a whole <see cref="VectorArgument"/>, every element of the buffer, first to last.
/// </summary>
internal sealed record SavePush(string Stack, Expr Value) : Statement;

/// <summary>
/// <c>stack.Pop(vector);</c>: the last <c>vector.Length</c> saved values back into the buffer, in the order a
/// <see cref="SavePush"/> of the whole vector (<c>stack.Push(vector);</c>) saved them (see <c>Differentiation.SavedSpans</c>).
/// </summary>
internal sealed record RestoreSaved(string Stack, string Vector) : Statement;

/// <summary>The stack of saved values, on the call stack up to <paramref name="StackBound"/> values and pooled above.</summary>
internal sealed record DeclareSavedValues(string Name, int StackBound) : Statement;

/// <summary>
/// The adjoint of a local buffer: as long as <paramref name="Buffer"/>, on the stack up to <paramref name="StackBound"/>
/// elements, pooled above; the span <paramref name="Name"/> over the scratch buffer <paramref name="Storage"/> that owns
/// the memory (both names allocated like every generated name, see <see cref="GeneratedNames.AdjointStorage"/>).
/// </summary>
internal sealed record DeclareAdjointBuffer(string Name, string Storage, string Buffer, int StackBound) : Statement;

/// <summary>
/// Values a loop's forward sweep keeps for its backward sweep, one per iteration, in a buffer indexed by the counter
/// instead of pushed on the saved-value stack: a local an inner backward loop reads (<c>aValues[j] = a;</c>, see
/// <c>LoopDifferentiator.KeptValues</c>) or a costly call a partial would make again (<c>keptExp[i] = exp</c>, see
/// <c>LoopDifferentiator.KeptCalls</c>). <paramref name="Length"/> of them (integer code, the loop's trip count): the
/// span <paramref name="Name"/> over the zeroed scratch buffer <paramref name="Storage"/>, on the stack when the length
/// is at most <c>StackStorage.Length</c>, pooled above, released like an adjoint buffer's.
/// </summary>
internal sealed record DeclareKeptValues(string Name, string Storage, Expr Length) : Statement;

/// <summary>Returns what a <see cref="DeclareSavedValues"/> (its name), <see cref="DeclareAdjointBuffer"/> or <see cref="DeclareKeptValues"/> (its storage's name) rented.</summary>
internal sealed record Release(string Name, bool IsAdjointBuffer) : Statement;

/// <summary>
/// <c>Zeroing.Clear(output);</c>: a gradient span is overwritten, not accumulated into. Not <c>output.Clear()</c>,
/// which on .NET 10 can leave the vector registers' upper halves dirty and every <c>Math</c> call after it slow.
/// </summary>
internal sealed record ClearOutput(string Output) : Statement
{
    /// <summary>
    /// Where the clearing starts, or null for the whole span: the elements before it are each stored once by the loop
    /// that follows (see <c>LoopDifferentiator.StoreOnce</c>), so only the tail needs zeros. Written
    /// <c>Zeroing.ClearFrom(output, From)</c>, which clears nothing for a bound past the span; the loop's store then
    /// throws there as the add would have.
    /// </summary>
    public Expr? From { get; init; }

    /// <summary>
    /// The part of the output to clear where that is all a call writes into (the view a slice argument passes,
    /// <c>featuresPartials.Slice(xStart, d)</c>), or null for the whole span.
    /// </summary>
    public VectorArgument? View { get; init; }
}

/// <summary>
/// The argument check that an array parameter is not null: <c>ArgumentNullException</c> naming it, rather than a
/// NullReferenceException halfway through the forward sweep or, where an array converts to a span, an empty vector.
/// </summary>
internal sealed record CheckNotNull(string Parameter) : Statement;

/// <summary>The argument check that a gradient output span has its parameter's length.</summary>
internal sealed record CheckOutputLength(string Output, string Parameter) : Statement;

/// <summary>
/// The argument check that a gradient output span overlaps none of <paramref name="Others"/>: the method's real
/// inputs (so that writing the gradient cannot change what it is computed from), or the earlier outputs.
/// </summary>
internal sealed record CheckNoOverlap(string Output, EquatableArray<string> Others, bool OthersAreOutputs) : Statement;

/// <summary>
/// The argument check that a scalar <c>out</c> output is not the same variable as an earlier scalar output or an
/// element of a span output (<c>out dW[0]</c>), where one gradient would silently overwrite another.
/// </summary>
internal sealed record CheckScalarOutputDistinct(string Output, EquatableArray<string> EarlierScalars, EquatableArray<string> Spans) : Statement;

/// <summary>
/// The argument check that a tangent span is empty (its parameter does not vary) or has its parameter's length: the
/// tangents a product's forward mode takes beside the gradient's inputs.
/// </summary>
internal sealed record CheckTangentLength(string Tangent, string Parameter) : Statement;

/// <summary>
/// The argument check that a dense matrix has the elements its shape asks for: a Hessian over <paramref name="Size"/>
/// elements (n², with n an integer expression such as <c>n</c> or <c>4</c>), a gradient of n partials or a Jacobian of
/// <paramref name="Rows"/> × <paramref name="Size"/> elements.
/// </summary>
internal sealed record CheckMatrixLength(string Matrix, MatrixShape Shape, string Size, string? Rows = null) : Statement;

/// <summary>The shapes <see cref="CheckMatrixLength"/> checks, each with its own message.</summary>
internal enum MatrixShape
{
    /// <summary>One partial per differentiated scalar parameter: n elements, n known when the code was generated.</summary>
    Partials,

    /// <summary>
    /// A Hessian (or its derivative along tangents) over n differentiated elements: n², n a constant (scalar parameters)
    /// or an expression (the differentiated spans' total length); one check and one message either way.
    /// </summary>
    Square,

    /// <summary>A dense Jacobian, outputs' elements × differentiated inputs' elements.</summary>
    Rectangle,
}
