using System.Net.Http.Json;
using KoboConsole.IntegrationTests.Docker;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Logs;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.AspNetCore.SignalR.Client;

namespace KoboConsole.IntegrationTests.Logs;

/// <summary>
/// Busybox containers labelled as services of a kobo install with a prefix of their own, and the
/// real console (on a real port, so SignalR uses a WebSocket) limited to that prefix.
/// </summary>
public abstract class LogsTestBase(DockerFixture fixture) : DockerTestBase(fixture)
{
    protected string Prefix { get; } = "lg" + Guid.NewGuid().ToString("N")[..8];

    protected async Task<string> RunServiceAsync(string service, string script, bool tty = false)
    {
        var labels = new Dictionary<string, string>
        {
            ["com.docker.compose.project"] = $"{Prefix}-kobofe",
            ["com.docker.compose.service"] = service,
            ["com.docker.compose.oneoff"] = "False",
        };
        var id = await CreateAsync(new ContainerSpec
        {
            Image = DockerFixture.Image,
            Name = $"{Prefix}-kobofe-{service}-1",
            Cmd = ["sh", "-c", script],
            Tty = tty,
            Labels = labels,
        });
        await Engine.StartContainerAsync(id, Timeout);
        return id;
    }

    protected ConsoleAppFactory NewApp(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?> { ["KoboConsole:Stack:Prefix"] = Prefix };
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }

        var app = new ConsoleAppFactory(settings, realPort: true);
        app.StartRealServer();
        return app;
    }

    protected static async Task<HubConnection> ConnectAsync(ConsoleAppFactory app, CancellationToken cancellationToken)
    {
        var token = await TokenAsync(app, cancellationToken);
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(app.ServerAddress!, "/hubs/logs"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        await hub.StartAsync(cancellationToken);
        return hub;
    }

    internal static async Task<string> TokenAsync(ConsoleAppFactory app, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = app.ServerAddress };
        using var response = await http.PostAsJsonAsync("/api/v1/tokens", new { username = ConsoleAppFactory.AdminUser, password = ConsoleAppFactory.AdminPassword, name = "logs test" }, cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<Dictionary<string, string>>(cancellationToken);
        return body!["token"];
    }

    /// <summary>Reads batches until <paramref name="done"/> says so (then the stream is cancelled).</summary>
    protected static async Task<List<LogItem>> CollectAsync(HubConnection hub, LogStreamRequest request, Func<List<LogItem>, bool> done, CancellationToken cancellationToken, List<int>? batchSizes = null)
    {
        var items = new List<LogItem>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await foreach (var batch in hub.StreamAsync<List<LogItem>>("StreamLogs", request, stop.Token))
        {
            batchSizes?.Add(batch.Count);
            items.AddRange(batch);
            if (done(items))
            {
                await stop.CancelAsync();
                break;
            }
        }

        return items;
    }

    protected static List<LogItem> Lines(IEnumerable<LogItem> items) => items.Where(i => !i.IsMarker).ToList();
}

/// <summary>The token helper for tests outside the Docker collection.</summary>
internal static class LogsTestBaseAccess
{
    public static Task<string> TokenAsync(ConsoleAppFactory app, CancellationToken cancellationToken) => LogsTestBase.TokenAsync(app, cancellationToken);
}
