using KoboConsole.Web.Features.Checks;
using KoboConsole.Web.Features.Topology;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KoboConsole.Tests.Features.Checks;

/// <summary>One service round of the real engine (the whole app, its own SQLite files) over an in-memory Docker engine that counts calls.</summary>
public sealed class CheckEngineRoundTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> Services = new(StringComparer.Ordinal)
    {
        ["kobofe-nginx-1"] = "nginx",
        ["kobofe-kpi-1"] = "kpi",
        ["kobomaintenance-maintenance-1"] = "maintenance",
    };

    private readonly string _dir = Directory.CreateTempSubdirectory("koboconsole-engine-").FullName;
    private WebApplicationFactory<Program>? _app;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task ServiceRound_SnapshotLive_ListsNoContainers()
    {
        var engine = Engine(nginx: "running", maintenance: "exited");
        var services = Start(engine);
        await LiveAsync(services.GetRequiredService<TopologyLive>());
        engine.Calls.Clear();

        await RoundAsync(services);

        Assert.Equal(0, engine.Count(nameof(IContainerEngine.ListContainersAsync)));
        var kpi = Assert.Single(await services.GetRequiredService<CheckStore>().ListAsync(CancellationToken.None), s => s.Id == "container:kobofe-kpi-1");
        Assert.Equal(CheckStates.Ok, kpi.State);
    }

    [Fact]
    public async Task ServiceRound_EventStreamNotLive_ReadsDockerInstead()
    {
        var engine = new FakeEngine(Containers("running", "exited"), Services) { StreamFails = true };
        var services = Start(engine);

        await RoundAsync(services);

        Assert.True(engine.Count(nameof(IContainerEngine.ListContainersAsync)) >= 1);
        Assert.Contains(await services.GetRequiredService<CheckStore>().ListAsync(CancellationToken.None), s => s.Id == "container:kobofe-kpi-1");
    }

    [Fact]
    public async Task ServiceRound_MaintenancePageOnInTheSnapshot_MutesNginxWithoutListing()
    {
        var engine = Engine(nginx: "exited", maintenance: "running");
        var services = Start(engine);
        await LiveAsync(services.GetRequiredService<TopologyLive>());
        engine.Calls.Clear();

        await RoundAsync(services);

        Assert.Equal(0, engine.Count(nameof(IContainerEngine.ListContainersAsync)));
        var nginx = Assert.Single(await services.GetRequiredService<CheckStore>().ListAsync(CancellationToken.None), s => s.Id == "container:kobofe-nginx-1");
        Assert.Equal((CheckStates.Failing, "the maintenance page is on"), (nginx.State, nginx.MutedBy));
    }

    private static FakeEngine Engine(string nginx, string maintenance) => new(Containers(nginx, maintenance), Services);

    private static List<ContainerDetails> Containers(string nginx, string maintenance) =>
    [
        FakeEngine.Container("kobofe-nginx-1", nginx, "PUBLIC_DOMAIN_NAME=kobo.example.org"),
        FakeEngine.Container("kobofe-kpi-1", "running"),
        FakeEngine.Container("kobomaintenance-maintenance-1", maintenance),
    ];

    private IServiceProvider Start(FakeEngine engine)
    {
        _app = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.UseSetting("KoboConsole:Storage:DataDirectory", _dir);
            b.UseSetting("KoboConsole:Checks:Enabled", "false"); // the test runs the round itself
            b.ConfigureTestServices(s => s.AddSingleton<IDockerHosts>(engine));
        });
        _app.StartServer();
        return _app.Services;
    }

    private static async Task RoundAsync(IServiceProvider services)
    {
        var engine = services.GetServices<IHostedService>().OfType<CheckEngine>().Single();
        await engine.ServiceRoundAsync(services.GetRequiredService<IOptionsMonitor<ChecksOptions>>().CurrentValue, CancellationToken.None);
    }

    /// <summary>Waits until the snapshot answers on its own (its stream live, the first full read done).</summary>
    private static async Task LiveAsync(TopologyLive live)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (await live.ReadAsync(timeout.Token) is null)
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
