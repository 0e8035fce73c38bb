using System.Globalization;
using System.Text.RegularExpressions;
using SymbolicDiff.Tests.Generator;

namespace SymbolicDiff.Tests.Samples;

/// <summary>
/// Runs samples/Mlp as `dotnet run` would (its entry point, with its data file copied beside it), so the
/// README's command and the accuracy it states are checked by the test command.
/// </summary>
[Collection(ConsoleCollection.Name)]
public class MlpSampleTests
{
    [Fact]
    public void The_sample_trains_a_three_species_classifier_above_95_percent_on_the_test_set()
    {
        var (exitCode, output, error) = RunSample();

        Assert.True(exitCode == 0, error);
        Assert.Equal(string.Empty, error);
        Assert.Contains("342 usable: 151 Adelie, 68 Chinstrap, 123 Gentoo", output, StringComparison.Ordinal);
        Assert.Contains("split: 274 train / 68 test", output, StringComparison.Ordinal);
        Assert.Contains("4 inputs -> 8 tanh units -> 3 logits, softmax cross-entropy (67 parameters)", output, StringComparison.Ordinal);

        // One table row before training and one per epoch, the loss falling from the first to the last.
        var rows = Regex.Matches(output, @"^\s+\d+\s+([0-9.]+)\s+[0-9.]+%$", RegexOptions.Multiline);
        Assert.Equal(31, rows.Count);
        double firstLoss = double.Parse(rows[0].Groups[1].Value, CultureInfo.InvariantCulture);
        double lastLoss = double.Parse(rows[^1].Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(lastLoss < firstLoss / 10, output);

        Assert.True(Percent(output, @"final train accuracy\s+([0-9.]+)%") > 95, output);
        Assert.True(Percent(output, @"final test accuracy\s+([0-9.]+)%") > 95, output);

        // The confusion matrix accounts for every test row.
        var confusion = Regex.Matches(output, @"^\s+(Adelie|Chinstrap|Gentoo)\s+(\d+)\s+(\d+)\s+(\d+)$", RegexOptions.Multiline);
        Assert.Equal(3, confusion.Count);
        Assert.Equal(68, confusion.Sum(m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)
            + int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) + int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture)));

        Assert.DoesNotContain("written to", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_plot_option_writes_the_loss_and_accuracy_curves_as_a_PNG()
    {
        string folder = Directory.CreateTempSubdirectory("symbolicdiff-plot-").FullName;
        try
        {
            string png = Path.Combine(folder, "mlp.png");
            var (exitCode, output, error) = RunSample("--plot", png);

            Assert.True(exitCode == 0, error);
            Assert.Equal(string.Empty, error);
            Assert.Contains($"Training curves written to {png}", output, StringComparison.Ordinal);
            SampleRunner.AssertPng(png, 900, 540);
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
            string jpeg = Path.Combine(folder, "mlp.jpg");
            var (exitCode, output, error) = RunSample("--plot", jpeg);

            Assert.True(exitCode == 0, error);
            Assert.Equal(string.Empty, error);
            Assert.Contains($"Training curves written to {jpeg}", output, StringComparison.Ordinal);
            SampleRunner.AssertJpeg(jpeg, 900, 540);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Help_prints_the_usage_and_exits_0_without_training(string option)
    {
        var (exitCode, output, error) = RunSample(option);

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, error);
        Assert.StartsWith("usage: Mlp [--plot <file.png|file.jpg>] [path/to/penguins.csv]", output, StringComparison.Ordinal);
        Assert.Contains("-h, --help", output, StringComparison.Ordinal);
        Assert.DoesNotContain("epoch", output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_plot_extension_is_a_usage_error_and_exit_code_2()
    {
        var (exitCode, output, error) = RunSample("--plot", "mlp.bmp");

        Assert.Equal(2, exitCode);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith("error: --plot writes a PNG (.png) or a JPEG (.jpg, .jpeg), and 'mlp.bmp' ends in neither", error, StringComparison.Ordinal);
        Assert.Contains("usage: Mlp [--plot <file.png|file.jpg>] [path/to/penguins.csv]", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_data_file_is_a_one_line_error_and_exit_code_1()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid(), "penguins.csv");
        var (exitCode, _, error) = RunSample(missing);

        Assert.Equal(1, exitCode);
        Assert.Equal($"error: {missing}: file not found.", error.Trim());
    }

    [Theory]
    [InlineData("Adelie,Torgersen,39.1,18.7,18O,3750,male,2007", " line 2: '18O' in column flipper_length_mm is not a number.")]
    [InlineData("Emperor,Torgersen,39.1,18.7,181,3750,male,2007", " line 2: unknown species 'Emperor'; expected Adelie, Chinstrap, Gentoo.")]
    [InlineData("Adelie,Torgersen,39.1,18.7,181,3750,male", " line 2: expected 8 comma-separated fields but found 7.")]
    [InlineData("Adelie,Torgersen,39.1,18.7,181,3750,male,2007", ": only 1 usable rows (1 Adelie, 0 Chinstrap, 0 Gentoo); need at least 10 with all three species present.")]
    public void Bad_data_is_a_one_line_error_naming_the_problem_and_exit_code_1(string row, string expected)
    {
        string path = Path.Combine(Path.GetTempPath(), "penguins-" + Guid.NewGuid() + ".csv");
        File.WriteAllText(path, "species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year\n" + row + "\n");
        try
        {
            var (exitCode, output, error) = RunSample(path);

            Assert.Equal(1, exitCode);
            Assert.Equal(string.Empty, output);
            Assert.Equal($"error: {path}{expected}", error.Trim());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_sample_data_is_the_same_file_as_the_logistic_regression_samples()
    {
        string samples = Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "samples");
        foreach (string file in new[] { "penguins.csv", "README.md" })
        {
            Assert.Equal(
                File.ReadAllText(Path.Combine(samples, "LogisticRegression", "data", file)),
                File.ReadAllText(Path.Combine(samples, "Mlp", "data", file)));
        }
    }

    private static (int ExitCode, string Output, string Error) RunSample(params string[] args) =>
        SampleRunner.Run(typeof(MlpModel).Assembly, args);

    private static double Percent(string text, string pattern)
    {
        var match = Regex.Match(text, pattern);
        Assert.True(match.Success, text);
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
