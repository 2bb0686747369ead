using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Backups.Schedules;
using KoboConsole.Web.Features.Checks;
using KoboConsole.Web.Features.Drills;

namespace KoboConsole.Tests.Features.Checks;

public sealed class DataChecksTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private static readonly BackupSchedule Daily = new("s1", [BackupStores.Postgres, BackupStores.Redis], BackupTargets.Disk, "0 2 * * *", "UTC", true, "page");

    private static BackupEntry Entry(string store, DateTimeOffset at, string status = BackupEntry.Ok) =>
        new($"id-{store}-{at:HHmm}", store, BackupTargets.Disk, $"{store}-{at:yyyyMMddHHmm}.gz", 10, at, "abc", BackupEntry.ConsoleOrigin, "run1", status, status == BackupEntry.Missing ? Now.AddHours(-1) : null);

    [Fact]
    public void BackupAge_OneStoreMissedTwoRuns_ThatStoreFailingTheOtherOk()
    {
        var catalog = new[] { Entry(BackupStores.Postgres, Now.Date.AddHours(2).AddMinutes(5)), Entry(BackupStores.Redis, Now.Date.AddDays(-3)) };

        var results = DataChecks.BackupAge([Daily], catalog, Now).ToDictionary(r => r.Target, r => r);

        Assert.Equal(CheckStates.Ok, results["postgres@disk"].State);
        Assert.Equal(CheckStates.Failing, results["redis@disk"].State);
        Assert.Contains("Check the history for failed runs", results["redis@disk"].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BackupAge_DisabledSchedule_NoCheck() =>
        Assert.Empty(DataChecks.BackupAge([Daily with { Enabled = false }], [], Now));

    [Fact]
    public void Catalog_MissingFile_FailingNamesFileAndWhatToDo()
    {
        var r = Assert.Single(DataChecks.Catalog([Entry(BackupStores.Postgres, Now.AddDays(-1), BackupEntry.Missing), Entry(BackupStores.Redis, Now)]));

        Assert.Equal((CheckKinds.Catalog, "disk", CheckStates.Failing), (r.Check, r.Target, r.State));
        Assert.Contains("1 backup file(s) on disk are gone (postgres-", r.Message, StringComparison.Ordinal);
        Assert.Contains("run a backup now", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Catalog_AllPresent_Ok() =>
        Assert.Equal(CheckStates.Ok, Assert.Single(DataChecks.Catalog([Entry(BackupStores.Redis, Now)])).State);

    [Theory]
    [InlineData(DrillHealth.Proven, CheckStates.Ok)]
    [InlineData(DrillHealth.Stale, CheckStates.Warning)]
    [InlineData(DrillHealth.Failed, CheckStates.Failing)]
    [InlineData(DrillHealth.Never, CheckStates.Unknown)]
    public void Drills_Health_MapsToState(DrillHealth health, string expected)
    {
        var r = Assert.Single(DataChecks.Drills([new StoreProof(BackupStores.Mongo, health, Now.AddDays(-9), "mongo.gz", Now.AddDays(-1), "mongorestore exited 1")], 8));

        Assert.Equal((CheckKinds.Drill, BackupStores.Mongo, expected), (r.Check, r.Target, r.State));
        if (health == DrillHealth.Stale)
        {
            Assert.Contains("older than 8 days", r.Message, StringComparison.Ordinal);
        }
    }
}
