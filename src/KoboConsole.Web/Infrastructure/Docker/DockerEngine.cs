using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;
using Docker.DotNet;

namespace KoboConsole.Web.Infrastructure.Docker;

/// <summary>
/// <see cref="IContainerEngine"/> over Docker.DotNet for one host. The client is created on
/// first use; every call is bounded by the caller's token (Docker.DotNet's TCP connect ignores
/// tokens, so calls are raced with <c>WaitAsync</c>) and by a ping with the connect timeout.
/// </summary>
internal sealed partial class DockerEngine : IContainerEngine, IDisposable
{
    // A host that answered this recently is not pinged again before the next call.
    private static readonly TimeSpan FreshContact = TimeSpan.FromSeconds(5);

    private readonly DockerHostOptions _options;
    private readonly ILogger _logger;
    private readonly Lazy<DockerClient> _client;
    private readonly TimeSpan _connectTimeout;
    private long _lastContact;

    public DockerEngine(DockerHostOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _connectTimeout = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds);
        _client = new Lazy<DockerClient>(CreateClient, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string Name => _options.Name;

    public string Endpoint => _options.Endpoint;

    private DockerClient Client => _client.Value;

    public async Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken)
    {
        var v = await CallAsync("read the engine version", null, (c, ct) => c.System.GetVersionAsync(ct), cancellationToken);
        return new EngineInfo(v.Version ?? "", v.APIVersion ?? "", v.MinAPIVersion ?? "", v.Os ?? "", v.Arch ?? "", v.KernelVersion ?? "");
    }

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    private DockerClient CreateClient()
    {
        Credentials? credentials = _options.UsesTls ? new TlsCredentials(_options) : null;
        // No requested API version: Docker.DotNet then sends unversioned paths and the daemon
        // answers in its own version (Debian's 20.10 speaks 1.41). The library's 100 s default
        // timeout would cut long archive uploads, so requests are bounded here instead.
        var configuration = new DockerClientConfiguration(new Uri(_options.Endpoint), credentials, Timeout.InfiniteTimeSpan);
        Log.ClientCreated(_logger, Name, Endpoint);
        return configuration.CreateClient();
    }

    /// <summary>Runs one library call with reachability check, cancellation and exception translation.</summary>
    private async Task<T> CallAsync<T>(string operation, string? containerId, Func<DockerClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        await EnsureReachableAsync(cancellationToken);
        try
        {
            var result = await call(Client, cancellationToken).WaitAsync(cancellationToken);
            MarkContact();
            return result;
        }
        catch (Exception ex) when (Translate(ex, operation, containerId, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    private async Task CallAsync(string operation, string? containerId, Func<DockerClient, CancellationToken, Task> call, CancellationToken cancellationToken)
        => await CallAsync<bool>(operation, containerId, async (c, ct) =>
        {
            await call(c, ct);
            return true;
        }, cancellationToken);

    private async Task EnsureReachableAsync(CancellationToken cancellationToken)
    {
        var last = Interlocked.Read(ref _lastContact);
        if (last != 0 && Environment.TickCount64 - last < FreshContact.TotalMilliseconds)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_connectTimeout);
        try
        {
            await Client.System.PingAsync(timeout.Token).WaitAsync(timeout.Token);
            MarkContact();
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unreachable($"no answer within {_connectTimeout.TotalSeconds:0} s", ex);
        }
        catch (Exception ex) when (Translate(ex, "answer a ping", null, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    private void MarkContact() => Interlocked.Exchange(ref _lastContact, Environment.TickCount64);

    private DockerUnreachableException Unreachable(string reason, Exception? inner)
    {
        Interlocked.Exchange(ref _lastContact, 0);
        Log.HostUnreachable(_logger, Name, Endpoint, reason);
        return new DockerUnreachableException(Name, Endpoint, reason, inner);
    }

    /// <summary>Maps library and transport exceptions to ours; null leaves the exception alone.</summary>
    internal Exception? Translate(Exception ex, string operation, string? containerId, CancellationToken cancellationToken)
    {
        switch (ex)
        {
            case DockerException:
                return null;
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                return null;
            // Docker.DotNet reports every 404 of a container route as "container not found",
            // also a missing path in an archive call: only Docker's own words decide.
            case DockerContainerNotFoundException notFound when containerId is not null
                && DaemonMessage(notFound.ResponseBody).Contains("No such container", StringComparison.OrdinalIgnoreCase):
                return new ContainerNotFoundException(Name, containerId, ex);
            case DockerApiException api:
                var message = DaemonMessage(api.ResponseBody);
                Log.OperationFailed(_logger, Name, operation, (int)api.StatusCode, message);
                return new DockerOperationException(Name, operation, (int)api.StatusCode, message, ex);
            case HttpRequestException or SocketException or IOException or TimeoutException or OperationCanceledException:
                return Unreachable(Innermost(ex).Message, ex);
            case System.Security.Cryptography.CryptographicException:
                return Unreachable($"the TLS files could not be used ({ex.Message})", ex);
            case NotSupportedException or ArgumentException or InvalidOperationException or JsonException or Newtonsoft.Json.JsonException:
                Log.OperationFailed(_logger, Name, operation, null, ex.Message);
                return new DockerOperationException(Name, operation, null, ex.Message, ex);
            default:
                return null;
        }
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    private static string DaemonMessage(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return "(the daemon gave no message)";
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("message", out var m))
            {
                return m.GetString() ?? body.Trim();
            }
        }
        catch (JsonException)
        {
            // Not JSON: the body is the message.
        }

        return body.Trim();
    }
}
