using ScottPlot;

/// <summary>
/// Writes training curves to a PNG or a JPEG (by the file's extension) with ScottPlot. Optional output: a failure here (the native Skia library
/// cannot load, the folder does not exist, ...) is reported in one line and never fails the training run.
/// </summary>
internal static class LossCurvePlot
{
    /// <summary>One curve: a value per epoch, starting with epoch 0 (before training).</summary>
    public sealed record Curve(string Label, IReadOnlyList<double> Values);

    /// <summary>Saves the curves to <paramref name="path"/>; returns <see langword="null"/> on success, else a one-line reason.</summary>
    public static string? TrySave(string path, string title, string yLabel, params Curve[] curves)
    {
        try
        {
            var plot = new Plot();
            foreach (Curve curve in curves)
            {
                double[] epochs = Enumerable.Range(0, curve.Values.Count).Select(e => (double)e).ToArray();
                var scatter = plot.Add.Scatter(epochs, curve.Values.ToArray());
                scatter.LegendText = curve.Label;
            }

            plot.Title(title);
            plot.XLabel("epoch (0 = before training)");
            plot.YLabel(yLabel);
            plot.ShowLegend(Alignment.UpperRight);
            PlotFile.Save(plot, path, 900, 540);
            return null;
        }
        catch (Exception e)
        {
            // Deliberately broad: the plot is an extra, and whatever the plotting library or its native code
            // throws must not turn a finished training run into a crash.
            return OneLine(e);
        }
    }

    /// <summary>The innermost message (a native-library failure arrives wrapped in a TypeInitializationException), on one line.</summary>
    private static string OneLine(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return $"{e.GetType().Name}: {e.Message}".ReplaceLineEndings(" ");
    }
}
