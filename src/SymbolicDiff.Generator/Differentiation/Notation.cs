using SymbolicDiff.Generator.Emit;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>The ∂ notation of the chain-rule comments in generated code.</summary>
internal static class Notation
{
    public static string Partial(string of, string withRespectTo) => "∂" + of + "/∂" + withRespectTo;

    public static string Describe(Expr expression) => ExpressionWriter.Write(expression);
}
