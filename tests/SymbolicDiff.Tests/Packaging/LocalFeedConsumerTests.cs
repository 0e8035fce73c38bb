using System.Diagnostics;
using System.IO.Compression;
using SymbolicDiff.Tests.Generator;

namespace SymbolicDiff.Tests.Packaging;

/// <summary>
/// The package as a user gets it: `dotnet pack` makes one SymbolicDiff package, and a fresh project that can
/// restore from that folder only builds and runs a [Differentiable] method through it.
/// </summary>
public class LocalFeedConsumerTests
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public void A_fresh_project_restores_the_package_from_a_local_folder_and_differentiates()
    {
        string root = ReadmeExamplesTests.RepositoryRoot();
        string work = Directory.CreateTempSubdirectory("symbolicdiff-package-").FullName;
        try
        {
            string feed = Path.Combine(work, "feed");
            Run(root, "pack", Path.Combine(root, "src", "SymbolicDiff", "SymbolicDiff.csproj"), "-c", "Release", "-o", feed);

            string package = Assert.Single(Directory.GetFiles(feed, "SymbolicDiff.*.nupkg"));
            using (var archive = ZipFile.OpenRead(package))
            {
                var entries = archive.Entries.Select(e => e.FullName).ToList();
                Assert.Contains("lib/net10.0/SymbolicDiff.dll", entries);
                Assert.Contains("analyzers/dotnet/cs/SymbolicDiff.Generator.dll", entries);
                Assert.Contains("README.md", entries);
            }

            // The runtime's one dependency, System.Numerics.Tensors, goes into the same folder from the global
            // packages cache (restoring this test project put it there), so the consumer still restores from
            // that folder only.
            CopyDependency("System.Numerics.Tensors", feed);

            string consumer = Path.Combine(work, "consumer");
            Directory.CreateDirectory(consumer);
            File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                    <RestorePackagesPath>{Path.Combine(work, "packages")}</RestorePackagesPath>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="SymbolicDiff" Version="*" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(consumer, "Program.cs"), """
                using System.Globalization;
                using System.Linq;
                using SymbolicDiff;

                var g = Neuron.LossWithGradient(0.5, 2.0, -1.0, 1.0);
                System.Console.WriteLine(string.Join(" ", new[] { g.Value, g.W, g.B }.Select(v => v.ToString(CultureInfo.InvariantCulture))));

                public static partial class Neuron
                {
                    [Differentiable(nameof(w), nameof(b))]
                    public static double Loss(double x, double w, double b, double y)
                    {
                        double z = x * w + b;
                        double a = Activations.Sigmoid(z);
                        return Losses.MeanSquaredError(a, y);
                    }
                }
                """);

            string output = Run(consumer, "run", "--project", Path.Combine(consumer, "Consumer.csproj"));
            Assert.Equal("0.25 -0.125 -0.25", output.Trim().Split('\n').Last().Trim());
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Copies the .nupkg of the version of <paramref name="id"/> that the runtime was built against into <paramref name="feed"/>.</summary>
    private static void CopyDependency(string id, string feed)
    {
        string version = typeof(System.Numerics.Tensors.TensorPrimitives).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion.Split('+')[0];
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string lowered = id.ToLowerInvariant();
        string package = Path.Combine(packages, lowered, version, $"{lowered}.{version}.nupkg");
        Assert.True(File.Exists(package), $"{package} is not in the global packages folder");
        File.Copy(package, Path.Combine(feed, Path.GetFileName(package)));
    }

    private static string Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
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
        Assert.True(process.WaitForExit(ProcessTimeout), $"dotnet {string.Join(" ", arguments)} did not finish in {ProcessTimeout}");
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(" ", arguments)} failed ({process.ExitCode}):\n{output.Result}\n{error.Result}");
        return output.Result;
    }
}
