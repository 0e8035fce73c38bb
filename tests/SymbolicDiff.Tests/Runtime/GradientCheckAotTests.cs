using System.Diagnostics;
using SymbolicDiff.Tests.Generator;

namespace SymbolicDiff.Tests.Runtime;

/// <summary>
/// Publishes a small console consumer with Native AOT (the ILCompiler package comes from the feed) that checks a
/// generated span gradient with the delegate overload of GradientCheck, and runs the native binary: the
/// reflection-free path works where the reflection one cannot, and the publish is free of trim/AOT warnings.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Slow)]
public class GradientCheckAotTests
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(8);

    private const string Program = """
        using System;
        using SymbolicDiff;

        double[] features = { 0.5, -1.2, 2.0, 0.3, -0.7, 1.1 };
        double[] labels = { 1, 0, 1 };
        int d = 2;
        var right = GradientCheck.Run(
            p => Model.BatchLoss(features, labels, p[..d], p[d]),
            (p, g) => Model.BatchLossWithGradient(features, labels, p[..d], p[d], g[..d], out g[d]),
            [0.4, -0.3, 0.1], [-1.0, 2.0, 0.5]);
        var wrong = GradientCheck.Run(
            p => Model.BatchLoss(features, labels, p[..d], p[d]),
            (p, g) => { double v = Model.BatchLossWithGradient(features, labels, p[..d], p[d], g[..d], out g[d]); g[1] += 1e-3; return v; },
            [0.4, -0.3, 0.1]);
        var floatCheck = GradientCheck.Run(p => p[0] * p[0] * p[1], (p, g) => { g[0] = 2 * p[0] * p[1]; g[1] = p[0] * p[0]; return p[0] * p[0] * p[1]; }, [1.5f, -0.5f]);
        Console.WriteLine(right);
        bool ok = right.Passes(1e-6) && !wrong.Parameters[1].Passes(1e-6) && wrong.Parameters[0].Passes(1e-6) && floatCheck.Passes(1e-3);
        Console.WriteLine(ok ? "AOT GRADIENT CHECK OK" : "AOT GRADIENT CHECK WRONG");
        return ok ? 0 : 1;

        public static partial class Model
        {
            [Differentiable(nameof(weights), nameof(bias))]
            public static double BatchLoss(ReadOnlySpan<double> features, ReadOnlySpan<double> labels, ReadOnlySpan<double> weights, double bias)
            {
                int d = weights.Length;
                double total = 0;
                for (int r = 0; r < labels.Length; r++)
                {
                    double z = bias;
                    for (int c = 0; c < d; c++)
                    {
                        z += weights[c] * features[r * d + c];
                    }

                    total += Losses.BinaryCrossEntropyWithLogits(z, labels[r]);
                }

                return total / labels.Length;
            }
        }
        """;

    [Fact]
    public void A_native_AOT_consumer_checks_a_span_gradient_without_warnings()
    {
        string root = ReadmeExamplesTests.RepositoryRoot();
        string folder = Directory.CreateTempSubdirectory("symbolicdiff-aot-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "AotConsumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <PublishAot>true</PublishAot>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                  </PropertyGroup>
                  <ItemGroup>
                    <ProjectReference Include="{Path.Combine(root, "src", "SymbolicDiff", "SymbolicDiff.csproj")}" />
                    <ProjectReference Include="{Path.Combine(root, "src", "SymbolicDiff.Generator", "SymbolicDiff.Generator.csproj")}" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(folder, "Program.cs"), Program);
            string output = Path.Combine(folder, "out");

            // Its own artifacts folder, so the referenced projects' obj and bin are not shared with other builds.
            string publish = Run(folder, "dotnet", "publish", "-c", "Release", "-o", output, "--artifacts-path", Path.Combine(folder, "artifacts"));
            Assert.DoesNotContain("warning", publish, StringComparison.OrdinalIgnoreCase);

            string executable = Path.Combine(output, OperatingSystem.IsWindows() ? "AotConsumer.exe" : "AotConsumer");
            Assert.True(File.Exists(executable), publish);
            // Native: no managed entry assembly beside it.
            Assert.False(File.Exists(Path.Combine(output, "AotConsumer.dll")));
            string run = Run(folder, executable);
            Assert.Contains("AOT GRADIENT CHECK OK", run, StringComparison.Ordinal);
            Assert.Contains("parameters[2]", run, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Run(string workingDirectory, string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName == "dotnet" ? Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet" : fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        string description = $"{fileName} {string.Join(" ", arguments)}";
        Assert.True(process.WaitForExit(ProcessTimeout), $"{description} did not finish in {ProcessTimeout}");
        Assert.True(process.ExitCode == 0, $"{description} failed ({process.ExitCode}):\n{output.Result}\n{error.Result}");
        return output.Result;
    }
}
