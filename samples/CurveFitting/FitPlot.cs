using ScottPlot;

/// <summary>
/// Draws each problem's data and the curves fitted from both starts, one panel per problem, with ScottPlot. Optional
/// output: a failure here is reported in one line and never fails the run.
/// </summary>
internal static class FitPlot
{
    private const int PanelWidth = 480, PanelHeight = 360;

    /// <summary>Saves the panels to <paramref name="path"/>; returns <see langword="null"/> on success, else a one-line reason.</summary>
    public static string? TrySave(string path, IReadOnlyList<(NistProblem Problem, NistFitResult Fit)> fits)
    {
        try
        {
            NistProblem[] problems = fits.Select(f => f.Problem).Distinct().ToArray();
            int columns = Math.Min(3, problems.Length), rows = (problems.Length + columns - 1) / columns;
            var multiplot = new Multiplot();
            multiplot.AddPlots(problems.Length);
            multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
            for (int p = 0; p < problems.Length; p++)
            {
                Draw(multiplot.GetPlot(p), problems[p], fits.Where(f => f.Problem == problems[p]).Select(f => f.Fit));
            }

            Size(columns, rows, out int width, out int height);
            switch (PlotFile.FormatOf(path))
            {
                case PlotFileFormat.Png:
                    multiplot.SavePng(path, width, height);
                    break;
                case PlotFileFormat.Jpeg:
                    // Multiplot saves only PNGs itself; render it onto a surface and save that as a JPEG.
                    using (var surface = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(width, height)))
                    {
                        multiplot.Render(surface.Canvas, new PixelRect(0, width, height, 0));
                        new Image(surface).SaveJpeg(path, quality: 90);
                    }

                    break;
                default:
                    throw new ArgumentException($"'{path}' is neither a .png nor a .jpg/.jpeg file name", nameof(path));
            }

            return null;
        }
        catch (Exception e)
        {
            // Deliberately broad: the plot is an extra, and whatever the plotting library or its native code throws
            // must not turn a finished fit into a crash.
            while (e.InnerException is not null)
            {
                e = e.InnerException;
            }

            return $"{e.GetType().Name}: {e.Message}".ReplaceLineEndings(" ");
        }
    }

    /// <summary>The image size for a grid of panels.</summary>
    public static void Size(int columns, int rows, out int width, out int height)
    {
        width = columns * PanelWidth;
        height = rows * PanelHeight;
    }

    private static void Draw(Plot plot, NistProblem problem, IEnumerable<NistFitResult> fits)
    {
        var data = plot.Add.ScatterPoints(problem.X, problem.Y);
        data.LegendText = "data";
        NistModel model = NistModel.ByName[problem.Name];
        double lo = problem.X.Min(), hi = problem.X.Max();
        double[] xs = Enumerable.Range(0, 200).Select(i => lo + (hi - lo) * i / 199).ToArray();
        foreach (NistFitResult fit in fits)
        {
            var curve = plot.Add.ScatterLine(xs, xs.Select(x => model.Value(fit.Parameters, x)).ToArray());
            curve.LegendText = $"start {fit.Start} ({fit.MinimumDigits:0.0} digits)";
            curve.LinePattern = fit.Start == 1 ? LinePattern.Solid : LinePattern.Dashed;
        }

        plot.Title(problem.Name);
        plot.XLabel("x");
        plot.YLabel("y");
        plot.ShowLegend(EmptiestCorner(problem));
    }

    /// <summary>The corner of the panel with the fewest data points, so the legend hides as little as possible.</summary>
    private static Alignment EmptiestCorner(NistProblem problem)
    {
        double xLo = problem.X.Min(), xHi = problem.X.Max(), yLo = problem.Y.Min(), yHi = problem.Y.Max();
        (Alignment Corner, Func<double, double, bool> Inside)[] corners =
        [
            (Alignment.UpperRight, (u, v) => u > 0.5 && v > 0.6),
            (Alignment.UpperLeft, (u, v) => u < 0.5 && v > 0.6),
            (Alignment.LowerRight, (u, v) => u > 0.5 && v < 0.4),
            (Alignment.LowerLeft, (u, v) => u < 0.5 && v < 0.4),
        ];
        return corners.MinBy(corner => problem.X.Zip(problem.Y).Count(point =>
            corner.Inside((point.First - xLo) / (xHi - xLo), (point.Second - yLo) / (yHi - yLo)))).Corner;
    }
}
