using KoboConsole.Web.Features.Backups;

namespace KoboConsole.Tests.Features.Backups;

public sealed class SizeChartTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    private static BackupEntry Entry(string store, long bytes, DateTimeOffset at) =>
        new($"disk:{store}-{at:HHmm}", store, BackupTargets.Disk, $"{store}-{at:HHmm}", bytes, at, null, BackupEntry.ConsoleOrigin, null);

    private static string Joined(IEnumerable<double> data) => string.Join("|", data.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void SizeChart_BackupsOfAFewKilobytes_DrawnInKilobytesNotAsEmptyMegabytes()
    {
        var (labels, series, unit) = BackupsPage.SizeChart([Entry("redis", 300, At), Entry("redis", 4096, At.AddMinutes(1)), Entry("mongo", 1536, At.AddMinutes(1))]);

        Assert.Equal("KB", unit);
        Assert.Equal("12-07 10:00|12-07 10:01", string.Join("|", labels));
        Assert.Equal("0.293|4", Joined(series.Single(s => s.Name == "Redis (redis_main)").Data));
        Assert.Equal("0|1.5", Joined(series.Single(s => s.Name == "MongoDB").Data));
    }

    [Theory]
    [InlineData(512L, "B", 512.0)]
    [InlineData(3L * 1048576, "MB", 3.0)]
    [InlineData(5L * 1073741824, "GB", 5.0)]
    public void SizeChart_LargestBar_PicksTheUnit(long bytes, string expectedUnit, double value)
    {
        var (_, series, unit) = BackupsPage.SizeChart([Entry("postgres", bytes, At)]);

        Assert.Equal(expectedUnit, unit);
        Assert.Equal(value, Assert.Single(Assert.Single(series).Data));
    }
}
