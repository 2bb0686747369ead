namespace KoboConsole.Web.Features.Maintenance;

public sealed record HostMaintenanceState(string Name, string State);

/// <summary>What the containers say right now (never a flag file).</summary>
public sealed record MaintenanceStatus(
    string State,
    MaintenanceFields? Fields,
    DateTimeOffset? Since,
    IReadOnlyList<HostMaintenanceState> Hosts,
    string? Problem,
    string? SwitchingBy)
{
    /// <summary>A sentence for the admin: what the public sees and what to do.</summary>
    public string Explanation => State switch
    {
        "off" => "nginx is serving the site.",
        "on" => "The maintenance page is served" + (Fields is null ? "." : $" (ETA {Fields.Eta}, since {Fields.DateStr})."),
        "switching" => $"A toggle is in progress by {SwitchingBy}.",
        "conflict" => "nginx and a maintenance container run at the same time (or hosts disagree): turn maintenance on or off to settle it.",
        _ => Problem ?? "Neither nginx nor the maintenance page is running: the site is dark. Use \"Restore nginx\".",
    };
}

/// <summary>The result of a toggle that changed nothing because it could not start.</summary>
public sealed class MaintenanceRefusedException(string message, bool busy) : Exception(message)
{
    /// <summary>True when another toggle holds the lock (HTTP 409).</summary>
    public bool Busy { get; } = busy;
}
