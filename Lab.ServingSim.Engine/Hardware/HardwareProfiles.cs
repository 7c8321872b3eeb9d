// The calibration table (Data/hardware-profiles.json, embedded) and lookups that explain what exists when a name is wrong.
using System.Text.Json;

namespace Lab.ServingSim.Engine.Hardware;

public sealed class HardwareProfiles
{
    private static readonly Lazy<HardwareProfiles> BuiltIn = new(LoadEmbedded);

    public HardwareProfiles(IReadOnlyList<HardwareProfile> entries, string about = "")
    {
        Entries = entries;
        About = about;
    }

    public IReadOnlyList<HardwareProfile> Entries { get; }
    public string About { get; }

    /// <summary>The table shipped inside this assembly.</summary>
    public static HardwareProfiles Default => BuiltIn.Value;

    public static HardwareProfiles Load(Stream json)
    {
        var file = JsonSerializer.Deserialize(json, HardwareProfileJsonContext.Default.HardwareProfileFile)
            ?? throw new InvalidDataException("The hardware profile file is empty.");
        if (file.Entries.FirstOrDefault(e => e.TensorParallel is < 1) is { } bad)
        {
            throw new InvalidDataException($"{bad.Gpu} x {bad.Model}: tensor_parallel_size must be at least 1 (GPUs per replica), not {bad.TensorParallel}.");
        }
        return new HardwareProfiles(file.Entries, file.About);
    }

    public static HardwareProfiles Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Load(stream);
    }

    public IEnumerable<string> Gpus => Entries.Select(e => e.Gpu).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Finds the entry for a GPU, a model id or alias and a tensor parallel size; the exception lists what the table holds.
    /// </summary>
    public HardwareProfile Find(string gpu, string model, int tensorParallelSize = 1)
    {
        var onGpu = Entries.Where(e => string.Equals(e.Gpu, gpu, StringComparison.OrdinalIgnoreCase)).ToList();
        if (onGpu.Count == 0)
        {
            throw new KeyNotFoundException($"GPU '{gpu}' is not in the hardware profiles; known GPUs: {string.Join(", ", Gpus)}.");
        }
        var serving = onGpu.Where(e => e.Serves(model)).ToList();
        if (serving.Count == 0)
        {
            throw new KeyNotFoundException(
                $"Model '{model}' has no calibration on {gpu}; known models there: {string.Join(", ", onGpu.Select(e => e.Model).Distinct())} (or their Hugging Face names).");
        }
        return serving.FirstOrDefault(e => e.TensorParallelSize == tensorParallelSize)
            ?? throw new KeyNotFoundException(
                $"{model} on {gpu} has no calibration at tensor parallel size {tensorParallelSize}; calibrated sizes: {string.Join(", ", serving.Select(e => e.TensorParallelSize))}.");
    }

    /// <summary>Every entry that serves the model (id or alias), in the table's order.</summary>
    public IReadOnlyList<HardwareProfile> ForModel(string model) => Entries.Where(e => e.Serves(model)).ToList();

    private static HardwareProfiles LoadEmbedded()
    {
        using var stream = typeof(HardwareProfiles).Assembly.GetManifestResourceStream("Lab.ServingSim.Engine.hardware-profiles.json")
            ?? throw new InvalidOperationException("The embedded hardware-profiles.json is missing from Lab.ServingSim.Engine.");
        return Load(stream);
    }
}
