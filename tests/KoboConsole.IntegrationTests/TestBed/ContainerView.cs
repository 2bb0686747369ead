using System.Text.Json;

namespace KoboConsole.IntegrationTests.TestBed;

/// <summary>The parts of `docker inspect` the test bed tests look at.</summary>
public sealed record ContainerView(
    string Name,
    bool Running,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Networks,
    IReadOnlyList<string> Env,
    IReadOnlyList<string> ExtraHosts)
{
    public static async Task<IReadOnlyList<ContainerView>> InspectAsync(string dockerHost, IEnumerable<string> names, CancellationToken cancellationToken)
    {
        var result = await ScriptRunner.DockerAsync(dockerHost, ["container", "inspect", .. names], cancellationToken);
        Assert.True(result.ExitCode == 0, $"docker inspect failed: {result.StdErr}");
        using var doc = JsonDocument.Parse(result.StdOut);
        return [.. doc.RootElement.EnumerateArray().Select(InspectJson.ToView)];
    }
}

/// <summary>Docker's inspect JSON, kept apart from the record whose members share its key names.</summary>
internal static class InspectJson
{
    public static ContainerView ToView(JsonElement c)
    {
        var config = c.GetProperty("Config");
        var labels = config.GetProperty("Labels").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
        var networks = c.GetProperty("NetworkSettings").GetProperty("Networks").EnumerateObject()
            .ToDictionary(
                p => p.Name,
                p => (IReadOnlyList<string>)(p.Value.GetProperty("Aliases").ValueKind == JsonValueKind.Array
                    ? [.. p.Value.GetProperty("Aliases").EnumerateArray().Select(a => a.GetString() ?? "")]
                    : []),
                StringComparer.Ordinal);
        var extraHosts = c.GetProperty("HostConfig").GetProperty("ExtraHosts");
        return new ContainerView(
            c.GetProperty("Name").GetString()!.TrimStart('/'),
            c.GetProperty("State").GetProperty("Running").GetBoolean(),
            labels,
            networks,
            [.. config.GetProperty("Env").EnumerateArray().Select(e => e.GetString() ?? "")],
            extraHosts.ValueKind == JsonValueKind.Array ? [.. extraHosts.EnumerateArray().Select(e => e.GetString() ?? "")] : []);
    }
}
