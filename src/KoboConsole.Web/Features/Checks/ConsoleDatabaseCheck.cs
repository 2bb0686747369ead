using System.Data.Common;
using System.Diagnostics;
using Dapper;
using Hangfire;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Checks;

/// <summary>What one look at the console's database found (null where it could not be read).</summary>
public sealed record DatabaseReading(string Provider, string Where, string? Error, TimeSpan? Answer, long? HangfireServers, string? HangfireError, double? UsedPercent);

/// <summary>
/// The console's own database (<c>console:database</c>): it answers <c>SELECT 1</c> in time, the
/// Hangfire storage in it (or beside it) answers and has a live server, and in SQLite mode the
/// data directory's filesystem has room. Runs with the service checks; while the database is
/// away the engine alerts from memory and stores the outage when it is back.
/// </summary>
public sealed class ConsoleDatabaseCheck(ConsoleDb db, JobStorage jobs, TimeProvider time)
{
    public const string Target = "database";

    /// <summary>Hangfire's server registers itself a moment after the console starts: no server before then is not a problem.</summary>
    private static readonly TimeSpan ServerGrace = TimeSpan.FromMinutes(2);
    private readonly DateTimeOffset _started = time.GetUtcNow();
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(1);

    /// <summary>The check's result, and whether the database answered at all (if not, nothing can be stored).</summary>
    public async Task<(CheckResult Result, bool Reachable)> RunAsync(ChecksOptions o, CancellationToken cancellationToken)
    {
        var where = db.Describe();
        string? error = null;
        TimeSpan? answer = null;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(Timeout);
            var watch = Stopwatch.StartNew();
            try
            {
                await using var c = await db.OpenAsync(timeout.Token);
                await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT 1", cancellationToken: timeout.Token));
                answer = watch.Elapsed;
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException or IOException
                || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                error = ex is OperationCanceledException ? $"no answer within {Timeout.TotalSeconds:0} s" : ex.Message;
            }
        }

        long? servers = null;
        string? hangfireError = null;
        if (error is null)
        {
            try
            {
                var count = jobs.GetMonitoringApi().Servers().Count;
                servers = count == 0 && time.GetUtcNow() - _started < ServerGrace ? null : count;
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException or IOException)
            {
                hangfireError = ex.Message;
            }
        }

        double? used = null;
        if (db.Provider == StorageProvider.Sqlite)
        {
            var drive = new DriveInfo(db.DataDirectory);
            used = drive.TotalSize > 0 ? 100.0 * (drive.TotalSize - drive.AvailableFreeSpace) / drive.TotalSize : null;
        }

        return (Evaluate(new DatabaseReading(db.Provider == StorageProvider.Sqlite ? "SQLite" : "PostgreSQL", where, error, answer, servers, hangfireError, used), o), error is null);
    }

    public static CheckResult Evaluate(DatabaseReading r, ChecksOptions o)
    {
        CheckResult Result(string state, string message) => new(CheckKinds.Console, Target, state, message);
        if (r.Error is { } error)
        {
            return Result(CheckStates.Failing, $"The console's database ({r.Where}) does not answer: {error}. Nothing the console does can be stored or audited, and checks are not recorded: "
                + (r.Provider == "SQLite" ? "check the data directory's volume and its permissions." : "check that the PostgreSQL server runs and KoboConsole:Storage:ConnectionString points at it."));
        }

        if (r.HangfireError is { } hangfire)
        {
            return Result(CheckStates.Failing, $"The job storage in the console's database ({r.Where}) cannot be read: {hangfire}. Backups, drills and schedules do not run: read the console's log and restart it.");
        }

        if (r.UsedPercent is { } used && used >= o.DiskFailingPercent)
        {
            return Result(CheckStates.Failing, $"The filesystem of the console's database ({r.Where}) is {used:0} % full: when it is full the console can store nothing. Free space or move KoboConsole:Storage:DataDirectory.");
        }

        if (r.HangfireServers == 0)
        {
            return Result(CheckStates.Warning, $"The console's database ({r.Where}) answers, but no job server is registered in it: scheduled backups and drills do not start. Restart the console.");
        }

        if (r.UsedPercent is { } near && near >= o.DiskWarningPercent)
        {
            return Result(CheckStates.Warning, $"The filesystem of the console's database ({r.Where}) is {near:0} % full. Free space before it fills.");
        }

        var took = r.Answer ?? TimeSpan.Zero;
        return took >= Slow
            ? Result(CheckStates.Warning, $"The console's database ({r.Where}) took {took.TotalMilliseconds:0} ms to answer SELECT 1: pages and jobs are slow. Look at the database server's load.")
            : Result(CheckStates.Ok, $"The console's database ({r.Where}) answers in {took.TotalMilliseconds:0} ms; "
                + (r.HangfireServers is { } n ? $"its job storage has {n} server(s)." : "its job storage answers."));
    }
}
