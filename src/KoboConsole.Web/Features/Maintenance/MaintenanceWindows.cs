using Dapper;
using Hangfire;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Infrastructure.Storage;

namespace KoboConsole.Web.Features.Maintenance;

/// <summary>A scheduled window: maintenance on at <see cref="Start"/>, off at <see cref="End"/>.</summary>
public sealed record MaintenanceWindow(string Id, DateTimeOffset Start, DateTimeOffset End, string Eta, string? Email, string State, string CreatedBy, string? LastError);

public sealed record WindowRequest(DateTimeOffset? Start, DateTimeOffset? End, string? Eta = null, string? Email = null);

/// <summary>
/// Windows live in the console's database; Hangfire delayed jobs (persisted, so they survive a
/// restart) open and close them. Each job checks and moves the window's state first, so a job
/// that runs twice does nothing the second time.
/// </summary>
public sealed class MaintenanceWindows(ConsoleDb db, IBackgroundJobClient jobs, AuditLog audit, TimeProvider time)
{
    public const string Scheduled = "scheduled";
    public const string Active = "active";

    /// <summary>The window, or the errors by field.</summary>
    public async Task<(MaintenanceWindow? Window, Dictionary<string, string[]> Errors)> CreateAsync(WindowRequest request, string actor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Start is not { } start)
        {
            errors["start"] = ["give the start, e.g. 2026-11-26T02:00:00Z (UTC)."];
        }
        else if (start < now.AddMinutes(-1))
        {
            errors["start"] = ["the start must not be in the past."];
        }

        if (request.End is not { } end)
        {
            errors["end"] = ["give the end, e.g. 2026-11-26T04:00:00Z (UTC)."];
        }
        else if (request.Start is { } s && end <= s)
        {
            errors["end"] = ["the end must be after the start."];
        }

        // The page's ETA can come from the window's length ("2 hours" for 02:00 to 04:00).
        var eta = request.Eta ?? (request.Start is { } a && request.End is { } b && b > a ? EtaOf(b - a) : null);
        var (fields, fieldErrors) = MaintenanceValidation.Validate(new MaintenanceRequest(eta, request.Start is { } st ? MaintenanceFields.ToDateIso(st) : null, null, request.Email), now, null);
        foreach (var (key, value) in fieldErrors.Where(e => e.Key is "eta" or "email"))
        {
            errors[key] = value;
        }

        if (errors.Count > 0 || fields is null)
        {
            return (null, errors);
        }

        var window = new MaintenanceWindow(Guid.NewGuid().ToString("N")[..12], request.Start!.Value.ToUniversalTime(), request.End!.Value.ToUniversalTime(), fields.Eta, fields.Email, Scheduled, actor, null);
        await using (var c = await db.OpenAsync(cancellationToken))
        {
            await c.ExecuteAsync(new CommandDefinition(
                "INSERT INTO maintenance_windows (id, start_at, end_at, eta, email, state, created_by, created_at) VALUES (@Id, @StartAt, @EndAt, @Eta, @Email, @State, @CreatedBy, @Now)",
                new { window.Id, StartAt = window.Start.ToUnixTimeMilliseconds(), EndAt = window.End.ToUnixTimeMilliseconds(), window.Eta, window.Email, window.State, window.CreatedBy, Now = now.ToUnixTimeMilliseconds() },
                cancellationToken: cancellationToken));
        }

        var startJob = jobs.Schedule<MaintenanceWindowJobs>(j => j.OpenAsync(window.Id, CancellationToken.None), window.Start);
        var endJob = jobs.Schedule<MaintenanceWindowJobs>(j => j.CloseAsync(window.Id, CancellationToken.None), window.End);
        await SetJobsAsync(window.Id, startJob, endJob, cancellationToken);
        await audit.WriteAsync(actor, "maintenance.window.create", window.Id, "succeeded",
            $"start={window.Start:O}; end={window.End:O}; eta={window.Eta}; email={window.Email ?? "(none)"}", null, cancellationToken);
        return (window, errors);
    }

    /// <summary>True when cancelled; false when it has already started; null when unknown.</summary>
    public async Task<bool?> CancelAsync(string id, string actor, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var row = await c.QuerySingleOrDefaultAsync<(string State, string? StartJob, string? EndJob)>(new CommandDefinition(
            "SELECT state, start_job, end_job FROM maintenance_windows WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        if (row.State is null)
        {
            return null;
        }

        var changed = await c.ExecuteAsync(new CommandDefinition(
            "UPDATE maintenance_windows SET state = 'cancelled' WHERE id = @id AND state = @Scheduled", new { id, Scheduled }, cancellationToken: cancellationToken));
        if (changed == 0)
        {
            return false;
        }

        foreach (var job in new[] { row.StartJob, row.EndJob }.OfType<string>())
        {
            jobs.Delete(job);
        }

        await audit.WriteAsync(actor, "maintenance.window.cancel", id, "succeeded", null, null, cancellationToken);
        return true;
    }

    /// <summary>Windows that are still to come or running.</summary>
    public async Task<IReadOnlyList<MaintenanceWindow>> ListOpenAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<(string Id, long StartAt, long EndAt, string Eta, string? Email, string State, string CreatedBy, string? LastError)>(new CommandDefinition(
            "SELECT id, start_at, end_at, eta, email, state, created_by, last_error FROM maintenance_windows WHERE state IN ('scheduled', 'active', 'failed') AND end_at > @now ORDER BY start_at",
            new { now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return rows.Select(r => new MaintenanceWindow(r.Id, ConsoleDb.FromUnixMs(r.StartAt), ConsoleDb.FromUnixMs(r.EndAt), r.Eta, r.Email, r.State, r.CreatedBy, r.LastError)).ToList();
    }

    /// <summary>Moves a window from one state to another; false when it was not in <paramref name="from"/> (the job ran already, or it was cancelled).</summary>
    internal async Task<bool> MoveAsync(string id, string from, string to, string? error, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await c.ExecuteAsync(new CommandDefinition(
            "UPDATE maintenance_windows SET state = @to, last_error = @error WHERE id = @id AND state = @from", new { id, from, to, error }, cancellationToken: cancellationToken)) == 1;
    }

    internal async Task<MaintenanceWindow?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await ListAllAsync(id, cancellationToken)).FirstOrDefault();

    /// <summary>"45 minutes", "1 hour", "2.5 hours": the page's ETA from the window's length.</summary>
    public static string EtaOf(TimeSpan length)
    {
        if (length.TotalMinutes < 90)
        {
            var minutes = Math.Max(1, (int)Math.Round(length.TotalMinutes));
            return minutes == 1 ? "1 minute" : $"{minutes} minutes";
        }

        var hours = Math.Round(length.TotalHours, 1);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{hours} hours");
    }

    private async Task<IEnumerable<MaintenanceWindow>> ListAllAsync(string id, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<(string Id, long StartAt, long EndAt, string Eta, string? Email, string State, string CreatedBy, string? LastError)>(new CommandDefinition(
            "SELECT id, start_at, end_at, eta, email, state, created_by, last_error FROM maintenance_windows WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return rows.Select(r => new MaintenanceWindow(r.Id, ConsoleDb.FromUnixMs(r.StartAt), ConsoleDb.FromUnixMs(r.EndAt), r.Eta, r.Email, r.State, r.CreatedBy, r.LastError));
    }

    private async Task SetJobsAsync(string id, string startJob, string endJob, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        await c.ExecuteAsync(new CommandDefinition("UPDATE maintenance_windows SET start_job = @startJob, end_job = @endJob WHERE id = @id",
            new { id, startJob, endJob }, cancellationToken: cancellationToken));
    }
}
