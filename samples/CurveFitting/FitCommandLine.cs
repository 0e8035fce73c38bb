/// <summary>The sample's command line: <c>[--problem &lt;name&gt;] [--plot &lt;file.png|file.jpg&gt;] [path/to/data-folder]</c>, or <c>--help</c>.</summary>
internal sealed record FitCommandLine(string? DataFolder, string? PlotPath, string? Problem, bool HelpRequested = false)
{
    /// <summary>The one-line usage, as printed after a usage error and at the top of the help.</summary>
    public const string Usage = "usage: CurveFitting [--problem <name>] [--plot <file.png|file.jpg>] [path/to/data-folder]";

    /// <summary>What <c>--help</c> prints: the usage, what the sample does and every option.</summary>
    public static string Help => $"""
        {Usage}

        Fits six NIST StRD nonlinear-regression problems (Misra1a, Chwirut2, DanWood, Thurber, MGH09, Eckerle4) from
        both of NIST's starting points with Levenberg-Marquardt, on the Jacobian of each model's residuals
        generated at compile time, and compares the parameters with NIST's certified values.

          path/to/data-folder   the folder of NIST problem files, <name>.json (default: data/ beside the program)
          --problem <name>      fit only this problem (any case), e.g. --problem Thurber
          --plot <file>         also draw the data and the fitted curves: a PNG for .png, a JPEG for .jpg or .jpeg
          -h, --help            print this help and exit
        """;

    /// <summary>Parses the arguments; on a usage error returns <see langword="null"/> and a one-line reason.</summary>
    public static FitCommandLine? Parse(IReadOnlyList<string> args, out string? error)
    {
        if (args.Any(arg => arg is "-h" or "--help"))
        {
            error = null;
            return new FitCommandLine(null, null, null, HelpRequested: true);
        }

        string? folder = null, plotPath = null, problem = null;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "--plot" or "--problem")
            {
                if (i + 1 >= args.Count || args[i + 1].Length == 0)
                {
                    error = arg == "--plot" ? "--plot needs a file name, e.g. --plot fits.png" : "--problem needs a name, e.g. --problem Thurber";
                    return null;
                }

                if ((arg == "--plot" ? plotPath : problem) is not null)
                {
                    error = $"{arg} is given twice";
                    return null;
                }

                string value = args[++i];
                if (arg == "--problem")
                {
                    if (!NistModel.ByName.ContainsKey(value))
                    {
                        error = $"unknown problem '{value}'; expected one of {string.Join(", ", NistModel.ByName.Keys)}";
                        return null;
                    }

                    problem = NistModel.ByName[value].Name;
                }
                else
                {
                    if (PlotFile.FormatOf(value) is null)
                    {
                        error = $"--plot writes a PNG (.png) or a JPEG (.jpg, .jpeg), and '{value}' ends in neither";
                        return null;
                    }

                    plotPath = value;
                }
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"unknown option '{arg}'";
                return null;
            }
            else if (folder is null)
            {
                folder = arg;
            }
            else
            {
                error = $"more than one data folder ('{folder}' and '{arg}')";
                return null;
            }
        }

        error = null;
        return new FitCommandLine(folder, plotPath, problem);
    }
}
