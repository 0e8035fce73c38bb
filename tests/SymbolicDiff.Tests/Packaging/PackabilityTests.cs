using System.Diagnostics;
using System.Text.RegularExpressions;
using SymbolicDiff.Tests.Generator;

namespace SymbolicDiff.Tests.Packaging;

/// <summary>
/// `dotnet pack SymbolicDiff.sln` makes one package, SymbolicDiff: every other project in the solution (the
/// generator, which travels inside that package, the tests, the samples, the benchmarks) says it is not packable.
/// Checked by asking MSBuild for each project's IsPackable, which is what `dotnet pack` reads.
/// </summary>
public class PackabilityTests
{
    [Fact]
    public void Only_the_runtime_project_of_the_solution_is_packable()
    {
        string root = ReadmeExamplesTests.RepositoryRoot();
        var projects = Regex.Matches(File.ReadAllText(Path.Combine(root, "SymbolicDiff.sln")), "\"([^\"]+\\.csproj)\"")
            .Select(m => m.Groups[1].Value.Replace('\\', Path.DirectorySeparatorChar))
            .ToList();
        Assert.True(projects.Count >= 6, $"only {projects.Count} projects found in the solution");

        var packable = projects.Where(project => IsPackable(root, project)).ToList();

        Assert.Equal([Path.Combine("src", "SymbolicDiff", "SymbolicDiff.csproj")], packable);
    }

    private static bool IsPackable(string root, string project)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in new[] { "msbuild", project, "-getProperty:IsPackable" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), $"evaluating {project} did not finish");
        Assert.True(process.ExitCode == 0, $"evaluating {project} failed:\n{output.Result}\n{error.Result}");
        // With one property asked for, MSBuild prints its value alone.
        string value = output.Result.Trim();
        Assert.True(value is "true" or "false", $"{project}: IsPackable is '{value}'");
        return value == "true";
    }
}
