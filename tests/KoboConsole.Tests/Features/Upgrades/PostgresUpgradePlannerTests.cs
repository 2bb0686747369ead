using KoboConsole.Web.Features.Drills;
using KoboConsole.Web.Features.Upgrades;

namespace KoboConsole.Tests.Features.Upgrades;

public sealed class PostgresUpgradePlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Fresh = TimeSpan.FromHours(24);
    private const long Gib = 1L << 30;

    private static PostgresFacts Facts(long? free = 10 * Gib, int? targetMajor = 17, IReadOnlyList<PgExtension>? extensions = null, IReadOnlyList<string>? available = null,
        IReadOnlyList<string>? secondaries = null, StoreProof? drill = null, bool bothMajors = false, string? targetProblem = null) => new(
        "main", "c0ffee", "kobobe-postgres-1", "kobo-testbed/services:latest", 15, "15.14", "/var/lib/postgresql/data", "/srv/kobo-docker/.vols/db", false, free,
        [new PgDatabase("koboform", 2 * Gib), new PgDatabase("kobocat", Gib)], extensions ?? [new PgExtension("koboform", "plpgsql", "1.0")], secondaries ?? [],
        new TargetImageFacts("kobo-testbed/postgres17:latest", targetMajor, targetMajor is null ? null : $"{targetMajor}.6", bothMajors, available ?? ["plpgsql"], targetProblem),
        drill ?? new StoreProof("postgres", DrillHealth.Proven, Now.AddHours(-3), "postgres-koboform-15-kobo.test-2026.12.07.09_00.pg_dump", Now.AddHours(-2), null));

    private static PostgresUpgradePlan Plan(PostgresFacts f, string? method = null, string? skip = null) =>
        PostgresUpgradePlanner.Plan(f, method, skip, "kobo.test", Now, Fresh);

    private static UpgradeCheck Check(PostgresUpgradePlan plan, string name) => Assert.Single(plan.Checks, c => c.Name == name);

    [Fact]
    public void Plan_EverythingInPlace_CanStartWithDumpIntoNewDirectory()
    {
        var plan = Plan(Facts());

        Assert.True(plan.CanStart, string.Join(" ", plan.Problems.Select(p => p.Detail)));
        Assert.Equal(UpgradeMethods.Dump, plan.Method);
        Assert.Equal("/srv/kobo-docker/.vols/db-pg17", plan.NewDataSource);
        Assert.Equal(3 * Gib, plan.DataBytes);
        Assert.Contains("image: kobo-testbed/postgres17:latest", plan.Change!.After);
        Assert.Contains("- ./.vols/db-pg17:/var/lib/postgresql/data", plan.Change.After);
    }

    [Fact]
    public void Plan_TooLittleFreeSpace_RefusedWithTheNumbers()
    {
        var plan = Plan(Facts(free: 2 * Gib));

        Assert.False(plan.CanStart);
        var space = Check(plan, "free space");
        Assert.False(space.Ok);
        // 3 GiB of data + 10% + 256 MiB = 3.55 GiB needed (shown 3.5), 2 GiB free.
        Assert.Contains("needs 3.5 GiB", space.Detail, StringComparison.Ordinal);
        Assert.Contains("2.0 GiB free", space.Detail, StringComparison.Ordinal);
        Assert.Contains("free 1.5 GiB more", space.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_FreeSpaceUnknown_Refused()
    {
        Assert.False(Check(Plan(Facts(free: null)), "free space").Ok);
    }

    [Theory]
    [InlineData(15)]
    [InlineData(14)]
    public void Plan_TargetNotNewer_Refused(int major)
    {
        var plan = Plan(Facts(targetMajor: major));

        Assert.False(plan.CanStart);
        Assert.Contains("not newer than the running 15", Check(plan, "target image").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_TargetImageNotOnHost_RefusedSayingNothingIsPulled()
    {
        var plan = Plan(Facts(targetMajor: null, targetProblem: "postgres:17 is not on Docker host 'main'. The console never pulls."));

        Assert.False(plan.CanStart);
        Assert.Contains("never pulls", Check(plan, "target image").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_PgUpgradeWithoutBothMajors_RefusedPointingToDump()
    {
        var plan = Plan(Facts(), UpgradeMethods.PgUpgrade);

        Assert.False(plan.CanStart);
        Assert.Contains("both majors", Check(plan, "method").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_PostgisInUseAndOnTarget_SaysItIsUpgraded()
    {
        var plan = Plan(Facts(extensions: [new PgExtension("koboform", "postgis", "3.3.2")], available: ["plpgsql", "postgis"]));

        var ext = Check(plan, "extensions");
        Assert.True(ext.Ok);
        Assert.Contains("postgis 3.3.2 in koboform", ext.Detail, StringComparison.Ordinal);
        Assert.Contains("postgis_extensions_upgrade()", ext.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ExtensionMissingFromTarget_Refused()
    {
        var plan = Plan(Facts(extensions: [new PgExtension("koboform", "postgis", "3.3.2")]));

        Assert.False(plan.CanStart);
        Assert.Contains("does not have postgis", Check(plan, "extensions").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Secondary_WarnsItMustBeReseededButMayStart()
    {
        var plan = Plan(Facts(secondaries: ["kobobe-postgres-1 on secondary"]));

        var repl = Check(plan, "replication");
        Assert.False(repl.Ok);
        Assert.False(repl.Blocking);
        Assert.Contains("pg_basebackup", repl.Detail, StringComparison.Ordinal);
        Assert.True(plan.CanStart);
    }

    [Fact]
    public void Plan_NoDrill_RefusedUnlessAReasonIsTyped()
    {
        var never = new StoreProof("postgres", DrillHealth.Never, null, null, null, null);

        Assert.False(Plan(Facts(drill: never)).CanStart);
        Assert.False(Plan(Facts(drill: never), skip: "short").CanStart);
        var skipped = Plan(Facts(drill: never), skip: "backed up by hand an hour ago");
        Assert.True(skipped.CanStart);
        Assert.Contains("backed up by hand an hour ago", Check(skipped, "backup and drill").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_DrillProvenBackupOlderThanADay_Refused()
    {
        var old = new StoreProof("postgres", DrillHealth.Proven, Now.AddDays(-2), "x", Now.AddDays(-2), null);

        Assert.Contains("older than 24 hours", Check(Plan(Facts(drill: old)), "backup and drill").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void NewDataSource_NamedVolume_GetsSuffix()
    {
        Assert.Equal("kobo_db-pg17", PostgresUpgradePlanner.NewDataSource("kobo_db", true, 17));
        Assert.Equal("/x/.vols/db-pg17", PostgresUpgradePlanner.NewDataSource("/x/.vols/db/", false, 17));
    }
}
