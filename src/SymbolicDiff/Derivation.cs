using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Linq;
using System.Text;

namespace SymbolicDiff;

/// <summary>What a <see cref="DerivationStep"/> records.</summary>
public enum DerivationStepKind
{
    /// <summary>A parameter of the method, with the value it was called with.</summary>
    Input,

    /// <summary>A value of the forward sweep: a local of the method (<c>z = x * w + b</c>).</summary>
    Intermediate,

    /// <summary>A local partial derivative of one value with respect to another (<c>∂a/∂z = σ(z)·(1 − σ(z))</c>).</summary>
    LocalPartial,

    /// <summary>An adjoint ∂result/∂v, formed by the chain rule from the adjoints after it and the local partials.</summary>
    Adjoint,

    /// <summary>One entry of the gradient: ∂result/∂parameter.</summary>
    Gradient,

    /// <summary>A loop, summarised (its statements ran, but its iterations are not recorded one by one).</summary>
    Loop,
}

/// <summary>One line of a <see cref="Derivation"/>.</summary>
/// <param name="Kind">What the step records.</param>
/// <param name="Name">The variable the generated code computes (<c>z</c>, <c>da_dz</c>, <c>dLoss_dz</c>), or <c>∂loss/∂w</c> for a gradient entry.</param>
/// <param name="Formula">The right-hand side as the generated code computes it (an accumulation starts with <c>+=</c> or <c>-=</c>).</param>
/// <param name="Value">The value computed, or <see cref="double.NaN"/> for a <see cref="DerivationStepKind.Loop"/>.</param>
/// <param name="Note">For a partial or an adjoint, the chain-rule step in ∂ notation (<c>∂loss/∂z = ∂loss/∂a · ∂a/∂z</c>); else null.</param>
public sealed record DerivationStep(DerivationStepKind Kind, string Name, string Formula, double Value, string? Note)
{
    /// <summary>For an <see cref="DerivationStepKind.Intermediate"/>, the earlier inputs and intermediates its formula reads.</summary>
    public IReadOnlyList<string> Reads { get; init; } = Array.Empty<string>();

    /// <summary>For a <see cref="DerivationStepKind.LocalPartial"/> ∂a/∂z, the differentiated value (<c>a</c>); else null.</summary>
    public string? Of { get; init; }

    /// <summary>For a local partial ∂a/∂z or an adjoint ∂loss/∂z, the variable differentiated with respect to (<c>z</c>); else null.</summary>
    public string? WithRespectTo { get; init; }
}

/// <summary>
/// The trace of one gradient computation, step by step as a textbook writes it: the inputs; the forward sweep
/// (each intermediate's formula and value); the backward sweep (each local partial's formula and value, each adjoint
/// as the chain-rule product that formed it); and the gradient. The generator writes <c>MDerivation(...)</c> beside
/// <c>MWithGradient(...)</c> for a <c>[Differentiable]</c> method <c>M</c>, which runs the same computation and returns
/// one of these. It prints as an aligned table (<see cref="ToString"/>), as Markdown (<see cref="ToMarkdown"/>),
/// and draws the computation graph as Mermaid (<see cref="ToMermaid"/>) or Graphviz DOT (<see cref="ToDot"/>).
/// </summary>
/// <remarks>
/// An explanatory API: it allocates, and is meant for reading, teaching and debugging, not for training loops.
/// Loops are summarised by one <see cref="DerivationStepKind.Loop"/> step each, and vectors by their first
/// <see cref="MaxVectorElements"/> elements. Renderings print values with six significant digits; <see cref="Steps"/>
/// holds them exactly.
/// </remarks>
public sealed class Derivation
{
    /// <summary>The most elements of a vector that <see cref="AddVector(DerivationStepKind, string, ReadOnlySpan{double}, string?)"/> records; one more step says how many were left out.</summary>
    public const int MaxVectorElements = 8;

    private readonly List<DerivationStep> _steps = new();

    /// <summary>Starts an empty trace of <paramref name="method"/>.</summary>
    /// <param name="method">The differentiated method's name.</param>
    /// <param name="result">The name of the value it returns, as the ∂ notes write it (<c>loss</c>).</param>
    /// <exception cref="ArgumentException">A name is null or empty.</exception>
    public Derivation(string method, string result)
    {
        if (string.IsNullOrEmpty(method))
        {
            throw new ArgumentException("The method's name must not be empty.", nameof(method));
        }

        if (string.IsNullOrEmpty(result))
        {
            throw new ArgumentException("The result's name must not be empty.", nameof(result));
        }

        Method = method;
        Result = result;
        Steps = new ReadOnlyCollection<DerivationStep>(_steps);
    }

    /// <summary>The differentiated method's name.</summary>
    public string Method { get; }

    /// <summary>The name of the value the method returns.</summary>
    public string Result { get; }

    /// <summary>The steps, in the order the computation made them.</summary>
    public IReadOnlyList<DerivationStep> Steps { get; }

    /// <summary>The value of the method, as the generated <c>MDerivation</c> sets it (NaN until set).</summary>
    public double Value { get; set; } = double.NaN;

    /// <summary>The gradient entries, in parameter order: name (<c>∂loss/∂w</c>) and value.</summary>
    public IReadOnlyList<DerivationStep> Gradient => _steps.Where(s => s.Kind == DerivationStepKind.Gradient).ToList();

    /// <summary>Appends a step.</summary>
    /// <param name="step">The step.</param>
    /// <exception cref="ArgumentNullException"><paramref name="step"/> is null.</exception>
    public void Add(DerivationStep step)
    {
        if (step is null)
        {
            throw new ArgumentNullException(nameof(step));
        }

        _steps.Add(step);
    }

    /// <summary>Appends an input or intermediate that reads <paramref name="reads"/>.</summary>
    /// <param name="kind">What the step records.</param>
    /// <param name="name">The variable.</param>
    /// <param name="formula">Its right-hand side.</param>
    /// <param name="value">Its value.</param>
    /// <param name="reads">The variables the formula reads (the edges of the computation graph).</param>
    public void Add(DerivationStepKind kind, string name, string formula, double value, params string[] reads) =>
        Add(new DerivationStep(kind, name, formula, value, null) { Reads = reads ?? Array.Empty<string>() });

    /// <summary>Appends a local partial ∂<paramref name="of"/>/∂<paramref name="withRespectTo"/>.</summary>
    /// <param name="name">The variable holding it (<c>da_dz</c>).</param>
    /// <param name="of">The differentiated value, or null if unknown.</param>
    /// <param name="withRespectTo">The variable differentiated with respect to, or null if unknown.</param>
    /// <param name="formula">Its right-hand side.</param>
    /// <param name="value">Its value.</param>
    /// <param name="note">The ∂ notation (<c>∂a/∂z</c>), or null.</param>
    public void AddPartial(string name, string? of, string? withRespectTo, string formula, double value, string? note) =>
        Add(new DerivationStep(DerivationStepKind.LocalPartial, name, formula, value, note) { Of = of, WithRespectTo = withRespectTo });

    /// <summary>Appends an adjoint ∂result/∂<paramref name="withRespectTo"/> (or a contribution added to it).</summary>
    /// <param name="name">The variable holding it (<c>dLoss_dz</c>).</param>
    /// <param name="withRespectTo">The variable it is the adjoint of, or null if unknown.</param>
    /// <param name="formula">Its right-hand side (<c>+= …</c> for a contribution).</param>
    /// <param name="value">Its value after this step.</param>
    /// <param name="note">The chain-rule step (<c>∂loss/∂z = ∂loss/∂a · ∂a/∂z</c>), or null.</param>
    public void AddAdjoint(string name, string? withRespectTo, string formula, double value, string? note) =>
        Add(new DerivationStep(DerivationStepKind.Adjoint, name, formula, value, note) { WithRespectTo = withRespectTo });

    /// <summary>Appends the summary of a loop, which ran but whose iterations are not recorded.</summary>
    /// <param name="name">The loop (<c>for i</c>).</param>
    /// <param name="formula">Its header and size (<c>for (int i = 0; i &lt; n; i++) { 3 statements }</c>).</param>
    /// <param name="note">Which sweep it belongs to, or null.</param>
    public void AddLoop(string name, string formula, string? note) =>
        Add(new DerivationStep(DerivationStepKind.Loop, name, formula, double.NaN, note));

    /// <summary>Appends one step per element of <paramref name="values"/> (<c>w[0]</c>, <c>w[1]</c>, …), up to <see cref="MaxVectorElements"/>, and one step saying how many more there were.</summary>
    /// <param name="kind">What the steps record.</param>
    /// <param name="name">The vector's name (<c>w</c>, or <c>∂loss/∂w</c>).</param>
    /// <param name="values">Its elements.</param>
    /// <param name="formula">The formula of every element, or null for the vector's name.</param>
    public void AddVector(DerivationStepKind kind, string name, ReadOnlySpan<double> values, string? formula = null)
    {
        int shown = Math.Min(values.Length, MaxVectorElements);
        for (int i = 0; i < shown; i++)
        {
            string element = name + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";
            Add(new DerivationStep(kind, element, formula ?? element, values[i], null));
        }

        if (values.Length > shown)
        {
            Add(new DerivationStep(kind, name + "[" + shown.ToString(CultureInfo.InvariantCulture) + "..]", "(" + (values.Length - shown).ToString(CultureInfo.InvariantCulture) + " more elements, not shown)", double.NaN, null));
        }
    }

    /// <summary>As <see cref="AddVector(DerivationStepKind, string, ReadOnlySpan{double}, string?)"/>, for a float method's vector.</summary>
    /// <param name="kind">What the steps record.</param>
    /// <param name="name">The vector's name.</param>
    /// <param name="values">Its elements.</param>
    /// <param name="formula">The formula of every element, or null for the vector's name.</param>
    public void AddVector(DerivationStepKind kind, string name, ReadOnlySpan<float> values, string? formula = null)
    {
        var copy = new double[Math.Min(values.Length, MaxVectorElements + 1)];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = values[i];
        }

        if (values.Length <= MaxVectorElements)
        {
            AddVector(kind, name, copy, formula);
            return;
        }

        AddVector(kind, name, copy.AsSpan(0, MaxVectorElements), formula);
        Add(new DerivationStep(kind, name + "[" + MaxVectorElements.ToString(CultureInfo.InvariantCulture) + "..]", "(" + (values.Length - MaxVectorElements).ToString(CultureInfo.InvariantCulture) + " more elements, not shown)", double.NaN, null));
    }

    /// <summary>The trace as an aligned text table: one row per step, with its kind, name, formula, value and chain-rule note.</summary>
    /// <returns>The table, one line per step after a header line.</returns>
    public override string ToString()
    {
        var rows = new List<string[]> { new[] { "step", "name", "formula", "value", "chain rule" } };
        rows.AddRange(_steps.Select(s => new[] { KindText(s.Kind), s.Name, s.Formula, Format(s.Value), s.Note ?? string.Empty }));
        var widths = Enumerable.Range(0, 5).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        text.Append("Derivation of ").Append(Method).AppendLine();
        foreach (var row in rows)
        {
            var line = new StringBuilder();
            for (int c = 0; c < row.Length; c++)
            {
                // Values right-aligned, so that their digits line up; the rest left-aligned.
                line.Append(c == 3 ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c]));
                if (c < row.Length - 1)
                {
                    line.Append("  ");
                }
            }

            text.Append(line.ToString().TrimEnd()).AppendLine();
        }

        return text.ToString();
    }

    /// <summary>The trace as a Markdown table (pipes in the text escaped).</summary>
    /// <returns>A heading line and a table with one row per step.</returns>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("**Derivation of `").Append(Method).AppendLine("`**").AppendLine();
        text.AppendLine("| step | name | formula | value | chain rule |");
        text.AppendLine("|---|---|---|---:|---|");
        foreach (var s in _steps)
        {
            text.Append("| ").Append(KindText(s.Kind))
                .Append(" | `").Append(Cell(s.Name)).Append('`')
                .Append(" | `").Append(Cell(s.Formula)).Append('`')
                .Append(" | ").Append(Format(s.Value))
                .Append(" | ").Append(Cell(s.Note ?? string.Empty))
                .AppendLine(" |");
        }

        return text.ToString();
    }

    /// <summary>
    /// The computation graph as a Mermaid flowchart: a node per input and intermediate (its name, value and, where
    /// recorded, its adjoint ∂result/∂v), an edge from each variable a formula reads to the variable it defines,
    /// labelled with the local partial's value where the trace holds one.
    /// </summary>
    /// <returns>The flowchart, starting <c>flowchart LR</c>.</returns>
    public string ToMermaid()
    {
        var graph = Graph();
        var text = new StringBuilder("flowchart LR").AppendLine();
        foreach (var node in graph.Nodes)
        {
            text.Append("    ").Append(node.Id).Append("[\"").Append(MermaidText(node.Label)).AppendLine("\"]");
        }

        foreach (var edge in graph.Edges)
        {
            text.Append("    ").Append(edge.From).Append(" -->");
            if (edge.Label is not null)
            {
                text.Append("|\"").Append(MermaidText(edge.Label)).Append("\"|");
            }

            text.Append(' ').Append(edge.To).AppendLine();
        }

        return text.ToString();
    }

    /// <summary>The same graph as <see cref="ToMermaid"/>, in Graphviz DOT.</summary>
    /// <returns>A <c>digraph</c>.</returns>
    public string ToDot()
    {
        var graph = Graph();
        var text = new StringBuilder("digraph \"").Append(DotText(Method)).AppendLine("\" {");
        text.AppendLine("    rankdir=LR;");
        text.AppendLine("    node [shape=box];");
        foreach (var node in graph.Nodes)
        {
            text.Append("    ").Append(node.Id).Append(" [label=\"").Append(DotText(node.Label)).AppendLine("\"];");
        }

        foreach (var edge in graph.Edges)
        {
            text.Append("    ").Append(edge.From).Append(" -> ").Append(edge.To);
            if (edge.Label is not null)
            {
                text.Append(" [label=\"").Append(DotText(edge.Label)).Append("\"]");
            }

            text.AppendLine(";");
        }

        text.AppendLine("}");
        return text.ToString();
    }

    private sealed record Node(string Id, string Label);

    private sealed record Edge(string From, string To, string? Label);

    private (List<Node> Nodes, List<Edge> Edges) Graph()
    {
        var nodes = new List<Node>();
        var edges = new List<Edge>();
        var latest = new Dictionary<string, string>(StringComparer.Ordinal);
        var adjoints = new Dictionary<string, double>(StringComparer.Ordinal);
        // ∂result/∂v: an adjoint, or the local partial of the result itself.
        foreach (var step in _steps.Where(s => s.WithRespectTo is not null &&
            (s.Kind == DerivationStepKind.Adjoint || (s.Kind == DerivationStepKind.LocalPartial && s.Of == Result))))
        {
            adjoints[step.WithRespectTo!] = step.Value; // the last contribution holds the total
        }

        for (int i = 0; i < _steps.Count; i++)
        {
            var step = _steps[i];
            if (step.Kind is not (DerivationStepKind.Input or DerivationStepKind.Intermediate))
            {
                continue;
            }

            string id = "n" + nodes.Count.ToString(CultureInfo.InvariantCulture);
            string label = step.Name + " = " + Format(step.Value);
            if (adjoints.TryGetValue(step.Name, out double adjoint) && !IsLaterDefined(step.Name, i))
            {
                label += "\n∂" + Result + "/∂" + step.Name + " = " + Format(adjoint);
            }

            nodes.Add(new Node(id, label));
            foreach (string read in step.Reads.Distinct(StringComparer.Ordinal))
            {
                if (latest.TryGetValue(read, out string? from))
                {
                    var partial = _steps.LastOrDefault(s => s.Kind == DerivationStepKind.LocalPartial && s.Of == step.Name && s.WithRespectTo == read);
                    edges.Add(new Edge(from, id, partial is null ? null : "∂" + step.Name + "/∂" + read + " = " + Format(partial.Value)));
                }
            }

            latest[step.Name] = id;
        }

        return (nodes, edges);
    }

    // An adjoint belongs to a variable's last definition (a variable assigned again has one node per value).
    private bool IsLaterDefined(string name, int index) =>
        _steps.Skip(index + 1).Any(s => s.Kind is DerivationStepKind.Intermediate && s.Name == name);

    private static string KindText(DerivationStepKind kind) => kind switch
    {
        DerivationStepKind.Input => "input",
        DerivationStepKind.Intermediate => "forward",
        DerivationStepKind.LocalPartial => "local partial",
        DerivationStepKind.Adjoint => "adjoint",
        DerivationStepKind.Gradient => "gradient",
        _ => "loop",
    };

    private static string Format(double value) =>
        double.IsNaN(value) ? string.Empty : value.ToString("G6", CultureInfo.InvariantCulture);

    private static string Cell(string text) => text.Replace("|", "\\|").Replace("`", "'");

    private static string MermaidText(string text) => text.Replace("\"", "#quot;").Replace("\n", "<br/>");

    private static string DotText(string text) => text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
