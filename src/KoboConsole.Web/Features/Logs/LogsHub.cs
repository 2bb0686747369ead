using Microsoft.AspNetCore.SignalR;

namespace KoboConsole.Web.Features.Logs;

/// <summary>
/// The live-log hub at /hubs/logs (viewer). Mapped and guarded now so every route's login
/// rule is tested from the start; its StreamLogs method arrives with the live-logs issue.
/// </summary>
public sealed class LogsHub : Hub;
