using KoboConsole.Web.Features.Backups.Schedules;

namespace KoboConsole.Tests.Features.Backups;

public sealed class ScheduleRulesTests
{
    [Theory]
    [InlineData("0 2 * * 0", "UTC", "every Sunday at 02:00 UTC")]
    [InlineData("30 1 * * *", "UTC", "every day at 01:30 UTC")]
    [InlineData("0 3 * * 1,3,5", "Europe/Paris", "every Monday, Wednesday, Friday at 03:00 Europe/Paris")]
    [InlineData("15 4 1 * *", "UTC", "on day 1 of every month at 04:15 UTC")]
    [InlineData("*/15 * * * *", "UTC", "every 15 minutes")]
    [InlineData("5 * * * *", "UTC", "every hour at minute 5")]
    public void Describe_CommonShapes_ReadsLikeASentence(string cron, string zone, string expected) =>
        Assert.Equal(expected, ScheduleRules.Describe(cron, zone));

    [Fact]
    public void NextRuns_SundaysInParis_FiveSundaysAtTwoLocal()
    {
        var from = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

        var runs = ScheduleRules.NextRuns("0 2 * * 0", "Europe/Paris", from, 5);

        Assert.Equal(5, runs.Count);
        Assert.All(runs, r => Assert.Equal(DayOfWeek.Sunday, r.DayOfWeek));
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 1, 0, 0, TimeSpan.Zero), runs[0].ToUniversalTime());
    }

    [Theory]
    [InlineData("", "UTC", "is required")]
    [InlineData("0 2 * *", "UTC", "not a five-field cron")]
    [InlineData("0 2 * * 0", "Mars/Olympus", "not a known time zone")]
    public void Problem_BadInput_SaysWhatIsWrong(string cron, string zone, string expected) =>
        Assert.Contains(expected, ScheduleRules.Problem(cron, zone), StringComparison.Ordinal);
}

public sealed class StalenessTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly BackupSchedule Daily = new("s1", ["postgres"], "disk", "0 2 * * *", "UTC", true, "console");

    [Fact]
    public void Warnings_BackupAfterLastButOneOccurrence_None() =>
        Assert.Empty(Staleness.Warnings([Daily], [Entry(Now.AddHours(-34))], Now));

    [Fact]
    public void Warnings_TwoDailyRunsMissed_NamesTheStore()
    {
        var warning = Assert.Single(Staleness.Warnings([Daily], [Entry(Now.AddDays(-3))], Now));

        Assert.StartsWith("postgres (disk): the newest good backup is from 2026-11-22", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Warnings_OnlyKoboMadeBackups_CountsAsNone() =>
        Assert.Single(Staleness.Warnings([Daily], [Entry(Now.AddHours(-1), "kobo")], Now));

    private static KoboConsole.Web.Features.Backups.BackupEntry Entry(DateTimeOffset at, string origin = "console") =>
        new("id", "postgres", "disk", "postgres-koboform-15-kobo.test-x.pg_dump", 1, at, null, origin, null);
}
