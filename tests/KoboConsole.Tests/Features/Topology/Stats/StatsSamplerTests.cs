using KoboConsole.Web.Features.Topology;
using KoboConsole.Web.Features.Topology.Stats;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KoboConsole.Tests.Features.Topology.Stats;

public sealed class StatsSamplerTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 20, 0, 0, TimeSpan.Zero));
    private readonly StatsSampler _sampler;
    private readonly TopologyContainer _postgres = TopologySamples.Container("pg1", "postgres", "backend");
    private readonly ContainerStatsReading _reading = ContainerStatsParser.Parse(StatsJson.CgroupV2OneShot);

    public StatsSamplerTests() => _sampler = new StatsSampler(null!, null!, null!, _time, NullLogger<StatsSampler>.Instance);

    [Fact]
    public void Record_TwoReadingsAMinuteApart_GivesCpuAndNetworkRates()
    {
        _sampler.Record(_postgres, _reading);
        _time.Advance(TimeSpan.FromMinutes(1));
        _sampler.Record(_postgres, _reading with
        {
            CpuTotalNs = _reading.CpuTotalNs + 120_000_000_000, // two cores busy for a minute
            SystemCpuNs = _reading.SystemCpuNs + 240_000_000_000, // a minute on 4 CPUs
            NetRxBytes = _reading.NetRxBytes + 600_000,
        });

        var points = _sampler.History("pg1");
        Assert.Equal(2, points.Count);
        Assert.Null(points[0].CpuPercent);
        Assert.Equal(200.0, points[1].CpuPercent!.Value, precision: 6);
        Assert.Equal(10_000.0, points[1].NetRxBytesPerSecond!.Value, precision: 6);
        Assert.Equal(0.0, points[1].NetTxBytesPerSecond!.Value);
        Assert.Equal(524288000L - 199229440L, points[1].MemoryBytes);
    }

    [Fact]
    public void Record_AfterALongGap_DoesNotAverageOverTheGap()
    {
        _sampler.Record(_postgres, _reading);
        _time.Advance(TimeSpan.FromHours(1));
        _sampler.Record(_postgres, _reading with { CpuTotalNs = _reading.CpuTotalNs + 1, SystemCpuNs = _reading.SystemCpuNs + 10 });

        Assert.Null(_sampler.History("pg1")[1].CpuPercent);
    }

    [Fact]
    public void Record_MoreThanTheHistoryHolds_KeepsTheNewest()
    {
        for (var i = 0; i < StatsSampler.HistoryPoints + 10; i++)
        {
            _sampler.Record(_postgres, _reading);
            _time.Advance(StatsSampler.Interval);
        }

        var points = _sampler.History("pg1");
        Assert.Equal(StatsSampler.HistoryPoints, points.Count);
        Assert.Equal(_time.GetUtcNow() - StatsSampler.Interval, points[^1].At);
    }

    [Fact]
    public void History_NeverSampled_IsEmpty() => Assert.Empty(_sampler.History("nope"));

    [Theory]
    [InlineData("postgres", true)]
    [InlineData("redis_cache", true)]
    [InlineData("worker_kobocat", true)]
    [InlineData("enketo_express", true)]
    [InlineData("nginx", false)]
    [InlineData("beat", false)]
    public void HeavyServices_Contains_TheDatabasesWebServicesAndWorkers(string service, bool heavy)
        => Assert.Equal(heavy, HeavyServices.Contains(service));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _sampler.DisposeAsync();
}
