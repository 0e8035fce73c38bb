using System;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SymbolicDiff.Generator;

/// <summary>The project's settings the generator reads: MSBuild properties made visible to the compiler by the package's <c>build/SymbolicDiff.props</c>.</summary>
internal static class GeneratorOptions
{
    /// <summary>The MSBuild property that turns <c>MDerivation</c> off, as the compiler sees it.</summary>
    public const string EmitDerivationProperty = "build_property.SymbolicDiffEmitDerivation";

    /// <summary>
    /// Whether to emit <c>MDerivation</c>: yes unless the property says <c>false</c> (any case, spaces ignored); an
    /// empty or unreadable value keeps the default, so a typo never removes code silently the other way.
    /// </summary>
    public static bool EmitDerivation(AnalyzerConfigOptions globalOptions) =>
        !(globalOptions.TryGetValue(EmitDerivationProperty, out var value) &&
          string.Equals(value?.Trim(), "false", StringComparison.OrdinalIgnoreCase));
}
