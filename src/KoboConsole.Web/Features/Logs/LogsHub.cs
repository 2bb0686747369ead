using System.Runtime.CompilerServices;
using System.Text.Json;
using KoboConsole.Web.Features.Auth;
using KoboConsole.Web.Infrastructure.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Logs;

/// <summary>
/// The live-log hub at /hubs/logs (viewer, mapped in Program.cs). <c>StreamLogs</c> streams
/// batches: each message is a JSON array of items (contract v1, Logs). The request is read like an
/// API body (unknown fields and a negative tail refused with the REST messages); streams are
/// limited per user and per console (<see cref="LogStreamLimits"/>); a connection ends when its
/// token is revoked or its user disabled or changed (<see cref="LiveSessions"/>).
/// </summary>
public sealed class LogsHub(LogStreamService logs, LiveSessions sessions, LogStreamLimits limits, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : Hub
{
    private const string SessionKey = "kc:session";

    public override async Task OnConnectedAsync()
    {
        Context.Items[SessionKey] = sessions.Track(Context.User!, Context.Abort);
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        (Context.Items[SessionKey] as IDisposable)?.Dispose();
        await base.OnDisconnectedAsync(exception);
    }

    public async Task<IAsyncEnumerable<IReadOnlyList<LogItem>>> StreamLogs(JsonElement request, CancellationToken cancellationToken)
    {
        var parsed = Read(request, json.Value.SerializerOptions);
        var slot = limits.TryAcquire(Context.UserIdentifier ?? Context.User?.Identity?.Name ?? Context.ConnectionId, out var refusal)
            ?? throw new HubException(refusal);
        try
        {
            var prepared = await logs.PrepareAsync(parsed, cancellationToken);
            return Hold(slot, logs.StreamAsync(prepared, cancellationToken), cancellationToken);
        }
        catch (LogRequestException ex)
        {
            slot.Dispose();
            // HubException is the one kind whose message reaches the client.
            throw new HubException(ex.Message);
        }
        catch (Infrastructure.Docker.DockerException ex)
        {
            slot.Dispose();
            throw new HubException($"{ex.Message} Check the host on the overview page and try again.");
        }
        catch
        {
            slot.Dispose();
            throw;
        }
    }

    /// <summary>The request as the API reads bodies: unknown fields and wrong types named, a negative tail refused.</summary>
    internal static LogStreamRequest Read(JsonElement request, JsonSerializerOptions options)
    {
        if (request.ValueKind != JsonValueKind.Object)
        {
            throw new HubException("The request could not be read: send an object such as { \"containers\": [\"kobofe-nginx-1\"], \"tail\": 100 }.");
        }

        LogStreamRequest parsed;
        try
        {
            parsed = request.Deserialize<LogStreamRequest>(options)!;
        }
        catch (JsonException ex)
        {
            throw new HubException($"The request could not be read: {BadRequestHandler.Describe(ex)}");
        }

        return parsed.Tail is < 0 ? throw new HubException($"Some parameters are invalid: tail {LogStreamRequest.TailRule}") : parsed;
    }

    private static async IAsyncEnumerable<IReadOnlyList<LogItem>> Hold(IDisposable slot, IAsyncEnumerable<IReadOnlyList<LogItem>> stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (slot)
        {
            await foreach (var batch in stream.WithCancellation(cancellationToken))
            {
                yield return batch;
            }
        }
    }
}
