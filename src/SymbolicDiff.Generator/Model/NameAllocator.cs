using System.Collections.Generic;
using System.Linq;

namespace SymbolicDiff.Generator.Model;

/// <summary>
/// Hands out identifiers that collide with nothing the method already uses: a wanted name when it is
/// free, otherwise the name with the smallest free numeric suffix (<c>s_1</c>, <c>s_2</c>, ...).
/// </summary>
internal sealed class NameAllocator
{
    private readonly HashSet<string> _used;

    // Per wanted name, the suffix to try first (0: the name itself).
    private readonly Dictionary<string, int> _nextSuffix = new();

    public NameAllocator(IEnumerable<string> reserved)
        : this(new HashSet<string>(reserved))
    {
    }

    /// <summary>An allocator whose set of taken names is <paramref name="used"/> itself, not a copy.</summary>
    private NameAllocator(HashSet<string> used) => _used = used;

    /// <summary>
    /// The allocator for locals a pass (or Emit) adds to <paramref name="statements"/>, code of a method generated for
    /// <paramref name="method"/>: taken are the names its signature and the generated API give (the parameters, their
    /// gradient outputs, the method's own name, which the body may call, and its result's local), every name the statements
    /// take (<see cref="StatementFacts.TakenNames"/>), and <paramref name="alsoTaken"/> (parameters the generated method adds,
    /// such as a Hessian's directions). The one answer to "which names are already taken" for every pass that names a local.
    /// </summary>
    public static NameAllocator ForBody(MethodModel method, IEnumerable<Statement> statements, IEnumerable<string>? alsoTaken = null)
    {
        var taken = new HashSet<string>();
        foreach (var parameter in method.Parameters)
        {
            taken.Add(parameter.Name);
            taken.Add(parameter.Output);
        }

        taken.Add(method.MethodName);
        taken.Add(method.Result);
        StatementFacts.AddTakenNames(statements, taken);
        if (alsoTaken is not null)
        {
            taken.UnionWith(alsoTaken);
        }

        return new NameAllocator(taken);
    }

    /// <summary>Marks a name as taken.</summary>
    public void Reserve(string name) => _used.Add(name);

    /// <summary>Returns <paramref name="wanted"/> if free, else the first free <c>wanted_N</c>; the result is then taken.</summary>
    public string Fresh(string wanted)
    {
        // Names are only ever added, so every suffix below the one last handed out for this name is still taken:
        // the search resumes there. Counting from 1 each time made n versions of one name (an early return's
        // `running`, a result's versions) cost n² strings.
        _nextSuffix.TryGetValue(wanted, out int suffix);
        string name = suffix == 0 ? wanted : wanted + "_" + suffix;
        while (_used.Contains(name))
        {
            name = wanted + "_" + ++suffix;
        }

        _nextSuffix[wanted] = suffix + 1;
        _used.Add(name);
        return name;
    }

    /// <summary><c>Loss</c> → <c>loss</c>; <c>MSE</c> → <c>mSE</c> is avoided by lower-casing the leading capitals of an acronym.</summary>
    public static string ToCamelCase(string name)
    {
        if (name.Length == 0 || char.IsLower(name[0]))
        {
            return name;
        }

        var chars = name.ToCharArray();
        for (int i = 0; i < chars.Length && char.IsUpper(chars[i]); i++)
        {
            // Keep the capital that starts the next word: "HTTPServer" → "httpServer".
            if (i > 0 && i + 1 < chars.Length && char.IsLower(chars[i + 1]))
            {
                break;
            }

            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }

    /// <summary><c>w</c> → <c>W</c>, <c>learningRate</c> → <c>LearningRate</c>, <c>_bias</c> → <c>Bias</c>.</summary>
    public static string ToPascalCase(string name)
    {
        string trimmed = name.TrimStart('_');
        if (trimmed.Length == 0)
        {
            return name;
        }

        return char.ToUpperInvariant(trimmed[0]) + trimmed.Substring(1);
    }
}
