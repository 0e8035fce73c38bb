using System.Text;
using Xunit;

namespace SymbolicDiff.Tests.Snapshots;

public sealed class SnapshotTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "symbolicdiff-snapshot-tests-" + Guid.NewGuid().ToString("N"));

    public SnapshotTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string VerifiedPath => Path.Combine(_directory, "Example.Test.verified.cs");

    private string ReceivedPath => Path.Combine(_directory, "Example.Test.received.cs");

    private static string Lines(int count, Func<int, string>? line = null) =>
        string.Concat(Enumerable.Range(1, count).Select(i => (line ?? (n => $"line {n}"))(i) + "\n"));

    [Fact]
    public void Match_passes_ignoring_line_endings_and_removes_a_stale_received_file()
    {
        File.WriteAllText(VerifiedPath, "class A\n{\n}\n");
        File.WriteAllText(ReceivedPath, "stale");

        Snapshot.VerifyFile("class A\r\n{\r\n}\r\n", VerifiedPath, accept: false);

        Assert.False(File.Exists(ReceivedPath));
        Assert.Equal("class A\n{\n}\n", File.ReadAllText(VerifiedPath));
    }

    [Fact]
    public void Baseline_with_CRLF_matches_text_with_LF()
    {
        File.WriteAllText(VerifiedPath, "x\r\ny\r\n");
        Snapshot.VerifyFile("x\ny\n", VerifiedPath, accept: false);
        Assert.False(File.Exists(ReceivedPath));
    }

    [Fact]
    public void Mismatch_fails_with_a_diff_of_the_changed_lines_and_writes_the_received_file()
    {
        string verified = Lines(12);
        string received = Lines(12, n => n == 6 ? "line six, changed" : $"line {n}");
        File.WriteAllText(VerifiedPath, verified);

        var exception = Assert.Throws<SnapshotMismatchException>(() => Snapshot.VerifyFile(received.Replace("\n", "\r\n"), VerifiedPath, accept: false));

        string message = exception.Message;
        Assert.Contains(VerifiedPath, message);
        Assert.Contains(ReceivedPath, message);
        Assert.Contains(Snapshot.AcceptEnvironmentVariable, message);
        Assert.Contains("@@ -3,7 +3,7 @@", message);
        Assert.Contains("-  6    | line 6\n", message);
        Assert.Contains("+     6 | line six, changed\n", message);
        Assert.Contains("   3  3 | line 3\n", message);
        Assert.Contains("   9  9 | line 9\n", message);
        // Only three context lines either side.
        Assert.DoesNotContain("| line 2\n", message);
        Assert.DoesNotContain("| line 10\n", message);

        Assert.True(File.Exists(ReceivedPath));
        Assert.Equal(received, File.ReadAllText(ReceivedPath)); // written with \n line endings
        Assert.Equal(verified, File.ReadAllText(VerifiedPath)); // baseline untouched
    }

    [Fact]
    public void Missing_baseline_fails_and_writes_the_received_file()
    {
        var exception = Assert.Throws<SnapshotMismatchException>(() => Snapshot.VerifyFile("new text\n", VerifiedPath, accept: false));

        Assert.Contains("no baseline", exception.Message);
        Assert.Contains("+   1 | new text", exception.Message);
        Assert.False(File.Exists(VerifiedPath));
        Assert.Equal("new text\n", File.ReadAllText(ReceivedPath));
    }

    [Fact]
    public void Accept_writes_a_missing_baseline_and_passes()
    {
        Snapshot.VerifyFile("accepted\r\n", VerifiedPath, accept: true);

        Assert.Equal("accepted\n", File.ReadAllText(VerifiedPath));
        Assert.False(File.Exists(ReceivedPath));
    }

    [Fact]
    public void Accept_overwrites_a_mismatched_baseline_and_removes_the_received_file()
    {
        File.WriteAllText(VerifiedPath, "old\n");
        Assert.Throws<SnapshotMismatchException>(() => Snapshot.VerifyFile("new\n", VerifiedPath, accept: false));
        Assert.True(File.Exists(ReceivedPath));

        Snapshot.VerifyFile("new\n", VerifiedPath, accept: true);

        Assert.Equal("new\n", File.ReadAllText(VerifiedPath));
        Assert.False(File.Exists(ReceivedPath));
        Snapshot.VerifyFile("new\n", VerifiedPath, accept: false);
    }

    [Fact]
    public void Files_are_written_as_UTF8_without_BOM()
    {
        Snapshot.VerifyFile("é\n", VerifiedPath, accept: true);
        Assert.Equal(Encoding.UTF8.GetBytes("é\n"), File.ReadAllBytes(VerifiedPath));
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData(" TRUE ", true)]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("0", false)]
    [InlineData("yes", false)]
    public void Accept_switch_values(string? value, bool expected)
    {
        Assert.Equal(expected, Snapshot.IsAcceptEnabled(value));
    }

    [Fact]
    public void Baseline_path_follows_the_Verify_convention()
    {
        string source = Path.Combine(_directory, "GeneratorTests.cs");
        Assert.Equal(Path.Combine(_directory, "GeneratorTests.Emits_gradient.verified.cs"), Snapshot.GetVerifiedFilePath(source, "Emits_gradient", null));
        Assert.Equal(Path.Combine(_directory, "GeneratorTests.Emits_gradient_sigmoid.verified.cs"), Snapshot.GetVerifiedFilePath(source, "Emits_gradient", "sigmoid"));
    }

    [Fact]
    public void Bad_path_parts_are_rejected()
    {
        string source = Path.Combine(_directory, "GeneratorTests.cs");
        Assert.Equal("suffix", Assert.Throws<ArgumentException>(() => Snapshot.GetVerifiedFilePath(source, "M", "a/b")).ParamName);
        Assert.Equal("suffix", Assert.Throws<ArgumentException>(() => Snapshot.GetVerifiedFilePath(source, "M", "")).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => Snapshot.GetVerifiedFilePath(source, "", null)).ParamName);
        Assert.Equal("sourceFile", Assert.Throws<ArgumentException>(() => Snapshot.GetVerifiedFilePath("GeneratorTests.cs", "M", null)).ParamName);
        Assert.Equal("verifiedFilePath", Assert.Throws<ArgumentException>(() => Snapshot.VerifyFile("x", Path.Combine(_directory, "x.cs"), false)).ParamName);
    }

    [Fact]
    public void Diff_shows_inserted_and_deleted_lines_with_numbers()
    {
        string diff = Snapshot.UnifiedDiff("a\nb\nc\n", "a\nc\nd\n");
        Assert.Equal(
            "--- expected\n"
            + "+++ actual\n"
            + "@@ -1,3 +1,3 @@\n"
            + "  1 1 | a\n"
            + "- 2   | b\n"
            + "  3 2 | c\n"
            + "+   3 | d\n",
            diff);
    }

    [Fact]
    public void Diff_separates_distant_changes_into_hunks()
    {
        string diff = Snapshot.UnifiedDiff(Lines(30), Lines(30, n => n is 2 or 25 ? $"LINE {n}" : $"line {n}"));
        Assert.Contains("@@ -1,5 +1,5 @@\n", diff);
        Assert.Contains("@@ -22,7 +22,7 @@\n", diff);
        Assert.DoesNotContain("| line 12\n", diff);
    }

    [Fact]
    public void Diff_reports_a_missing_final_newline_and_is_empty_for_equal_texts()
    {
        Assert.Contains("no newline at the end", Snapshot.UnifiedDiff("a\n", "a"));
        Assert.Equal("", Snapshot.UnifiedDiff("a\r\nb", "a\nb"));
    }

    [Fact]
    public void Diff_of_huge_changes_is_truncated()
    {
        string diff = Snapshot.UnifiedDiff(Lines(1000), Lines(1000, n => $"other {n}"));
        Assert.Contains("more diff lines not shown", diff);
        Assert.True(diff.Split('\n').Length < Snapshot.MaxDiffLines + 20);
    }

    // These two compare with baselines checked in beside this file (SnapshotTests.<method>[_suffix].verified.cs),
    // so they exercise the caller-file convention end to end without writing anything when they pass.
    [Fact]
    public void Verify_finds_the_baseline_beside_the_test_source()
    {
        Snapshot.Verify("// Baseline of SnapshotTests.Verify_finds_the_baseline_beside_the_test_source.\npublic static class Example\n{\n}\n");
    }

    [Fact]
    public void Verify_with_suffix_finds_its_own_baseline()
    {
        Snapshot.Verify("// Baseline with the suffix \"second\".\n", suffix: "second");
    }
}
