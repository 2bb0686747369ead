using System.Globalization;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Backups;

/// <summary>
/// Each kobo database (<c>KPI_POSTGRES_DB</c>, <c>KC_POSTGRES_DB</c>, else every non-template
/// database) as <c>pg_dump --format=custom</c> run in the postgres container, streamed out.
/// </summary>
internal static class PostgresSource
{
    // Exact per-table counts for the manifest (pg_class.reltuples is only an estimate).
    internal const string RowCountSql =
        "SELECT n.nspname || '.' || c.relname, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text "
        + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        + "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1";

    public static async Task<IReadOnlyList<BackupItemPlan>> PlanAsync(IContainerEngine engine, ContainerDetails pg, BackupSource source, string domain, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var env = ContainerEnv.Of(pg.Env);
        var user = env.GetValueOrDefault("POSTGRES_USER") is { Length: > 0 } u ? u : "postgres";
        string[] execEnv = env.TryGetValue("POSTGRES_PASSWORD", out var password) ? [$"PGPASSWORD={password}"] : [];
        var databases = new[] { env.GetValueOrDefault("KPI_POSTGRES_DB"), env.GetValueOrDefault("KC_POSTGRES_DB") }
            .Where(d => !string.IsNullOrWhiteSpace(d)).Select(d => d!).Distinct(StringComparer.Ordinal).ToList();
        if (databases.Count == 0)
        {
            var listed = await ContainerExec.TextAsync(engine, pg.Id,
                ["psql", "-U", user, "-d", "postgres", "-At", "-c", "SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres' ORDER BY 1"],
                execEnv, "listing databases", cancellationToken);
            databases = listed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        }

        var major = env.GetValueOrDefault("PG_MAJOR") is { Length: > 0 } m ? m : await MajorAsync(engine, pg.Id, user, execEnv, cancellationToken);
        return databases.Select(db => new BackupItemPlan(
            BackupStores.Postgres, "postgres", BackupNames.Postgres(db, major, domain, at), db, major, source,
            (output, ct) => DumpAsync(engine, pg.Id, user, db, execEnv, output, ct))).ToList();
    }

    // The counts run in the snapshot's transaction while pg_dump streams from the same snapshot:
    // equal to the dump's rows whatever kobo writes meanwhile, and overlapped with the dump.
    private static async Task<ItemFacts> DumpAsync(IContainerEngine engine, string id, string user, string database, string[] env, Stream output, CancellationToken cancellationToken)
    {
        await using var snapshot = await PostgresSnapshot.ExportAsync(engine, id, user, database, env, cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var counting = snapshot.CountRowsAsync(stop.Token);
        try
        {
            await ContainerExec.StreamAsync(engine, id, new ExecSpec
            {
                Cmd = ["pg_dump", "--format=custom", $"--snapshot={snapshot.Id}", "-U", user, "-d", database],
                Env = env,
                BulkOutput = true,
            }, output, $"pg_dump of {database}", cancellationToken);
        }
        catch
        {
            await stop.CancelAsync();
            await ((Task)counting).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        return new ItemFacts(await counting);
    }

    internal static async Task<IReadOnlyDictionary<string, long>> RowCountsAsync(IContainerEngine engine, string id, string user, string database, IReadOnlyList<string> env, CancellationToken cancellationToken)
    {
        var text = await ContainerExec.TextAsync(engine, id, ["psql", "-U", user, "-d", database, "-At", "-F", "\t", "-c", RowCountSql], env,
            $"counting the rows of {database}", cancellationToken);
        return ParseCounts(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary><c>table\tcount</c> lines as psql prints <see cref="RowCountSql"/>'s rows.</summary>
    internal static IReadOnlyDictionary<string, long> ParseCounts(IEnumerable<string> lines)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var parts = line.Split('\t');
            if (parts.Length == 2 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                counts[parts[0]] = n;
            }
        }

        return counts;
    }

    private static async Task<string> MajorAsync(IContainerEngine engine, string id, string user, string[] env, CancellationToken cancellationToken)
    {
        var num = await ContainerExec.TextAsync(engine, id, ["psql", "-U", user, "-d", "postgres", "-At", "-c", "SHOW server_version_num"], env,
            "asking PostgreSQL for its version", cancellationToken);
        return int.TryParse(num.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? (v / 10000).ToString(CultureInfo.InvariantCulture) : "unknown";
    }
}
