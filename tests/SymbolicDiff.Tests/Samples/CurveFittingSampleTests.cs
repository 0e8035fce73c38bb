using System.Globalization;
using System.Text.RegularExpressions;
using SymbolicDiff.Tests.Runtime.Solvers;

namespace SymbolicDiff.Tests.Samples;

/// <summary>Runs samples/CurveFitting as `dotnet run` would (its entry point, with its data folder copied beside it).</summary>
[Collection(ConsoleCollection.Name)]
public class CurveFittingSampleTests
{
    private const string Usage = "usage: CurveFitting [--problem <name>] [--plot <file.png|file.jpg>] [path/to/data-folder]";

    [Fact]
    public void The_sample_fits_all_six_problems_from_both_starts_to_at_least_6_certified_digits()
    {
        var (exitCode, output, error) = RunSample();

        Assert.True(exitCode == 0, error);
        Assert.Equal(string.Empty, error);
        foreach (string name in new[] { "Misra1a", "Chwirut2", "DanWood", "Thurber", "MGH09", "Eckerle4" })
        {
            Assert.Contains($"{name} (", output, StringComparison.Ordinal);
        }

        // Per fit: the digits line with iterations, evaluations, the stop reason and the time.
        var fits = Regex.Matches(output, @"^    digits ([0-9.]+) .*?, (\d+) iterations, (\d+) evaluations, (\w+), [0-9.]+ ms$", RegexOptions.Multiline);
        Assert.Equal(12, fits.Count);
        Assert.All(fits, fit => Assert.Contains(fit.Groups[4].Value, new[] { "GradientSmall", "StepSmall", "CostReductionSmall" }));

        // The summary table: one row per problem, the fewest agreeing digits from each start.
        string summary = output[output.IndexOf("Summary:", StringComparison.Ordinal)..];
        var rows = Regex.Matches(summary, @"^  (\w+)\s+([0-9.]+)\s+([0-9.]+)$", RegexOptions.Multiline);
        Assert.Equal(6, rows.Count);
        Assert.All(rows, row =>
        {
            Assert.True(Digits(row.Groups[2].Value) >= 6, row.Value);
            Assert.True(Digits(row.Groups[3].Value) >= 6, row.Value);
        });
        Assert.DoesNotContain("written to", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_problem_option_fits_only_that_problem_whatever_its_case()
    {
        var (exitCode, output, error) = RunSample("--problem", "thurber");

        Assert.True(exitCode == 0, error);
        Assert.Contains("Thurber (higher difficulty, 37 observations, 7 parameters)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Misra1a", output, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Matches(output, @"^    digits ", RegexOptions.Multiline).Count);
    }

    [Fact]
    public void The_plot_option_draws_one_panel_per_problem_as_a_PNG()
    {
        string folder = Directory.CreateTempSubdirectory("symbolicdiff-plot-").FullName;
        try
        {
            string png = Path.Combine(folder, "fits.png");
            var (exitCode, output, error) = RunSample("--plot", png);

            Assert.True(exitCode == 0, error);
            Assert.Equal(string.Empty, error);
            Assert.Contains($"Data and fitted curves written to {png}", output, StringComparison.Ordinal);
            SampleRunner.AssertPng(png, 3 * 480, 2 * 360);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_plot_option_writes_a_JPEG_for_a_jpg_file_name()
    {
        string folder = Directory.CreateTempSubdirectory("symbolicdiff-plot-").FullName;
        try
        {
            string jpeg = Path.Combine(folder, "fits.jpg");
            var (exitCode, output, error) = RunSample("--problem", "Eckerle4", "--plot", jpeg);

            Assert.True(exitCode == 0, error);
            Assert.Equal(string.Empty, error);
            Assert.Contains($"Data and fitted curves written to {jpeg}", output, StringComparison.Ordinal);
            SampleRunner.AssertJpeg(jpeg, 480, 360);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Help_prints_the_usage_and_exits_0_without_fitting(string option)
    {
        var (exitCode, output, error) = RunSample(option);

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, error);
        Assert.StartsWith(Usage, output, StringComparison.Ordinal);
        Assert.Contains("--problem <name>", output, StringComparison.Ordinal);
        Assert.DoesNotContain("iterations", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("error: --plot writes a PNG (.png) or a JPEG (.jpg, .jpeg), and 'fits.bmp' ends in neither", "--plot", "fits.bmp")]
    [InlineData("error: unknown problem 'Box3'; expected one of Misra1a, Chwirut2, DanWood, Thurber, MGH09, Eckerle4", "--problem", "Box3")]
    [InlineData("error: --problem needs a name, e.g. --problem Thurber", "--problem")]
    [InlineData("error: unknown option '--start'", "--start", "1")]
    [InlineData("error: more than one data folder ('a' and 'b')", "a", "b")]
    public void A_usage_error_is_one_line_and_exit_code_2(string expected, params string[] args)
    {
        var (exitCode, output, error) = RunSample(args);

        Assert.Equal(2, exitCode);
        Assert.Equal(string.Empty, output);
        Assert.Equal(expected + Environment.NewLine + Usage, error.TrimEnd());
    }

    [Fact]
    public void A_missing_data_folder_is_a_one_line_error_and_exit_code_1()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid());
        var (exitCode, output, error) = RunSample(missing);

        Assert.Equal(1, exitCode);
        Assert.Equal(string.Empty, output);
        Assert.Equal($"error: {Path.Combine(missing, "Misra1a.json")}: file not found.", error.Trim());
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("""{"name": "DanWood"}""", "the field 'certified_values' is missing.")]
    [InlineData("""{"name": "DanWood", "certified_values": [1, 2], "x": [1, 2, 3], "y": [1, 2, 3], "start1": [1], "start2": [1, 2]}""", "'start1' has 1 values and 'certified_values' has 2.")]
    [InlineData("""{"name": "DanWood", "certified_values": [1, "2"], "x": [], "y": [], "start1": [], "start2": []}""", "'certified_values' element 1 is not a finite number.")]
    public void Bad_data_is_a_one_line_error_naming_the_file_and_field_and_exit_code_1(string json, string expected)
    {
        string folder = Directory.CreateTempSubdirectory("symbolicdiff-nist-").FullName;
        try
        {
            string file = Path.Combine(folder, "DanWood.json");
            File.WriteAllText(file, json);
            var (exitCode, output, error) = RunSample("--problem", "DanWood", folder);

            Assert.Equal(1, exitCode);
            Assert.Equal(string.Empty, output);
            Assert.StartsWith($"error: {file}: {expected}", error.Trim(), StringComparison.Ordinal);
            Assert.Single(error.Trim().Split('\n'));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_data_beside_the_program_is_the_data_in_the_repository()
    {
        // The problems, not the folder's README: every sample copies a data/README.md into this test's output folder.
        foreach (string file in Directory.GetFiles(NistCertifiedValuesTests.DataFolder, "*.json"))
        {
            Assert.Equal(File.ReadAllText(file), File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", Path.GetFileName(file))));
        }
    }

    private static (int ExitCode, string Output, string Error) RunSample(params string[] args) =>
        SampleRunner.Run(typeof(NistModels).Assembly, args);

    private static double Digits(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}
