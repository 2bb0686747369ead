using Microsoft.AspNetCore.SignalR;

namespace KoboConsole.Web.Features.Logs;

/// <summary>
/// The live-log hub at /hubs/logs (viewer, mapped in Program.cs). <c>StreamLogs</c> streams
/// batches: each message is a JSON array of items (contract v1, Logs).
/// </summary>
public sealed class LogsHub(LogStreamService logs) : Hub
{
    public async Task<IAsyncEnumerable<IReadOnlyList<LogItem>>> StreamLogs(LogStreamRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var prepared = await logs.PrepareAsync(request, cancellationToken);
            return logs.StreamAsync(prepared, cancellationToken);
        }
        catch (LogRequestException ex)
        {
            // HubException is the one kind whose message reaches the client.
            throw new HubException(ex.Message);
        }
        catch (Infrastructure.Docker.DockerException ex)
        {
            throw new HubException($"{ex.Message} Check the host on the overview page and try again.");
        }
    }
}
