using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using System.Xml.Linq;
using SymbolicDiff.Tests.Generator;

namespace SymbolicDiff.Tests.Packaging;

/// <summary>
/// The package as a user gets it: `dotnet pack` (into an artifacts folder, as `--artifacts-path` lays it out)
/// makes one SymbolicDiff package, and fresh projects for each target framework restore it from that folder,
/// build and run a [Differentiable] method through it. The package is packed once for all the tests here.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Slow)]
public class LocalFeedConsumerTests : IClassFixture<LocalFeedConsumerTests.PackedPackage>
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(5);

    // The worked example: one sigmoid neuron, squared error, at x = 0.5, w = 2, b = -1, y = 1.
    private const double X = 0.5, W = 2.0, B = -1.0, Y = 1.0;

    private readonly PackedPackage _package;

    public LocalFeedConsumerTests(PackedPackage package) => _package = package;

    [Fact]
    public void The_package_holds_the_runtime_for_each_target_framework_the_generator_the_code_fixes_the_licence_the_icon_and_the_notes()
    {
        using var archive = ZipFile.OpenRead(_package.Path);
        var entries = archive.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("lib/net8.0/SymbolicDiff.dll", entries);
        Assert.Contains("lib/net10.0/SymbolicDiff.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/SymbolicDiff.Generator.dll", entries);
        // The IDE's code fixes beside the generator, in their own assembly (it needs Workspaces; the generator must not).
        Assert.Contains("analyzers/dotnet/cs/SymbolicDiff.CodeFixes.dll", entries);
        Assert.Equal(
            ["analyzers/dotnet/cs/SymbolicDiff.CodeFixes.dll", "analyzers/dotnet/cs/SymbolicDiff.Generator.dll"],
            entries.Where(e => e.StartsWith("analyzers/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        // The props that make the generator's MSBuild property (SymbolicDiffEmitDerivation) visible to it, for direct and transitive users.
        Assert.Contains("build/SymbolicDiff.props", entries);
        Assert.Contains("buildTransitive/SymbolicDiff.props", entries);
        Assert.Contains("README.md", entries);
        Assert.Contains("LICENSE", entries);
        Assert.Contains("icon.png", entries);
        // Symbols are embedded in the DLLs: no separate PDB to lose.
        Assert.DoesNotContain(entries, e => e.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase));

        XNamespace ns = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd";
        var nuspecEntry = archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        XElement metadata;
        using (var stream = nuspecEntry.Open())
        {
            metadata = XDocument.Load(stream).Root!.Element(ns + "metadata")!;
        }

        // The version is the one in Directory.Build.props; the release notes are CHANGELOG.md's section for it.
        string version = metadata.Element(ns + "version")!.Value;
        string props = File.ReadAllText(Path.Combine(_package.Root, "Directory.Build.props"));
        Assert.Contains($"<Version>{version}</Version>", props, StringComparison.Ordinal);
        string changelog = File.ReadAllText(Path.Combine(_package.Root, "CHANGELOG.md"));
        string notes = metadata.Element(ns + "releaseNotes")?.Value ?? "";
        Assert.False(string.IsNullOrWhiteSpace(notes), "the package has no release notes");
        int section = changelog.IndexOf($"## {version}\n", StringComparison.Ordinal);
        Assert.True(section >= 0, $"CHANGELOG.md has no section for {version}");
        Assert.StartsWith(notes.ReplaceLineEndings("\n"), changelog[(section + $"## {version}\n".Length)..].TrimStart('\n'), StringComparison.Ordinal);

        Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
        Assert.Equal("icon.png", metadata.Element(ns + "icon")?.Value);
        Assert.StartsWith("https://", metadata.Element(ns + "projectUrl")?.Value ?? "", StringComparison.Ordinal);
        Assert.Contains("Copyright (c) 2026 SymbolicDiff contributors", File.ReadAllText(Path.Combine(_package.Root, "LICENSE")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_packed_DLLs_hold_no_path_of_the_machine_that_built_them()
    {
        using var archive = ZipFile.OpenRead(_package.Path);
        var dlls = archive.Entries.Where(e => e.FullName.EndsWith(".dll", StringComparison.Ordinal)).ToList();
        // lib/net8.0 and lib/net10.0, the generator and the code fixes.
        Assert.Equal(4, dlls.Count);
        foreach (var dll in dlls)
        {
            using var stream = new MemoryStream();
            using (var entry = dll.Open())
            {
                entry.CopyTo(stream);
            }

            byte[] bytes = stream.ToArray();
            foreach (string path in new[] { _package.Root, _package.WorkFolder })
            {
                foreach (byte[] needle in new[] { Encoding.UTF8.GetBytes(path), Encoding.Unicode.GetBytes(path) })
                {
                    Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"{dll.FullName} contains the build path {path}");
                }
            }

            // The embedded PDB stores each document's path in parts, so its documents are read, not searched.
            var documents = EmbeddedPdbDocuments(bytes);
            Assert.NotEmpty(documents);
            // Mapped paths: /_/ for the repository, /_1/, /_2/... for other source roots (obj/ outside it).
            Assert.All(documents, document => Assert.Matches("^/_[0-9]*/", document));
        }
    }

    [Fact]
    public void A_net10_consumer_restores_the_package_from_the_local_folder_and_runs_the_worked_example()
    {
        var run = _package.CreateConsumer("net10.0").Run();

        AssertWorkedExample(run);
        Assert.Equal(".NETCoreApp,Version=v10.0", run.LibraryFramework);
        Assert.Equal(10, run.Runtime.Major);
    }

    /// <summary>
    /// Where the 8.0 shared runtime is installed the consumer runs on it as usual; where it is not (this
    /// repository's machines have only .NET 10), the consumer is published self-contained with the 8.0 runtime
    /// pack from the feed and runs on that: either way the net8.0 build of the library runs on .NET 8.
    /// </summary>
    [Fact]
    public void A_net8_consumer_restores_the_package_and_runs_the_worked_example_on_the_8_0_runtime()
    {
        var run = _package.CreateConsumer("net8.0").Run();

        AssertWorkedExample(run);
        Assert.Equal(".NETCoreApp,Version=v8.0", run.LibraryFramework);
        Assert.Equal(8, run.Runtime.Major);
    }

    private static void AssertWorkedExample(ConsumerRun run)
    {
        // The chain rule by hand: z = xw + b, a = σ(z), L = (a - y)^2;
        // dL/dw = 2(a - y) · a(1 - a) · x and dL/db = 2(a - y) · a(1 - a).
        double a = 1 / (1 + Math.Exp(-(X * W + B)));
        double loss = (a - Y) * (a - Y);
        double dLdz = 2 * (a - Y) * a * (1 - a);
        Assert.Equal(loss, run.Loss, 12);
        Assert.Equal(dLdz * X, run.DW, 12);
        Assert.Equal(dLdz, run.DB, 12);
        // The numbers the README and the seed text quote.
        Assert.Equal(0.25, run.Loss, 12);
        Assert.Equal(-0.125, run.DW, 12);
        Assert.Equal(-0.25, run.DB, 12);
    }

    /// <summary>What a consumer printed: the worked example's loss and gradient, the runtime it ran on, and the library build it loaded.</summary>
    public sealed record ConsumerRun(double Loss, double DW, double DB, Version Runtime, string LibraryFramework);

    /// <summary>The package, packed once for the class, in a feed folder with its one dependency beside it.</summary>
    public sealed class PackedPackage : IDisposable
    {
        public PackedPackage()
        {
            Root = ReadmeExamplesTests.RepositoryRoot();
            WorkFolder = Directory.CreateTempSubdirectory("symbolicdiff-package-").FullName;
            Feed = System.IO.Path.Combine(WorkFolder, "feed");
            Directory.CreateDirectory(Feed);

            // Packed as `dotnet pack --artifacts-path` lays it out: the generator's DLL must be found there too.
            string artifacts = System.IO.Path.Combine(WorkFolder, "artifacts");
            Run(Root, "pack", System.IO.Path.Combine(Root, "src", "SymbolicDiff", "SymbolicDiff.csproj"), "-c", "Release", "--artifacts-path", artifacts);
            string packed = Assert.Single(Directory.GetFiles(System.IO.Path.Combine(artifacts, "package", "release"), "*.nupkg"));
            Assert.StartsWith("SymbolicDiff.", System.IO.Path.GetFileName(packed), StringComparison.Ordinal);
            Path = System.IO.Path.Combine(Feed, System.IO.Path.GetFileName(packed));
            File.Copy(packed, Path);

            // The runtime's one dependency, System.Numerics.Tensors, goes into the same folder from the global
            // packages cache (restoring this test project put it there).
            CopyDependency("System.Numerics.Tensors", Feed);
        }

        public string Root { get; }

        public string WorkFolder { get; }

        public string Feed { get; }

        public string Path { get; }

        public Consumer CreateConsumer(string targetFramework) => new(this, targetFramework);

        public void Dispose() => Directory.Delete(WorkFolder, recursive: true);
    }

    /// <summary>A fresh console project for one target framework that references SymbolicDiff from the local feed only.</summary>
    public sealed class Consumer
    {
        private readonly PackedPackage _package;
        private readonly string _folder;
        private readonly string _targetFramework;

        public Consumer(PackedPackage package, string targetFramework)
        {
            _package = package;
            _targetFramework = targetFramework;
            _folder = Path.Combine(package.WorkFolder, "consumer-" + targetFramework);
            Directory.CreateDirectory(_folder);

            // SymbolicDiff and its dependency come from the local folder and nowhere else; anything else the
            // target framework needs (the 8.0 targeting and runtime packs, which the .NET 10 SDK does not carry)
            // from the sources this machine restores from.
            var sources = new StringBuilder();
            var mapping = new StringBuilder();
            int n = 0;
            foreach (string source in UpstreamSources(package.Root))
            {
                string key = $"upstream{n++}";
                sources.AppendLine($"    <add key=\"{key}\" value=\"{source}\" />");
                mapping.AppendLine($"    <packageSource key=\"{key}\"><package pattern=\"*\" /></packageSource>");
            }

            File.WriteAllText(Path.Combine(_folder, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{package.Feed}" />
                {sources}  </packageSources>
                  <packageSourceMapping>
                    <packageSource key="local">
                      <package pattern="SymbolicDiff" />
                      <package pattern="System.Numerics.Tensors" />
                    </packageSource>
                {mapping}  </packageSourceMapping>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(_folder, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>{targetFramework}</TargetFramework>
                    <Nullable>enable</Nullable>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                    <!-- .NET 8 is out of support: the SDK's notice is not this test's concern. -->
                    <CheckEolTargetFramework>false</CheckEolTargetFramework>
                    <RestorePackagesPath>{Path.Combine(package.WorkFolder, "packages")}</RestorePackagesPath>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="SymbolicDiff" Version="*" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(_folder, "Program.cs"), """
                using System;
                using System.Globalization;
                using System.Linq;
                using System.Reflection;
                using System.Runtime.Versioning;
                using SymbolicDiff;

                var g = Neuron.LossWithGradient(0.5, 2.0, -1.0, 1.0);
                Console.WriteLine(string.Join(" ", new[] { g.Value, g.W, g.B }.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
                Console.WriteLine(Environment.Version);
                Console.WriteLine(typeof(Activations).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName);

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
        }

        /// <summary>Builds and runs the consumer: with `dotnet run` where its runtime is installed, else published self-contained.</summary>
        public ConsumerRun Run()
        {
            string project = Path.Combine(_folder, "Consumer.csproj");
            string output;
            if (SharedRuntimeInstalled(_targetFramework))
            {
                output = LocalFeedConsumerTests.Run(_folder, "run", "--project", project);
            }
            else
            {
                string publish = Path.Combine(_folder, "publish");
                LocalFeedConsumerTests.Run(_folder, "publish", project, "-r", PortableRuntimeIdentifier(), "--self-contained", "-o", publish);
                string executable = Path.Combine(publish, OperatingSystem.IsWindows() ? "Consumer.exe" : "Consumer");
                output = RunProcess(new ProcessStartInfo(executable) { WorkingDirectory = _folder }, executable);
            }

            string[] lines = output.Trim().Split('\n').Select(l => l.Trim()).ToArray();
            Assert.True(lines.Length >= 3, output);
            double[] numbers = lines[^3].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(3, numbers.Length);
            return new ConsumerRun(numbers[0], numbers[1], numbers[2], Version.Parse(lines[^2]), lines[^1]);
        }

        /// <summary>This machine's portable RID (linux-x64, osx-arm64, ...): runtime packs exist for those, not for a distribution's own RID.</summary>
        private static string PortableRuntimeIdentifier()
        {
            string os = OperatingSystem.IsWindows() ? "win"
                : OperatingSystem.IsMacOS() ? "osx"
                : RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.Ordinal) ? "linux-musl"
                : "linux";
            return $"{os}-{RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}";
        }

        /// <summary>Whether `dotnet --list-runtimes` lists a Microsoft.NETCore.App of <paramref name="targetFramework"/>'s major version.</summary>
        private static bool SharedRuntimeInstalled(string targetFramework)
        {
            string major = targetFramework["net".Length..].Split('.')[0] + ".";
            return LocalFeedConsumerTests.Run(Path.GetTempPath(), "--list-runtimes").Split('\n')
                .Any(line => line.StartsWith("Microsoft.NETCore.App " + major, StringComparison.Ordinal));
        }
    }

    /// <summary>The enabled package sources of the repository's NuGet configuration.</summary>
    private static IEnumerable<string> UpstreamSources(string root) =>
        Run(root, "nuget", "list", "source", "--format", "Short").Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("E ", StringComparison.Ordinal))
            .Select(line => line[2..].Trim());

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

    /// <summary>The source documents the PDB embedded in a portable executable names (empty when it has none).</summary>
    private static List<string> EmbeddedPdbDocuments(byte[] dll)
    {
        using var reader = new System.Reflection.PortableExecutable.PEReader(new MemoryStream(dll));
        var entry = reader.ReadDebugDirectory()
            .FirstOrDefault(e => e.Type == System.Reflection.PortableExecutable.DebugDirectoryEntryType.EmbeddedPortablePdb);
        if (entry.DataSize == 0)
        {
            return [];
        }

        using var provider = reader.ReadEmbeddedPortablePdbDebugDirectoryData(entry);
        var pdb = provider.GetMetadataReader();
        return pdb.Documents.Select(handle => pdb.GetString(pdb.GetDocument(handle).Name)).ToList();
    }

    private static string Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { WorkingDirectory = workingDirectory };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return RunProcess(start, $"dotnet {string.Join(" ", arguments)}");
    }

    private static string RunProcess(ProcessStartInfo start, string description)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(ProcessTimeout), $"{description} did not finish in {ProcessTimeout}");
        Assert.True(process.ExitCode == 0, $"{description} failed ({process.ExitCode}):\n{output.Result}\n{error.Result}");
        return output.Result;
    }
}
