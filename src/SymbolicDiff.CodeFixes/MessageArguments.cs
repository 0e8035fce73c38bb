using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace SymbolicDiff.CodeFixes;

/// <summary>
/// Reads a diagnostic's message arguments back out of its message, by matching the message against its own
/// descriptor's format (<c>'{0}' declares no derivative ... '{1}'</c>): the public Diagnostic API gives the
/// message, not the arguments, and the generator attaches no properties. Following the descriptor's format keeps
/// this in step with any rewording of the message.
/// </summary>
internal static class MessageArguments
{
    private static readonly Regex Placeholder = new(@"\{(\d+)\}", RegexOptions.CultureInvariant);

    /// <summary>The message's arguments by index, or null when the message does not follow the format.</summary>
    public static IReadOnlyList<string>? Read(Diagnostic diagnostic)
    {
        string format = diagnostic.Descriptor.MessageFormat.ToString(CultureInfo.InvariantCulture);
        string message = diagnostic.GetMessage(CultureInfo.InvariantCulture);

        var pattern = new StringBuilder("^");
        var seen = new HashSet<int>();
        int end = 0;
        int count = 0;
        foreach (Match placeholder in Placeholder.Matches(format))
        {
            pattern.Append(Literal(format.Substring(end, placeholder.Index - end)));
            int index = int.Parse(placeholder.Groups[1].Value, CultureInfo.InvariantCulture);
            // A placeholder used twice must read the same text both times.
            pattern.Append(seen.Add(index) ? $"(?<a{index}>.*?)" : $@"\k<a{index}>");
            count = System.Math.Max(count, index + 1);
            end = placeholder.Index + placeholder.Length;
        }

        pattern.Append(Literal(format.Substring(end))).Append('$');
        var match = Regex.Match(message, pattern.ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
        if (!match.Success)
        {
            return null;
        }

        var arguments = new string[count];
        for (int i = 0; i < count; i++)
        {
            arguments[i] = match.Groups["a" + i.ToString(CultureInfo.InvariantCulture)].Value;
        }

        return arguments;
    }

    private static string Literal(string formatText) =>
        Regex.Escape(formatText.Replace("{{", "{").Replace("}}", "}"));
}
