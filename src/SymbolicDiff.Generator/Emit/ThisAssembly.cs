namespace SymbolicDiff.Generator.Emit;

/// <summary>The version stamped into [GeneratedCode] on generated members.</summary>
internal static class ThisAssembly
{
    public const string Version = "0.1.0";
}
