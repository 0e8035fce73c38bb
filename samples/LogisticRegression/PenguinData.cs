using System.Globalization;

/// <summary>One labelled example for the two-feature model: two measurements and the class label (0 = Adelie, 1 = Gentoo).</summary>
internal readonly record struct Example(double X1, double X2, double Label);

/// <summary>
/// One penguin of the file: its four raw measurements, in the order of <see cref="PenguinData.MeasurementColumns"/>,
/// and the class label (0 = Adelie, 1 = Gentoo).
/// </summary>
internal sealed record Penguin(double BillLength, double BillDepth, double FlipperLength, double BodyMass, double Label)
{
    /// <summary>The four measurements as one row, in the order of <see cref="PenguinData.MeasurementColumns"/>.</summary>
    public double[] Measurements => [BillLength, BillDepth, FlipperLength, BodyMass];

    /// <summary>The two measurements the two-feature model uses (<see cref="PenguinData.Feature1"/>, <see cref="PenguinData.Feature2"/>).</summary>
    public Example TwoFeatures => new(BillLength, FlipperLength, Label);
}

/// <summary>The usable examples of a penguin file together with counts of what was left out and why.</summary>
internal sealed record PenguinDataSet(
    IReadOnlyList<Penguin> Examples,
    int RowsRead,
    int ChinstrapRowsExcluded,
    int RowsWithMissingValues)
{
    public int AdelieCount => Examples.Count(e => e.Label == PenguinData.AdelieLabel);
    public int GentooCount => Examples.Count(e => e.Label == PenguinData.GentooLabel);
}

/// <summary>
/// Reads the Palmer penguins CSV (species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,
/// body_mass_g,sex,year; missing values written <c>NA</c>) into Adelie-vs-Gentoo examples with all four
/// measurements; the two-feature model uses two of them (<see cref="Penguin.TwoFeatures"/>).
/// </summary>
internal static class PenguinData
{
    // Gentoo have longer bills and much longer flippers than Adelie, so these two separate the species
    // almost (not quite) perfectly, which leaves the training curve something to show. bill_depth_mm with
    // flipper_length_mm separates them completely. Chinstrap overlaps the other two, which is why it is
    // left out of this two-class problem.
    public const string Feature1 = "bill_length_mm";
    public const string Feature2 = "flipper_length_mm";

    /// <summary>The four measurements of the four-feature model, in the order of <see cref="Penguin.Measurements"/>.</summary>
    public static readonly IReadOnlyList<string> MeasurementColumns =
        ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"];

    public const double AdelieLabel = 0;
    public const double GentooLabel = 1;

    // Enough for an 80/20 split to leave a few rows on each side and a meaningful standard deviation.
    public const int MinimumUsableRows = 10;

    private const string SpeciesColumn = "species";
    private const string MissingValue = "NA";

    public static PenguinDataSet Load(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new PenguinDataException(DescribeReadFailure(path, e), e);
        }

        if (lines.Length == 0)
        {
            throw new PenguinDataException($"{path}: the file is empty; expected a CSV header line.");
        }

        string[] header = lines[0].Split(',').Select(h => h.Trim()).ToArray();
        int speciesIndex = FindColumn(header, SpeciesColumn, path);
        int[] measurementIndexes = MeasurementColumns.Select(column => FindColumn(header, column, path)).ToArray();

        var examples = new List<Penguin>();
        int rowsRead = 0, chinstrap = 0, missing = 0;
        for (int i = 1; i < lines.Length; i++)
        {
            int lineNumber = i + 1;   // 1-based, counting the header, as an editor shows it
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;   // tolerate blank lines, e.g. a trailing newline added by an editor
            }

            rowsRead++;
            string[] fields = lines[i].Split(',');
            if (fields.Length != header.Length)
            {
                throw new PenguinDataException(
                    $"{path} line {lineNumber}: expected {header.Length} comma-separated fields but found {fields.Length}.");
            }

            string species = fields[speciesIndex].Trim();
            double label;
            switch (species)
            {
                case "Adelie": label = AdelieLabel; break;
                case "Gentoo": label = GentooLabel; break;
                case "Chinstrap": chinstrap++; continue;
                default:
                    throw new PenguinDataException(
                        $"{path} line {lineNumber}: unknown species '{species}'; expected Adelie, Chinstrap or Gentoo.");
            }

            // Both models train on the same rows (and so the same split), so a row missing any of the four
            // measurements is left out of both. In the Palmer file the rows with a missing measurement miss all four.
            string[] raw = measurementIndexes.Select(index => fields[index].Trim()).ToArray();
            if (raw.Contains(MissingValue))
            {
                missing++;
                continue;
            }

            double[] values = new double[raw.Length];
            for (int m = 0; m < raw.Length; m++)
            {
                values[m] = ParseMeasurement(raw[m], MeasurementColumns[m], path, lineNumber);
            }

            examples.Add(new Penguin(values[0], values[1], values[2], values[3], label));
        }

        var data = new PenguinDataSet(examples, rowsRead, chinstrap, missing);
        if (examples.Count < MinimumUsableRows || data.AdelieCount == 0 || data.GentooCount == 0)
        {
            throw new PenguinDataException(
                $"{path}: only {examples.Count} usable rows ({data.AdelieCount} Adelie, {data.GentooCount} Gentoo); " +
                $"need at least {MinimumUsableRows} with both species present.");
        }

        return data;
    }

    private static int FindColumn(string[] header, string name, string path)
    {
        int index = Array.IndexOf(header, name);
        if (index < 0)
        {
            throw new PenguinDataException(
                $"{path}: the header has no '{name}' column (found: {string.Join(", ", header)}).");
        }

        return index;
    }

    private static double ParseMeasurement(string raw, string column, string path, int lineNumber)
    {
        // Invariant culture: the file always uses '.' as the decimal separator, whatever the machine's locale.
        // Infinity and NaN parse as doubles but are not measurements, so they count as malformed too.
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            throw new PenguinDataException(
                $"{path} line {lineNumber}: '{raw}' in column {column} is not a number.");
        }

        return value;
    }

    private static string DescribeReadFailure(string path, Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => $"{path}: file not found.",
        UnauthorizedAccessException => $"{path}: cannot be read (access denied, or it is a directory).",
        _ => $"{path}: cannot be read ({e.Message})",
    };
}
