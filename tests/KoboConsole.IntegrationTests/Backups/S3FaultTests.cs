using System.Net;
using System.Text.Json;
using KoboConsole.IntegrationTests.TestBed;
using KoboConsole.Testing;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.IntegrationTests.Backups;

/// <summary>
/// S3 failures against a server that verifies signatures and tracks multipart uploads
/// (<see cref="StrictS3Fixture"/>): a wrong secret key, an upload failing mid-way, the start-up check.
/// </summary>
public sealed class S3FaultTests(TestBedFixture fixture, StrictS3Fixture s3) : IClassFixture<StrictS3Fixture>, IClassFixture<TestBedFixture>
{
    private const string WrongSecret = "not-the-secret-key-1234";

    [Fact]
    public async Task S3Backup_WrongSecretKey_FailedNamingTheKeyToFixAndNothingLeft()
    {
        var prefix = "wrong-" + Guid.NewGuid().ToString("N")[..8];
        await using var h = await BackupHarness.StartAsync(fixture, "v", s3.Settings(prefix, WrongSecret));

        var run = await RunAsync(h, BackupStores.Redis);

        Assert.Equal(RunStates.Failed, run.State);
        var error = Assert.Single(run.Items).Error!;
        Assert.Contains("rejected the signature (SignatureDoesNotMatch)", error, StringComparison.Ordinal);
        Assert.Contains("KoboConsole:Backups:S3:SecretAccessKey", error, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongSecret, string.Join('\n', run.Log.Append(error).Append(run.Error ?? "")), StringComparison.Ordinal);
        using var store = s3.Store(prefix);
        Assert.Empty(await store.ListIncompleteUploadsAsync(CancellationToken.None));
        Assert.Empty(s3.ObjectKeys(prefix));
    }

    [Fact]
    public async Task S3Backup_ContainerKilledMidUpload_MultipartAbortedNoObjectNoUploadLeft()
    {
        var prefix = "abort-" + Guid.NewGuid().ToString("N")[..8];
        var settings = s3.Settings(prefix);
        settings["KoboConsole:Backups:ItemRetries"] = "0";
        await using var h = await BackupHarness.StartAsync(fixture, "m", settings);
        await h.CreateBigTableAsync("koboform", 1_500_000);
        using var store = s3.Store(prefix);
        var runs = h.App.Services.GetRequiredService<RunStore>();
        var runId = await runs.CreateAsync(BackupRunner.Kind, "test", Request(BackupStores.Postgres), CancellationToken.None);

        var backup = h.App.Services.GetRequiredService<BackupRunner>().RunAsync(runId, CancellationToken.None);
        // Past the first 5 MB part: the server holds a part of an open upload.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        RunView? view;
        while ((view = await runs.GetAsync(runId, CancellationToken.None))!.Items is not [{ Bytes: > 7 * 1024 * 1024 }, ..])
        {
            Assert.True(DateTime.UtcNow < deadline && !backup.IsCompleted, "the upload never passed 7 MB:\n" + string.Join('\n', view.Log));
            await Task.Delay(50);
        }

        Assert.Single(await store.ListIncompleteUploadsAsync(CancellationToken.None));
        Assert.Equal(0, (await BackupHarness.DockerAsync("kill", h.Postgres)).ExitCode);
        await BackupHarness.WithinAsync(backup, runs, runId);

        var run = (await runs.GetAsync(runId, CancellationToken.None))!;
        Assert.Equal(RunStates.Failed, run.State);
        Assert.Contains(h.Postgres, run.Items[0].Error, StringComparison.Ordinal);
        Assert.Empty(await store.ListIncompleteUploadsAsync(CancellationToken.None));
        Assert.Empty(s3.ObjectKeys(prefix));
    }

    [Fact]
    public async Task S3StartupCheck_WrongSecretKey_WarnsOnReadyzAndPageButServes()
    {
        await using var app = new ConsoleAppFactory(s3.Settings("startup", WrongSecret));
        using var client = app.CreateClient();
        var status = app.Services.GetRequiredService<S3Status>();

        var s3Check = await WaitS3CheckAsync(client, status);

        Assert.False(s3Check.GetProperty("ok").GetBoolean());
        Assert.True(s3Check.GetProperty("advisory").GetBoolean());
        Assert.Contains("KoboConsole:Backups:S3:SecretAccessKey", status.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongSecret, status.Problem, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task S3StartupCheck_RightCredentials_ReadyzSaysS3Ok()
    {
        await using var app = new ConsoleAppFactory(s3.Settings("startup-ok"));
        using var client = app.CreateClient();

        var s3Check = await WaitS3CheckAsync(client, app.Services.GetRequiredService<S3Status>());

        Assert.True(s3Check.GetProperty("ok").GetBoolean());
        Assert.Empty(s3.ObjectKeys("startup-ok"));
    }

    private static async Task<JsonElement> WaitS3CheckAsync(HttpClient client, S3Status status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (status.State is S3Status.States.Checking or S3Status.States.NotConfigured)
        {
            Assert.True(DateTime.UtcNow < deadline, "the S3 start-up check never finished");
            await Task.Delay(100);
        }

        using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "s3").Clone();
    }

    private static string Request(string store) => JsonSerializer.Serialize(new StartBackupRequest([store], BackupTargets.S3), BackupManifest.Json);

    private static async Task<RunView> RunAsync(BackupHarness h, string store)
    {
        var runs = h.App.Services.GetRequiredService<RunStore>();
        var runId = await runs.CreateAsync(BackupRunner.Kind, "test", Request(store), CancellationToken.None);
        await BackupHarness.WithinAsync(h.App.Services.GetRequiredService<BackupRunner>().RunAsync(runId, CancellationToken.None), h.App.Services.GetRequiredService<RunStore>(), runId);
        return (await runs.GetAsync(runId, CancellationToken.None))!;
    }
}
