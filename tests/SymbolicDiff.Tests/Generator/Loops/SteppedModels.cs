namespace SymbolicDiff.Tests.Generator.Loops;

/// <summary>Calling the generated gradient of a model over <c>(double[] a, int steps)</c>, a loop of steps checkpointed or not.</summary>
internal static class SteppedModels
{
    /// <summary>The value and the gradient <c>{method}WithGradient(arguments)</c> (<c>(x, steps)</c>, say) returns, from the loaded <paramref name="type"/>.</summary>
    public static (double Value, double[] Gradient) Gradient(Type type, string method, params object[] arguments)
    {
        var withGradient = type.GetMethods().Single(m => m.Name == method + "WithGradient" && m.GetParameters().Length == arguments.Length);
        object result = withGradient.Invoke(null, arguments)!;
        var properties = result.GetType().GetProperties();
        return ((double)properties.Single(p => p.Name == "Value").GetValue(result)!, (double[])properties.Single(p => p.Name != "Value").GetValue(result)!);
    }
}
