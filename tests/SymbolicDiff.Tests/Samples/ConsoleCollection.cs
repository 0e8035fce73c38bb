namespace SymbolicDiff.Tests.Samples;

/// <summary>Tests that redirect the process-wide Console run one at a time, never beside each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}
