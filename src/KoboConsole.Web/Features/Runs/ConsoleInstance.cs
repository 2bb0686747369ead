namespace KoboConsole.Web.Features.Runs;

/// <summary>
/// This console process among the instances sharing one database: owns the runs it starts and
/// heartbeats them (<see cref="RunHeartbeat"/>), so the others can tell its runs from orphans.
/// </summary>
public sealed class ConsoleInstance
{
    public string Id { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";
}
