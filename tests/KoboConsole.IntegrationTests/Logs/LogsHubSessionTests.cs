using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using KoboConsole.IntegrationTests.Docker;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Auth;
using KoboConsole.Web.Features.Logs;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Logs;

/// <summary>
/// Issue 21: a live follow opened with an API token ends within seconds when the token is revoked,
/// its user disabled or given another role (it used to stream on for as long as it was open), also
/// when the change is made where this instance is not told (the periodic re-check); streams are
/// limited per user and per console; a regex that costs too much ends its stream; the request is
/// read like an API body. A real SignalR client against the real console and a ticking container.
/// </summary>
public sealed class LogsHubSessionTests(DockerFixture fixture) : LogsTestBase(fixture)
{
    private static readonly TimeSpan Seconds = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task StreamLogs_TokenRevoked_StreamEndsWithinSeconds()
    {
        var (app, admin, viewer, container) = await StartAsync();
        await using var owned = app;
        await using var hub = await ConnectAsync(app, viewer.Token);

        var elapsed = await TimeToEndAsync(hub, container, () => admin.DeleteAsync(new Uri($"/api/v1/tokens/{Uri.EscapeDataString(viewer.TokenName)}?owner={viewer.Username}", UriKind.Relative), Timeout));

        Assert.True(elapsed < Seconds, $"the follow went on for {elapsed} after the token was revoked");
    }

    [Fact]
    public async Task StreamLogs_UserDisabled_StreamEndsWithinSeconds()
    {
        var (app, admin, viewer, container) = await StartAsync();
        await using var owned = app;
        await using var hub = await ConnectAsync(app, viewer.Token);

        var elapsed = await TimeToEndAsync(hub, container, () => admin.DeleteAsync(new Uri($"/api/v1/users/{viewer.Username}", UriKind.Relative), Timeout));

        Assert.True(elapsed < Seconds, $"the follow went on for {elapsed} after the user was disabled");
    }

    [Fact]
    public async Task StreamLogs_RoleChanged_StreamEndsWithinSeconds()
    {
        var (app, admin, viewer, container) = await StartAsync("operator");
        await using var owned = app;
        await using var hub = await ConnectAsync(app, viewer.Token);

        var elapsed = await TimeToEndAsync(hub, container, () => admin.PutAsJsonAsync($"/api/v1/users/{viewer.Username}", new { role = "viewer" }, Timeout));

        Assert.True(elapsed < Seconds, $"the follow went on for {elapsed} after the role was lowered");
    }

    [Fact]
    public async Task StreamLogs_TokenRevokedWhereThisInstanceIsNotTold_StreamEndsAtTheNextRecheck()
    {
        var (app, _, viewer, container) = await StartAsync();
        await using var owned = app;
        await using var hub = await ConnectAsync(app, viewer.Token);
        var tokens = app.Services.GetRequiredService<ApiTokenService>();
        var id = (await tokens.ListAsync(Timeout)).Single(t => t.Username == viewer.Username).Id;

        // Straight to the database, as another console instance would: nothing signals this one.
        var elapsed = await TimeToEndAsync(hub, container, () => tokens.RevokeAsync(id, Timeout));

        Assert.True(elapsed < LiveSessionsSweep.Interval + Seconds, $"the follow went on for {elapsed} after the token was revoked elsewhere");
    }

    [Fact]
    public async Task StreamLogs_MoreStreamsThanOneUserMayOpen_IsRefusedWithAClearHubError()
    {
        var (app, _, viewer, container) = await StartAsync(settings: new() { ["KoboConsole:Logs:MaxStreamsPerUser"] = "2" });
        await using var owned = app;
        await using var hub = await ConnectAsync(app, viewer.Token);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Timeout);
        var first = await OpenAsync(hub, container, stop.Token);
        var second = await OpenAsync(hub, container, Timeout);

        var refused = await Assert.ThrowsAsync<HubException>(() => OpenAsync(hub, container, Timeout));

        Assert.Contains("MaxStreamsPerUser", refused.Message, StringComparison.Ordinal);
        await stop.CancelAsync();
        await DrainAsync(first);
        await WaitUntilAsync(() => app.Services.GetRequiredService<LogStreamLimits>().Open == 1);
        await OpenAsync(hub, container, Timeout);
        await second.DisposeAsync();
    }

    [Fact]
    public async Task StreamLogs_MoreStreamsThanTheConsoleServes_IsRefusedWithAClearHubError()
    {
        var (app, _, viewer, container) = await StartAsync(settings: new() { ["KoboConsole:Logs:MaxStreams"] = "1" });
        await using var owned = app;
        await using var hub = await ConnectAsync(app, viewer.Token);
        await using var other = await LogsTestBase.ConnectAsync(app, Timeout);
        await using var first = await OpenAsync(hub, container, Timeout);

        var refused = await Assert.ThrowsAsync<HubException>(() => OpenAsync(other, container, Timeout));

        Assert.Contains("MaxStreams)", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamLogs_RegexCostingMoreThanItsBudget_EndsTheStreamSayingSo()
    {
        var (app, _, viewer, _) = await StartAsync();
        await using var owned = app;
        var id = await RunServiceAsync("worker", "while true; do echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!; sleep 0.05; done");
        await using var hub = await ConnectAsync(app, viewer.Token);
        var watch = Stopwatch.StartNew();

        var items = new List<LogItem>();
        await foreach (var batch in hub.StreamAsync<List<LogItem>>("StreamLogs", new LogStreamRequest { Containers = [id], Tail = 0, Regex = true, Filter = "(a+)+$" }, Timeout))
        {
            items.AddRange(batch);
        }

        Assert.Contains(items, i => i.Stream == LogItem.Notice && i.Text.StartsWith("The filter is too expensive", StringComparison.Ordinal));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"the stream ran for {watch.Elapsed}");
    }

    [Theory]
    [InlineData("colour", "Unknown field 'colour': remove it")]
    [InlineData("tail", "tail must be 0 or more")]
    public async Task StreamLogs_UnknownFieldOrNegativeTail_IsRefusedLikeTheApi(string field, string expected)
    {
        await using var app = NewApp();
        await using var hub = await LogsTestBase.ConnectAsync(app, Timeout);
        object request = field == "tail" ? new { containers = new[] { "kpi" }, tail = -5 } : new { containers = new[] { "kpi" }, colour = "red" };

        var refused = await Assert.ThrowsAsync<HubException>(async () =>
        {
            await foreach (var batch in hub.StreamAsync<List<LogItem>>("StreamLogs", request, Timeout))
            {
                Assert.Fail($"a batch arrived: {batch.Count} items");
            }
        });

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    /// <summary>The console, an admin client, a second user of <paramref name="role"/> with a token, and a container that ticks.</summary>
    private async Task<(ConsoleAppFactory App, HttpClient Admin, TestUser User, string Container)> StartAsync(string role = "viewer", Dictionary<string, string?>? settings = null)
    {
        var container = await RunServiceAsync("kpi", "i=0; while true; do echo tick$i; i=$((i+1)); sleep 0.2; done");
        var app = NewApp(settings);
        var admin = new HttpClient { BaseAddress = app.ServerAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(app, Timeout));
        var username = "u" + Guid.NewGuid().ToString("N")[..10];
        const string password = "password-of-the-user";
        using (var created = await admin.PostAsJsonAsync("/api/v1/users", new { username, password, role }, Timeout))
        {
            created.EnsureSuccessStatusCode();
        }

        using var exchange = await admin.PostAsJsonAsync("/api/v1/tokens", new { username, password, name = "follow" }, Timeout);
        exchange.EnsureSuccessStatusCode();
        var token = (await exchange.Content.ReadFromJsonAsync<Dictionary<string, string>>(Timeout))!["token"];
        return (app, admin, new TestUser(username, token, "follow"), container);
    }

    private async Task<HubConnection> ConnectAsync(ConsoleAppFactory app, string token)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(app.ServerAddress!, "/hubs/logs"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        await hub.StartAsync(Timeout);
        return hub;
    }

    /// <summary>Opens a follow of the first kpi container and waits for its first line; the caller owns the enumerator.</summary>
    private static async Task<IAsyncEnumerator<List<LogItem>>> OpenAsync(HubConnection hub, string container, CancellationToken cancellationToken)
    {
        var stream = hub.StreamAsync<List<LogItem>>("StreamLogs", new LogStreamRequest { Containers = [container], Tail = 1 }, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (await stream.MoveNextAsync())
        {
            if (stream.Current.Any(i => !i.IsMarker))
            {
                return stream;
            }
        }

        throw new InvalidOperationException("the follow ended before its first line");
    }

    /// <summary>Follows the ticking container, does <paramref name="change"/>, and measures how long the follow goes on after it.</summary>
    private async Task<TimeSpan> TimeToEndAsync(HubConnection hub, string container, Func<Task> change)
    {
        await using var stream = await OpenAsync(hub, container, Timeout);
        await change();
        var watch = Stopwatch.StartNew();
        await DrainAsync(stream);
        return watch.Elapsed;
    }

    /// <summary>Reads until the stream ends, by completing or by failing (the connection was closed).</summary>
    private static async Task DrainAsync(IAsyncEnumerator<List<LogItem>> stream)
    {
        try
        {
            while (await stream.MoveNextAsync())
            {
            }
        }
        catch (Exception ex) when (ex is HubException or OperationCanceledException or InvalidOperationException or IOException)
        {
            // The server closed the connection: that is the end being measured.
        }
    }

    private async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(50, Timeout);
        }
    }

    private sealed record TestUser(string Username, string Token, string TokenName);
}
