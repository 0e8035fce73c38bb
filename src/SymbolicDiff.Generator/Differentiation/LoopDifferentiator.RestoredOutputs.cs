using System.Collections.Generic;
using System.Linq;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>
/// A vector-valued method's generated methods write its outputs (<c>MVectorJacobianProduct</c>, <c>MJacobian</c> by
/// reverse sweeps, a <c>double</c>-returning method's <c>MWithGradient</c>): after the call they must hold what the
/// method writes. The backward sweep restores an element the forward sweep overwrote wherever its earlier value may be
/// read (<c>r[0] = p[0] * p[1]; r[0] *= p[2];</c>, or any write the analysis cannot prove first), so at its end such an
/// output holds its values from before the forward sweep: the caller's, or an intermediate. Where the backward sweep
/// writes an output, the output's final values are copied aside between the sweeps and back after the backward sweep:
/// m copies, in a buffer on the stack up to the usual bound and pooled above, so nothing is allocated. Outputs the
/// backward sweep never writes (each element written once, in a loop over it) are left as they are.
/// </summary>
internal sealed partial class LoopDifferentiator
{
    /// <summary>
    /// The outputs <paramref name="backward"/> writes, each with the buffer its final values are kept in between the
    /// sweeps.
    /// </summary>
    private List<(string Output, string Kept, string Storage)> OutputsTheBackwardSweepRestores(IEnumerable<Statement> backward)
    {
        var outputs = new HashSet<string>(_method.Parameters.Where(p => p.IsOutput && p.IsVector).Select(p => p.Name));
        if (outputs.Count == 0)
        {
            return new List<(string, string, string)>();
        }

        var written = new HashSet<string>();
        foreach (var statement in StatementFacts.Flatten(backward))
        {
            var target = statement switch
            {
                UpdateReal update => update.Target,
                AssignReal assign => assign.Target,
                _ => null,
            };
            if (target is Element element && outputs.Contains(element.Vector))
            {
                written.Add(element.Vector);
            }
        }

        return _method.Parameters
            .Where(p => written.Contains(p.Name))
            .Select(p =>
            {
                string kept = _names.Fresh(SafeName(p.Name) + "Final");
                return (p.Name, kept, _names.Fresh(GeneratedNames.AdjointStorage(kept)));
            })
            .ToList();
    }

    /// <summary>Between the sweeps: <c>for (...) rFinal[i] = r[i];</c> for each output the backward sweep restores.</summary>
    private IEnumerable<Statement> KeepFinalOutputs(List<(string Output, string Kept, string Storage)> restored)
    {
        foreach (var (output, kept, storage) in restored)
        {
            var length = new Member(new Variable(output), "Length");
            yield return new DeclareKeptValues(kept, storage, length)
            {
                Comment = Comment.Of($"{output} as the forward sweep left it: the backward sweep restores its earlier values, and the caller reads these"),
            };
            yield return ElementCopy(from: output, to: kept, output);
        }
    }

    /// <summary>After the backward sweep: <c>for (...) r[i] = rFinal[i];</c>, then the buffer returned.</summary>
    private IEnumerable<Statement> WriteBackFinalOutputs(List<(string Output, string Kept, string Storage)> restored)
    {
        foreach (var (output, kept, storage) in restored)
        {
            yield return ElementCopy(from: kept, to: output, output) with
            {
                Comment = Comment.Of($"{output} as the method computed it, which the backward sweep's restores overwrote"),
            };
            yield return new Release(storage, IsAdjointBuffer: true);
        }
    }

    /// <summary><c>for (int i = 0; i &lt; output.Length; i++) to[i] = from[i];</c></summary>
    private ForLoop ElementCopy(string from, string to, string output)
    {
        string counter = _names.Fresh("i");
        return new ForLoop(counter, "int", Constant.Zero, new Member(new Variable(output), "Length"), new Statement[]
        {
            new UpdateReal(new Element(to, new Variable(counter)), UpdateOperator.Set, new Element(from, new Variable(counter))),
        }.ToEquatableArray());
    }
}
