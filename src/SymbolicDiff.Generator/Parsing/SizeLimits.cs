using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymbolicDiff.Generator.Diagnostics;
using SymbolicDiff.Generator.Model;

namespace SymbolicDiff.Generator.Parsing;

/// <summary>
/// The limits that keep the generator from crashing or stalling the compiler, checked on the syntax of a
/// [Differentiable] method's body before anything binds, parses or differentiates it, with an explicit stack
/// (no recursion whose depth the user's code controls happens before the check).
/// <para>
/// Every later stage (the body parsers, the differentiators, the simplifier, common subexpressions and the
/// writer) recurses over expression depth. <see cref="MaxExpressionDepth"/> is chosen so that all of them stay
/// safe on a 1 MB thread stack (an IDE worker), measured with a margin (see docs/diagnostics/README.md, "Limits").
/// <see cref="MaxMethodNodes"/> bounds the work per method, so that a huge method is an SD diagnostic in
/// milliseconds rather than minutes of IDE time.
/// </para>
/// </summary>
internal static class SizeLimits
{
    /// <summary>
    /// The deepest expression accepted, in syntax levels: each operator, call, cast, conditional and pair of
    /// parentheses is one level, and a left-associated chain <c>a + b + c + ...</c> of n terms is n levels.
    /// </summary>
    public const int MaxExpressionDepth = 200;

    /// <summary>The most syntax nodes (expressions, statements, arguments, ...) one method body may have.</summary>
    public const int MaxMethodNodes = 25_000;

    /// <summary>
    /// Reports SD0022 at every outermost expression nested deeper than <see cref="MaxExpressionDepth"/>, and
    /// SD0023 at the method when its body has more than <see cref="MaxMethodNodes"/> nodes; returns whether it reported.
    /// The same walk adds where each call in the body is written to <paramref name="callLocations"/>, in source order
    /// (what <see cref="MethodParser"/> compares them by), so that the body's syntax is walked once, not once per check.
    /// </summary>
    public static bool Check(MethodDeclarationSyntax declaration, string methodName, List<DiagnosticInfo> diagnostics, List<LocationInfo> callLocations, CancellationToken cancellationToken)
    {
        SyntaxNode? body = (SyntaxNode?)declaration.Body ?? declaration.ExpressionBody;
        if (body is null)
        {
            return false;
        }

        int problemsBefore = diagnostics.Count;
        int nodes = 0;
        var tooDeep = new HashSet<SyntaxNode>();
        var stack = new Stack<(SyntaxNode Node, int Depth, SyntaxNode? Root)>();
        stack.Push((body, 0, null));
        while (stack.Count > 0)
        {
            var (node, depth, root) = stack.Pop();
            if (++nodes % 4096 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (root is not null && depth > MaxExpressionDepth && tooDeep.Add(root))
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.ExpressionTooDeep,
                    LocationInfo.From(root),
                    methodName,
                    MaxExpressionDepth.ToString(CultureInfo.InvariantCulture)));
            }

            if (node is InvocationExpressionSyntax && LocationInfo.From(node) is { } call)
            {
                callLocations.Add(call);
            }

            // Children pushed last to first, so that they are visited, and reported, in source order (a reversed walk
            // of the child list, with no array per node).
            foreach (var childOrToken in node.ChildNodesAndTokens().Reverse())
            {
                if (childOrToken.AsNode() is not { } child)
                {
                    continue;
                }

                switch (child)
                {
                    case StatementSyntax:
                        // A statement (in a lambda, say) starts afresh: its expressions are its own.
                        stack.Push((child, 0, null));
                        break;
                    case ExpressionSyntax when root is null:
                        stack.Push((child, 1, child));
                        break;
                    case ExpressionSyntax:
                        stack.Push((child, depth + 1, root));
                        break;
                    default:
                        stack.Push((child, depth, root));
                        break;
                }
            }
        }

        if (nodes > MaxMethodNodes)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.MethodTooLarge,
                LocationInfo.From(declaration.Identifier),
                methodName,
                "its body has " + nodes.ToString(CultureInfo.InvariantCulture) + " syntax nodes, more than " +
                MaxMethodNodes.ToString(CultureInfo.InvariantCulture)));
        }

        return diagnostics.Count > problemsBefore;
    }
}
