using System.Linq;

namespace SymbolicDiff.Generator.Model;

// The structured IR of a method with loops or vectors. Unlike the straight-line path, variables here are
// mutable (a loop-carried sum is one variable updated n times), so the backward sweep runs the loops again
// in reverse and restores overwritten values that it needs from a stack of saved values.

/// <summary>One statement of a method, or of the gradient generated from it.</summary>
internal abstract record Statement
{
    /// <summary>The comment Emit writes after the statement (or alone, for a <see cref="CommentLine"/>), or null.</summary>
    public Comment? Comment { get; init; }
}

/// <summary><c>double name = value;</c>: a real local declared (and so born) here.</summary>
internal sealed record DeclareReal(string Name, Expr Value) : Statement
{
    /// <summary>The value is integer arithmetic, written as the user wrote it (<c>double half = n / 2;</c>).</summary>
    public bool IntegerCode { get; init; }

    /// <summary>
    /// Declared without a value (<c>double y;</c>): C# guarantees an assignment before any read, so the 0 is never
    /// seen; single-assignment renaming lets the first assignment define it instead.
    /// </summary>
    public bool Unassigned { get; init; }
}

/// <summary><c>bool name = condition;</c>: an <c>if</c>'s condition, recorded so that the backward sweep takes the same branch.</summary>
internal sealed record DeclareBool(string Name, Expr Condition) : Statement;

/// <summary><c>int name = value;</c>: an integer local (a count, a stride), assigned once and never differentiated.</summary>
internal sealed record DeclareInteger(string Name, string TypeName, Expr Value) : Statement;

/// <summary>
/// A local buffer, declared at the method's top level: <c>Span&lt;double&gt; h = stackalloc double[n];</c>
/// (<paramref name="OnStack"/>) or <c>double[] h = new double[n];</c>.
/// </summary>
internal sealed record DeclareBuffer(string Name, Expr Length, bool OnStack) : Statement;

/// <summary>
/// <c>ReadOnlySpan&lt;int&gt; order = new int[] { 2, 0, 1 };</c>: a constant table of indices, declared at the method's top
/// level and only read (integers carry no derivative); printed as a stackalloc, so it costs no allocation.
/// </summary>
internal sealed record DeclareIndexTable(string Name, string ElementType, EquatableArray<long> Values) : Statement;

/// <summary>
/// <c>target = value;</c> where target is a real local (<see cref="Variable"/>) or a buffer element
/// (<see cref="Element"/>); compound assignments arrive expanded (<c>s += e</c> is <c>s = s + e</c>), and one
/// inside an <c>if</c> arrives guarded by the branch's recorded condition (<c>s = branch ? s + e : s</c>).
/// <paramref name="Source"/> is the user's statement, quoted in comments.
/// </summary>
internal sealed record AssignReal(Expr Target, Expr Value, string Source) : Statement;

/// <summary>
/// <c>k += delta;</c> (or <c>k -= delta;</c>, <c>k++</c>, <c>k--</c>) on an integer local declared before every loop:
/// a running index (into a packed triangle, say). Integers carry no derivative; the backward sweep undoes each
/// step where it meets it, so the index has its forward value wherever the backward sweep reads it, with
/// nothing saved. <paramref name="Guard"/> is the recorded condition of the branch it is in, or null.
/// </summary>
internal sealed record StepInteger(string Name, Expr Delta, bool Subtract, Expr? Guard) : Statement;

/// <summary>
/// <c>best = j;</c> (<c>count = count + 1;</c>, <c>idx = (idx + step) % n;</c>) on an integer local declared outside the
/// loop that assigns it: an arg-min's index, a counter, a cyclic index. Not a step, so the backward sweep cannot undo it
/// by arithmetic: where the backward sweep reads the local after this assignment overwrote it, the forward sweep saves
/// the value it had, and the backward sweep restores it here. <paramref name="Guard"/> is the recorded condition of the
/// branch it is in, or null.
/// </summary>
internal sealed record AssignInteger(string Name, Expr Value, Expr? Guard) : Statement;

/// <summary>
/// <c>if (condition) throw new ArgumentException(...);</c> (or a static throw helper, <c>ArgumentNullException.ThrowIfNull(x);</c>)
/// where the user's method throws: <paramref name="Code"/> is the statement as C# text, its types fully qualified and its
/// arguments reading only parameters and constants, so it means the same in every generated method. It runs where the
/// user's code runs it, in every forward sweep (and where it throws nothing follows, so no derivative of that path is
/// ever needed); a backward sweep has nothing to do for it. <paramref name="Condition"/> is the recorded condition of
/// the branch it is in (<c>true</c> outside any branch).
/// </summary>
internal sealed record ThrowIf(Expr Condition, string Code) : Statement
{
    /// <summary>The integer locals (a loop counter, an index) <see cref="Code"/> reads, by their names in the generated code: read here, so they stay live.</summary>
    public EquatableArray<string> Reads { get; init; } = EquatableArray<string>.Empty;
}

/// <summary><c>if (condition) { then }</c>: in a backward sweep, a contribution that must not run where the forward sweep's branch was not taken (its index may not exist).</summary>
internal sealed record IfStatement(Expr Condition, EquatableArray<Statement> Then) : Statement;

/// <summary>
/// <c>for (int counter = from; counter &lt; to; counter++) body</c>, or with <paramref name="Descending"/>
/// <c>for (int counter = from; counter &gt; to; counter--) body</c>: every supported loop is brought to one of
/// these forms, <paramref name="To"/> being the exclusive bound.
/// </summary>
internal sealed record ForLoop(string Counter, string CounterType, Expr From, Expr To, EquatableArray<Statement> Body, bool Descending = false) : Statement
{
    /// <summary>In a gradient: the user's loop with each iteration's backward sweep at the end of its body (a sum of per-row terms).</summary>
    public bool IterationByIteration { get; init; }

    /// <summary>
    /// For a loop the user wrote without a counter (<c>while (Math.Abs(step) &gt; 1e-12) { ... }</c>, or a <c>do</c> loop):
    /// the condition it runs while, printed as the loop's own test, and <see cref="From"/>, <see cref="To"/> and
    /// <see cref="Counter"/> are what the backward sweep runs back over: <see cref="To"/> names the integer local,
    /// declared 0 before the loop, that the body's last statement steps, so that after the loop it holds the number of
    /// iterations that ran. Null for a counted loop.
    /// </summary>
    public Expr? While { get; init; }

    /// <summary>With <see cref="While"/>: a <c>do</c> loop, whose condition is tested after each iteration, not before.</summary>
    public bool TestsAfterBody { get; init; }

    /// <summary>
    /// In a gradient, on a backward loop that runs an ascending loop's iterations in reverse: that loop's header (its body
    /// empty), so that the loop can be turned to count up when a later step removes what made its order matter
    /// (<c>LoopDifferentiator.CountUpWhereIndependent</c>). Null otherwise.
    /// </summary>
    public ForLoop? ReversedFrom { get; init; }

    /// <summary>n for an exclusive bound written n + 1 (ascending) or n − 1 (descending), as <c>&lt;=</c> and <c>&gt;=</c> are recorded; else null.</summary>
    public static Expr? InclusiveBound(Expr bound, BinaryOperator offset) =>
        bound is Binary { Right: Constant { Value: 1 } } binary && binary.Operator == offset ? binary.Left : null;
}


/// <summary>
/// <c>Step(state, next);</c>: a call of a vector-valued helper (another [Differentiable] method that writes outputs, or
/// one that declares its vector-Jacobian product) made for the results it writes into its output span arguments
/// (<see cref="VectorFunction.Outputs"/>, each a local buffer or an output of this method); its other arguments are
/// read. <paramref name="Source"/> is the user's statement, quoted in comments.
/// </summary>
internal sealed record CallWithOutputs(VectorCall Call, string Source) : Statement
{
    /// <summary>
    /// For a helper that also returns a real, read by the caller (<c>double e = Step(state, k, next);</c>): the local
    /// declared here with the returned value; else null.
    /// </summary>
    public string? ValueName { get; init; }

    /// <summary>The vectors the call writes, in argument order.</summary>
    public System.Collections.Generic.IEnumerable<string> OutputVectors
    {
        get
        {
            for (int i = 0; i < Call.Arguments.Count; i++)
            {
                if (Call.Function.IsOutput(i) && Call.Arguments[i] is VectorArgument output)
                {
                    yield return output.Vector;
                }
            }
        }
    }

    /// <summary>
    /// The reals the call declares with the scalar parts of the gradient it writes, <c>out double dB</c> in
    /// <c>UWithGradient(v, b, dV, out double dB)</c>, in argument order (a discarded part, <c>out _</c>, is none).
    /// </summary>
    public System.Collections.Generic.IEnumerable<string> ScalarOutputs
    {
        get
        {
            for (int i = 0; i < Call.Arguments.Count; i++)
            {
                if (Call.Function.IsOutput(i) && Call.Arguments[i] is OutArgument { Declares: true } output)
                {
                    yield return output.Target.Name;
                }
            }
        }
    }

    /// <summary>The call with its outputs left out (each a 0): what the values it writes depend on.</summary>
    public Expr Inputs => new VectorCall(
        Call.Function,
        Call.Arguments.Select((argument, i) => Call.Function.IsOutput(i) ? Constant.Zero : argument).ToEquatableArray());
}
