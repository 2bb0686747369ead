using System.Formats.Tar;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Maintenance;

/// <summary>What a console maintenance container served, and since when; kept in the container (<see cref="MaintenanceContainer.RecordPath"/>).</summary>
public sealed record MaintenanceRecord(string Eta, string DateIso, string DateStr, string? Email, DateTimeOffset Since, string By)
{
    public MaintenanceFields Fields => new(Eta, DateIso, DateStr, Email);
}

/// <summary>
/// The console's maintenance container for one nginx: its spec, which does not depend on the
/// page (so it can be created ahead, see <see cref="MaintenancePreparer"/>), and the key that
/// says which nginx configuration it was made for.
/// </summary>
public static class MaintenanceContainer
{
    /// <summary>The fields and start of the current page, beside the page (not under www: never served).</summary>
    public const string RecordPath = MaintenancePage.BundleDirectory + "/fields.json";

    /// <summary>
    /// A container publishing <paramref name="ports"/>, on every network nginx is on with nginx's
    /// aliases, from nginx's image unless <paramref name="image"/> says otherwise; labelled with
    /// <see cref="KoboNames.PreparedLabel"/> = a key of all that, so a changed nginx means a new container.
    /// </summary>
    public static ContainerSpec Spec(string maintenanceProject, ContainerDetails nginx, IReadOnlyList<PortBindingSpec> ports, string? image, TimeProvider time)
    {
        var shortId = nginx.Id.Length >= 12 ? nginx.Id[..12] : nginx.Id;
        var networks = nginx.Networks.Select(n => new NetworkSpec(n.Name,
            n.Aliases.Where(a => !shortId.StartsWith(a, StringComparison.Ordinal) && a != nginx.Name).Append("nginx").Distinct(StringComparer.Ordinal).ToList())).ToList();
        // nginx's own labels (not Compose's) travel along, so tools that group a stack by label still see it.
        var labels = new Dictionary<string, string>(nginx.Labels.Where(l => !l.Key.StartsWith("com.docker.compose.", StringComparison.Ordinal)))
        {
            [KoboNames.ProjectLabel] = maintenanceProject,
            [KoboNames.ServiceLabel] = "maintenance",
            [KoboNames.OneOffLabel] = "False",
            [MaintenanceLabels.Marker] = "1",
        };
        var spec = new ContainerSpec
        {
            Image = image is { Length: > 0 } ? image : nginx.ImageId,
            // Unique even for two containers in the same second.
            Name = string.Create(CultureInfo.InvariantCulture, $"{maintenanceProject}-maintenance-{time.GetUtcNow().ToUnixTimeSeconds()}-{Guid.NewGuid().ToString("N")[..6]}"),
            Entrypoint = ["nginx"],
            Cmd = ["-c", MaintenancePage.BundleDirectory + "/nginx.conf", "-g", "daemon off;"],
            RestartPolicy = "unless-stopped",
            Ports = ports,
            Networks = networks,
            Labels = labels,
        };
        labels[KoboNames.PreparedLabel] = KeyOf(nginx.Id, spec);
        return spec;
    }

    /// <summary>A container made for this key that never ran, or null (one that served is removed by its switch, never reused).</summary>
    public static async Task<string?> FindPreparedAsync(IContainerEngine engine, string key, CancellationToken cancellationToken) =>
        PickPrepared(await engine.ListContainersAsync(ContainerQuery.WithLabel(KoboNames.PreparedLabel, key), cancellationToken), key);

    /// <summary>Every container prepared ahead on this engine, for <see cref="PickPrepared"/> once the key is known.</summary>
    public static Task<IReadOnlyList<ContainerSummary>> ListPreparedAsync(IContainerEngine engine, CancellationToken cancellationToken) =>
        engine.ListContainersAsync(ContainerQuery.WithLabel(KoboNames.PreparedLabel), cancellationToken);

    /// <summary>Of <paramref name="listed"/>, one made for this key that never ran, or null.</summary>
    public static string? PickPrepared(IReadOnlyList<ContainerSummary> listed, string key) =>
        listed.FirstOrDefault(c => c.State == "created" && c.Labels.GetValueOrDefault(KoboNames.PreparedLabel) == key)?.Id;

    /// <summary>The fields as the bundle carries them (JSON).</summary>
    public static string RecordJson(MaintenanceRecord record) => JsonSerializer.Serialize(record, JsonSerializerOptions.Web);

    /// <summary>Reads <see cref="RecordPath"/> back out of a container; null when it has none.</summary>
    public static async Task<MaintenanceRecord?> ReadRecordAsync(IContainerEngine engine, string id, CancellationToken cancellationToken)
    {
        await using var tar = await engine.GetArchiveAsync(id, RecordPath, cancellationToken);
        await using var reader = new TarReader(tar);
        while (await reader.GetNextEntryAsync(cancellationToken: cancellationToken) is { } entry)
        {
            if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.DataStream is { } data)
            {
                return await JsonSerializer.DeserializeAsync<MaintenanceRecord>(data, JsonSerializerOptions.Web, cancellationToken);
            }
        }

        return null;
    }

    private static string KeyOf(string nginxId, ContainerSpec spec)
    {
        var text = new StringBuilder().Append(nginxId).Append('\n').Append(spec.Image).Append('\n');
        foreach (var p in spec.Ports.OrderBy(p => p.ContainerPort).ThenBy(p => p.Protocol, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"port {p.HostIp}:{p.HostPort}:{p.ContainerPort}/{p.Protocol}\n");
        }

        foreach (var n in spec.Networks.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"network {n.Name} {string.Join(',', (n.Aliases ?? []).Order(StringComparer.Ordinal))}\n");
        }

        foreach (var (k, v) in spec.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"label {k}={v}\n");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
