using System.Globalization;
using System.Text.RegularExpressions;

namespace SymbolicDiff.Tests.Samples;

/// <summary>
/// Runs samples/LogisticRegression as `dotnet run` would (its entry point, with its data file copied beside
/// it), so the README's sample command is checked by the test command. Console output is process-wide,
/// hence one collection that never runs in parallel with itself.
/// </summary>
[Collection(ConsoleCollection.Name)]
public class LogisticRegressionSampleTests
{
    [Fact]
    public void The_sample_prints_the_worked_example_and_trains_an_accurate_classifier()
    {
        var (exitCode, output, error) = RunSample();

        Assert.True(exitCode == 0, error);
        Assert.Equal(string.Empty, error);
        // The worked example, printed from the generated traces (Neuron.LossDerivation, Neuron.HalfLossDerivation):
        // the hand-worked numbers z = 0, a = ½, L = ¼ (or ⅛), ∂a/∂z = ¼, ∂L/∂z = −¼ (or −⅛), one row each.
        string part1 = Section(output, "Part 1 - ", "Part 2 - ");
        foreach (string row in new[]
        {
            @"forward\s+z\s+x \* w \+ b\s+0",
            @"forward\s+a\s+Activations\.Sigmoid\(z\)\s+0\.5",
            @"local partial\s+da_dz\s+Activations\.SigmoidDerivative\(z, a\)\s+0\.25\s+∂a/∂z",
        })
        {
            Assert.Equal(2, Regex.Matches(part1, @"^    " + row + "$", RegexOptions.Multiline).Count); // in both tables
        }

        foreach (string row in new[]
        {
            @"forward\s+loss\s+Losses\.MeanSquaredError\(a, y\)\s+0\.25",
            @"forward\s+halfLoss\s+Losses\.HalfSquaredError\(a, y\)\s+0\.125",
            @"local partial\s+dLoss_da\s+Losses\.MeanSquaredErrorPredictionDerivative\(a, y\)\s+-1\s+∂loss/∂a",
            @"adjoint\s+dLoss_dz\s+dLoss_da \* da_dz\s+-0\.25\s+∂loss/∂z = ∂loss/∂a · ∂a/∂z",
            @"adjoint\s+dHalfLoss_dz\s+dHalfLoss_da \* da_dz\s+-0\.125\s+∂halfLoss/∂z = ∂halfLoss/∂a · ∂a/∂z",
            @"gradient\s+∂loss/∂w\s+dLoss_dw\s+-0\.125",
            @"gradient\s+∂loss/∂b\s+dLoss_db\s+-0\.25",
        })
        {
            Assert.True(Regex.Matches(part1, @"^    " + row + "$", RegexOptions.Multiline).Count == 1, row + "\n" + part1);
        }

        // Under both loss definitions, the traced gradients agree with the chain rule worked by hand.
        Assert.Contains("dL/dw by hand = (-1) * 0.25 * 0.5 = -0.125,  generated = -0.125  -> agree", output, StringComparison.Ordinal);
        Assert.Contains("dL/db by hand = (-1) * 0.25 * 1 = -0.25,  generated = -0.25  -> agree", output, StringComparison.Ordinal);
        Assert.Contains("dL/dw by hand = (-0.5) * 0.25 * 0.5 = -0.0625,  generated = -0.0625  -> agree", output, StringComparison.Ordinal);
        Assert.Contains("dL/db by hand = (-0.5) * 0.25 * 1 = -0.125,  generated = -0.125  -> agree", output, StringComparison.Ordinal);
        Assert.DoesNotContain("DISAGREE", output, StringComparison.Ordinal);
        Assert.Contains("2 skipped for NA", output, StringComparison.Ordinal);

        // One gradient-descent step lowers the loss.
        var step = Regex.Match(output, @"new loss = ([0-9.]+) \(was 0\.25");
        Assert.True(step.Success, output);
        Assert.True(double.Parse(step.Groups[1].Value, CultureInfo.InvariantCulture) < 0.25);

        // The classifier trained with the generated gradient and Adam separates Adelie from Gentoo.
        string part2 = Section(output, "Part 2 - ", "Part 3 - ");
        Assert.Equal(40, Regex.Matches(part2, @"^\s+epoch\s+\d+", RegexOptions.Multiline).Count);
        double twoFeatureTrain = Percent(part2, @"final train accuracy\s+([0-9.]+)%");
        double twoFeatureTest = Percent(part2, @"final test accuracy\s+([0-9.]+)%");
        Assert.True(twoFeatureTest >= 95, output);

        // Part 3: the same split, four features, one batch-loss call per mini-batch of 16, 20 epochs: one table row
        // per epoch plus the row before training, and at least the two-feature model's accuracy on both sets.
        string part3 = Section(output, "Part 3 - ", null);
        Assert.Contains("same split: 219 train / 55 test", part3, StringComparison.Ordinal);
        Assert.Equal(21, Regex.Matches(part3, @"^\s+\d+\s+[0-9.]+\s+[0-9.]+%$", RegexOptions.Multiline).Count);
        double fourFeatureTrain = Percent(part3, @"four features: train accuracy\s+([0-9.]+)%");
        double fourFeatureTest = Percent(part3, @"four features: test accuracy\s+([0-9.]+)%");
        Assert.True(fourFeatureTrain >= twoFeatureTrain, output);
        Assert.True(fourFeatureTest >= twoFeatureTest, output);

        // No plot unless asked for.
        Assert.DoesNotContain("written to", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_plot_option_writes_both_loss_curves_as_a_PNG()
    {
        string folder = Directory.CreateTempSubdirectory("symbolicdiff-plot-").FullName;
        try
        {
            string png = Path.Combine(folder, "loss.png");
            var (exitCode, output, error) = RunSample("--plot", png);

            Assert.True(exitCode == 0, error);
            Assert.Equal(string.Empty, error);
            Assert.Contains($"Loss curves written to {png}", output, StringComparison.Ordinal);
            SampleRunner.AssertPng(png, 900, 540);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_plot_that_cannot_be_written_is_a_one_line_warning_and_the_run_still_succeeds()
    {
        string png = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid(), "loss.png");
        var (exitCode, output, error) = RunSample("--plot", png);

        Assert.Equal(0, exitCode);
        Assert.StartsWith($"warning: the plot was not written to {png}: ", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("four features: test accuracy", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("loss.jpg")]
    [InlineData("loss.JPEG")]
    public void The_plot_option_writes_a_JPEG_when_the_file_name_asks_for_one(string name)
    {
        string folder = Directory.CreateTempSubdirectory("symbolicdiff-plot-").FullName;
        try
        {
            string jpeg = Path.Combine(folder, name);
            var (exitCode, output, error) = RunSample("--plot", jpeg);

            Assert.True(exitCode == 0, error);
            Assert.Equal(string.Empty, error);
            Assert.Contains($"Loss curves written to {jpeg}", output, StringComparison.Ordinal);
            SampleRunner.AssertJpeg(jpeg, 900, 540);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("--plot")]
    [InlineData("--bogus")]
    [InlineData("a.csv", "b.csv")]
    [InlineData("--plot", "loss.gif")]
    [InlineData("--plot", "loss")]
    public void A_bad_command_line_is_a_usage_error_and_exit_code_2(params string[] args)
    {
        var (exitCode, output, error) = RunSample(args);

        Assert.Equal(2, exitCode);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Equal(2, error.Trim().Split('\n').Length);
        Assert.Contains("usage: LogisticRegression [--plot <file.png|file.jpg>] [path/to/penguins.csv]", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_plot_extension_says_which_ones_are_written()
    {
        var (_, _, error) = RunSample("--plot", "loss.gif");

        Assert.StartsWith("error: --plot writes a PNG (.png) or a JPEG (.jpg, .jpeg), and 'loss.gif' ends in neither", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("--bogus", "--help")]
    [InlineData("--plot", "loss.png", "-h")]
    public void Help_prints_the_usage_and_options_and_exits_0_without_training(params string[] args)
    {
        var (exitCode, output, error) = RunSample(args);

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, error);
        Assert.StartsWith("usage: LogisticRegression [--plot <file.png|file.jpg>] [path/to/penguins.csv]", output, StringComparison.Ordinal);
        Assert.Contains("--plot <file>", output, StringComparison.Ordinal);
        Assert.Contains("-h, --help", output, StringComparison.Ordinal);
        // Neither the worked example nor any training ran.
        Assert.DoesNotContain("L = (a - y)^2", output, StringComparison.Ordinal);
        Assert.DoesNotContain("epoch", output, StringComparison.Ordinal);
        Assert.DoesNotContain("written to", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_data_file_is_a_one_line_error_and_exit_code_1()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid(), "penguins.csv");
        var (exitCode, _, error) = RunSample(missing);

        Assert.Equal(1, exitCode);
        Assert.Equal($"error: {missing}: file not found.", error.Trim());
    }

    [Fact]
    public void A_malformed_number_names_the_file_line_and_column()
    {
        string path = Path.Combine(Path.GetTempPath(), "penguins-" + Guid.NewGuid() + ".csv");
        File.WriteAllText(path, "species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year\nAdelie,Torgersen,39.1,18.7,18O,3750,male,2007\n");
        try
        {
            var (exitCode, _, error) = RunSample(path);
            Assert.Equal(1, exitCode);
            Assert.Contains($"{path} line 2", error, StringComparison.Ordinal);
            Assert.Contains("flipper_length_mm", error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (int ExitCode, string Output, string Error) RunSample(params string[] args) =>
        SampleRunner.Run(typeof(Neuron).Assembly, args);

    /// <summary>The output from the line starting <paramref name="start"/> up to the one starting <paramref name="end"/> (or the end).</summary>
    private static string Section(string output, string start, string? end)
    {
        int from = output.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, output);
        int to = end is null ? output.Length : output.IndexOf(end, from, StringComparison.Ordinal);
        Assert.True(to >= 0, output);
        return output[from..to];
    }

    private static double Percent(string text, string pattern)
    {
        var match = Regex.Match(text, pattern);
        Assert.True(match.Success, text);
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
