using System.Collections.Generic;

namespace SymbolicDiff.Generator.Analysis;

/// <summary>One write of a program, reduced to what activity needs: the name written and the names its value is computed from.</summary>
/// <param name="Target">The variable, or the vector, written.</param>
/// <param name="Sources">The variables and vectors the written value depends on.</param>
internal sealed record DataFlow(string Target, IReadOnlyCollection<string> Sources);
