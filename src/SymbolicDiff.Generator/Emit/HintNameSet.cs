using System;
using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Emit;

/// <summary>
/// Every method's file name (<see cref="GradientSourceEmitter.HintName"/>) and, computed once, those that another
/// name equals ignoring case. Each method's output asks whether its own name collides: against the list that is a
/// scan of every name per method, n² for a type with n methods (and a second list of derivation names built per
/// method, n² strings); against this set it is one lookup. Equal when the names are, so the step stays cached.
/// </summary>
internal sealed class HintNameSet : IEquatable<HintNameSet>
{
    private readonly HashSet<string> _colliding;

    public HintNameSet(IEnumerable<string> names)
    {
        Names = names.ToEquatableArray();
        // A name collides when some other spelling of it, equal ignoring case, is also a name; the same spelling
        // twice is not a collision (as in GradientSourceEmitter.UniqueHintName).
        _colliding = new HashSet<string>(
            Names.GroupBy(name => name, StringComparer.OrdinalIgnoreCase)
                .Where(group => group.Distinct(StringComparer.Ordinal).Skip(1).Any())
                .SelectMany(group => group),
            StringComparer.Ordinal);
    }

    /// <summary>The file names, in the order the pipeline collected them.</summary>
    public EquatableArray<string> Names { get; }

    /// <summary>
    /// Whether another name equals <paramref name="hintName"/> ignoring case (the method's one file, which holds its
    /// derivation too, then gets a hash of its exact spelling).
    /// </summary>
    public bool Collides(string hintName) => _colliding.Contains(hintName);

    public bool Equals(HintNameSet? other) => other is not null && Names.Equals(other.Names);

    public override bool Equals(object? obj) => Equals(obj as HintNameSet);

    public override int GetHashCode() => Names.GetHashCode();
}
