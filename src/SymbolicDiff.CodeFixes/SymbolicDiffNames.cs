namespace SymbolicDiff.CodeFixes;

/// <summary>
/// The diagnostic IDs these fixes answer and the attributes they read or write. Spelled out here rather than
/// shared with the generator, which this assembly must not reference (it needs Workspaces, the generator must
/// load without it); a test checks each ID against the generator's descriptors.
/// </summary>
internal static class SymbolicDiffNames
{
    public const string TypeMustBePartial = "SD0002";
    public const string UnknownFunction = "SD0006";
    public const string MissingPartialDerivative = "SD0012";
    public const string ResultIgnoresParameter = "SD0017";
    public const string NestedDifferentiation = "SD0020";
    public const string SelectedCalleeParameter = "SD0021";
    public const string CalleeWithoutSecondOrder = "SD0032";
    public const string CalleeWithoutThirdOrder = "SD0034";

    public const string DifferentiableAttribute = "SymbolicDiff.DifferentiableAttribute";
    public const string DerivativeAttribute = "SymbolicDiff.DerivativeAttribute";
}
