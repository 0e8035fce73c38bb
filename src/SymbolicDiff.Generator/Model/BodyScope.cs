using System.Collections.Generic;

namespace SymbolicDiff.Generator.Model;

/// <summary>
/// One generated method's code as the passes after the transforms see it (<see cref="GradientProgram.WithEveryScope"/>):
/// the method it is generated for, every statement it prints (a Hessian's prologue and body together, as they share one
/// scope of names), and the parameters the generated method adds that the statements may not mention (a Hessian's
/// directions).
/// </summary>
internal sealed record BodyScope(MethodModel Method, IEnumerable<Statement> Statements, IEnumerable<string> AddedParameters)
{
    /// <summary>The allocator for a local added anywhere in this scope: every name it takes is taken (<see cref="NameAllocator.ForBody"/>).</summary>
    public NameAllocator Names() => NameAllocator.ForBody(Method, Statements, AddedParameters);
}
