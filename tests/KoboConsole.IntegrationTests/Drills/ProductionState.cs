using System.Security.Cryptography;
using KoboConsole.IntegrationTests.Backups;

namespace KoboConsole.IntegrationTests.Drills;

/// <summary>
/// What a drill must never change in production: each container's id, state, start time and
/// restart count; PostgreSQL's row counts per table in both databases; the SHA-256 of every file
/// in the Redis, MongoDB and media volumes (bind mounts on this machine).
/// </summary>
internal sealed record ProductionState(string Containers, string Rows, string Files)
{
    private const string RowCountSql =
        "SELECT string_agg(n.nspname || '.' || c.relname || '=' || (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text, ',' ORDER BY 1) "
        + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')";

    private static readonly string[] Volumes = [".vols/redis_main_data", ".vols/mongo", ".vols/kpi_media", ".vols/kobocat_media_uploads"];

    public static async Task<ProductionState> CaptureAsync(BackupHarness h)
    {
        var names = h.Stack.Containers.Values.Order(StringComparer.Ordinal).ToArray();
        var inspect = await BackupHarness.DockerAsync(["inspect", "--format", "{{.Name}} {{.Id}} {{.State.Status}} {{.State.StartedAt}} {{.RestartCount}}", .. names]);
        Assert.True(inspect.ExitCode == 0, inspect.StdErr);
        var rows = $"{await h.PsqlAsync(h.Stack.Values["kpi_db"], RowCountSql)} | {await h.PsqlAsync(h.Stack.Values["kc_db"], RowCountSql)}";
        var files = new List<string>();
        foreach (var volume in Volumes)
        {
            var root = Path.Combine(h.KoboDockerDir, volume);
            foreach (var file in Directory.GetFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                files.Add($"{Path.GetRelativePath(h.KoboDockerDir, file)} {Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(file)))}");
            }
        }

        Assert.Contains(files, f => f.StartsWith(".vols/redis_main_data/enketo-main.rdb", StringComparison.Ordinal));
        Assert.Contains(files, f => f.StartsWith(".vols/mongo/", StringComparison.Ordinal));
        return new ProductionState(inspect.StdOut.Trim(), rows, string.Join('\n', files));
    }
}
