using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Topology;

/// <summary>Everything the detail panel shows about one container; the environment is already masked.</summary>
public sealed record ContainerDetailView(
    string Host,
    string Service,
    ContainerDetails Details,
    IReadOnlyList<string> MaskedEnv,
    IReadOnlyList<LogLine> LastLogs,
    string? LogError)
{
    public const int LogLines = 50;
}
