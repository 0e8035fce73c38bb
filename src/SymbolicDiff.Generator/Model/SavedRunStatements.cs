namespace SymbolicDiff.Generator.Model;

/// <summary>
/// <c>stack.Push(v1, …, vn);</c>: a run of consecutive <see cref="SavePush"/>es of single values as one call, the values
/// saved first to last (see <c>Differentiation.SavedRuns</c>); 2 to <see cref="MaxLength"/> of them.
/// </summary>
internal sealed record SavePushRun(string Stack, EquatableArray<Expr> Values) : Statement
{
    /// <summary>The most values one call takes: the runtime's <c>SavedValues</c> has overloads for 2 to 8.</summary>
    public const int MaxLength = 8;
}

/// <summary>
/// <c>stack.Pop(out double n1, …, out double nk);</c>: a run of consecutive declarations <c>double nk = stack.Pop();</c> …
/// <c>double n1 = stack.Pop();</c> as one call; <paramref name="Names"/> in the order the values were saved, so the
/// first name receives the value popped last (see <c>Differentiation.SavedRuns</c>); 2 to
/// <see cref="SavePushRun.MaxLength"/> of them.
/// </summary>
internal sealed record RestoreDeclaredRun(string Stack, EquatableArray<string> Names) : Statement;
