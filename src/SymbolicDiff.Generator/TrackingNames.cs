namespace SymbolicDiff.Generator;

/// <summary>Names of the incremental pipeline steps, so tests can check what was cached.</summary>
internal static class TrackingNames
{
    public const string ParsedMethods = nameof(ParsedMethods);
    public const string DifferentiatedMethods = nameof(DifferentiatedMethods);
    public const string GradientPrograms = nameof(GradientPrograms);
    public const string Diagnostics = nameof(Diagnostics);
    public const string HintNames = nameof(HintNames);
    public const string MethodsWithoutCode = nameof(MethodsWithoutCode);
    public const string CheckedMethods = nameof(CheckedMethods);
    public const string EmitDerivation = nameof(EmitDerivation);
}
