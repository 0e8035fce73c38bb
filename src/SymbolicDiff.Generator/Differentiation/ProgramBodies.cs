using System;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Differentiation;

/// <summary>The one walk over every body of a program that Emit prints, for the passes that run after the transforms.</summary>
internal static class ProgramBodies
{
    /// <summary>
    /// <paramref name="program"/> with <paramref name="map"/> applied to each body: the gradient's, forward mode's, the
    /// vector-Jacobian product's (and its value-weighted one's), the Hessian's (body and prologue, and the value-weighted
    /// one's) and the Hessian tangent's.
    /// </summary>
    public static GradientProgram Map(GradientProgram program, Func<EquatableArray<Statement>, EquatableArray<Statement>> map) => program with
    {
        Body = map(program.Body),
        Derivative = program.Derivative is { } derivative ? derivative with { Body = map(derivative.Body) } : null,
        Jacobian = program.Jacobian is { } jacobian ? Map(jacobian, map) : null,
        Hessian = program.Hessian is { } hessian ? Map(hessian, map) : null,
        ValueWeightedHessian = program.ValueWeightedHessian is { } weighted ? Map(weighted, map) : null,
        HessianTangent = program.HessianTangent is { } tangent ? tangent with { Body = map(tangent.Body) } : null,
    };

    private static JacobianProgram Map(JacobianProgram jacobian, Func<EquatableArray<Statement>, EquatableArray<Statement>> map) => jacobian with
    {
        Product = Map(jacobian.Product, map),
        ValueWeighted = jacobian.ValueWeighted is { } weighted ? Map(weighted, map) : null,
    };

    private static HessianProgram Map(HessianProgram hessian, Func<EquatableArray<Statement>, EquatableArray<Statement>> map) => hessian with
    {
        Body = map(hessian.Body),
        Prologue = map(hessian.Prologue),
    };
}
