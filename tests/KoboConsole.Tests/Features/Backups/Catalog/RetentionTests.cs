using KoboConsole.Web.Features.Backups;

namespace KoboConsole.Tests.Features.Backups;

public sealed class RetentionTests
{
    private static readonly DateTimeOffset End = new(2026, 11, 25, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Plan_DailyBackupsFor400Days_KeepsCountsOfBackupsNotDays()
    {
        var history = Daily("koboform", 400);

        var plan = Retention.Plan(history, new RetentionOptions(), Successes(3));

        // 30 newest days (covering the last 3 and 4 weeks), then the newest of each month back to
        // December 2025 (12 months), which is also 2025's yearly backup.
        Assert.Equal(40, plan.Keep.Count);
        Assert.Equal(360, plan.Delete.Count);
        Assert.Contains(plan.Keep, b => b.CreatedAt.Date == new DateTime(2025, 12, 31));
        Assert.Contains(plan.Keep, b => b.CreatedAt.Date == new DateTime(2026, 2, 28));
        Assert.Contains(plan.Delete, b => b.CreatedAt.Date == new DateTime(2025, 11, 30));
        Assert.Contains(plan.Delete, b => b.CreatedAt.Date == new DateTime(2026, 10, 26));
        Assert.Empty(plan.Blocked);
    }

    [Fact]
    public void Plan_YearlyTier_KeepsLastYearsBackupForMonthsNotTwoDays()
    {
        // kobo's S3 script deleted "yearly" backups after 2 days; here the yearly one is a count.
        var history = Daily("koboform", 3).Concat([Entry("koboform", new DateTimeOffset(2025, 1, 1, 2, 0, 0, TimeSpan.Zero))]).ToList();

        var plan = Retention.Plan(history, new RetentionOptions { Daily = 1, Weekly = 0, Monthly = 0, Yearly = 2, KeepLast = 1 }, Successes(3));

        Assert.Contains(plan.Keep, b => b.CreatedAt.Year == 2025);
    }

    [Fact]
    public void Plan_ARecentRunFailed_DeletesNothing()
    {
        var history = Daily("koboform", 100);
        RunOutcome[] runs = [Run(End, true), Run(End.AddDays(-1), false), Run(End.AddDays(-2), true)];

        var plan = Retention.Plan(history, new RetentionOptions(), runs);

        Assert.Empty(plan.Delete);
        Assert.Equal(100, plan.Keep.Count);
        Assert.Contains("a recent backup run failed", Assert.Single(plan.Blocked), StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_KoboMadeBackups_NeverDeletedUnlessOptedIn()
    {
        var history = Daily("koboform", 60, BackupEntry.KoboOrigin).Concat(Daily("kobocat", 60)).ToList();

        var plan = Retention.Plan(history, new RetentionOptions(), Successes(3));
        var optedIn = Retention.Plan(history, new RetentionOptions { IncludeKoboMade = true }, Successes(3));

        Assert.DoesNotContain(plan.Delete, b => b.Origin == BackupEntry.KoboOrigin);
        Assert.Equal(60, plan.Keep.Count(b => b.Origin == BackupEntry.KoboOrigin));
        Assert.Contains(optedIn.Delete, b => b.Origin == BackupEntry.KoboOrigin);
    }

    [Fact]
    public void Plan_TwoDatabases_EachKeepsItsOwnCounts()
    {
        var history = Daily("koboform", 50).Concat(Daily("kobocat", 5)).ToList();

        var plan = Retention.Plan(history, new RetentionOptions { Daily = 10, Weekly = 0, Monthly = 0, Yearly = 0 }, Successes(3));

        Assert.Equal(5, plan.Keep.Count(b => b.Name.Contains("kobocat", StringComparison.Ordinal)));
        Assert.Equal(10, plan.Keep.Count(b => b.Name.Contains("koboform", StringComparison.Ordinal)));
        Assert.Equal(40, plan.Delete.Count);
    }

    [Fact]
    public void Plan_SeveralBackupsADay_KeepLastIsAFloor()
    {
        var history = Enumerable.Range(0, 10).Select(i => Entry("koboform", End.AddHours(-i))).ToList();

        var plan = Retention.Plan(history, new RetentionOptions { KeepLast = 3, Daily = 1, Weekly = 0, Monthly = 0, Yearly = 0 }, Successes(3));

        Assert.Equal(3, plan.Keep.Count);
        Assert.Equal(End, plan.Keep.Max(b => b.CreatedAt));
    }

    private static List<BackupEntry> Daily(string db, int days, string origin = BackupEntry.ConsoleOrigin) =>
        Enumerable.Range(0, days).Select(d => Entry(db, End.AddDays(-d), origin)).ToList();

    private static BackupEntry Entry(string db, DateTimeOffset at, string origin = BackupEntry.ConsoleOrigin)
    {
        var name = BackupNames.Postgres(db, "15", "kobo.test", at);
        return new BackupEntry(BackupIds.Of("disk", name), BackupStores.Postgres, BackupTargets.Disk, name, 1000, at,
            origin == BackupEntry.ConsoleOrigin ? new string('a', 64) : null, origin, null);
    }

    private static RunOutcome Run(DateTimeOffset at, bool ok) => new(BackupStores.Postgres, BackupTargets.Disk, at, ok);

    private static RunOutcome[] Successes(int n) => Enumerable.Range(0, n).Select(i => Run(End.AddDays(-i), true)).ToArray();
}
