using KoboConsole.Web.Features.Checks;

namespace KoboConsole.Tests.Features.Checks;

public sealed class CapacityTests
{
    private const long GiB = 1L << 30;
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ChecksOptions Options = new();

    [Theory]
    [InlineData(84.9, "ok")]
    [InlineData(85, "warning")]
    [InlineData(94.9, "warning")]
    [InlineData(95, "failing")]
    public void Level_PercentAgainstThresholds_StateOfTheBand(double percent, string expected) =>
        Assert.Equal(expected, Capacity.Level(percent, 85, 95));

    [Fact]
    public void Forecast_OneGibPerDayWithTenFree_FullInTenDays()
    {
        var samples = Enumerable.Range(0, 8).Select(d => new DiskSample(T0.AddDays(d), (20 + d) * GiB, (17 - d) * GiB)).ToList();

        var f = Capacity.Forecast(samples)!;

        Assert.Equal(GiB, f.BytesPerDay, 1.0);
        Assert.Equal(T0.AddDays(7 + 10), f.FullAt!.Value);
    }

    [Fact]
    public void Forecast_Shrinking_RateButNoDate()
    {
        var f = Capacity.Forecast([new DiskSample(T0, 30 * GiB, 10 * GiB), new DiskSample(T0.AddDays(1), 29 * GiB, 11 * GiB)])!;

        Assert.True(f.BytesPerDay < 0);
        Assert.Null(f.FullAt);
    }

    [Fact]
    public void Forecast_SamplesWithinAnHour_NoForecast() =>
        Assert.Null(Capacity.Forecast([new DiskSample(T0, GiB, GiB), new DiskSample(T0.AddMinutes(50), 2 * GiB, 0)]));

    [Fact]
    public void Disk_FillingWithinTheWarningDays_WarningWithDateAndAdvice()
    {
        var now = new DiskSample(T0.AddDays(7), 27 * GiB, 10 * GiB); // 73 %: under the percentage thresholds
        var forecast = new DiskForecast(GiB, T0.AddDays(17));

        var r = Capacity.Disk("backups@disk", "the disk backup target (/b)", "Delete old backups.", now, forecast, Options);

        Assert.Equal(CheckStates.Warning, r.State);
        Assert.Contains("full around 2026-12-18 (in 10 days)", r.Message, StringComparison.Ordinal);
        Assert.Contains("10.0 GiB free of 37.0 GiB", r.Message, StringComparison.Ordinal);
        Assert.EndsWith("Delete old backups.", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disk_FullWithinTheFailingDays_Failing() =>
        Assert.Equal(CheckStates.Failing, Capacity.Disk("t", "x", "y", new DiskSample(T0, GiB, 9 * GiB), new DiskForecast(5 * GiB, T0.AddDays(1.8)), Options).State);

    [Fact]
    public void Disk_NinetyFivePercentNoForecast_FailingSaysNoForecastYet()
    {
        var r = Capacity.Disk("t", "PostgreSQL's data", "Grow it.", new DiskSample(T0, 95 * GiB, 5 * GiB), null, Options);

        Assert.Equal(CheckStates.Failing, r.State);
        Assert.Contains("95 % used", r.Message, StringComparison.Ordinal);
        Assert.Contains("not enough samples yet", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disk_HalfFullNotGrowing_OkWithoutAdvice()
    {
        var r = Capacity.Disk("t", "x", "ADVICE", new DiskSample(T0, 50 * GiB, 50 * GiB), new DiskForecast(0, null), Options);

        Assert.Equal(CheckStates.Ok, r.State);
        Assert.DoesNotContain("ADVICE", r.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(100, 0, "ok")]
    [InlineData(79, 100, "ok")]
    [InlineData(80, 100, "warning")]
    [InlineData(96, 100, "failing")]
    public void RedisMemory_UsedAgainstMaxmemory_State(long used, long max, string expected) =>
        Assert.Equal(expected, Capacity.RedisMemory("redis_main", used * 1024 * 1024, max * 1024 * 1024, Options).State);

    [Fact]
    public void RedisMemory_Failing_SaysWhatBreaksAndWhatToDo() =>
        Assert.Contains("raise maxmemory", Capacity.RedisMemory("redis_main", 99, 100, Options).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData(10, 100, "ok")]
    [InlineData(85, 100, "warning")]
    [InlineData(99, 100, "failing")]
    public void PostgresConnections_UsedAgainstMax_State(int used, int max, string expected) =>
        Assert.Equal(expected, Capacity.PostgresConnections("postgres", used, max, Options).State);

    [Fact]
    public void LogRotation_JsonFileWithoutMaxSize_WarningWithTheFix()
    {
        var r = Capacity.LogRotation("kobofe-kpi-1", "json-file", new Dictionary<string, string>());

        Assert.Equal(CheckStates.Warning, r.State);
        Assert.Contains("max-size", r.Message, StringComparison.Ordinal);
        Assert.Contains("/etc/docker/daemon.json", r.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("json-file", "max-size", "ok")]
    [InlineData("local", null, "ok")]
    [InlineData("journald", null, "ok")]
    public void LogRotation_RotatedOrOtherDriver_Ok(string driver, string? option, string expected) =>
        Assert.Equal(expected, Capacity.LogRotation("c", driver, option is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [option] = "10m" }).State);

    [Fact]
    public void ParseDf_PosixOutput_UsedAndAvailableInBytes()
    {
        const string df = """
            Filesystem     1024-blocks     Used Available Capacity Mounted on
            /dev/sda1        102687672 45232132  52196376      47% /var/lib/postgresql/data

            """;

        Assert.Equal((45232132L * 1024, 52196376L * 1024), Capacity.ParseDf(df));
    }

    [Fact]
    public void ParseDf_WrappedDeviceName_ReadsTheNumbers() =>
        Assert.Equal((2048L, 1024L), Capacity.ParseDf("Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/mapper/very-long-volume-name\n 3 2 1 67% /data\n"));

    [Theory]
    [InlineData("")]
    [InlineData("df: /nope: No such file or directory")]
    [InlineData("Filesystem 1024-blocks Used Available Capacity Mounted on\n")]
    public void ParseDf_NotDfOutput_Null(string output) => Assert.Null(Capacity.ParseDf(output));
}
