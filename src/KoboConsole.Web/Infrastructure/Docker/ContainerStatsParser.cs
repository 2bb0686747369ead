using System.Globalization;
using System.Text.Json;

namespace KoboConsole.Web.Infrastructure.Docker;

/// <summary>Docker's stats JSON (<c>GET /containers/{id}/stats</c>) to <see cref="ContainerStatsReading"/>.</summary>
internal static class ContainerStatsParser
{
    public static ContainerStatsReading Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var cpu = Child(root, "cpu_stats");
        var pre = Child(root, "precpu_stats");
        var memory = Child(root, "memory_stats");
        var memoryStats = Child(memory, "stats");
        ulong rx = 0, tx = 0;
        if (Child(root, "networks") is { ValueKind: JsonValueKind.Object } networks)
        {
            foreach (var n in networks.EnumerateObject())
            {
                rx += Number(n.Value, "rx_bytes");
                tx += Number(n.Value, "tx_bytes");
            }
        }

        // cgroup v1 reports the hierarchy's total_inactive_file next to inactive_file; v2 only inactive_file.
        var cache = Has(memoryStats, "total_inactive_file") ? Number(memoryStats, "total_inactive_file") : Number(memoryStats, "inactive_file");
        var onlineCpus = (int)Number(cpu, "online_cpus");
        if (onlineCpus == 0 && Child(Child(cpu, "cpu_usage"), "percpu_usage") is { ValueKind: JsonValueKind.Array } perCpu)
        {
            onlineCpus = perCpu.GetArrayLength(); // engines before API 1.27 have no online_cpus
        }

        return new ContainerStatsReading(
            root.TryGetProperty("read", out var read) && DateTimeOffset.TryParse(read.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : DateTimeOffset.MinValue,
            Number(Child(cpu, "cpu_usage"), "total_usage"),
            Number(cpu, "system_cpu_usage"),
            Math.Max(onlineCpus, 1),
            Number(Child(pre, "cpu_usage"), "total_usage"),
            Number(pre, "system_cpu_usage"),
            Number(memory, "usage"),
            cache,
            Number(memory, "limit"),
            rx,
            tx);
    }

    private static JsonElement Child(JsonElement e, string name)
        => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var c) ? c : default;

    private static bool Has(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out _);

    private static ulong Number(JsonElement e, string name)
        => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetUInt64(out var n) ? n : 0;
}
