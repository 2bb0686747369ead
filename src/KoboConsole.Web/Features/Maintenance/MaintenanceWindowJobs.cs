using Hangfire;

namespace KoboConsole.Web.Features.Maintenance;

/// <summary>
/// The Hangfire jobs of a window. Each moves the window's state before acting, so a job that runs
/// twice (or after a cancel) does nothing; a toggle held by someone else is retried a few times.
/// </summary>
public sealed class MaintenanceWindowJobs(MaintenanceWindows windows, MaintenanceService maintenance, TimeProvider time)
{
    [AutomaticRetry(Attempts = 3, DelaysInSeconds = [20, 60, 120], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task OpenAsync(string id, CancellationToken cancellationToken)
    {
        var window = await windows.GetAsync(id, cancellationToken);
        if (window is null || window.State != MaintenanceWindows.Scheduled)
        {
            return;
        }

        if (time.GetUtcNow() >= window.End)
        {
            // The console was down through the whole window: opening it now would never close.
            await windows.MoveAsync(id, MaintenanceWindows.Scheduled, "missed", "the console was not running during the window", cancellationToken);
            return;
        }

        if (!await windows.MoveAsync(id, MaintenanceWindows.Scheduled, MaintenanceWindows.Active, null, cancellationToken))
        {
            return;
        }

        try
        {
            var fields = new MaintenanceFields(window.Eta, MaintenanceFields.ToDateIso(window.Start), MaintenanceFields.ToDateStr(window.Start), window.Email);
            await maintenance.EnableAsync(fields, $"window {id} (by {window.CreatedBy})", cancellationToken);
        }
        catch (MaintenanceRefusedException ex) when (ex.Busy)
        {
            // Someone is toggling right now: back to scheduled so Hangfire's retry can open it.
            await windows.MoveAsync(id, MaintenanceWindows.Active, MaintenanceWindows.Scheduled, ex.Message, CancellationToken.None);
            throw;
        }
        catch (Exception ex) when (ex is MaintenanceRefusedException or MaintenanceSwitchException)
        {
            await windows.MoveAsync(id, MaintenanceWindows.Active, "failed", ex.Message, CancellationToken.None);
            throw;
        }
    }

    [AutomaticRetry(Attempts = 3, DelaysInSeconds = [20, 60, 120], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task CloseAsync(string id, CancellationToken cancellationToken)
    {
        var window = await windows.GetAsync(id, cancellationToken);
        if (window is null || !await windows.MoveAsync(id, MaintenanceWindows.Active, "closing", null, cancellationToken))
        {
            return;
        }

        try
        {
            await maintenance.DisableAsync($"window {id} (by {window.CreatedBy})", cancellationToken);
            await windows.MoveAsync(id, "closing", "done", null, CancellationToken.None);
        }
        catch (Exception ex) when (ex is MaintenanceRefusedException or MaintenanceSwitchException)
        {
            // Still active: a retry closes it, and the page shows why it has not yet.
            await windows.MoveAsync(id, "closing", MaintenanceWindows.Active, ex.Message, CancellationToken.None);
            throw;
        }
    }
}
