using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Restores.Stores;

/// <summary>
/// A <c>pg_dump --format=custom</c> archive streamed into <c>pg_restore</c>'s stdin in a
/// PostgreSQL container, and the check that every table holds the rows the manifest counted.
/// </summary>
public static class PostgresRestore
{
    /// <summary>The superuser and the exec environment (password) taken from the container's own environment.</summary>
    public sealed record Login(string User, IReadOnlyList<string> Env)
    {
        public static Login Of(ContainerDetails pg)
        {
            var env = ContainerEnv.Of(pg.Env);
            var user = env.GetValueOrDefault("POSTGRES_USER") is { Length: > 0 } u ? u : "postgres";
            return new Login(user, env.TryGetValue("POSTGRES_PASSWORD", out var password) ? [$"PGPASSWORD={password}"] : []);
        }
    }

    /// <summary>
    /// The flags kobo documents plus <c>--single-transaction --exit-on-error</c>: a dump that cannot
    /// be restored leaves the database as it was instead of half-restored.
    /// </summary>
    public static IReadOnlyList<string> Command(string user, string database) =>
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error", "-U", user, "-d", database];

    /// <summary>
    /// One inspection of the container before and one after (inside <see cref="StdinExec"/>): the
    /// database lookup runs between them without checks of its own, because a restart during it is
    /// caught by the final comparison with the same first inspection.
    /// </summary>
    public static async Task<StoreRestoreResult> RestoreAsync(RestoreTarget target, string database, Stream dump, CancellationToken cancellationToken)
    {
        var pg = await StdinExec.InspectRunningAsync(target, $"restoring {database}", cancellationToken);
        var login = Login.Of(pg);
        await EnsureDatabaseAsync(target, login, database, cancellationToken);
        var counting = dump as BackupStream;
        var before = counting?.BytesRead ?? 0;
        try
        {
            await StdinExec.RunAsync(target, pg, new ExecSpec { Cmd = Command(login.User, database), Env = login.Env }, dump, $"pg_restore into {database}", cancellationToken);
        }
        catch (ExecCancelledException ex) when (ex.ExitCode is { } code)
        {
            throw new ExecCancelledException(ex.Message + (code == 0
                ? $" It had already applied the whole dump: {database} holds the backup's data, not verified."
                : $" pg_restore runs as one transaction, which was rolled back: {database} is as it was before this restore."), code);
        }

        var bytes = counting is null ? 0 : counting.BytesRead - before;
        return new StoreRestoreResult(bytes, $"pg_restore into {database} on {pg.Name} finished with exit code 0.");
    }

    /// <summary>Creates <paramref name="database"/> when it does not exist (a drill's empty container, a renamed database).</summary>
    public static async Task EnsureDatabaseAsync(RestoreTarget target, Login login, string database, CancellationToken cancellationToken)
    {
        var names = await StdinExec.UncheckedTextAsync(target, ["psql", "-U", login.User, "-d", "postgres", "-At", "-c", "SELECT datname FROM pg_database"],
            login.Env, $"looking for database {database}", cancellationToken);
        if (!names.Split('\n', StringSplitOptions.TrimEntries).Contains(database, StringComparer.Ordinal))
        {
            // createdb quotes the name itself; no SQL is built from it here.
            await StdinExec.UncheckedTextAsync(target, ["createdb", "-U", login.User, database], login.Env, $"creating database {database}", cancellationToken);
        }
    }

    /// <summary>Exact row counts per table, as the backup side counts them.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> RowCountsAsync(RestoreTarget target, string database, CancellationToken cancellationToken)
    {
        var pg = await StdinExec.InspectRunningAsync(target, $"counting the rows of {database}", cancellationToken);
        var login = Login.Of(pg);
        try
        {
            return await PostgresSource.RowCountsAsync(target.Engine, target.ContainerId, login.User, database, login.Env, cancellationToken);
        }
        catch (BackupItemException ex)
        {
            throw new RestoreStepException(ex.Message, ex);
        }
    }

    /// <summary>Every table the manifest counted holds the same number of rows (and no table is missing).</summary>
    public static async Task<StoreVerification> VerifyAsync(RestoreTarget target, string database, IReadOnlyDictionary<string, long>? expected, CancellationToken cancellationToken)
    {
        var actual = await RowCountsAsync(target, database, cancellationToken);
        return Compare(database, expected, actual);
    }

    public static StoreVerification Compare(string database, IReadOnlyDictionary<string, long>? expected, IReadOnlyDictionary<string, long> actual)
    {
        if (expected is null)
        {
            return actual.Count > 0
                ? StoreVerification.Pass($"{database}: {actual.Count} tables, {actual.Values.Sum()} rows (no manifest counts to compare: a kobo-made backup).")
                : StoreVerification.Fail($"{database}: no tables after the restore and no manifest to compare with; the dump restored nothing.");
        }

        var wrong = expected
            .Where(e => !actual.TryGetValue(e.Key, out var n) || n != e.Value)
            .Select(e => actual.TryGetValue(e.Key, out var n) ? $"{e.Key} has {n} rows, expected {e.Value}" : $"{e.Key} is missing (expected {e.Value} rows)")
            .ToList();
        if (wrong.Count > 0)
        {
            return StoreVerification.Fail($"{database}: {wrong.Count} of {expected.Count} tables differ from the manifest: {string.Join("; ", wrong.Take(5))}{(wrong.Count > 5 ? "; …" : "")}");
        }

        return StoreVerification.Pass($"{database}: all {expected.Count} tables hold the manifest's row counts ({expected.Values.Sum()} rows).");
    }
}
