using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Analysis;

/// <summary>
/// Where everything in a method is: each statement's position in program order and the loops around it, the
/// scope each local is declared in, and what kind of value each name holds. The analyses and the transform
/// ask it rather than walking the program again.
/// </summary>
internal sealed class ProgramIndex
{
    // Statements are records with value equality, and the same statement may stand in two places
    // (s += x[i] in two loops): the index tells them apart by reference.
    private readonly Dictionary<Statement, int> _position = new(ReferenceComparer<Statement>.Instance);
    private readonly Dictionary<Statement, IReadOnlyList<ForLoop>> _enclosing = new(ReferenceComparer<Statement>.Instance);
    private readonly Dictionary<string, ForLoop?> _declaredIn = new();

    private ProgramIndex()
    {
    }

    /// <summary>Real scalars: real parameters and <c>double</c> locals.</summary>
    public HashSet<string> Reals { get; } = new();

    /// <summary>Recorded conditions (<c>bool</c> locals).</summary>
    public HashSet<string> Bools { get; } = new();

    /// <summary>Vectors: vector parameters and local buffers.</summary>
    public HashSet<string> Vectors { get; } = new();

    /// <summary>Local buffers (<c>stackalloc</c> or <c>new double[n]</c>) and the outputs of a vector-valued method.</summary>
    public HashSet<string> Buffers { get; } = new();

    /// <summary>Every statement, in program order.</summary>
    public IEnumerable<Statement> Statements => _position.Keys;

    public static ProgramIndex Build(MethodModel method)
    {
        var index = new ProgramIndex();
        foreach (var parameter in method.Parameters)
        {
            if (parameter.IsVector)
            {
                index.Vectors.Add(parameter.Name);
                if (parameter.IsOutput)
                {
                    // A vector-valued method's output is written like a local buffer (its adjoint is one too), and
                    // like one, an overwrite the backward sweep must undo is saved.
                    index.Buffers.Add(parameter.Name);
                    index._declaredIn[parameter.Name] = null;
                }
            }
            else if (parameter.TypeName == method.RealType)
            {
                // A real parameter is a top-level scalar: the method may assign it like a local.
                index.Reals.Add(parameter.Name);
                index._declaredIn[parameter.Name] = null;
            }
        }

        int position = 0;
        index.Add(method.Statements, new List<ForLoop>(), null, ref position);
        return index;
    }

    /// <summary>The statement's place in program order.</summary>
    public int Position(Statement statement) => _position[statement];

    /// <summary>The loops around the statement, outermost first.</summary>
    public IReadOnlyList<ForLoop> Enclosing(Statement statement) => _enclosing[statement];

    /// <summary>Whether <paramref name="name"/> is a local or real parameter, and if so the loop whose body declares it (null: the method's top level).</summary>
    public bool TryGetScope(string name, out ForLoop? scope) => _declaredIn.TryGetValue(name, out scope);

    /// <summary>Whether <paramref name="inner"/> is <paramref name="scope"/>'s body or nested in it (and not the scope loop itself).</summary>
    public bool IsInside(ForLoop inner, ForLoop scope)
    {
        if (ReferenceEquals(inner, scope) || !_enclosing.TryGetValue(inner, out var outer))
        {
            return false;
        }

        foreach (var loop in outer)
        {
            if (ReferenceEquals(loop, scope))
            {
                return true;
            }
        }

        return false;
    }

    private void Add(EquatableArray<Statement> statements, List<ForLoop> loops, ForLoop? scope, ref int position)
    {
        foreach (var statement in statements)
        {
            _position[statement] = position++;
            _enclosing[statement] = loops.ToArray();
            switch (statement)
            {
                case DeclareReal real:
                    Reals.Add(real.Name);
                    _declaredIn[real.Name] = scope;
                    if (real.Value is CallWithDerivative beside)
                    {
                        // double forget = SigmoidWithDerivative(z, out double dforget_dz): the partial is a real declared here too.
                        Reals.Add(beside.Derivative);
                        _declaredIn[beside.Derivative] = scope;
                    }

                    break;
                case DeclareBuffer buffer:
                    Vectors.Add(buffer.Name);
                    Buffers.Add(buffer.Name);
                    _declaredIn[buffer.Name] = null;
                    break;
                case DeclareAdjointBuffer adjoint:
                    // Only in a gradient program that second derivatives differentiate again: a buffer like a local one.
                    Vectors.Add(adjoint.Name);
                    Buffers.Add(adjoint.Name);
                    _declaredIn[adjoint.Name] = null;
                    break;
                case CallWithOutputs outputs:
                    // double u = UWithGradient(v, b, dV, out double dB): the value and the scalar parts are reals declared here.
                    foreach (string real in outputs.ScalarOutputs.Concat(outputs.ValueName is { } value ? new[] { value } : new string[0]))
                    {
                        Reals.Add(real);
                        _declaredIn[real] = scope;
                    }

                    break;
                case CallStatement { Call: VectorCall call }:
                    // A helper's product in a gradient program: out double dStep_dk declares a real.
                    foreach (var declared in call.Arguments.OfType<OutArgument>().Where(argument => argument.Declares))
                    {
                        Reals.Add(declared.Target.Name);
                        _declaredIn[declared.Target.Name] = scope;
                    }

                    break;
                case DeclareBool condition:
                    Bools.Add(condition.Name);
                    _declaredIn[condition.Name] = scope;
                    break;
                case DeclareInteger integer:
                    // Only an integer assigned in a loop (AssignInteger) is ever saved: the scope says which loops share it.
                    _declaredIn[integer.Name] = scope;
                    break;
                case ForLoop loop:
                    loops.Add(loop);
                    Add(loop.Body, loops, loop, ref position);
                    loops.RemoveAt(loops.Count - 1);
                    break;
            }
        }
    }
}
