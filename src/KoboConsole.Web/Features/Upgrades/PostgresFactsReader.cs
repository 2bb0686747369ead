using System.Globalization;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Drills;
using KoboConsole.Web.Features.Restores.Stores;
using KoboConsole.Web.Features.Runs;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Upgrades;

/// <summary>
/// Reads the pre-flight's facts: the PostgreSQL primary through <c>psql</c> and <c>df</c> in its own
/// container, the target image through a throwaway container of it (created from what is on the
/// host: Docker's create never pulls), and the drill history. Nothing of kobo's is changed.
/// </summary>
public sealed class PostgresFactsReader(StackDiscovery discovery, PostgresPrimary primary, IDockerHosts hosts, RunStore runs, IOptionsMonitor<DrillsOptions> drills, TimeProvider time)
{
    public const string ProbeLabel = "org.koboconsole.upgrade-probe";

    /// <summary>Lists the target's PostgreSQL binaries and extensions; one line each, tagged V (version), B (bin dir), E (extension, major).</summary>
    private const string ProbeScript =
        "p=$(command -v postgres 2>/dev/null || ls /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sort -V | tail -n1); "
        + "[ -n \"$p\" ] && echo \"V $(\"$p\" --version)\"; "
        + "for b in /usr/lib/postgresql/*/bin /usr/local/lib/postgresql/*/bin; do [ -x \"$b/postgres\" ] && echo \"B $b\"; done; "
        + "for f in /usr/share/postgresql/*/extension/*.control /usr/local/share/postgresql/extension/*.control; do [ -e \"$f\" ] && echo \"E $(basename \"$f\" .control)\"; done; true";

    /// <exception cref="UpgradeRefusedException">No primary can be chosen.</exception>
    public async Task<PostgresFacts> ReadAsync(string targetImage, CancellationToken cancellationToken)
    {
        var snapshot = await discovery.DiscoverAsync(false, cancellationToken);
        var choice = await primary.ChooseAsync(snapshot, "upgrade", cancellationToken);
        var pg = choice.Primary ?? throw new UpgradeRefusedException(choice.Problem ?? "no running PostgreSQL primary was found.");
        var engine = hosts.Get(pg.Container.Host);
        var target = new RestoreTarget(engine, pg.Container.Id);
        var details = await engine.InspectContainerAsync(pg.Container.Id, cancellationToken);
        var login = PostgresRestore.Login.Of(details);

        async Task<string> Sql(string database, string sql) =>
            (await StdinExec.TextAsync(target, ["psql", "-U", login.User, "-d", database, "-At", "-F", "\t", "-c", sql], login.Env, "reading the server's facts", cancellationToken)).Trim();

        var versionNum = int.Parse(await Sql("postgres", "SHOW server_version_num"), CultureInfo.InvariantCulture);
        var version = (await Sql("postgres", "SHOW server_version")).Split(' ')[0];
        var dataDir = await Sql("postgres", "SHOW data_directory");
        var mount = details.Mounts.Where(m => dataDir.StartsWith(m.Destination.TrimEnd('/'), StringComparison.Ordinal))
            .OrderByDescending(m => m.Destination.Length).FirstOrDefault()
            ?? throw new UpgradeRefusedException($"the data directory {dataDir} of {pg.Label} is not on a volume or bind mount: it lives in the container and an upgrade cannot keep it aside.");
        var isVolume = mount.Type == "volume" && mount.Name is { Length: > 0 };

        var databases = ParseDatabases(await Sql("postgres", "SELECT datname, pg_database_size(datname) FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY 1"));
        var extensions = new List<PgExtension>();
        foreach (var db in databases)
        {
            foreach (var line in Lines(await Sql(db.Name, "SELECT extname, extversion FROM pg_extension ORDER BY 1")))
            {
                var parts = line.Split('\t');
                extensions.Add(new PgExtension(db.Name, parts[0], parts.ElementAtOrDefault(1) ?? ""));
            }
        }

        var free = await FreeBytesAsync(target, mount.Destination, cancellationToken);
        var proof = DrillStatus.Evaluate(await runs.ListAsync(DrillRunner.Kind, 100, cancellationToken), time.GetUtcNow(),
            TimeSpan.FromDays(drills.CurrentValue.MaxAgeDays)).FirstOrDefault(p => p.Store == BackupStores.Postgres);
        return new PostgresFacts(pg.Container.Host, pg.Container.Id, pg.Container.Name, details.Image, versionNum / 10000, version,
            mount.Destination, isVolume ? mount.Name! : mount.Source, isVolume, free, databases, extensions,
            choice.Secondaries.Select(s => s.Label).ToList(), await ProbeAsync(engine, targetImage, versionNum / 10000, cancellationToken), proof);
    }

    /// <summary>The target image's PostgreSQL, from a container that only sleeps and is removed at once.</summary>
    public static async Task<TargetImageFacts> ProbeAsync(IContainerEngine engine, string image, int oldMajor, CancellationToken cancellationToken)
    {
        string id;
        try
        {
            id = await engine.CreateContainerAsync(new ContainerSpec
            {
                Image = image,
                Name = $"kc-upgrade-probe-{Guid.NewGuid().ToString("N")[..8]}",
                Entrypoint = ["sh", "-c", "sleep 300"],
                Cmd = [],
                User = "0",
                Labels = new Dictionary<string, string> { [ProbeLabel] = "1" },
                RestartPolicy = "no",
            }, cancellationToken);
        }
        catch (DockerException ex)
        {
            return new TargetImageFacts(image, null, null, false, [],
                $"{image} is not on Docker host '{engine.Name}' ({ex.Message}). The console never pulls: run 'docker pull {image}' (or docker load) there, then check again.");
        }

        try
        {
            await engine.StartContainerAsync(id, cancellationToken);
            var result = await engine.ExecAsync(id, ["sh", "-c", ProbeScript], cancellationToken);
            return ParseProbe(image, result.Stdout, oldMajor);
        }
        finally
        {
            try
            {
                await engine.RemoveContainerAsync(id, force: true, CancellationToken.None);
            }
            catch (DockerException)
            {
                // Labelled; a leftover probe only sleeps five minutes.
            }
        }
    }

    /// <summary>Reads the probe's V/B/E lines.</summary>
    public static TargetImageFacts ParseProbe(string image, string output, int oldMajor)
    {
        string? version = null;
        var bins = new List<string>();
        var extensions = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var line in Lines(output))
        {
            if (line.StartsWith("V ", StringComparison.Ordinal))
            {
                // "postgres (PostgreSQL) 17.6 (Debian 17.6-0+deb13u1)"
                version = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(w => w != "(PostgreSQL)").Skip(1).FirstOrDefault();
            }
            else if (line.StartsWith("B ", StringComparison.Ordinal))
            {
                bins.Add(line[2..]);
            }
            else if (line.StartsWith("E ", StringComparison.Ordinal))
            {
                extensions.Add(line[2..].Trim());
            }
        }

        int? major = version is not null && int.TryParse(version.Split('.')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : null;
        var hasOld = bins.Any(b => b.Contains($"/{oldMajor}/", StringComparison.Ordinal)) && bins.Count > 1;
        return new TargetImageFacts(image, major, version, hasOld, [.. extensions], null);
    }

    internal static IReadOnlyList<PgDatabase> ParseDatabases(string text) => Lines(text).Select(l => l.Split('\t'))
        .Select(p => new PgDatabase(p[0], long.Parse(p[1], CultureInfo.InvariantCulture))).ToList();

    /// <summary>Available bytes from <c>df -Pk</c>'s second line (the fourth column, in KiB).</summary>
    public static long? ParseDf(string output)
    {
        var line = Lines(output).Skip(1).FirstOrDefault();
        var cols = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return cols is { Length: >= 4 } && long.TryParse(cols[3], NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib * 1024 : null;
    }

    private static async Task<long?> FreeBytesAsync(RestoreTarget target, string path, CancellationToken cancellationToken)
    {
        try
        {
            return ParseDf(await StdinExec.TextAsync(target, ["df", "-Pk", path], [], "reading the free space", cancellationToken));
        }
        catch (RestoreStepException)
        {
            return null;
        }
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>An upgrade cannot start or go on; the message says what to do.</summary>
public sealed class UpgradeRefusedException(string message, bool conflict = false) : Exception(message)
{
    public bool Conflict { get; } = conflict;
}
