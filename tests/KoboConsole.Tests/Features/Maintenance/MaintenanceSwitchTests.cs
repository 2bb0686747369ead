using System.Net;
using System.Text;
using KoboConsole.Tests.Infrastructure.Docker;
using KoboConsole.Web.Features.Maintenance;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KoboConsole.Tests.Features.Maintenance;

/// <summary>
/// The maintenance switch on the in-memory engine: what it does to the containers, in which order,
/// what it checks over HTTP (the engine answers for whichever container runs on nginx's port), and
/// how it rolls back when a step fails. The same against a real nginx: the integration project's
/// MaintenanceToggleTests, MaintenanceRollbackTests and PreparedMaintenanceTests.
/// </summary>
public sealed class MaintenanceSwitchTests
{
    private const int Port = 38080;
    private const string NginxName = "kobofe-nginx-1";
    private static readonly string PagePath = MaintenancePage.BundleDirectory + "/www/maintenance.html";
    private static readonly MaintenanceFields Fields = new("45 minutes", "20261207T2200", "Monday 7 December 22:00 UTC", "ops@example.org");
    private readonly MemoryEngine _engine = new("main");
    private readonly MaintenanceOptions _options = new() { Image = "kobo-testbed/services", VerifyTimeoutSeconds = 1, StopTimeoutSeconds = 7 };
    private Func<MemoryEngine.Served, HttpRequestMessage, HttpResponseMessage> _maintenanceAnswers = PageFromItsFiles;

    private MaintenanceSwitch Switch()
    {
        var options = new Monitor(_options);
        var probe = new MaintenanceProbe(options, route => new HttpClient(_engine.Web(route.ConnectPort, Answer)) { Timeout = TimeSpan.FromSeconds(3) });
        return new MaintenanceSwitch(new MemoryHosts(_engine), new EdgeCheck(probe), options, TimeProvider.System, NullLogger<MaintenanceSwitch>.Instance);
    }

    private HttpResponseMessage Answer(MemoryEngine.Served served, HttpRequestMessage request) =>
        served.Name == NginxName
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("kpi stand-in") }
            : _maintenanceAnswers(served, request);

    // What the console's nginx config makes the page container do: 503 with the page it was given, health 200.
    private static HttpResponseMessage PageFromItsFiles(MemoryEngine.Served served, HttpRequestMessage request)
    {
        if (request.RequestUri!.AbsolutePath == "/service_health/")
        {
            return new HttpResponseMessage(HttpStatusCode.OK);
        }

        if (!served.Files.TryGetValue(PagePath, out var page))
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound); // started before the page was copied in
        }

        var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent(Encoding.UTF8.GetString(page)) };
        response.Headers.Add(MaintenancePage.MarkerHeader, "on");
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromMinutes(45));
        return response;
    }

    private FrontEndHost Front(bool nginxRunning = true, bool pageRunning = false)
    {
        var labels = new Dictionary<string, string> { [KoboNames.ProjectLabel] = "kobofe", [KoboNames.ServiceLabel] = "nginx" };
        var ports = new[] { new PortMapping("0.0.0.0", Port, 80, "tcp") };
        var nginxId = _engine.Add(NginxName, nginxRunning, labels, networks: ["kobofe_kobo-fe-network"], ports: ports,
            env: ["PUBLIC_DOMAIN_NAME=kobo.example.org", "KOBOFORM_PUBLIC_SUBDOMAIN=kf"]);
        var nginx = Kobo(nginxId, NginxName, "kobofe", "nginx", KoboRole.Frontend, nginxRunning, labels);
        var maintenance = new List<KoboContainer>();
        if (pageRunning)
        {
            var pageLabels = new Dictionary<string, string> { [KoboNames.ProjectLabel] = "kobomaintenance", [KoboNames.ServiceLabel] = "maintenance", [MaintenanceLabels.Marker] = "1" };
            var pageId = _engine.Add("kobomaintenance-maintenance-1", true, pageLabels, ports: ports);
            maintenance.Add(Kobo(pageId, "kobomaintenance-maintenance-1", "kobomaintenance", "maintenance", KoboRole.Maintenance, true, pageLabels));
        }

        return new FrontEndHost("main", nginx, maintenance, "kobomaintenance");
    }

    private static KoboContainer Kobo(string id, string name, string project, string service, KoboRole role, bool running, IReadOnlyDictionary<string, string> labels) =>
        new("main", id, name, project, service, role, running ? "running" : "exited", running ? "Up" : "Exited (0)", "stand-in", DateTimeOffset.UnixEpoch, false,
            [new PortMapping("0.0.0.0", Port, 80, "tcp")], [], labels);

    private static string Template => "<html><body><h1>We'll be back soon!</h1><p>{{ETA}}</p><p>{{EMAIL}}</p></body></html>";

    private List<string> Calls => [.. _engine.Calls];

    [Fact]
    public async Task EnableAsync_NginxServing_PageCopiedBeforeTheStartAndServedWhereNginxWas()
    {
        var swap = await Switch().EnableAsync(Front(), Fields, Template, "jane", CancellationToken.None);
        await swap.CommitAsync(CancellationToken.None);

        Assert.False(_engine.IsRunning(NginxName));
        var page = Assert.Single(Calls, c => c.StartsWith("start ", StringComparison.Ordinal))["start ".Length..];
        Assert.True(_engine.IsRunning(page));
        Assert.Contains("45 minutes", Encoding.UTF8.GetString(_engine.Files(page)[PagePath]), StringComparison.Ordinal);
        Assert.True(Calls.IndexOf($"put {page}") < Calls.IndexOf($"start {page}"), string.Join(", ", Calls)); // the page is in before it serves
        Assert.True(Calls.IndexOf($"stop {NginxName}") < Calls.IndexOf($"start {page}"), string.Join(", ", Calls)); // never both on the port
        Assert.Equal(TimeSpan.FromSeconds(7), _engine.StopTimeouts[NginxName]);
        Assert.NotNull(swap.CheckedVia); // verified over HTTP before it answered
        Assert.Equal(Port, _engine.SpecOf(page)!.Ports.Single().HostPort); // on nginx's own port
    }

    [Fact]
    public async Task EnableAsync_PageContainerWillNotStart_RolledBackNginxServesAgain()
    {
        _engine.When("start", name => name != NginxName, _ => throw new DockerOperationException("main", "start a container", 500, "driver failed programming external connectivity"));

        var ex = await Assert.ThrowsAsync<MaintenanceSwitchException>(() => Switch().EnableAsync(Front(), Fields, Template, "jane", CancellationToken.None));

        Assert.True(ex.RolledBack);
        Assert.Contains("at \"start the maintenance container\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("driver failed programming external connectivity", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Rolled back on host 'main': the previous containers run again and answer.", ex.Message, StringComparison.Ordinal);
        Assert.True(_engine.IsRunning(NginxName));
        Assert.Single(Calls, c => c.StartsWith("remove ", StringComparison.Ordinal)); // the half-made page container is gone
    }

    [Fact]
    public async Task EnableAsync_PageNeverServed_RolledBackWithWhatWasSeen()
    {
        _maintenanceAnswers = (_, _) => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("default nginx page") };

        var ex = await Assert.ThrowsAsync<MaintenanceSwitchException>(() => Switch().EnableAsync(Front(), Fields, Template, "jane", CancellationToken.None));

        Assert.Contains("at \"verify the maintenance page\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("answered 200 instead of the maintenance page (503)", ex.Message, StringComparison.Ordinal);
        Assert.True(_engine.IsRunning(NginxName)); // started again, and checked: the rollback says it answers
        Assert.Contains("the previous containers run again and answer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnableAsync_CopyRefused_NginxStartedAgainAndNothingLeftBehind()
    {
        _engine.When("put", name => name != NginxName, _ => throw new DockerOperationException("main", "extract an archive", 500, "no space left on device"));

        var ex = await Assert.ThrowsAsync<MaintenanceSwitchException>(() => Switch().EnableAsync(Front(), Fields, Template, "jane", CancellationToken.None));

        Assert.Contains("no space left on device", ex.Message, StringComparison.Ordinal);
        Assert.True(_engine.IsRunning(NginxName));
        Assert.DoesNotContain(Calls, c => c.StartsWith("start ", StringComparison.Ordinal) && !c.EndsWith(NginxName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DisableAsync_NginxWillNotStart_ThePageServesAgain()
    {
        var front = Front(nginxRunning: false, pageRunning: true);
        _engine.When("start", NginxName, _ => throw new DockerOperationException("main", "start a container", 500, "Bind for 0.0.0.0:38080 failed: port is already allocated"));

        var ex = await Assert.ThrowsAsync<MaintenanceSwitchException>(() => Switch().DisableAsync(front, CancellationToken.None));

        Assert.True(ex.RolledBack);
        Assert.Contains("port is already allocated", ex.Message, StringComparison.Ordinal);
        Assert.True(_engine.IsRunning("kobomaintenance-maintenance-1"));
        Assert.False(_engine.IsRunning(NginxName));
    }

    [Fact]
    public async Task DisableAsync_PageUp_NginxBackAndVerifiedThenThePageRemoved()
    {
        var front = Front(nginxRunning: false, pageRunning: true);

        var swap = await Switch().DisableAsync(front, CancellationToken.None);
        await swap.CommitAsync(CancellationToken.None);

        Assert.True(_engine.IsRunning(NginxName));
        Assert.False(_engine.Exists("kobomaintenance-maintenance-1")); // ours: removed once nginx answered
        Assert.True(Calls.IndexOf("stop kobomaintenance-maintenance-1") < Calls.IndexOf($"start {NginxName}"));
    }

    private sealed class Monitor(MaintenanceOptions value) : IOptionsMonitor<MaintenanceOptions>
    {
        public MaintenanceOptions CurrentValue => value;

        public MaintenanceOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<MaintenanceOptions, string?> listener) => null;
    }
}
