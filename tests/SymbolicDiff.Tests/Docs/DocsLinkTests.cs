using System.Text;
using System.Text.RegularExpressions;
using SymbolicDiff.Tests.Generator;

namespace SymbolicDiff.Tests.Docs;

/// <summary>
/// Every relative link in README.md and docs/ leads somewhere: to a file of the repository and, with a
/// <c>#fragment</c>, to a heading of that file (as GitHub makes anchors of headings). Moving a section between
/// pages breaks links silently otherwise.
/// </summary>
public class DocsLinkTests
{
    private static readonly Regex Link = new(@"\]\(([^)\s]+)\)", RegexOptions.CultureInvariant);

    public static TheoryData<string> Pages()
    {
        string root = ReadmeExamplesTests.RepositoryRoot();
        var data = new TheoryData<string>();
        data.Add("README.md");
        foreach (string path in Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(root, path).Replace('\\', '/'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_relative_link_resolves(string page)
    {
        string root = ReadmeExamplesTests.RepositoryRoot();
        string pagePath = Path.Combine(root, page);
        var broken = new List<string>();
        foreach (string target in LinkTargets(File.ReadAllText(pagePath)))
        {
            if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
            {
                continue;
            }

            int hash = target.IndexOf('#', StringComparison.Ordinal);
            string file = hash < 0 ? target : target.Substring(0, hash);
            string? fragment = hash < 0 ? null : target.Substring(hash + 1);
            string resolved = file.Length == 0 ? pagePath : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(pagePath)!, file));
            if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                broken.Add($"{target}: no file {Path.GetRelativePath(root, resolved)}");
            }
            else if (fragment is not null && !(File.Exists(resolved) && Anchors(File.ReadAllText(resolved)).Contains(fragment)))
            {
                broken.Add($"{target}: no heading makes the anchor #{fragment}");
            }
        }

        Assert.True(broken.Count == 0, $"{page} has broken links:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void Anchors_are_made_as_GitHub_makes_them()
    {
        var anchors = Anchors("# Your own functions: `[Derivative]`\n## The generator's own cost\n```\n# not a heading\n```\n## Limits\n## Limits\n");
        Assert.Contains("your-own-functions-derivative", anchors);
        Assert.Contains("the-generators-own-cost", anchors);
        Assert.Contains("limits-1", anchors);
        Assert.DoesNotContain("not-a-heading", anchors);
    }

    [Fact]
    public void Links_are_read_outside_code_spans_and_headings_make_only_their_anchors()
    {
        Assert.Contains("runtime.md#optimizers", LinkTargets("see [Optimizers](runtime.md#optimizers) and `[x](y)`"));
        Assert.DoesNotContain("y", LinkTargets("see [Optimizers](runtime.md#optimizers) and `[x](y)`"));
        Assert.DoesNotContain("missing", Anchors("# Optimizers\n"));
    }

    /// <summary>The link targets of a Markdown page, outside code blocks and code spans.</summary>
    private static IEnumerable<string> LinkTargets(string markdown)
    {
        foreach (string line in Prose(markdown))
        {
            string withoutCode = Regex.Replace(line, "`[^`]*`", string.Empty);
            foreach (Match match in Link.Matches(withoutCode))
            {
                yield return match.Groups[1].Value;
            }
        }
    }

    /// <summary>The anchors GitHub gives a page's headings (lower case, punctuation dropped, spaces as hyphens, -1, -2 for repeats).</summary>
    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in Prose(markdown))
        {
            var heading = Regex.Match(line, "^#{1,6} (.+)$");
            if (!heading.Success)
            {
                continue;
            }

            var slug = new StringBuilder();
            foreach (char c in heading.Groups[1].Value.Trim().ToLowerInvariant())
            {
                if (char.IsLetterOrDigit(c) || c is '-' or '_')
                {
                    slug.Append(c);
                }
                else if (c == ' ')
                {
                    slug.Append('-');
                }
            }

            string anchor = slug.ToString();
            for (int n = 1; !anchors.Add(anchor); n++)
            {
                anchor = slug + "-" + n;
            }
        }

        return anchors;
    }

    /// <summary>The lines of a page outside fenced code blocks.</summary>
    private static IEnumerable<string> Prose(string markdown)
    {
        bool inFence = false;
        foreach (string line in markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            if (!inFence)
            {
                yield return line;
            }
        }
    }
}
