using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Logs;
using Microsoft.AspNetCore.SignalR.Client;

namespace KoboConsole.IntegrationTests.Logs;

/// <summary>kobo's nginx writes its logs to files: they are followed through `tail -F` over Docker exec.</summary>
public sealed class FileLogTests(TestBedFixture fixture) : IClassFixture<TestBedFixture>
{
    [Fact]
    public async Task StreamLogs_NginxWithFiles_FollowsAccessLogAsFileSource()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var info = await fixture.RentAsync("prefixed", "f", [], timeout.Token);
        var prefix = info.Prefix;
        try
        {
            await using var app = new ConsoleAppFactory(new Dictionary<string, string?> { ["KoboConsole:Stack:Prefix"] = prefix }, realPort: true);
            app.StartRealServer();
            var token = await LogsTestBaseAccess.TokenAsync(app, timeout.Token);
            await using var hub = new HubConnectionBuilder()
                .WithUrl(new Uri(app.ServerAddress!, "/hubs/logs"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
                .Build();
            await hub.StartAsync(timeout.Token);
            var probe = "/probe-" + Guid.NewGuid().ToString("N")[..8];
            var requests = Task.Run(async () =>
            {
                using var http = new HttpClient();
                for (var i = 0; i < 40 && !timeout.IsCancellationRequested; i++)
                {
                    await Task.Delay(500, timeout.Token);
                    using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{info.NginxPort}{probe}");
                    request.Headers.Host = "kf." + info.Domain;
                    using var _ = await http.SendAsync(request, timeout.Token);
                }
            });

            var items = new List<LogItem>();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            await foreach (var batch in hub.StreamAsync<List<LogItem>>("StreamLogs", new LogStreamRequest { Containers = [info.Containers["nginx"]], Tail = 0, Files = true }, stop.Token))
            {
                items.AddRange(batch);
                if (items.Any(i => i.Stream.StartsWith("file:", StringComparison.Ordinal) && i.Text.Contains(probe, StringComparison.Ordinal)))
                {
                    await stop.CancelAsync();
                    break;
                }
            }

            var line = items.First(i => i.Stream.StartsWith("file:", StringComparison.Ordinal) && i.Text.Contains(probe, StringComparison.Ordinal));
            Assert.EndsWith(".log", line.Stream, StringComparison.Ordinal);
            Assert.Equal(info.Containers["nginx"], line.ContainerName);
            Assert.NotNull(line.Level);
            // The time nginx wrote in the line (whole seconds), not the moment the console read it.
            Assert.False(line.ReadTime, "the access-log line kept the read time: its timestamp was not parsed");
            Assert.Equal(0, line.Timestamp.Millisecond);
            Assert.InRange(line.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-3), DateTimeOffset.UtcNow.AddSeconds(2));
        }
        finally
        {
            await fixture.ReturnAsync(info, []);
        }
    }
}
