using Hangfire;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Drills;
using KoboConsole.Web.Features.Restores;
using KoboConsole.Web.Features.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Runs;

/// <summary>
/// A job whose runner throws before it could finish its run (here: a request in the database that
/// no longer parses) used to leave the run queued for ever, with nothing to end it. Through the real
/// Hangfire server of the app, each kind's run now ends failed, says why, and is audited.
/// </summary>
public sealed class StrandedRunTests
{
    [Theory]
    [InlineData(BackupRunner.Kind)]
    [InlineData(RestoreRunner.Kind)]
    [InlineData(DrillRunner.Kind)]
    public async Task Job_RunnerThrowsBeforeTheRunStarts_RunFailedWithTheReasonAndAudited(string kind)
    {
        await using var app = new ConsoleAppFactory();
        var runs = app.Services.GetRequiredService<RunStore>();
        var runId = await runs.CreateAsync(kind, "admin", "{not json", CancellationToken.None);
        var jobs = app.Services.GetRequiredService<IBackgroundJobClient>();
        _ = kind switch
        {
            BackupRunner.Kind => jobs.Enqueue<BackupJob>(j => j.RunAsync(runId, CancellationToken.None)),
            RestoreRunner.Kind => jobs.Enqueue<RestoreJob>(j => j.RunAsync(runId, CancellationToken.None)),
            _ => jobs.Enqueue<DrillJob>(j => j.RunAsync(runId, CancellationToken.None)),
        };

        // The run is marked failed first, then its log line, clean-up and audit entry follow: wait
        // for the last of them (under load the state is seen well before the rest is written).
        var auditLog = app.Services.GetRequiredService<AuditLog>();
        var query = new AuditQuery { Action = kind + ".run" };
        var audit = await auditLog.QueryAsync(query, CancellationToken.None);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (audit.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            audit = await auditLog.QueryAsync(query, CancellationToken.None);
        }

        var run = await runs.GetAsync(runId, CancellationToken.None);
        Assert.NotNull(run);
        Assert.Equal(RunStates.Failed, run.State);
        Assert.Contains("stopped on an unexpected error (JsonException", run.Error, StringComparison.Ordinal);
        Assert.Contains(run.Log, l => l.Contains("Run failed: stopped on an unexpected error", StringComparison.Ordinal));
        var entry = Assert.Single(audit);
        Assert.Equal(("system", RunStates.Failed), (entry.Actor, entry.Outcome));
        Assert.Contains(runId, entry.Target, StringComparison.Ordinal);
    }
}
