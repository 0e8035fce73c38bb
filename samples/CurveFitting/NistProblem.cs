using System.Text.Json;

/// <summary>One NIST StRD nonlinear-regression problem as the data files hold it (see data/README.md).</summary>
/// <param name="Name">NIST's name, e.g. <c>Misra1a</c>.</param>
/// <param name="Difficulty">NIST's rating: lower, average or higher.</param>
/// <param name="Model">The formula, as NIST writes it.</param>
/// <param name="Starts">NIST's starting points, Start 1 first (the harder one).</param>
/// <param name="Certified">The certified parameter values b1..bk (11 significant digits).</param>
/// <param name="CertifiedResidualSumOfSquares">The certified residual sum of squares at <paramref name="Certified"/>.</param>
/// <param name="X">The predictor values.</param>
/// <param name="Y">The responses, one per predictor value.</param>
public sealed record NistProblem(
    string Name, string Difficulty, string Model, double[][] Starts, double[] Certified, double CertifiedResidualSumOfSquares, double[] X, double[] Y)
{
    /// <summary>The number of parameters k.</summary>
    public int ParameterCount => Certified.Length;

    /// <summary>Reads one problem file; any problem with it is a <see cref="NistDataException"/> naming the file and the field.</summary>
    public static NistProblem Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NistDataException($"{path}: file not found.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NistDataException($"{path}: {e.Message}");
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            JsonElement root = document.RootElement;
            string name = String(root, "name", path);
            double[] certified = Numbers(root, "certified_values", path);
            double[] x = Numbers(root, "x", path), y = Numbers(root, "y", path);
            double[][] starts = [Numbers(root, "start1", path), Numbers(root, "start2", path)];
            if (certified.Length == 0)
            {
                throw new NistDataException($"{path}: 'certified_values' is empty.");
            }

            foreach (var (start, field) in starts.Zip(new[] { "start1", "start2" }))
            {
                if (start.Length != certified.Length)
                {
                    throw new NistDataException($"{path}: '{field}' has {start.Length} values and 'certified_values' has {certified.Length}.");
                }
            }

            if (x.Length != y.Length || x.Length <= certified.Length)
            {
                throw new NistDataException($"{path}: 'x' has {x.Length} values and 'y' has {y.Length}; they must match and outnumber the {certified.Length} parameters.");
            }

            return new NistProblem(
                name, String(root, "difficulty", path), String(root, "model", path), starts, certified,
                Number(root, "certified_residual_sum_of_squares", path), x, y);
        }
        catch (JsonException e)
        {
            throw new NistDataException($"{path}: not valid JSON ({e.Message})");
        }
    }

    private static JsonElement Field(JsonElement root, string field, string path, JsonValueKind kind)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(field, out JsonElement value))
        {
            throw new NistDataException($"{path}: the field '{field}' is missing.");
        }

        if (value.ValueKind != kind)
        {
            throw new NistDataException($"{path}: '{field}' should be a JSON {kind.ToString().ToLowerInvariant()}, not {value.ValueKind.ToString().ToLowerInvariant()}.");
        }

        return value;
    }

    private static string String(JsonElement root, string field, string path) => Field(root, field, path, JsonValueKind.String).GetString()!;

    private static double Number(JsonElement root, string field, string path) => Field(root, field, path, JsonValueKind.Number).GetDouble();

    private static double[] Numbers(JsonElement root, string field, string path)
    {
        JsonElement array = Field(root, field, path, JsonValueKind.Array);
        var values = new double[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !double.IsFinite(item.GetDouble()))
            {
                throw new NistDataException($"{path}: '{field}' element {i} is not a finite number.");
            }

            values[i++] = item.GetDouble();
        }

        return values;
    }
}

/// <summary>A data file that is missing or malformed; the message names the file and what is wrong, in one line.</summary>
public sealed class NistDataException(string message) : Exception(message);
