using KoboConsole.Web.Features.Maintenance;

namespace KoboConsole.Web.Features.Checks;

/// <summary>
/// Which service checks maintenance explains. A running maintenance window mutes every service
/// check (the admin planned the outage); the maintenance page alone mutes what it turns off:
/// the site through nginx and the nginx and maintenance containers. Data checks are never muted.
/// </summary>
public static class Muting
{
    private static readonly HashSet<string> PageServices = new(StringComparer.Ordinal) { "nginx", "maintenance" };

    /// <param name="maintenanceState">The maintenance status's state (<c>on</c>, <c>off</c>, <c>switching</c>, ...); null when unknown.</param>
    /// <param name="service">The kobo service the check is about (the container's, or nginx for HTTP checks); null for data checks.</param>
    public static string? Reason(CheckResult result, string? service, string? maintenanceState, IReadOnlyList<MaintenanceWindow> windows, DateTimeOffset now)
    {
        if (!CheckKinds.IsService(result.Check))
        {
            return null;
        }

        if (windows.FirstOrDefault(w => w.State is MaintenanceWindows.Active or MaintenanceWindows.Scheduled && w.Start <= now && now < w.End) is { } window)
        {
            return $"maintenance window {window.Id} ({window.Start:yyyy-MM-dd HH:mm} to {window.End:HH:mm} UTC)";
        }

        var explained = result.Check == CheckKinds.Http || (service is not null && PageServices.Contains(service));
        return maintenanceState is "on" or "switching" && explained ? $"the maintenance page is {maintenanceState}" : null;
    }
}
