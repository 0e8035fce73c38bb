using ScottPlot;

/// <summary>The image formats the samples' <c>--plot</c> writes, chosen by the file's extension.</summary>
internal enum PlotFileFormat
{
    Png,
    Jpeg,
}

/// <summary>Saves a plot in the format its file name asks for, so that <c>loss.jpg</c> holds JPEG bytes, not PNG ones.</summary>
internal static class PlotFile
{
    /// <summary>The format for <paramref name="path"/>'s extension (any case), or <see langword="null"/> for one the samples do not write.</summary>
    public static PlotFileFormat? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => PlotFileFormat.Png,
        ".jpg" or ".jpeg" => PlotFileFormat.Jpeg,
        _ => null,
    };

    /// <summary>Writes <paramref name="plot"/> to <paramref name="path"/> at the given size, as a PNG or a JPEG by its extension.</summary>
    public static void Save(Plot plot, string path, int width, int height)
    {
        switch (FormatOf(path))
        {
            case PlotFileFormat.Png:
                plot.SavePng(path, width, height);
                break;
            case PlotFileFormat.Jpeg:
                plot.SaveJpeg(path, width, height, quality: 90);
                break;
            default:
                // The command line rejects other extensions before training; this is for any other caller.
                throw new ArgumentException($"'{path}' is neither a .png nor a .jpg/.jpeg file name", nameof(path));
        }
    }
}
