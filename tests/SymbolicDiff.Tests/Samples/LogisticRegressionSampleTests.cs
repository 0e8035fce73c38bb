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
        // The worked example's numbers, under both loss definitions, all agreeing with the generated gradients.
        Assert.Contains("L = (a - y)^2       = 0.25", output, StringComparison.Ordinal);
        Assert.Contains("L = 1/2 (a - y)^2   = 0.125", output, StringComparison.Ordinal);
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
        Assert.Equal(40, Regex.Matches(output, @"^\s+epoch\s+\d+", RegexOptions.Multiline).Count);
        var test = Regex.Match(output, @"final test accuracy\s+([0-9.]+)%");
        Assert.True(test.Success, output);
        Assert.True(double.Parse(test.Groups[1].Value, CultureInfo.InvariantCulture) >= 95, output);
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

    private static (int ExitCode, string Output, string Error) RunSample(params string[] args)
    {
        var entryPoint = typeof(Neuron).Assembly.EntryPoint!;
        var (originalOut, originalError) = (Console.Out, Console.Error);
        var (output, error) = (new StringWriter(), new StringWriter());
        try
        {
            Console.SetOut(output);
            Console.SetError(error);
            object? result = entryPoint.Invoke(null, new object[] { args });
            return (result is int code ? code : 0, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }
}
