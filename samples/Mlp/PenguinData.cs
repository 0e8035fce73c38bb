using System.Globalization;

/// <summary>
/// One penguin of the file: its four raw measurements, in the order of <see cref="PenguinData.MeasurementColumns"/>,
/// and its species as a class index into <see cref="PenguinData.Species"/>.
/// </summary>
internal sealed record Penguin(double[] Measurements, int Label);

/// <summary>The usable rows of a penguin file together with counts of what was left out.</summary>
internal sealed record PenguinDataSet(IReadOnlyList<Penguin> Examples, int RowsRead, int RowsWithMissingValues)
{
    /// <summary>The number of usable rows of each species, indexed like <see cref="PenguinData.Species"/>.</summary>
    public int[] CountsBySpecies()
    {
        var counts = new int[PenguinData.Species.Count];
        foreach (Penguin p in Examples)
        {
            counts[p.Label]++;
        }

        return counts;
    }
}

/// <summary>
/// Reads the Palmer penguins CSV (species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,
/// body_mass_g,sex,year; missing values written <c>NA</c>) into examples of all three species with all four
/// measurements.
/// </summary>
internal static class PenguinData
{
    /// <summary>The classes, in label order: the label of a penguin is its species' index here.</summary>
    public static readonly IReadOnlyList<string> Species = ["Adelie", "Chinstrap", "Gentoo"];

    /// <summary>The four measurements the model reads, in the order of <see cref="Penguin.Measurements"/>.</summary>
    public static readonly IReadOnlyList<string> MeasurementColumns =
        ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"];

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
        int rowsRead = 0, missing = 0;
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
            int label = IndexOf(Species, species);
            if (label < 0)
            {
                throw new PenguinDataException(
                    $"{path} line {lineNumber}: unknown species '{species}'; expected {string.Join(", ", Species)}.");
            }

            // In the Palmer file the rows with a missing measurement miss all four.
            string[] raw = measurementIndexes.Select(index => fields[index].Trim()).ToArray();
            if (raw.Contains(MissingValue))
            {
                missing++;
                continue;
            }

            var values = new double[raw.Length];
            for (int m = 0; m < raw.Length; m++)
            {
                values[m] = ParseMeasurement(raw[m], MeasurementColumns[m], path, lineNumber);
            }

            examples.Add(new Penguin(values, label));
        }

        var data = new PenguinDataSet(examples, rowsRead, missing);
        int[] counts = data.CountsBySpecies();
        if (examples.Count < MinimumUsableRows || counts.Contains(0))
        {
            string bySpecies = string.Join(", ", Species.Select((name, s) => $"{counts[s]} {name}"));
            throw new PenguinDataException(
                $"{path}: only {examples.Count} usable rows ({bySpecies}); " +
                $"need at least {MinimumUsableRows} with all three species present.");
        }

        return data;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        return -1;
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
