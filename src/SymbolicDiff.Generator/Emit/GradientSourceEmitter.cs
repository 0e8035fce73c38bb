using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Emit;

/// <summary>
/// Stage 3: writes the C# for one differentiated method: the gradient record struct and the
/// <c>MWithGradient</c> method, in the user's partial type. The method body is the forward sweep, then
/// the backward sweep with one chain-rule step per line, each with its ∂ comment.
/// </summary>
internal static class GradientSourceEmitter
{
    internal const string GeneratedCodeAttribute =
        "[global::System.CodeDom.Compiler.GeneratedCode(\"SymbolicDiff.Generator\", \"" + ThisAssembly.Version + "\")]";

    /// <summary>The longest file name (without <c>.g.cs</c>) kept as it is; longer ones are cut and made unique with a hash.</summary>
    public const int MaxHintNameLength = 120;

    /// <summary>
    /// Adds the method's generated file under a name unique among <paramref name="allHintNames"/> (every method's
    /// <see cref="HintName"/>): the gradient and forward mode, followed in the same file by <c>MDerivation</c> when
    /// <paramref name="emitDerivation"/>; a failure here is reported as SD9999 rather than thrown (CS8785).
    /// </summary>
    /// <remarks>
    /// One file per method, not one more for the derivation: the compiler compares each added file's name with every
    /// earlier one (n² in the number of files), so half the files is a quarter of that work. The text is the two files'
    /// texts one after the other, each with its own header and namespace, so it reads (and compiles) as they did apart;
    /// both are written into one builder (<see cref="MethodFile"/>), not the gradient's text built first and copied.
    /// </remarks>
    public static void AddSource(SourceProductionContext output, GradientProgram program, HintNameSet allHintNames, bool emitDerivation = true)
    {
        try
        {
            string name = HintName(program);
            string hintName = UniqueHintName(name, allHintNames.Collides(name));
            // No value, so no gradient to derive step by step (its file holds the forward mode and the Jacobian), or not asked for.
            string file = MethodFile(program, withDerivation: !program.Method.ReturnsVoid && emitDerivation);
            output.AddSource(hintName, SourceText.From(file, Encoding.UTF8));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            output.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.InternalError,
                Location.None,
                program.Method.MethodName,
                exception.GetType().Name + ": " + exception.Message));
        }
    }

    public static string HintName(GradientProgram program) =>
        program.Method.Type.MetadataLikeName + "." + program.Method.MethodName + program.Method.HintNameTag + ".g.cs";

    /// <summary>
    /// File names are compared ignoring case, so <c>Model.F</c> and <c>model.F</c> would collide and the compiler
    /// would drop every generated file: such a name gets a hash of its exact spelling. A name too long for some
    /// file systems (a deep namespace, a long method name) is cut and gets the hash too. Both are deterministic.
    /// </summary>
    public static string UniqueHintName(string hintName, IReadOnlyCollection<string> allHintNames) =>
        UniqueHintName(hintName, new HintNameSet(allHintNames).Collides(hintName));

    /// <summary><see cref="UniqueHintName(string, IReadOnlyCollection{string})"/> where whether the name collides is known.</summary>
    private static string UniqueHintName(string hintName, bool collides)
    {
        const string extension = ".g.cs";
        string stem = hintName.Substring(0, hintName.Length - extension.Length);
        if (!collides && stem.Length <= MaxHintNameLength)
        {
            return hintName;
        }

        string shortened = stem.Length <= MaxHintNameLength ? stem : stem.Substring(0, MaxHintNameLength);
        return shortened + "_" + StableHash(stem) + extension;
    }

    /// <summary>FNV-1a over the UTF-16 code units: the same on every machine and run (string.GetHashCode is not).</summary>
    private static string StableHash(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return hash.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The method's one file: the gradient's part (<see cref="WriteGradientFile"/>), then <c>MDerivation</c>'s when <paramref name="withDerivation"/>.</summary>
    public static string MethodFile(GradientProgram program, bool withDerivation)
    {
        var writer = IndentedWriter.ForFile();
        WriteGradientFile(writer, program);
        if (withDerivation)
        {
            WriteDerivationFile(writer, program);
        }

        return writer.Finish();
    }

    /// <summary>The gradient's part of the method's file: gradient, forward mode, Jacobian and second derivatives, under a header of its own.</summary>
    private static void WriteGradientFile(IndentedWriter writer, GradientProgram program)
    {
        var method = program.Method;
        string summary = method.ReturnsVoid
            ? $"the derivatives of {method.MethodName}'s outputs, derived at compile time: forward mode, the vector-Jacobian product by reverse mode, and the Jacobian from either."
            : program.Derivative is null
            ? $"the gradient of {method.MethodName}, derived at compile time by reverse-mode differentiation."
            : $"the gradient of {method.MethodName}, derived at compile time by reverse-mode differentiation, and its directional derivative, by forward mode.";
        GeneratedFile(writer, program, summary, WriteMembers);
    }

    /// <summary>
    /// A generated file about <paramref name="program"/>'s method: the header naming what it holds (<paramref name="summary"/>),
    /// then the method's namespace and types reopened around what <paramref name="writeMembers"/> writes.
    /// </summary>
    /// <param name="writer">Where the file is written (after what it holds already).</param>
    /// <param name="program">The method's differentiated program.</param>
    /// <param name="summary">What the file holds, for its header.</param>
    /// <param name="writeMembers">Writes the members inside the reopened types.</param>
    private static void GeneratedFile(IndentedWriter writer, GradientProgram program, string summary, System.Action<IndentedWriter, GradientProgram> writeMembers)
    {
        var method = program.Method;
        writer.Line("// <auto-generated/>");
        writer.Line("// SymbolicDiff: " + summary);
        writer.Line("#nullable enable");
        writer.Line();

        var scopes = new System.Collections.Generic.List<System.IDisposable>();
        if (method.Type.Namespace is not null)
        {
            scopes.Add(writer.Block("namespace " + method.Type.Namespace));
        }

        foreach (var type in method.Type.Types)
        {
            scopes.Add(writer.Block("partial " + type.Keyword + " " + type.NameWithTypeParameters));
        }

        writeMembers(writer, program);

        for (int i = scopes.Count - 1; i >= 0; i--)
        {
            scopes[i].Dispose();
        }
    }

    /// <summary>The members of a method's gradient file: gradient, forward mode, Jacobian and second derivatives, as generated.</summary>
    private static void WriteMembers(IndentedWriter writer, GradientProgram program)
    {
        var method = program.Method;

        // A vector-valued method that returns nothing has no gradient: only its Jacobian's methods below.
        if (!method.ReturnsVoid)
        {
            WriteGradientMethods(writer, program);
        }

        if (program.Derivative is { } derivative)
        {
            if (!method.ReturnsVoid)
            {
                writer.Line();
            }

            DerivativeSourceEmitter.Write(writer, method, derivative, GeneratedCodeAttribute, Cref(method));
        }

        if (program.Jacobian is { } jacobian)
        {
            JacobianSourceEmitter.Write(writer, method, jacobian);
        }

        if (program.Hessian is { } hessian)
        {
            writer.Line();
            HessianSourceEmitter.Write(writer, program, hessian, GeneratedCodeAttribute, Cref(method));
        }
    }

    private static void WriteGradientMethods(IndentedWriter writer, GradientProgram program)
    {
        var method = program.Method;
        WriteGradientStruct(writer, program);
        writer.Line();
        // The API follows the signature: vectors get the overload that writes into spans (and a convenient one
        // that allocates); a method differentiated only for scalars gets the struct, whatever its body.
        if (method.Parameters.Any(p => p.IsVector && p.IsDifferentiated))
        {
            WriteSpanGradientMethod(writer, program);
            writer.Line();
            WriteAllocatingGradientMethod(writer, program);
            foreach (var parameter in method.Parameters.Where(p => p.IsDifferentiated))
            {
                writer.Line();
                if (parameter.IsVector)
                {
                    WriteVectorJacobianProduct(writer, program, parameter);
                }
                else
                {
                    WriteScalarProduct(writer, program, parameter);
                }
            }
        }
        else
        {
            WriteGradientMethod(writer, program);
        }
    }

    /// <summary>
    /// <c>MDerivation</c>, after the gradient's part of the method's file: with a header and namespace of its own,
    /// so that the gradient's part reads as before and the trace, which repeats the gradient's body with a recording
    /// line after each step, comes last, for whoever reads on.
    /// </summary>
    /// <param name="writer">Where it is written, after the gradient's part.</param>
    /// <param name="program">The method's differentiated program.</param>
    private static void WriteDerivationFile(IndentedWriter writer, GradientProgram program)
    {
        var method = program.Method;
        GeneratedFile(
            writer,
            program,
            $"the step-by-step derivation of {method.MethodName}'s gradient, the same computation as {GeneratedNames.GradientMethod(method.MethodName)} with each step recorded.",
            static (writer, program) => DerivationWriter.Write(writer, program, GeneratedCodeAttribute, Cref(program.Method)));
    }

    private static void WriteGradientStruct(IndentedWriter writer, GradientProgram program)
    {
        var method = program.Method;
        // Inside the struct a property named like the method (a parameter M0 of M0) hides it from the cref (CS1574).
        string self = program.Gradient.Any(e => e.PropertyName == method.MethodName) ? $"<c>{method.MethodName}</c>" : $"<see cref=\"{Cref(method)}\"/>";
        writer.Line($"/// <summary>The value of {self} and its gradient with respect to {ParameterList(program)}.</summary>");
        writer.Line($"/// <param name=\"Value\">The value of <c>{method.MethodName}</c>.</param>");
        foreach (var entry in program.Gradient)
        {
            writer.Line($"/// <param name=\"{entry.PropertyName}\">∂{method.MethodName}/∂{entry.ParameterName}: the partial derivative of <c>{method.MethodName}</c> with respect to <c>{entry.ParameterName}</c>.</param>");
        }

        writer.Line(GeneratedCodeAttribute);
        string real = method.RealType;
        string properties = string.Join(", ", new[] { real + " Value" }.Concat(program.Gradient.Select(e =>
            (IsVector(method, e) ? real + "[]" : real) + " " + ExpressionWriter.Identifier(e.PropertyName))));
        writer.Line($"public readonly record struct {method.MethodName}Gradient({properties});");
    }

    private static void WriteGradientMethod(IndentedWriter writer, GradientProgram program)
    {
        var method = program.Method;
        writer.Line($"/// <summary>Computes <see cref=\"{Cref(method)}\"/> and its gradient with respect to {ParameterList(program)}: one forward and one backward sweep, no allocation.</summary>");
        foreach (var parameter in method.Parameters)
        {
            string role = parameter.IsDifferentiated ? "differentiated with respect to" : "held constant";
            writer.Line($"/// <param name=\"{parameter.Name}\">As in <c>{method.MethodName}</c>; {role}.</param>");
        }

        writer.Line($"/// <returns>The value of <c>{method.MethodName}</c> and one partial derivative per differentiated parameter.</returns>");
        WriteNullCheckDoc(writer, method);
        writer.Line(GeneratedCodeAttribute);
        string signature = string.Join(", ", method.Parameters.Select(p =>
            p.TypeName + " " + ExpressionWriter.Identifier(p.Name) + (p.DefaultValue is null ? string.Empty : " = " + p.DefaultValue)));
        string modifiers = method.IsStatic ? "public static" : "public";
        using (writer.Block($"{modifiers} {GeneratedNames.GradientStruct(method.MethodName)} {GeneratedNames.GradientMethod(method.MethodName)}({signature})"))
        {
            WriteNullChecks(writer, method);
            if (program.WritesOutputs)
            {
                // The body writes every partial into its output: here a local, returned in the struct.
                foreach (var parameter in method.Parameters.Where(p => p.IsDifferentiated))
                {
                    writer.Line($"{method.RealType} {parameter.Output};");
                }
            }

            new StatementWriter(writer, method.RealType).Write(program.Body);
            if (!program.WritesOutputs)
            {
                foreach (var entry in program.Gradient.Where(e => e.Value is Constant { IsZero: true }))
                {
                    writer.Line($"// {method.Result} does not depend on {entry.ParameterName}: ∂{method.Result}/∂{entry.ParameterName} = 0.");
                }
            }

            var partials = program.WritesOutputs
                ? program.Gradient.Select(e => method.Parameters.First(p => p.Name == e.ParameterName).Output)
                : program.Gradient.Select(e => ExpressionWriter.Write(e.Value, method.IsSingle));
            string values = string.Join(", ", new[] { ExpressionWriter.Identifier(program.Returned) }.Concat(partials));
            writer.Line($"return new {GeneratedNames.GradientStruct(method.MethodName)}({values});");
        }
    }

    private static bool IsVector(MethodModel method, GradientEntry entry) =>
        method.Parameters.Any(p => p.Name == entry.ParameterName && p.IsVector);

    /// <summary>
    /// The gradient of a method with loops or vectors, into storage the caller provides: a span per vector
    /// parameter and an <c>out</c> per scalar one. It overwrites, checks lengths, and allocates nothing.
    /// </summary>
    private static void WriteSpanGradientMethod(IndentedWriter writer, GradientProgram program)
    {
        var method = program.Method;
        string real = method.RealType;
        writer.Line($"/// <summary>Computes <see cref=\"{Cref(method)}\"/> and writes its gradient with respect to {ParameterList(program)} into the outputs: one forward and one backward sweep, no allocation.</summary>");
        foreach (var parameter in method.Parameters)
        {
            string role = parameter.IsDifferentiated ? "differentiated with respect to" : "held constant";
            writer.Line($"/// <param name=\"{parameter.Name}\">As in <c>{method.MethodName}</c>; {role}.</param>");
        }

        foreach (var parameter in method.Parameters.Where(p => p.IsDifferentiated))
        {
            string output = parameter.Output;
            writer.Line(parameter.IsVector
                ? $"/// <param name=\"{output}\">Receives ∂{method.MethodName}/∂{parameter.Name}, element by element (overwritten); must have the length of <paramref name=\"{parameter.Name}\"/> and must not overlap an input.</param>"
                : $"/// <param name=\"{output}\">Receives ∂{method.MethodName}/∂{parameter.Name}.</param>");
        }

        writer.Line($"/// <returns>The value of <c>{method.MethodName}</c>.</returns>");
        writer.Line($"/// <exception cref=\"global::System.ArgumentException\">A gradient output has the wrong length or overlaps an input.</exception>");
        WriteNullCheckDoc(writer, method);
        writer.Line(GeneratedCodeAttribute);
        var parameters = method.Parameters.Select(p => p.TypeName + " " + ExpressionWriter.Identifier(p.Name))
            .Concat(method.Parameters.Where(p => p.IsDifferentiated).Select(p =>
                (p.IsVector ? $"global::System.Span<{real}> " : $"out {real} ") + p.Output));
        string modifiers = method.IsStatic ? "public static" : "public";
        using (writer.Block($"{modifiers} {real} {GeneratedNames.GradientMethod(method.MethodName)}({string.Join(", ", parameters)})"))
        {
            WriteNullChecks(writer, method);
            new StatementWriter(writer, real).Write(program.Body);
            writer.Line($"return {ExpressionWriter.Identifier(program.Returned)};");
        }
    }

    /// <summary>The convenient form, returning the gradient struct: it allocates one array per vector parameter.</summary>
    private static void WriteAllocatingGradientMethod(IndentedWriter writer, GradientProgram program)
    {
        var method = program.Method;
        string real = method.RealType;
        writer.Line($"/// <summary>Computes <see cref=\"{Cref(method)}\"/> and its gradient with respect to {ParameterList(program)}, returned as a struct. Allocates one array per vector parameter; for training loops, use the overload that writes into spans.</summary>");
        foreach (var parameter in method.Parameters)
        {
            writer.Line($"/// <param name=\"{parameter.Name}\">As in <c>{method.MethodName}</c>.</param>");
        }

        writer.Line($"/// <returns>The value of <c>{method.MethodName}</c> and one partial derivative (or array of them) per differentiated parameter.</returns>");
        WriteNullCheckDoc(writer, method);
        writer.Line(GeneratedCodeAttribute);
        string signature = string.Join(", ", method.Parameters.Select(p =>
            p.TypeName + " " + ExpressionWriter.Identifier(p.Name) + (p.DefaultValue is null ? string.Empty : " = " + p.DefaultValue)));
        string modifiers = method.IsStatic ? "public static" : "public";
        using (writer.Block($"{modifiers} {GeneratedNames.GradientStruct(method.MethodName)} {GeneratedNames.GradientMethod(method.MethodName)}({signature})"))
        {
            // Before the arrays are allocated with the inputs' lengths.
            WriteNullChecks(writer, method);
            var arguments = method.Parameters.Select(p => ExpressionWriter.Identifier(p.Name)).ToList();
            foreach (var parameter in method.Parameters.Where(p => p.IsDifferentiated))
            {
                string output = parameter.Output;
                if (parameter.IsVector)
                {
                    writer.Line($"var {output} = new {real}[{ExpressionWriter.Identifier(parameter.Name)}.Length];");
                    arguments.Add(output);
                }
                else
                {
                    arguments.Add("out var " + output);
                }
            }

            string value = method.Parameters.Any(p => p.Name == "value") ? "value_" : "value";
            writer.Line($"{real} {value} = {GeneratedNames.GradientMethod(method.MethodName)}({string.Join(", ", arguments)});");
            var values = new[] { value }.Concat(method.Parameters.Where(p => p.IsDifferentiated).Select(p => p.Output));
            writer.Line($"return new {method.MethodName}Gradient({string.Join(", ", values)});");
        }
    }

    /// <summary>
    /// The vector-Jacobian product for one vector parameter, in the runtime's convention (seed, then a span the
    /// product is added into): what the backward sweep of a [Differentiable] method that calls this one calls.
    /// It runs the gradient into scratch outputs (on the stack up to a bound, pooled above) and adds seed times
    /// the parameter's part.
    /// </summary>
    private static void WriteVectorJacobianProduct(IndentedWriter writer, GradientProgram program, ParameterModel target)
    {
        const int StackBound = 128;
        var method = program.Method;
        string real = method.RealType;
        string name = GeneratedNames.VectorJacobianProduct(method.MethodName, target.Name);

        // seed, gradient and i, unless the method has a parameter of that name (or an output is named so).
        var names = new NameAllocator(method.Parameters.Select(p => p.Name).Concat(method.Parameters.Select(p => p.Output)));
        string seed = names.Fresh("seed"), gradient = names.Fresh("gradient"), index = names.Fresh("i");
        writer.Line($"/// <summary>Adds <paramref name=\"{seed}\"/> · ∂{method.MethodName}/∂{target.Name} into <paramref name=\"{gradient}\"/>: the vector-Jacobian product of <see cref=\"{Cref(method)}\"/> with respect to <c>{target.Name}</c>, which the backward sweep of a [Differentiable] method calling it uses.</summary>");
        foreach (var parameter in method.Parameters)
        {
            writer.Line($"/// <param name=\"{parameter.Name}\">As in <c>{method.MethodName}</c>.</param>");
        }

        writer.Line($"/// <param name=\"{seed}\">∂L/∂{method.MethodName}: the adjoint of the call's value.</param>");
        writer.Line($"/// <param name=\"{gradient}\">Receives {seed} · ∂{method.MethodName}/∂{target.Name}, added to what it holds; the length of <paramref name=\"{target.Name}\"/>.</param>");
        writer.Line($"/// <exception cref=\"global::System.ArgumentException\"><paramref name=\"{gradient}\"/> has the wrong length.</exception>");
        WriteNullCheckDoc(writer, method);
        writer.Line(GeneratedCodeAttribute);
        string signature = string.Join(", ", method.Parameters.Select(p => p.TypeName + " " + ExpressionWriter.Identifier(p.Name))
            .Concat(new[] { real + " " + seed, $"global::System.Span<{real}> {gradient}" }));
        string modifiers = method.IsStatic ? "public static" : "public";
        using (writer.Block($"{modifiers} void {name}({signature})"))
        {
            // The same argument check and scratch storage as the gradient's own, printed by the one statement printer.
            WriteNullChecks(writer, method);
            var statements = new StatementWriter(writer, real);
            statements.Write(new Statement[] { new CheckOutputLength(gradient, target.Name) });
            var arguments = method.Parameters.Select(p => ExpressionWriter.Identifier(p.Name)).ToList();
            var scratch = new System.Collections.Generic.List<Statement>();
            foreach (var parameter in method.Parameters.Where(p => p.IsDifferentiated))
            {
                if (parameter.IsVector)
                {
                    scratch.Add(new DeclareAdjointBuffer(parameter.Output, names.Fresh(GeneratedNames.AdjointStorage(parameter.Output)), parameter.Name, StackBound));
                    arguments.Add(parameter.Output);
                }
                else
                {
                    arguments.Add("out _");
                }
            }

            statements.Write(scratch);
            writer.Line($"{GeneratedNames.GradientMethod(method.MethodName)}({string.Join(", ", arguments)});");
            using (writer.Block($"for (int {index} = 0; {index} < {gradient}.Length; {index}++)"))
            {
                writer.Line($"{gradient}[{index}] += {seed} * {target.Output}[{index}];");
            }

            statements.Write(scratch.OfType<DeclareAdjointBuffer>().Select(buffer => new Release(buffer.Storage, IsAdjointBuffer: true)));
        }
    }

    /// <summary>
    /// For a scalar parameter of a method over vectors, the same product returned instead of added into a span:
    /// <c>seed · ∂M/∂s</c>, what the backward sweep of a caller passing a varying real for it adds to its adjoint.
    /// </summary>
    private static void WriteScalarProduct(IndentedWriter writer, GradientProgram program, ParameterModel target)
    {
        const int StackBound = 128;
        var method = program.Method;
        string real = method.RealType;
        string name = GeneratedNames.VectorJacobianProduct(method.MethodName, target.Name);
        // The vectors' scratch outputs take their output names; the partial asked for takes its own if free.
        var names = new NameAllocator(method.Parameters.Select(p => p.Name).Concat(method.Parameters.Where(p => p.IsVector).Select(p => p.Output)));
        string seed = names.Fresh("seed"), partial = names.Fresh(target.Output);
        writer.Line($"/// <summary>Returns <paramref name=\"{seed}\"/> · ∂{method.MethodName}/∂{target.Name}: the product of <see cref=\"{Cref(method)}\"/>'s partial with respect to <c>{target.Name}</c>, which the backward sweep of a [Differentiable] method calling it uses.</summary>");
        foreach (var parameter in method.Parameters)
        {
            writer.Line($"/// <param name=\"{parameter.Name}\">As in <c>{method.MethodName}</c>.</param>");
        }

        writer.Line($"/// <param name=\"{seed}\">∂L/∂{method.MethodName}: the adjoint of the call's value.</param>");
        writer.Line($"/// <returns>{seed} · ∂{method.MethodName}/∂{target.Name}.</returns>");
        WriteNullCheckDoc(writer, method);
        writer.Line(GeneratedCodeAttribute);
        string signature = string.Join(", ", method.Parameters.Select(p => p.TypeName + " " + ExpressionWriter.Identifier(p.Name)).Concat(new[] { real + " " + seed }));
        string modifiers = method.IsStatic ? "public static" : "public";
        using (writer.Block($"{modifiers} {real} {name}({signature})"))
        {
            WriteNullChecks(writer, method);
            var statements = new StatementWriter(writer, real);
            var arguments = method.Parameters.Select(p => ExpressionWriter.Identifier(p.Name)).ToList();
            var scratch = new System.Collections.Generic.List<Statement>();
            foreach (var parameter in method.Parameters.Where(p => p.IsDifferentiated))
            {
                if (parameter.IsVector)
                {
                    scratch.Add(new DeclareAdjointBuffer(parameter.Output, names.Fresh(GeneratedNames.AdjointStorage(parameter.Output)), parameter.Name, StackBound));
                    arguments.Add(parameter.Output);
                }
                else
                {
                    arguments.Add(parameter == target ? "out " + real + " " + partial : "out _");
                }
            }

            statements.Write(scratch);
            writer.Line($"{GeneratedNames.GradientMethod(method.MethodName)}({string.Join(", ", arguments)});");
            statements.Write(scratch.OfType<DeclareAdjointBuffer>().Select(buffer => new Release(buffer.Storage, IsAdjointBuffer: true)));
            writer.Line($"return {seed} * {partial};");
        }
    }


    /// <summary>
    /// A null array parameter is an <c>ArgumentNullException</c> naming it, first thing in every generated method: the
    /// method itself would fail with a NullReferenceException somewhere inside, and an array passed on as a span would
    /// silently be an empty vector.
    /// </summary>
    internal static void WriteNullChecks(IndentedWriter writer, MethodModel method) =>
        new StatementWriter(writer, method.RealType).Write(Arrays(method).Select(p => (Statement)new CheckNotNull(p.Name)).ToList());

    internal static void WriteNullCheckDoc(IndentedWriter writer, MethodModel method)
    {
        var arrays = Arrays(method).ToList();
        if (arrays.Count > 0)
        {
            writer.Line($"/// <exception cref=\"global::System.ArgumentNullException\">{string.Join(" or ", arrays.Select(p => $"<paramref name=\"{p.Name}\"/>"))} is null.</exception>");
        }
    }

    private static System.Collections.Generic.IEnumerable<ParameterModel> Arrays(MethodModel method) =>
        method.Parameters.Where(p => p.TypeName.TrimEnd('?').EndsWith("]", System.StringComparison.Ordinal));

    // Generic type arguments are written with braces inside a cref: List{int}. A nullable type keeps its '?': a cref
    // M(double) does not resolve to M(double?) (CS1574, found by fuzzing), and string? is accepted for string.
    internal static string Cref(MethodModel method) =>
        method.MethodName + "(" + string.Join(", ", method.Parameters.Select(p => p.TypeName.Replace('<', '{').Replace('>', '}'))) + ")";

    private static string ParameterList(GradientProgram program) =>
        string.Join(", ", program.Gradient.Select(e => "<c>" + e.ParameterName + "</c>"));
}
