/// <summary>The sample's command line: <c>[--plot &lt;file.png&gt;] [path/to/penguins.csv]</c>.</summary>
internal sealed record CommandLine(string? DataPath, string? PlotPath)
{
    /// <summary>Parses the arguments; on a usage error returns <see langword="null"/> and a one-line reason.</summary>
    public static CommandLine? Parse(IReadOnlyList<string> args, out string? error)
    {
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
