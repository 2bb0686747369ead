using System.Net;
using System.Text.Json;
using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Checks;
using KoboConsole.Web.Features.Checks.Alerts;
using KoboConsole.Web.Infrastructure.Mail;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace KoboConsole.Tests.Features.Checks.Alerts;

/// <summary>
/// The alert path over a SQLite file in a temporary folder, a fake clock and an in-memory hook that
/// answers what the test tells it to (no network): channels, tracks, the delivery log.
/// </summary>
public sealed class AlertHarness : IAsyncDisposable
{
    public const string HookUrl = "https://hooks.example.org/services/T000/B000/s3cr3t-token";
    private readonly string _dir = Directory.CreateTempSubdirectory("koboconsole-alerts-").FullName;

    private AlertHarness(AlertsOptions options)
    {
        Options = new Monitor<AlertsOptions>(options);
        Db = new ConsoleDb(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = _dir }), new Env(_dir));
        Deliveries = new AlertDeliveries(Db);
        Tracks = new AlertTracks(Db);
        Stored = new StoredChannels(Db, new EphemeralDataProtectionProvider());
        Channels = new AlertChannels(new HookFactory(Hook), new SmtpMailer(), Deliveries, Stored, Options, new Monitor<ChecksOptions>(new ChecksOptions()),
            new Monitor<BackupsOptions>(new BackupsOptions()), Clock, NullLogger<AlertChannels>.Instance);
        Alerts = new CheckAlerts(Channels, Tracks, new Monitor<ChecksOptions>(new ChecksOptions()), Options);
        Audit = new AuditLog(Db, Clock);
        Editor = new ChannelEditor(Channels, Stored, Audit, Clock, NullLogger<ChannelEditor>.Instance);
    }

    public StoredChannels Stored { get; }

    public AuditLog Audit { get; }

    public ChannelEditor Editor { get; }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 7, 3, 0, 0, TimeSpan.Zero));

    public FakeHook Hook { get; } = new();

    public Monitor<AlertsOptions> Options { get; }

    public ConsoleDb Db { get; }

    public AlertDeliveries Deliveries { get; }

    public AlertTracks Tracks { get; }

    public AlertChannels Channels { get; }

    public CheckAlerts Alerts { get; }

    /// <summary>A harness with one configured webhook channel named <c>ops-hook</c>.</summary>
    public static async Task<AlertHarness> StartAsync(Action<AlertsOptions>? configure = null)
    {
        var o = new AlertsOptions { Channels = [new AlertChannelOptions { Kind = ChannelKinds.Webhook, Name = "ops-hook", Url = HookUrl }] };
        configure?.Invoke(o);
        var h = new AlertHarness(o);
        await new DbMigrator(h.Db, [new CoreMigrations(), new ChecksMigrations(), new AlertsMigrations()], NullLogger<DbMigrator>.Instance).MigrateAsync(CancellationToken.None);
        return h;
    }

    public Task RoundAsync(string state, string target = "kobobe-redis_main-1", string? mutedBy = null)
    {
        Clock.Advance(TimeSpan.FromSeconds(30));
        return Alerts.EvaluateAsync([(new CheckResult(CheckKinds.Probe, target, state, $"redis {state}"), mutedBy)], "kobo.example.org", Clock.GetUtcNow(), CancellationToken.None);
    }

    public async Task<List<AlertDelivery>> LogAsync() => (await Deliveries.ListAsync(null, 1000, CancellationToken.None)).Reverse().ToList();

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }

    public sealed class Monitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue { get; set; } = value;

        public T Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }

    /// <summary>Answers each POST with the next status of <see cref="Statuses"/> (then 204), and keeps every body.</summary>
    public sealed class FakeHook : HttpMessageHandler
    {
        public Queue<HttpStatusCode> Statuses { get; } = new();

        public List<(Uri Url, JsonElement Body)> Received { get; } = [];

        public IEnumerable<string> Events => Received.Select(r => r.Body.TryGetProperty("event", out var e) ? e.GetString()! : r.Body.GetProperty("text").GetString()!);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken)).RootElement.Clone();
            Received.Add((request.RequestUri!, body));
            return new HttpResponseMessage(Statuses.Count > 0 ? Statuses.Dequeue() : HttpStatusCode.NoContent);
        }
    }

    private sealed class HookFactory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }

    private sealed class Env(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";
        public string ApplicationName { get; set; } = "KoboConsole.Web";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
