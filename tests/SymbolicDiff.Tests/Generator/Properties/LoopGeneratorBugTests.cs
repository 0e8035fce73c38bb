namespace SymbolicDiff.Tests.Generator.Properties;

/// <summary>
/// The generator bugs in methods with loops that <see cref="LoopGradientPropertyTests"/> found (or that came up
/// while writing it), each reduced to a minimal repro that asserts the correct behaviour. Skipped while the bug is
/// open; <see cref="LoopPrograms.AvoidKnownBugs"/> keeps each construct out of the random programs meanwhile.
/// </summary>
public class LoopGeneratorBugTests
{
    private static GeneratorRun Run(string members) => GeneratorHarness.Run($$"""
        using System;
        using SymbolicDiff;

        public static partial class C
        {
        {{members}}
        }
        """);
}
