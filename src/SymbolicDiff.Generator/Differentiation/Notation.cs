namespace SymbolicDiff.Generator.Differentiation;

/// <summary>The ∂ notation of the chain-rule comments in generated code.</summary>
internal static class Notation
{
    public static string Partial(string of, string withRespectTo) => "∂" + of + "/∂" + withRespectTo;
}
