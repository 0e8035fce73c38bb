using System.Collections.Generic;
using System.Linq;

namespace SymbolicDiff.Generator.Model;

/// <summary>
/// Every name the generator gives to generated code, in one place, so that the parser (which must keep the
/// user's names clear of them), the transforms and Emit agree: <c>MWithGradient</c>, <c>MGradient</c>,
/// <c>dWeights</c>, <c>dLoss_dz</c>, <c>saved</c>.
/// </summary>
internal static class GeneratedNames
{
    /// <summary>The generated method that returns the value and the gradient of <paramref name="method"/>.</summary>
    public static string GradientMethod(string method) => method + "WithGradient";

    /// <summary>
    /// The generated forward-mode method of <paramref name="method"/>: <c>MWithDerivative(…, tangents)</c>, which returns
    /// the value and the directional derivative along the tangents.
    /// </summary>
    public static string DerivativeMethod(string method) => method + "WithDerivative";

    /// <summary>
    /// The tangent of a local in the forward sweep (<c>dZ</c> for <c>z</c>): its derivative along the direction. A
    /// parameter's tangent is its <see cref="ParameterModel.Output"/> name (<c>dWeights</c>), which
    /// <see cref="Outputs"/> keeps clear of the other parameters; a local's is made unique by the transform's allocator.
    /// </summary>
    public static string Tangent(string variable) => Output(variable);

    /// <summary>
    /// In a forward sweep, the scratch span that receives ∂f/∂v for a function f over the vector <paramref name="vector"/>
    /// (from f's vector-Jacobian product with seed 1): <c>logitsPartials</c>.
    /// </summary>
    public static string VectorPartials(string vector) => vector + "Partials";

    /// <summary>The runtime's dot product, which turns ∂f/∂v and v's tangent into f's tangent.</summary>
    public const string DotProduct = "global::SymbolicDiff.Vectors.Dot";

    /// <summary>
    /// The generated reverse-mode method of a vector-valued method (one that writes outputs): <c>MVectorJacobianProduct(…,
    /// cotangents, gradient outputs)</c> writes the outputs and Σᵢ cᵢ ∂rᵢ/∂p for each differentiated parameter p.
    /// </summary>
    public static string VectorJacobianProductMethod(string method) => method + "VectorJacobianProduct";

    /// <summary>The generated <c>MJacobian(…, jacobian)</c> of a vector-valued method: the outputs and their dense Jacobian, row-major.</summary>
    public static string JacobianMethod(string method) => method + "Jacobian";

    /// <summary>The cotangent (the row vector of a vector-Jacobian product) of the output <paramref name="output"/>: <c>rCotangent</c>.</summary>
    public static string Cotangent(string output) => output + "Cotangent";

    /// <summary>The Jacobian parameter of <see cref="JacobianMethod"/>.</summary>
    public const string JacobianParameter = "jacobian";

    /// <summary>
    /// In a vector-Jacobian product, the scalar Σᵢ cᵢ rᵢ of the cotangents and the outputs, whose gradient is the product:
    /// the backward sweep from it seeds each output's adjoint with its cotangent.
    /// </summary>
    public const string CotangentProjection = "projection";

    /// <summary>The weight c₀ of a vector-valued method's returned value f in the projection Σᵢ cᵢ rᵢ + c₀ f: <c>valueCotangent</c>.</summary>
    public const string ValueCotangent = "valueCotangent";

    /// <summary>The generated method that returns the step-by-step trace (a <c>SymbolicDiff.Derivation</c>) of <paramref name="method"/>'s gradient.</summary>
    public static string DerivationMethod(string method) => method + "Derivation";

    /// <summary>The local holding the trace in a <see cref="DerivationMethod"/> (given a suffix if the body uses the name).</summary>
    public const string DerivationLocal = "derivation";

    /// <summary>The generated record struct holding the value and the gradient of <paramref name="method"/>.</summary>
    public static string GradientStruct(string method) => method + "Gradient";

    /// <summary>The gradient output of a differentiated parameter (a span or an <c>out</c>): <c>dWeights</c>, <c>dBias</c>.</summary>
    public static string Output(string parameter) => "d" + NameAllocator.ToPascalCase(parameter);

    /// <summary>
    /// The gradient outputs of a method's parameters, in order: <see cref="Output(string)"/>, unless that is a
    /// parameter's own name or another output's (<c>x</c> beside a parameter <c>dX</c>, or <c>x</c> and <c>X</c>),
    /// where the smallest free suffix makes it unique (<c>dX_1</c>) rather than generated code that cannot compile.
    /// </summary>
    public static IReadOnlyList<string> Outputs(IReadOnlyList<string> parameters)
    {
        var names = new NameAllocator(parameters);
        return parameters.Select(parameter => names.Fresh(Output(parameter))).ToList();
    }

    /// <summary>The gradient property of a differentiated parameter in the gradient struct: <c>W</c> for <c>w</c>.</summary>
    public static string Property(string parameter) => NameAllocator.ToPascalCase(parameter);

    /// <summary>The adjoint ∂result/∂variable, named as a person would: <c>dLoss_dz</c>.</summary>
    public static string Adjoint(string result, string variable) => "d" + NameAllocator.ToPascalCase(result) + "_d" + variable;

    /// <summary>A named local partial ∂target/∂input: <c>da_dz</c>.</summary>
    public static string LocalPartial(string target, string input) => "d" + target + "_d" + input;

    /// <summary>
    /// The generated vector-Jacobian product of a method over spans for one vector parameter, in the runtime's
    /// convention for declared ones: <c>LossWeightsGradient(…, seed, gradient)</c> adds seed · ∂Loss/∂weights.
    /// </summary>
    public static string VectorJacobianProduct(string method, string parameter) => method + NameAllocator.ToPascalCase(parameter) + "Gradient";

    /// <summary>
    /// The derivative of that product, generated beside a <c>SecondOrder = true</c> method's Hessian-vector product, in
    /// the runtime's convention for declared ones: <c>LossWeightsGradientTangent(…, seed, &lt;tangents&gt;, dSeed, gradientTangent)</c>.
    /// </summary>
    public static string ProductTangent(string method, string parameter) => VectorJacobianProduct(method, parameter) + "Tangent";

    /// <summary>
    /// The scratch buffer that owns the memory of an adjoint buffer <paramref name="adjoint"/>: <c>dXStorage</c>. Like
    /// every generated local, it goes through a <see cref="NameAllocator"/>, so that a parameter or local of that
    /// name gets a suffix rather than generated code that cannot compile (CS0128, CS0136).
    /// </summary>
    public static string AdjointStorage(string adjoint) => adjoint + "Storage";

    /// <summary>The values of calls to <paramref name="function"/> a loop's forward sweep keeps for its backward sweep: <c>keptExp</c>.</summary>
    public static string KeptValues(string function) => "kept" + NameAllocator.ToPascalCase(function);

    /// <summary>The stack of values the backward sweep restores.</summary>
    public const string SavedStack = "saved";

    /// <summary>
    /// The generated record struct holding the value, the gradient and the Hessian of <paramref name="method"/>
    /// (<c>[Differentiable(SecondOrder = true)]</c>, scalar parameters); for a method over spans, the name of the dense
    /// Hessian method built from Hessian-vector products.
    /// </summary>
    public static string HessianStruct(string method) => method + "Hessian";

    /// <summary>The generated method that returns the value, the gradient and the Hessian of <paramref name="method"/>.</summary>
    public static string HessianMethod(string method) => method + "WithHessian";

    /// <summary>The third-order method of [Differentiable(ThirdOrder = true)]: the Hessian and its directional derivative.</summary>
    public static string HessianTangentMethod(string method) => method + "HessianWithDerivative";

    /// <summary>The generated Hessian-vector product of a method over spans: <c>MHessianVectorProduct</c>.</summary>
    public static string HessianVectorProductMethod(string method) => method + "HessianVectorProduct";

    /// <summary>
    /// The third-order method of a [Differentiable(ThirdOrder = true)] method over spans: the forward mode of its
    /// Hessian-vector product (<c>MHessianVectorProductWithDerivative</c>), named as every method's forward mode is.
    /// </summary>
    public static string HessianVectorProductTangentMethod(string method) => DerivativeMethod(HessianVectorProductMethod(method));

    /// <summary>
    /// In a Hessian method, the tangent of a differentiated parameter: its part of the direction the gradient is
    /// differentiated along (<c>vW</c> for <c>w</c>, the v of H·v).
    /// </summary>
    public static string HessianDirection(string parameter) => "v" + NameAllocator.ToPascalCase(parameter);

    /// <summary>In a Hessian-vector product, the output receiving (H·v) for a parameter: <c>hvWeights</c>.</summary>
    public static string HessianVectorProductOutput(string parameter) => "hv" + NameAllocator.ToPascalCase(parameter);

    /// <summary>The local holding a called [Differentiable] method's gradient struct: <c>squareGradient</c>.</summary>
    public static string CalleeGradient(string callee) => NameAllocator.ToCamelCase(callee) + "Gradient";

    /// <summary>
    /// The scratch span a called [Differentiable] method's Hessian is written into where a gradient differentiates
    /// through its gradient (<c>uHessian</c>); its gradient goes into <see cref="CalleeGradient"/>'s span.
    /// </summary>
    public static string CalleeHessian(string callee) => NameAllocator.ToCamelCase(callee) + "Hessian";

    /// <summary>The scratch span a called method's Hessian's directional derivative is written into (<c>uHessianTangent</c>): a caller's own second derivatives.</summary>
    public static string CalleeHessianTangent(string callee) => NameAllocator.ToCamelCase(callee) + "HessianTangent";
}
