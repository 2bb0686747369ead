using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace KoboConsole.IntegrationTests.Logs;

/// <summary>
/// A SignalR client written by hand over <see cref="ClientWebSocket"/> (JSON protocol, no
/// negotiation), so a test can do what the official client never does: stop reading while the
/// server keeps streaming. Pings keep flowing meanwhile, as from a slow but live client.
/// </summary>
internal sealed class RawHubClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly ClientWebSocket _socket = new();
    private readonly HttpMessageInvoker _invoker = new(new SocketsHttpHandler { ConnectCallback = ConnectSmallWindowAsync });
    private readonly List<byte> _pending = [];
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task? _pinger;

    public static async Task<RawHubClient> ConnectAsync(Uri server, string path, string token, CancellationToken cancellationToken)
    {
        var client = new RawHubClient();
        client._socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        var ws = new UriBuilder(server) { Scheme = server.Scheme == "https" ? "wss" : "ws", Path = path }.Uri;
        await client._socket.ConnectAsync(ws, client._invoker, cancellationToken);
        await client.SendAsync("""{"protocol":"json","version":1}""", cancellationToken);
        var handshake = await client.ReceiveMessageAsync(cancellationToken);
        if (handshake.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException("handshake refused: " + error.GetString());
        }

        client._pinger = client.PingAsync(client._stop.Token);
        return client;
    }

    /// <summary>Starts a server-to-client stream (message type 4).</summary>
    public Task StartStreamAsync(string invocationId, string target, object argument, CancellationToken cancellationToken) =>
        SendAsync(JsonSerializer.Serialize(new { type = 4, invocationId, target, arguments = new[] { argument } }, JsonSerializerOptions.Web), cancellationToken);

    /// <summary>The next message that is not a ping.</summary>
    public async Task<JsonElement> ReceiveMessageAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var separator = _pending.IndexOf((byte)RecordSeparator);
            if (separator >= 0)
            {
                var json = Encoding.UTF8.GetString([.. _pending.GetRange(0, separator)]);
                _pending.RemoveRange(0, separator + 1);
                var message = JsonDocument.Parse(json).RootElement.Clone();
                if (message.TryGetProperty("type", out var type) && type.GetInt32() == 6)
                {
                    continue;
                }

                return message;
            }

            var buffer = new byte[16 * 1024];
            var result = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"the server closed the connection: {result.CloseStatus} {result.CloseStatusDescription}");
            }

            _pending.AddRange(buffer.AsSpan(0, result.Count));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_pinger is not null)
        {
            await _pinger;
        }

        _socket.Abort();
        _socket.Dispose();
        _invoker.Dispose();
        _send.Dispose();
        _stop.Dispose();
    }

    private async Task SendAsync(string json, CancellationToken cancellationToken)
    {
        await _send.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(json + RecordSeparator), WebSocketMessageType.Text, true, cancellationToken);
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>
    /// A fixed 16 KiB receive buffer, as on a slow link: Linux would otherwise grow a loopback
    /// socket's buffer to tcp_rmem's maximum (32 MiB here), which alone swallows a whole flood.
    /// </summary>
    private static async ValueTask<Stream> ConnectSmallWindowAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 16 * 1024 };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // The server closes connections it has heard nothing from for 30 s.
    private async Task PingAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), stop);
                await SendAsync("""{"type":6}""", stop);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // Stopped, or the socket is gone.
        }
    }
}
