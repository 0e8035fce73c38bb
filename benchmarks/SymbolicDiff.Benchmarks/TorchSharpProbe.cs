using System.Runtime.InteropServices;
using TorchSharp;

namespace SymbolicDiff.Benchmarks;

/// <summary>
/// Whether TorchSharp works in this process: its native libraries load, and one scalar float64 tensor that
/// requires grad gets the right gradient from one backward pass. LibTorchSharp needs a libstdc++ from GCC 13 or
/// later (GLIBCXX_3.4.32) and this platform's LibTorch package; where either is missing, this says why in one line.
/// </summary>
public static class TorchSharpProbe
{
    /// <summary>Null if TorchSharp autograd works here; otherwise the reason, on one line.</summary>
    public static string? WhyUnavailable()
    {
        // The native libraries are loaded first, as TorchSharp does first (next to TorchSharp.dll), so that a
        // failure gives the dynamic loader's own reason, and so that TorchSharp's fallback never runs: on
        // failing, it copies all of LibTorch (about 600 MB) into the output folder and prints pages of trace.
        foreach (string library in new[] { "torch_cpu", "LibTorchSharp" })
        {
            try
            {
                NativeLibrary.Load(library, typeof(torch).Assembly, null);
            }
            catch (DllNotFoundException e)
            {
                return $"TorchSharp's native library {library} does not load: {LoaderMessage(e)}";
            }
        }

        try
        {
            using var scope = torch.NewDisposeScope();
            var x = torch.tensor(3.0, torch.ScalarType.Float64, requires_grad: true);
            (x * x).backward();
            double dx = x.grad!.item<double>();
            return dx == 6.0 ? null : $"TorchSharp's autograd gives d(x·x)/dx = {dx} at x = 3, not 6";
        }
        catch (Exception e)
        {
            return $"TorchSharp does not work here: {e.GetType().Name}: {FirstLine(Innermost(e).Message)}";
        }
    }

    /// <summary>
    /// The loader lists one line per path tried; the one worth reading is the one that is not merely "cannot open
    /// shared object file" (a missing GLIBCXX version, say). Else the first line.
    /// </summary>
    private static string LoaderMessage(DllNotFoundException e)
    {
        string[] lines = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Skip(1).FirstOrDefault(line => !line.Contains("cannot open shared object file", StringComparison.Ordinal))
            ?? FirstLine(e.Message);
    }

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
