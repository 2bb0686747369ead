using System.Net;
using System.Text;
using System.Text.Json;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Backups;

/// <summary>The backup webhook against a real local HTTP listener: one JSON POST per finished run, success and failure, no secrets.</summary>
public sealed class BackupWebhookTests(TestBedFixture fixture, StrictS3Fixture s3) : IClassFixture<StrictS3Fixture>, IDisposable, IClassFixture<TestBedFixture>
{
    private const string WrongSecret = "webhook-wrong-secret-5678";
    private readonly string _url = $"http://127.0.0.1:{S3rverFixture.FreePort()}/hook/";
    private HttpListener? _listener;

    [Fact]
    public async Task Webhook_RunSucceeds_PostsSucceededRunWithItemsAndNoSecrets()
    {
        await using var h = await BackupHarness.StartAsync(fixture, "h", new Dictionary<string, string?> { ["KoboConsole:Backups:WebhookUrl"] = _url });
        var serving = ServeOneAsync();

        var run = await h.BackupAsync(BackupStores.Redis);

        var (contentType, body) = await serving;
        Assert.Equal(RunStates.Succeeded, run.State);
        Assert.StartsWith("application/json", contentType, StringComparison.Ordinal);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("backup.succeeded", json.GetProperty("event").GetString());
        Assert.Equal(run.Id, json.GetProperty("run").GetProperty("id").GetString());
        var item = Assert.Single(json.GetProperty("run").GetProperty("items").EnumerateArray());
        Assert.Equal(run.Items[0].Sha256, item.GetProperty("sha256").GetString());
        Assert.DoesNotContain(h.Stack.Values["redis_password"], body, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Stack.Values["postgres_password"], body, StringComparison.Ordinal);
        Assert.Contains((await h.App.Services.GetRequiredService<RunStore>().GetAsync(run.Id, CancellationToken.None))!.Log,
            l => l.EndsWith("Webhook answered 204.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Webhook_RunFails_PostsFailedRunWithReasonAndNoSecretKey()
    {
        var settings = s3.Settings("webhook", WrongSecret);
        settings["KoboConsole:Backups:WebhookUrl"] = _url;
        await using var h = await BackupHarness.StartAsync(fixture, "j", settings);
        var serving = ServeOneAsync();
        var runs = h.App.Services.GetRequiredService<RunStore>();
        var runId = await runs.CreateAsync(BackupRunner.Kind, "test", JsonSerializer.Serialize(new StartBackupRequest([BackupStores.Redis], BackupTargets.S3), BackupManifest.Json), CancellationToken.None);

        await BackupHarness.WithinAsync(h.App.Services.GetRequiredService<BackupRunner>().RunAsync(runId, CancellationToken.None), h.App.Services.GetRequiredService<RunStore>(), runId);

        var (_, body) = await serving;
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("backup.failed", json.GetProperty("event").GetString());
        Assert.Equal(runId, json.GetProperty("run").GetProperty("id").GetString());
        Assert.Contains("SignatureDoesNotMatch", Assert.Single(json.GetProperty("run").GetProperty("items").EnumerateArray()).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(WrongSecret, body, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Stack.Values["redis_password"], body, StringComparison.Ordinal);
    }

    public void Dispose() => _listener?.Close();

    /// <summary>Answers the next POST with 204 and returns what it carried.</summary>
    private async Task<(string ContentType, string Body)> ServeOneAsync()
    {
        _listener = new HttpListener();
        _listener.Prefixes.Add(_url);
        _listener.Start();
        var context = await _listener.GetContextAsync().WaitAsync(TimeSpan.FromMinutes(3));
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var contentType = context.Request.ContentType ?? "";
        Assert.Equal("POST", context.Request.HttpMethod);
        context.Response.StatusCode = 204;
        context.Response.Close();
        return (contentType, body);
    }
}
