using System.Collections.Generic;
using Microsoft.CodeAnalysis.Operations;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// <c>return;</c> in a void method that writes its results into output spans: an early exit, read as control flow the
/// way a <c>return e;</c> before the end of a method is. It sets the recorded flag <c>returned</c> under the current guard,
/// and everything after it runs under "returned == 0" (<see cref="ExitFlags"/>), refreshed after each statement that may
/// return and at the top of each iteration of a loop that may; an uncounted loop stops testing once it is set. The
/// outputs keep what they held where the method left before writing them, as in C#, so every transform (gradient,
/// forward mode, Jacobian, Hessian-vector product) reads the same guarded writes. A <c>return;</c> as the method's last
/// statement leaves nothing behind it: it is nothing.
/// </summary>
internal sealed partial class BodyParser
{
    private void ParseReturnWithoutValue(IReturnOperation exit, List<Statement> output)
    {
        if (_returnFlag is null)
        {
            return; // the method's last statement: nothing runs after it anyway
        }

        var flag = new Variable(_returnFlag);
        output.Add(new AssignReal(flag, Guarded(flag, Constant.One), exit.Syntax.ToString()));
    }
}
