using System.ComponentModel.DataAnnotations;
using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Drills;

namespace KoboConsole.Tests.Features.Drills;

public sealed class DrillRulesTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 25, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Newest_TwoDatabasesAndOlderCopies_NewestOfEachDatabase()
    {
        BackupEntry[] entries =
        [
            Entry("postgres", "postgres-koboform-15-kobo.test-2026.11.25.02_00.pg_dump", T),
            Entry("postgres", "postgres-koboform-15-kobo.test-2026.11.24.02_00.pg_dump", T.AddDays(-1)),
            Entry("postgres", "postgres-kobocat-15-kobo.test-2026.11.20.02_00.pg_dump", T.AddDays(-5)),
            Entry("redis", "redis-7.0.15-kobo.test-2026.11.25.02_00.gz", T),
        ];

        var newest = DrillPlanner.Newest(entries, "postgres");

        Assert.Equal(["postgres-kobocat-15-kobo.test-2026.11.20.02_00.pg_dump", "postgres-koboform-15-kobo.test-2026.11.25.02_00.pg_dump"],
            newest.Select(e => e.Name));
    }

    [Fact]
    public void Newest_SameTimeOnDiskByKoboAndByConsole_PrefersTheConsoleOne()
    {
        BackupEntry[] entries =
        [
            Entry("mongo", "mongo-5.0-kobo.test-2026.11.25.02_00.gz", T, BackupEntry.KoboOrigin),
            Entry("mongo", "mongo-5.0-kobo.test-2026.11.25.02_00.gz", T, BackupEntry.ConsoleOrigin, "s3"),
        ];

        Assert.Equal("s3", Assert.Single(DrillPlanner.Newest(entries, "mongo")).Target);
    }

    [Fact]
    public void ThrowawayEnv_KoboBackupSchedules_Dropped()
    {
        var env = DrillSteps.ThrowawayEnv(["POSTGRES_USER=kobo", "POSTGRES_BACKUP_SCHEDULE=0 1 * * *", "PG_MAJOR=15"]);

        Assert.Equal(["POSTGRES_USER=kobo", "PG_MAJOR=15"], env);
    }

    [Theory]
    [InlineData("0 2 * * 0", "UTC", null, null)]
    [InlineData("0 2 * *", "UTC", null, "KoboConsole:Drills:Schedule '0 2 * *' is not a five-field cron")]
    [InlineData("0 2 * * 0", "Mars/Olympus", null, "not a known time zone")]
    [InlineData(null, "UTC", "elastic", "'elastic' is not a store")]
    public void Options_Validate_NamesTheWrongSetting(string? cron, string zone, string? store, string? expected)
    {
        var options = new DrillsOptions { Schedule = cron, TimeZone = zone, ScheduleStores = store is null ? null : [store] };
        var results = new List<ValidationResult>();

        var ok = Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);

        Assert.Equal(expected is null, ok);
        if (expected is not null)
        {
            var message = string.Join(" ", results.Select(r => $"KoboConsole:Drills:{string.Join(',', r.MemberNames)} {r.ErrorMessage}"));
            Assert.Contains(expected, message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void StoresForSchedule_Unset_EveryStore() => Assert.Equal(BackupStores.All, new DrillsOptions().StoresForSchedule);

    [Fact]
    public void Validate_EmptyAndUnknownStores_SaySo()
    {
        Assert.Contains("is required", DrillService.Validate(new StartDrillRequest([]))["stores"][0], StringComparison.Ordinal);
        Assert.Contains("'tape' is not a store", DrillService.Validate(new StartDrillRequest(["postgres", "tape"]))["stores"][0], StringComparison.Ordinal);
        Assert.Empty(DrillService.Validate(new StartDrillRequest(["media"])));
    }

    private static BackupEntry Entry(string store, string name, DateTimeOffset at, string origin = BackupEntry.ConsoleOrigin, string target = "disk") =>
        new($"{target}-{name}", store, target, name, 10, at, origin == BackupEntry.ConsoleOrigin ? new string('a', 64) : null, origin, null);
}
