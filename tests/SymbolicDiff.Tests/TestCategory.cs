namespace SymbolicDiff.Tests;

/// <summary>
/// The trait that splits the suite: `dotnet test --filter "Category!=Slow"` leaves out the long property,
/// robustness and packaging runs; `dotnet test` (and CI) runs everything.
/// </summary>
internal static class TestCategory
{
    public const string Name = "Category";

    /// <summary>Seconds to minutes each: random-program property runs, fuzzing the generator, packing and restoring the package.</summary>
    public const string Slow = "Slow";

    /// <summary>
    /// The generator fuzzed at scale (GeneratorFuzzTests), also marked <see cref="Slow"/>: `dotnet test --filter
    /// "Category=Fuzz"` runs it alone, and plain `dotnet test` (CI) runs it with everything else.
    /// </summary>
    public const string Fuzz = "Fuzz";
}
