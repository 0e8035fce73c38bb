/// <summary>The sample's command line: <c>[--plot &lt;file.png|file.jpg&gt;] [path/to/penguins.csv]</c>, or <c>--help</c>.</summary>
internal sealed record CommandLine(string? DataPath, string? PlotPath, bool HelpRequested = false)
{
    /// <summary>The one-line usage, as printed after a usage error and at the top of the help.</summary>
    public static string Usage(string program) => $"usage: {program} [--plot <file.png|file.jpg>] [path/to/penguins.csv]";

    /// <summary>What <c>--help</c> prints: the usage, what the sample does and every option.</summary>
    public static string Help(string program, string summary) => $"""
        {Usage(program)}

        {summary}

          path/to/penguins.csv   the Palmer penguins data (default: data/penguins.csv beside the program)
          --plot <file>          also write the training curves to <file>: a PNG for .png, a JPEG for .jpg or .jpeg
          -h, --help             print this help and exit
        """;

    /// <summary>Parses the arguments; on a usage error returns <see langword="null"/> and a one-line reason.</summary>
    public static CommandLine? Parse(IReadOnlyList<string> args, out string? error)
    {
        // Help wins over everything else on the line, as in most command-line tools.
        if (args.Any(arg => arg is "-h" or "--help"))
        {
            error = null;
            return new CommandLine(null, null, HelpRequested: true);
        }

        string? dataPath = null, plotPath = null;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--plot")
            {
                if (i + 1 >= args.Count || args[i + 1].Length == 0)
                {
                    error = "--plot needs a file name, e.g. --plot loss-curve.png";
                    return null;
                }

                if (plotPath is not null)
                {
                    error = "--plot is given twice";
                    return null;
                }

                plotPath = args[++i];
                if (PlotFile.FormatOf(plotPath) is null)
                {
                    error = $"--plot writes a PNG (.png) or a JPEG (.jpg, .jpeg), and '{plotPath}' ends in neither";
                    return null;
                }
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"unknown option '{arg}'";
                return null;
            }
            else if (dataPath is null)
            {
                dataPath = arg;
            }
            else
            {
                error = $"more than one data file ('{dataPath}' and '{arg}')";
                return null;
            }
        }

        error = null;
        return new CommandLine(dataPath, plotPath);
    }
}
