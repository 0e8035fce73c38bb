using ScottPlot;

/// <summary>
/// Writes the training curves to a PNG or a JPEG (by the file's extension) with ScottPlot: the loss on the left axis, the training accuracy on the
/// right. Optional output: a failure here (the native Skia library cannot load, the folder does not exist, ...)
/// is reported in one line and never fails the training run.
/// </summary>
internal static class LossCurvePlot
{
    /// <summary>Saves the curves (one value per epoch, epoch 0 first) to <paramref name="path"/>; returns <see langword="null"/> on success, else a one-line reason.</summary>
    public static string? TrySave(string path, string title, IReadOnlyList<double> loss, IReadOnlyList<double> accuracy)
    {
        try
        {
            var plot = new Plot();
            double[] epochs = Enumerable.Range(0, loss.Count).Select(e => (double)e).ToArray();

            var lossCurve = plot.Add.Scatter(epochs, loss.ToArray());
            lossCurve.LegendText = "mean train loss (left)";

            var accuracyCurve = plot.Add.Scatter(epochs, accuracy.Select(a => 100 * a).ToArray());
            accuracyCurve.LegendText = "train accuracy, % (right)";
            accuracyCurve.Axes.YAxis = plot.Axes.Right;

            plot.Title(title);
            plot.XLabel("epoch (0 = before training)");
            plot.YLabel("mean softmax cross-entropy");
            plot.Axes.Right.Label.Text = "train accuracy (%)";
            plot.ShowLegend(Alignment.MiddleRight);
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
