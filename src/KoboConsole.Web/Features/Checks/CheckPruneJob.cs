using Hangfire;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Checks;

/// <summary>
/// Daily: deletes state changes older than <c>KoboConsole:Checks:RetentionDays</c> (each check's
/// newest stays), alert deliveries as old, and free-space samples older than <c>ForecastDays</c> (those of targets no longer
/// checked; the others are trimmed as they are written). Safe to run twice.
/// </summary>
public sealed class CheckPruneJob(CheckStore store, CapacitySamples samples, Alerts.AlertDeliveries deliveries, Alerts.AlertTracks tracks, IOptionsMonitor<ChecksOptions> options, TimeProvider time, ILogger<CheckPruneJob> logger)
{
    public const string JobId = "checks-prune";

    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Prune check history")]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var days = options.CurrentValue.RetentionDays;
        var count = await store.PruneAsync(time.GetUtcNow().AddDays(-days), cancellationToken);
        Log.Pruned(logger, count, days);
        await deliveries.PruneAsync(time.GetUtcNow().AddDays(-days), cancellationToken);
        await tracks.PruneAsync(cancellationToken);
        await samples.PruneAsync(time.GetUtcNow().AddDays(-options.CurrentValue.ForecastDays), cancellationToken);
    }
}

/// <summary>Registers the daily prune with Hangfire when the console starts.</summary>
internal sealed class ChecksStartup(IRecurringJobManager recurring) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<CheckPruneJob>(CheckPruneJob.JobId, j => j.RunAsync(CancellationToken.None), Cron.Daily(3, 17));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
