using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// A call the forward transform has no rule for (a function's derivative method inside a gradient or Hessian program)
/// whose arguments vary: kept as it is, what it writes would get a tangent of 0, so the transform gives up instead and
/// keeps the first such call for the callers' message, which names it and says what would give it a rule.
/// </summary>
internal sealed partial class ForwardModeDifferentiator
{
    // The first call without a rule whose arguments vary: why Run returned null, where it did for that.
    private UnknownCall? _unknownCall;

    /// <summary>A call forward mode has no rule for.</summary>
    /// <param name="Callee">The called method as written, without <c>global::</c> (<c>Model.FillGradient</c>).</param>
    /// <param name="Text">The call, its arguments by name where they are names, else <c>…</c> (<c>Model.FillGradient(x, buffer)</c>).</param>
    /// <param name="Location">Where the user wrote it, or null where the call was generated (then the callers point at the method).</param>
    public sealed record UnknownCall(string Callee, string Text, LocationInfo? Location);

    /// <summary>
    /// <paramref name="statement"/>'s call (<c>F(a, …);</c>, <c>var g = F(a, …);</c>) where an argument varies: one that
    /// reads a varying value smoothly (not a known-constant call, an index, a condition), or a varying vector. An
    /// <c>out</c> argument naming a varying value counts too: the call overwrites it with what no rule gives a tangent.
    /// Null for any other statement.
    /// </summary>
    private UnknownCall? UnknownCallWithVaryingArguments(Statement statement)
    {
        var call = statement switch
        {
            CallStatement called => called.Call,
            DeclareVar declared => declared.Value,
            _ => null,
        };
        if (call is null || !DataReads(call).Any(_varied.Contains))
        {
            return null;
        }

        // The call whose arguments vary, the outermost where several do (F(G(x)) names F); the first call where none
        // does alone (a varying value beside it in the statement).
        var calls = Nodes(call).Where(node => node is Call or VectorCall).ToList();
        return calls.Count == 0 ? null : Describe(calls.FirstOrDefault(node => DataReads(node).Any(_varied.Contains)) ?? calls[0]);
    }

    private static UnknownCall Describe(Expr call)
    {
        var (name, arguments, location) = call switch
        {
            Call plain => (plain.Function.QualifiedName, plain.Arguments, plain.Location),
            VectorCall vector => (vector.Function.QualifiedName, vector.Arguments, vector.Location),
            _ => (string.Empty, EquatableArray<Expr>.Empty, (LocationInfo?)null),
        };
        const string Global = "global::";
        string callee = name.StartsWith(Global, System.StringComparison.Ordinal) ? name.Substring(Global.Length) : name;
        return new UnknownCall(callee, $"{callee}({string.Join(", ", arguments.Select(ArgumentName))})", location);
    }

    // An argument as the message shows it: a name (a local, a span, out y), else an ellipsis rather than a second printer of expressions.
    private static string ArgumentName(Expr argument) => argument switch
    {
        Variable variable => variable.Name,
        VectorArgument { Start: null, Length: null } vector => vector.Vector,
        OutArgument output => "out " + output.Target.Name,
        _ => "…",
    };
}
