using static System.FormattableString;

// SymbolicDiff sample: the NIST StRD nonlinear-regression problems fitted with Levenberg-Marquardt. Each model's
// residuals are a vector-valued [Differentiable] method of the parameter vector (NistModels.cs), and the Jacobian is
// the one the generator writes for it (<Model>Jacobian). Prints, per problem and start, the parameters found, the significant digits that
// agree with NIST's certified values, the solver's iterations and why it stopped, and the time.
// Usage: dotnet run --project samples/CurveFitting [-- [--problem <name>] [--plot <file.png|file.jpg>] [path/to/data-folder] | --help]

FitCommandLine? commandLine = FitCommandLine.Parse(args, out string? usageError);
if (commandLine is null)
{
    Console.Error.WriteLine($"error: {usageError}");
    Console.Error.WriteLine(FitCommandLine.Usage);
    return 2;
}

if (commandLine.HelpRequested)
{
    Console.Out.WriteLine(FitCommandLine.Help);
    return 0;
}

TextWriter output = Console.Out;
string folder = commandLine.DataFolder ?? Path.Combine(AppContext.BaseDirectory, "data");
IEnumerable<NistModel> models = commandLine.Problem is { } only ? [NistModel.ByName[only]] : NistModel.ByName.Values;
var problems = new List<NistProblem>();
try
{
    foreach (NistModel model in models)
    {
        NistProblem problem = NistProblem.Load(Path.Combine(folder, model.Name + ".json"));
        if (!string.Equals(problem.Name, model.Name, StringComparison.Ordinal))
        {
            throw new NistDataException($"{Path.Combine(folder, model.Name + ".json")}: the file is for '{problem.Name}', not '{model.Name}'.");
        }

        problems.Add(problem);
    }
}
catch (NistDataException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

output.WriteLine("NIST StRD nonlinear regression: Levenberg-Marquardt (Moré scaling) on the generated Jacobian");
output.WriteLine($"  data: {folder}");
output.WriteLine("  digits: -log10(|b - certified| / |certified|), the significant digits that agree (11 = all NIST gives)");

var fits = new List<(NistProblem Problem, NistFitResult Fit)>();
foreach (NistProblem problem in problems)
{
    NistModel model = NistModel.ByName[problem.Name];
    output.WriteLine();
    output.WriteLine(Invariant($"{problem.Name} ({problem.Difficulty} difficulty, {problem.X.Length} observations, {problem.ParameterCount} parameters): {problem.Model}"));
    output.WriteLine("  certified " + string.Join(" ", problem.Certified.Select(Format)));
    foreach (int start in new[] { 1, 2 })
    {
        // Fitted twice, timed the second time, so that the time is the solver's and not the JIT compiler's.
        NistFit.Run(problem, model, start);
        NistFitResult fit = NistFit.Run(problem, model, start);
        fits.Add((problem, fit));
        SymbolicDiff.Solvers.SolverResult result = fit.Result;
        output.WriteLine(Invariant($"  start {start}   ") + string.Join(" ", fit.Parameters.Select(Format)));
        output.WriteLine(Invariant(
            $"    digits {fit.MinimumDigits:0.0} (per parameter {string.Join(" ", fit.Digits.Select(d => d.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))}; RSS {fit.ResidualSumOfSquaresDigits:0.0}), ")
            + Invariant($"{result.Iterations} iterations, {result.Evaluations} evaluations, {result.StopReason}, {fit.Elapsed.TotalMilliseconds:0.00} ms"));
    }
}

output.WriteLine();
output.WriteLine("Summary: fewest agreeing significant digits over the parameters");
output.WriteLine(Invariant($"  {"problem",-10} {"start 1",8} {"start 2",8}"));
foreach (NistProblem problem in problems)
{
    var byStart = fits.Where(f => f.Problem == problem).Select(f => f.Fit).ToArray();
    output.WriteLine(Invariant($"  {problem.Name,-10} {byStart[0].MinimumDigits,8:0.0} {byStart[1].MinimumDigits,8:0.0}"));
}

if (commandLine.PlotPath is { } plotPath)
{
    string? failure = FitPlot.TrySave(plotPath, fits);
    if (failure is null)
    {
        output.WriteLine($"Data and fitted curves written to {plotPath}");
    }
    else
    {
        Console.Error.WriteLine($"warning: the plot was not written to {plotPath}: {failure}");
    }
}

return 0;

static string Format(double value) => value.ToString("G11", System.Globalization.CultureInfo.InvariantCulture);
