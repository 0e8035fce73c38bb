using System.Runtime.CompilerServices;
using System.Text;
using DiffPlex;
using DiffPlex.Model;
using Xunit.Sdk;

namespace SymbolicDiff.Tests.Snapshots;

/// <summary>
/// Snapshot (approval) testing in the manner of the Verify library: the text under test is compared with
/// a baseline file checked in next to the test source.
/// </summary>
/// <remarks>
/// <para>
/// The baseline of a test method <c>M</c> in the source file <c>GeneratorTests.cs</c> is
/// <c>GeneratorTests.M.verified.cs</c> in the same directory (found through <see cref="CallerFilePathAttribute"/>);
/// with a suffix <c>S</c> it is <c>GeneratorTests.M_S.verified.cs</c>. Line endings are normalised to
/// <c>\n</c> on both sides before comparing, and files are written with <c>\n</c> in UTF-8 without BOM.
/// </para>
/// <para>
/// On a match any stale <c>*.received.cs</c> file is deleted. On a mismatch, or when the baseline does not
/// exist, the received text is written to <c>*.received.cs</c> beside the baseline (ignored by git) and the
/// test fails with a <see cref="SnapshotMismatchException"/> whose message is a unified diff with line
/// numbers. To accept a received file, rename it to <c>*.verified.cs</c>, or set the environment variable
/// <c>SYMBOLICDIFF_ACCEPT_SNAPSHOTS=1</c> (see <see cref="AcceptEnvironmentVariable"/>) and rerun the tests.
/// </para>
/// </remarks>
public static class Snapshot
{
    /// <summary>
    /// The environment variable <c>SYMBOLICDIFF_ACCEPT_SNAPSHOTS</c>. When it is <c>1</c> (or <c>true</c>,
    /// in any case), every verification that would fail, for a mismatch or for a missing baseline, instead
    /// writes the received text as the new <c>*.verified.cs</c> baseline, deletes the received file and
    /// passes. Review the changed baselines with <c>git diff</c> before committing them.
    /// </summary>
    public const string AcceptEnvironmentVariable = "SYMBOLICDIFF_ACCEPT_SNAPSHOTS";

    /// <summary>The number of unchanged lines shown around each change in a failure's diff.</summary>
    public const int ContextLines = 3;

    /// <summary>The most diff lines a failure message shows; the rest are summarised in one line.</summary>
    public const int MaxDiffLines = 300;

    private const string VerifiedExtension = ".verified.cs";
    private const string ReceivedExtension = ".received.cs";

    /// <summary>
    /// Verifies <paramref name="actual"/> against the baseline <c>&lt;SourceFile&gt;.&lt;name&gt;.verified.cs</c>
    /// beside the calling test's source file.
    /// </summary>
    /// <param name="actual">The text under test.</param>
    /// <param name="sourceFile">Supplied by the compiler: the path of the calling source file. Do not pass it.</param>
    /// <param name="name">Supplied by the compiler: the name of the calling test method. Do not pass it.</param>
    /// <exception cref="SnapshotMismatchException">The text differs from the baseline, or there is no baseline (and accepting is not switched on).</exception>
    public static void Verify(string actual, [CallerFilePath] string sourceFile = "", [CallerMemberName] string name = "")
    {
        VerifyFile(actual, GetVerifiedFilePath(sourceFile, name, suffix: null), IsAcceptEnabled(Environment.GetEnvironmentVariable(AcceptEnvironmentVariable)));
    }

    /// <summary>
    /// Verifies <paramref name="actual"/> against the baseline <c>&lt;SourceFile&gt;.&lt;name&gt;_&lt;suffix&gt;.verified.cs</c>
    /// beside the calling test's source file: for several snapshots in one test, or one per case of a theory.
    /// </summary>
    /// <remarks>
    /// Pass the suffix as a named argument, <c>Snapshot.Verify(text, suffix: "case1")</c>: written positionally the
    /// call would match both overloads, and the compiler rejects it as ambiguous rather than guess.
    /// </remarks>
    /// <param name="actual">The text under test.</param>
    /// <param name="suffix">Distinguishes this snapshot from the test's others; it must be usable in a file name.</param>
    /// <param name="sourceFile">Supplied by the compiler: the path of the calling source file. Do not pass it.</param>
    /// <param name="name">Supplied by the compiler: the name of the calling test method. Do not pass it.</param>
    /// <exception cref="ArgumentException"><paramref name="suffix"/> is empty or contains a character that a file name cannot.</exception>
    /// <exception cref="SnapshotMismatchException">The text differs from the baseline, or there is no baseline (and accepting is not switched on).</exception>
    public static void Verify(string actual, string suffix, [CallerFilePath] string sourceFile = "", [CallerMemberName] string name = "")
    {
        VerifyFile(actual, GetVerifiedFilePath(sourceFile, name, suffix), IsAcceptEnabled(Environment.GetEnvironmentVariable(AcceptEnvironmentVariable)));
    }

    /// <summary>
    /// The baseline path for a test: <c>&lt;dir&gt;/&lt;SourceFileWithoutExtension&gt;.&lt;name&gt;[_&lt;suffix&gt;].verified.cs</c>.
    /// </summary>
    /// <param name="sourceFile">The full path of the test's source file.</param>
    /// <param name="name">The test's name, usually its method name.</param>
    /// <param name="suffix">An optional suffix, or <see langword="null"/>.</param>
    /// <returns>The full path of the baseline file.</returns>
    /// <exception cref="ArgumentException">An argument is empty, is not a usable file name part, or <paramref name="sourceFile"/> is not a rooted path.</exception>
    public static string GetVerifiedFilePath(string sourceFile, string name, string? suffix)
    {
        if (string.IsNullOrEmpty(sourceFile) || !Path.IsPathRooted(sourceFile))
        {
            throw new ArgumentException(
                $"The caller's source file path '{sourceFile}' is not a full path, so the snapshot directory cannot be found. "
                + "Do not pass sourceFile explicitly, and do not build the tests with path mapping (deterministic source paths).",
                nameof(sourceFile));
        }

        CheckFileNamePart(name, nameof(name));
        string fileName = Path.GetFileNameWithoutExtension(sourceFile) + "." + name;
        if (suffix is not null)
        {
            CheckFileNamePart(suffix, nameof(suffix));
            fileName += "_" + suffix;
        }

        return Path.Combine(Path.GetDirectoryName(sourceFile)!, fileName + VerifiedExtension);
    }

    /// <summary>
    /// Verifies <paramref name="actual"/> against an explicit baseline file: the building block of
    /// <see cref="Verify(string, string, string)"/>, usable with any directory (tests of this helper use a
    /// temporary one). The received file is the baseline path with <c>.verified.cs</c> replaced by <c>.received.cs</c>.
    /// </summary>
    /// <param name="actual">The text under test.</param>
    /// <param name="verifiedFilePath">The baseline path; it must end in <c>.verified.cs</c>.</param>
    /// <param name="accept">
    /// Whether to accept the text instead of failing: write it as the baseline, delete the received file and return.
    /// <see cref="Verify(string, string, string)"/> passes the <see cref="AcceptEnvironmentVariable"/> switch here.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="verifiedFilePath"/> does not end in <c>.verified.cs</c>.</exception>
    /// <exception cref="SnapshotMismatchException">The text differs from the baseline, or there is no baseline, and <paramref name="accept"/> is <see langword="false"/>.</exception>
    public static void VerifyFile(string actual, string verifiedFilePath, bool accept)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(verifiedFilePath);
        if (!verifiedFilePath.EndsWith(VerifiedExtension, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The baseline path '{verifiedFilePath}' must end in '{VerifiedExtension}'.", nameof(verifiedFilePath));
        }

        string receivedFilePath = ReceivedFilePath(verifiedFilePath);
        string received = NormalizeLineEndings(actual);
        bool exists = File.Exists(verifiedFilePath);
        string? verified = exists ? NormalizeLineEndings(File.ReadAllText(verifiedFilePath)) : null;

        if (verified == received)
        {
            File.Delete(receivedFilePath);
            return;
        }

        if (accept)
        {
            WriteText(verifiedFilePath, received);
            File.Delete(receivedFilePath);
            return;
        }

        WriteText(receivedFilePath, received);

        var message = new StringBuilder();
        message.Append(exists ? "The snapshot does not match its baseline." : "The snapshot has no baseline yet.").Append('\n');
        message.Append("  verified: ").Append(verifiedFilePath).Append(exists ? "" : " (missing)").Append('\n');
        message.Append("  received: ").Append(receivedFilePath).Append('\n');
        message.Append("To accept the received text, rename the received file to the verified one, or rerun with ")
            .Append(AcceptEnvironmentVariable).Append("=1.\n\n");
        message.Append(UnifiedDiff(verified ?? "", received, "verified", "received"));
        throw new SnapshotMismatchException(message.ToString());
    }

    /// <summary>
    /// A unified diff of two texts (line endings normalised), with old and new line numbers on every line,
    /// <c>-</c> for lines only in <paramref name="oldText"/>, <c>+</c> for lines only in <paramref name="newText"/>,
    /// and <see cref="ContextLines"/> unchanged lines around each change. Empty when the texts are equal.
    /// </summary>
    /// <param name="oldText">The expected text.</param>
    /// <param name="newText">The actual text.</param>
    /// <param name="oldLabel">The name of the expected text in the header.</param>
    /// <param name="newLabel">The name of the actual text in the header.</param>
    /// <returns>The diff, lines separated by <c>\n</c>.</returns>
    public static string UnifiedDiff(string oldText, string newText, string oldLabel = "expected", string newLabel = "actual")
    {
        oldText = NormalizeLineEndings(oldText);
        newText = NormalizeLineEndings(newText);
        if (oldText == newText)
        {
            return "";
        }

        string[] oldLines = SplitLines(oldText);
        string[] newLines = SplitLines(newText);
        DiffResult result = Differ.Instance.CreateCustomDiffs(oldText, newText, ignoreWhiteSpace: false, SplitLines);

        // Every line of both texts in order, as (kind, old index, new index).
        var lines = new List<(char Kind, int Old, int New)>(oldLines.Length + newLines.Length);
        int a = 0, b = 0;
        foreach (DiffBlock block in result.DiffBlocks)
        {
            while (a < block.DeleteStartA && b < block.InsertStartB)
            {
                lines.Add((' ', a++, b++));
            }

            for (int k = 0; k < block.DeleteCountA; k++)
            {
                lines.Add(('-', a++, -1));
            }

            for (int k = 0; k < block.InsertCountB; k++)
            {
                lines.Add(('+', -1, b++));
            }
        }

        while (a < oldLines.Length && b < newLines.Length)
        {
            lines.Add((' ', a++, b++));
        }

        while (a < oldLines.Length)
        {
            lines.Add(('-', a++, -1));
        }

        while (b < newLines.Length)
        {
            lines.Add(('+', -1, b++));
        }

        // Mark the lines to show: every change and its context.
        var show = new bool[lines.Count];
        for (int i = 0; i < lines.Count; i++)
        {
            if (lines[i].Kind != ' ')
            {
                for (int j = Math.Max(0, i - ContextLines); j <= Math.Min(lines.Count - 1, i + ContextLines); j++)
                {
                    show[j] = true;
                }
            }
        }

        int width = Math.Max(oldLines.Length, newLines.Length).ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
        var text = new StringBuilder();
        text.Append("--- ").Append(oldLabel).Append('\n');
        text.Append("+++ ").Append(newLabel).Append('\n');
        int printed = 0, omitted = 0;
        for (int start = 0; start < lines.Count;)
        {
            if (!show[start])
            {
                start++;
                continue;
            }

            int end = start;
            while (end < lines.Count && show[end])
            {
                end++;
            }

            if (printed >= MaxDiffLines)
            {
                omitted += end - start;
                start = end;
                continue;
            }

            // Hunk header: 1-based start line and line count in each text, as in `diff -u`.
            int oldCount = 0, newCount = 0, oldStart = -1, newStart = -1;
            for (int i = start; i < end; i++)
            {
                if (lines[i].Old >= 0) { oldCount++; if (oldStart < 0) oldStart = lines[i].Old; }
                if (lines[i].New >= 0) { newCount++; if (newStart < 0) newStart = lines[i].New; }
            }

            text.Append("@@ -").Append(HunkStart(oldStart, oldCount, start, lines, old: true)).Append(',').Append(oldCount)
                .Append(" +").Append(HunkStart(newStart, newCount, start, lines, old: false)).Append(',').Append(newCount).Append(" @@\n");

            for (int i = start; i < end; i++)
            {
                if (printed >= MaxDiffLines)
                {
                    omitted += end - i;
                    break;
                }

                (char kind, int oldIndex, int newIndex) = lines[i];
                text.Append(kind).Append(' ')
                    .Append(oldIndex >= 0 ? (oldIndex + 1).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width) : new string(' ', width)).Append(' ')
                    .Append(newIndex >= 0 ? (newIndex + 1).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width) : new string(' ', width))
                    .Append(" | ").Append(oldIndex >= 0 ? oldLines[oldIndex] : newLines[newIndex]).Append('\n');
                printed++;
            }

            start = end;
        }

        if (omitted > 0)
        {
            text.Append("... ").Append(omitted).Append(" more diff lines not shown\n");
        }

        if (oldText.EndsWith('\n') != newText.EndsWith('\n'))
        {
            text.Append(oldText.EndsWith('\n') ? "\\ the received text has no newline at the end\n" : "\\ the verified text has no newline at the end\n");
        }

        return text.ToString();
    }

    /// <summary>Whether a value of <see cref="AcceptEnvironmentVariable"/> switches accepting on: <c>1</c> or <c>true</c> (any case, surrounding spaces ignored).</summary>
    /// <param name="value">The variable's value, or <see langword="null"/> when it is not set.</param>
    /// <returns><see langword="true"/> to accept.</returns>
    public static bool IsAcceptEnabled(string? value)
    {
        string trimmed = value?.Trim() ?? "";
        return trimmed == "1" || trimmed.Equals("true", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Replaces <c>\r\n</c> and lone <c>\r</c> with <c>\n</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text with <c>\n</c> line endings.</returns>
    public static string NormalizeLineEndings(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    /// <summary>The received-file path of a baseline path.</summary>
    internal static string ReceivedFilePath(string verifiedFilePath) =>
        verifiedFilePath[..^VerifiedExtension.Length] + ReceivedExtension;

    // Lines of \n-separated text; a final \n ends the last line rather than starting an empty one.
    private static string[] SplitLines(string text)
    {
        if (text.Length == 0)
        {
            return [];
        }

        string[] lines = text.Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }

    // `diff -u` convention: an empty range starts at the line before it (0 for the start of the file).
    private static int HunkStart(int firstIndex, int count, int hunkStart, List<(char Kind, int Old, int New)> lines, bool old)
    {
        if (count > 0)
        {
            return firstIndex + 1;
        }

        for (int i = hunkStart - 1; i >= 0; i--)
        {
            int index = old ? lines[i].Old : lines[i].New;
            if (index >= 0)
            {
                return index + 1;
            }
        }

        return 0;
    }

    private static void CheckFileNamePart(string value, string paramName)
    {
        if (string.IsNullOrEmpty(value) || value.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || value.Contains('/') || value.Contains('\\'))
        {
            throw new ArgumentException($"'{value}' cannot be part of a snapshot file name.", paramName);
        }
    }

    private static void WriteText(string path, string text)
    {
        string? directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }
}

/// <summary>A snapshot differs from its baseline, or has none. The message holds the paths and a unified diff.</summary>
public sealed class SnapshotMismatchException : XunitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The failure message.</param>
    public SnapshotMismatchException(string message)
        : base(message)
    {
    }
}
