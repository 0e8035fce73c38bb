using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace SymbolicDiff.Generator.Diagnostics;

/// <summary>
/// Every diagnostic the generator reports. Each names the construct at fault and says what is supported;
/// each has a page in docs/diagnostics/ (its help link) with its cause, an example and the fix.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "SymbolicDiff";

    /// <summary>
    /// Where the repository's files are published: the one place to change when the project moves host or
    /// branch. Keep it in step with the package's RepositoryUrl.
    /// </summary>
    public const string RepositoryFileBase = "https://github.com/symbolicdiff/symbolicdiff/blob/main/";

    /// <summary>The folder, relative to the repository root, that holds one page per diagnostic (<c>SD0001.md</c>, ...).</summary>
    public const string DocsFolder = "docs/diagnostics/";

    /// <summary>The help link of diagnostic <paramref name="id"/>: its page in the repository.</summary>
    public static string HelpLink(string id) => RepositoryFileBase + DocsFolder + id + ".md";

    public static readonly DiagnosticDescriptor MethodMustBeStatic = Error(
        "SD0001",
        "[Differentiable] method must not be virtual",
        "'{0}' is {1}: its generated gradient could not follow overrides; [Differentiable] supports static methods and non-virtual instance methods");

    public static readonly DiagnosticDescriptor TypeMustBePartial = Error(
        "SD0002",
        "Type containing a [Differentiable] method must be partial",
        "Type '{0}' must be declared partial so that the gradient of '{1}' can be generated into it");

    public static readonly DiagnosticDescriptor LoopNotSupported = Error(
        "SD0003",
        "Loop form not supported",
        "The '{0}' loop cannot be differentiated: {1}; supported loops are any for loop (with an int or long counter, a real one, or none), foreach over a vector, and while and do loops");

    public static readonly DiagnosticDescriptor UnsupportedStatement = Error(
        "SD0004",
        "Statement not supported",
        "{0} is not supported in a [Differentiable] method; supported statements are declarations of double, float, int, long and bool locals and of buffers (stackalloc double[n], new double[n]), assignments (=, +=, -=, *=, /=, ++, --) to them and to buffer elements, if/else and switch, for/foreach/while/do loops with break and continue, and return and throw anywhere");

    public static readonly DiagnosticDescriptor UnsupportedExpression = Error(
        "SD0005",
        "Expression not supported",
        "{0} is not supported in a [Differentiable] method; supported expressions are double arithmetic (+, -, *, /, unary -), integer arithmetic, ?:, literals and constants, parameters, locals, fields and properties of this object or static ones, and calls of functions with a known derivative");

    public static readonly DiagnosticDescriptor UnknownFunction = Error(
        "SD0006",
        "Call of a function with no known derivative",
        "'{0}' has no known derivative: call one of " + Model.BuiltinRules.SupportedList + ", or a static method that declares its derivative with [Derivative]");

    public static readonly DiagnosticDescriptor ParameterNotDouble = Error(
        "SD0007",
        "Only double parameters can be differentiated",
        "Parameter '{0}' is of type '{1}' and cannot be differentiated; only parameters of the method's return type (double or float) can");

    public static readonly DiagnosticDescriptor UnknownParameterName = Error(
        "SD0008",
        "Name in [Differentiable] is not a parameter",
        "'{0}' is not a parameter of '{1}'; its parameters are: {2}");

    public static readonly DiagnosticDescriptor ReturnTypeNotDouble = Error(
        "SD0009",
        "[Differentiable] method must return double or float",
        "'{0}' returns '{1}'; a [Differentiable] method must return double (or float, computing in float with MathF), or be a vector-valued method that writes its results element by element into Span<double> parameters (r[i] = ...) and returns void or double");

    public static readonly DiagnosticDescriptor ParameterByReference = Error(
        "SD0010",
        "Parameters must be passed by value",
        "Parameter '{0}' is declared '{1}'; the parameters of a [Differentiable] method must be passed by value");

    public static readonly DiagnosticDescriptor InvalidDerivativeDeclaration = Error(
        "SD0011",
        "Invalid [Derivative] declaration",
        "The [Derivative] declaration on '{0}' is invalid: {1}");

    public static readonly DiagnosticDescriptor MissingPartialDerivative = Error(
        "SD0012",
        "No derivative declared for an argument that needs one",
        "'{0}' declares no derivative with respect to its parameter '{1}', but the argument passed for it depends on a differentiated parameter; declare one with [Derivative(nameof({1}), ...)]");

    public static readonly DiagnosticDescriptor UnsupportedMethodShape = Error(
        "SD0013",
        "Method cannot be differentiated",
        "'{0}' cannot be differentiated: {1}");

    public static readonly DiagnosticDescriptor NothingToDifferentiate = Error(
        "SD0014",
        "No parameter to differentiate",
        "'{0}' has no double parameter to differentiate with respect to");

    public static readonly DiagnosticDescriptor UnsupportedLocalType = Error(
        "SD0015",
        "Local of an unsupported type",
        "Local '{0}' is of type '{1}'; locals of a [Differentiable] method are double (float in a float method), bool, int or long, and Span<double> or double[] buffers (stackalloc double[n], new double[n])");

    public static readonly DiagnosticDescriptor GradientNameClash = Error(
        "SD0016",
        "Gradient property name clash",
        "Parameter '{0}' would be reported as gradient property '{1}', which is already taken by {2}; rename the parameter");

    public static readonly DiagnosticDescriptor Recursion = Error(
        "SD0018",
        "Recursion cannot be differentiated",
        "The call of '{1}' makes '{0}' recursive{2}; a [Differentiable] method may call other [Differentiable] methods, but not itself, directly or through others; write the computation as a loop instead: keep the running result in a local (double acc = ...;), update it in a for loop (acc = ... acc ...;) and return it");

    public static readonly DiagnosticDescriptor NestedDifferentiation = Error(
        "SD0020",
        "Gradient called inside a [Differentiable] method",
        "'{0}' calls '{1}', generated for '{2}', and differentiating through it {3}");

    public static readonly DiagnosticDescriptor SelectedCalleeParameter = Error(
        "SD0021",
        "Argument for a parameter a [Differentiable] callee does not differentiate",
        "'{0}' does not differentiate its parameter '{1}' (it is not in its [Differentiable] list), but the argument passed for it depends on a differentiated parameter, and '{0}' cannot be differentiated at the call: that needs a body of double locals and one return in this project; add '{1}' to the parameters '{0}' differentiates, or write its body that way");

    public static readonly DiagnosticDescriptor ExpressionTooDeep = Error(
        "SD0022",
        "Expression nests too deeply",
        "This expression in '{0}' nests deeper than {1} levels (each operator, call and pair of parentheses is a level; a chain a + b + c + ... of n terms is n levels), more than SymbolicDiff can differentiate without risking the compiler's stack; split it into locals of at most {1} levels each: double t1 = ...; double t2 = t1 + ...;");

    public static readonly DiagnosticDescriptor MethodTooLarge = Error(
        "SD0023",
        "Method too large to differentiate",
        "'{0}' is too large to differentiate in one method: {1}; split it into several [Differentiable] methods (each with part of the computation) and call them from '{0}', whose gradient then calls theirs");

    public static readonly DiagnosticDescriptor CalleeWithoutGradient = Error(
        "SD0024",
        "Called [Differentiable] method has no gradient",
        "'{0}' calls '{1}', whose gradient could not be generated because of the errors reported on '{1}'; the gradient of '{0}' calls it, so it is not generated either; fix the errors on '{1}' first");

    public static readonly DiagnosticDescriptor MissingSecondDerivative = Error(
        "SD0030",
        "Function without a second derivative",
        "'{0}' asks for second derivatives (SecondOrder = true), but its gradient calls '{1}', which has no {2}; declare it with [Derivative] on '{1}' (as on the function itself), or remove SecondOrder");

    public static readonly DiagnosticDescriptor SecondOrderUnsupported = Error(
        "SD0031",
        "Second derivatives not supported here",
        "'{0}' asks for second derivatives (SecondOrder = true), which are not generated for {1}; remove SecondOrder");

    public static readonly DiagnosticDescriptor CalleeWithoutSecondOrder = Error(
        "SD0032",
        "Called [Differentiable] method without second derivatives",
        "'{0}' asks for second derivatives (SecondOrder = true) and calls '{1}', whose gradient they differentiate again (the partials of its gradient are its Hessian): add SecondOrder = true to the [Differentiable] of '{1}', or remove SecondOrder from '{0}'");

    public static readonly DiagnosticDescriptor CalleeWithoutHessian = Error(
        "SD0033",
        "Called [Differentiable] method has no second derivatives",
        "'{0}' calls '{1}', whose second derivatives could not be generated because of the errors reported on '{1}'; {2}; fix the errors on '{1}' first");

    public static readonly DiagnosticDescriptor CalleeWithoutThirdOrder = Error(
        "SD0034",
        "Called [Differentiable] method without third derivatives",
        "'{0}' asks for second derivatives (SecondOrder = true) and reads the gradient of '{1}', whose partials (the Hessian of '{1}') they differentiate again: third derivatives of '{1}', generated only with ThirdOrder = true; add ThirdOrder = true to the [Differentiable] of '{1}' (it implies SecondOrder), or remove SecondOrder from '{0}'");

    public static readonly DiagnosticDescriptor ThirdOrderUnsupported = Error(
        "SD0035",
        "Third derivatives not supported here",
        "'{0}' asks for third derivatives (ThirdOrder = true), which are not generated for {1}; write SecondOrder = true instead of ThirdOrder = true");

    public static readonly DiagnosticDescriptor ResultIgnoresParameter = new(
        "SD0017",
        "Differentiated parameter does not affect the result",
        "The result of '{0}' does not depend on '{1}', so its gradient with respect to '{1}' is always exactly 0; remove '{1}' from the differentiated parameters or check for a mistake",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SD0017"));

    public static readonly DiagnosticDescriptor InternalError = Error(
        "SD9999",
        "SymbolicDiff generator failure",
        "SymbolicDiff could not process '{0}' because of an internal error ({1}); please report it");

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = typeof(DiagnosticDescriptors)
        .GetFields()
        .Where(field => field.FieldType == typeof(DiagnosticDescriptor))
        .Select(field => (DiagnosticDescriptor)field.GetValue(null))
        .ToDictionary(descriptor => descriptor.Id);

    /// <summary>Every descriptor, for tests and documentation.</summary>
    public static IEnumerable<DiagnosticDescriptor> All => ById.Values;

    public static DiagnosticDescriptor Get(string id) => ById[id];

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink(id));
}
