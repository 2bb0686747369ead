using KoboConsole.Web.Features.Backups;
using KoboConsole.Web.Features.Drills;
using KoboConsole.Web.Features.Runs;

namespace KoboConsole.Tests.Features.Drills;

public sealed class DrillStatusTests
{
    internal static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxAge = TimeSpan.FromDays(8);

    [Fact]
    public void Evaluate_RecentSuccess_ProvenAtTheOldestBackupOfTheItem()
    {
        var run = Run(Now.AddHours(-1), Item("postgres", RunStates.Succeeded,
            "postgres-koboform-15-kobo.test-2026.11.25.02_00.pg_dump, postgres-kobocat-15-kobo.test-2026.11.24.02_00.pg_dump"));

        var proof = Single(DrillStatus.Evaluate([run], Now, MaxAge), "postgres");

        Assert.Equal(DrillHealth.Proven, proof.Health);
        Assert.False(proof.IsRed);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero), proof.ProvenAt);
        Assert.Contains("postgres-kobocat", proof.Backup, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_SuccessOfAnOldBackup_StaleAndRed()
    {
        var run = Run(Now.AddHours(-1), Item("redis", RunStates.Succeeded, "redis-7.0.15-kobo.test-2026.11.10.02_00.gz"));

        var proof = Single(DrillStatus.Evaluate([run], Now, MaxAge), "redis");

        Assert.Equal(DrillHealth.Stale, proof.Health);
        Assert.True(proof.IsRed);
    }

    [Fact]
    public void Evaluate_LastDrillFailedAfterASuccess_FailedButKeepsTheLastProof()
    {
        var good = Run(Now.AddDays(-2), Item("mongo", RunStates.Succeeded, "mongo-5.0-kobo.test-2026.11.23.02_00.gz"));
        var bad = Run(Now.AddHours(-1), Item("mongo", RunStates.Failed, "mongo-5.0-kobo.test-2026.11.25.02_00.gz", "mongorestore exited with code 1"));

        var proof = Single(DrillStatus.Evaluate([good, bad], Now, MaxAge), "mongo");

        Assert.Equal(DrillHealth.Failed, proof.Health);
        Assert.Equal("mongorestore exited with code 1", proof.LastError);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 2, 0, 0, TimeSpan.Zero), proof.ProvenAt);
    }

    [Fact]
    public void Evaluate_CancelledAndRunningItems_Ignored()
    {
        var good = Run(Now.AddDays(-1), Item("media", RunStates.Succeeded, "media-kpi_media-kobo.test-2026.11.24.02_00.tar.gz"));
        var cancelled = Run(Now.AddHours(-2), Item("media", RunStates.Cancelled, "media-kpi_media-kobo.test-2026.11.25.02_00.tar.gz"));
        var running = Run(Now.AddHours(-1), Item("media", RunStates.Running, "media-kpi_media-kobo.test-2026.11.25.02_00.tar.gz"));

        var proof = Single(DrillStatus.Evaluate([good, cancelled, running], Now, MaxAge), "media");

        Assert.Equal(DrillHealth.Proven, proof.Health);
    }

    [Fact]
    public void Evaluate_NoDrills_EveryStoreNeverAndRed()
    {
        var proofs = DrillStatus.Evaluate([], Now, MaxAge);

        Assert.Equal(BackupStores.All, proofs.Select(p => p.Store));
        Assert.All(proofs, p => Assert.Equal(DrillHealth.Never, p.Health));
        Assert.All(proofs, p => Assert.True(p.IsRed));
    }

    [Fact]
    public void Evaluate_OnlyFailures_FailedWithNoProof()
    {
        var bad = Run(Now.AddHours(-1), Item("postgres", RunStates.Failed, "postgres", "pg_restore exited with code 1"));

        var proof = Single(DrillStatus.Evaluate([bad], Now, MaxAge), "postgres");

        Assert.Equal(DrillHealth.Failed, proof.Health);
        Assert.Null(proof.ProvenAt);
    }

    [Fact]
    public void Evaluate_LastDrillFoundNoBackup_NoBackupNotFailed()
    {
        var good = Run(Now.AddDays(-3), Item("redis", RunStates.Succeeded, "redis-7.0.15-kobo.test-2026.11.22.02_00.gz"));
        var none = Run(Now.AddHours(-1), Item("redis", RunStates.Failed, "redis", DrillPlanner.NoBackup("redis")),
            Item("mongo", RunStates.Failed, "mongo", DrillPlanner.NoBackup("mongo")));

        var proofs = DrillStatus.Evaluate([good, none], Now, MaxAge);

        Assert.Equal(DrillHealth.NoBackup, Single(proofs, "redis").Health);
        Assert.Null(Single(proofs, "redis").LastError);
        Assert.NotNull(Single(proofs, "redis").ProvenAt); // the earlier proof stays on record
        Assert.Equal(DrillHealth.NoBackup, Single(proofs, "mongo").Health);
    }

    internal static RunItemView Item(string store, string state, string name, string? error = null) =>
        new(1, store, name, state, "id", 0, null, error, null, null);

    internal static RunView Run(DateTimeOffset finished, params RunItemView[] items) =>
        new(Guid.NewGuid().ToString("N")[..16], DrillRunner.Kind, RunStates.Succeeded, "test", finished.AddMinutes(-1), finished.AddMinutes(-1), finished,
            new RunProgressView(null, 0, null), items.Select(i => i with { FinishedAt = finished }).ToList(), null, [], false, null);

    private static StoreProof Single(IReadOnlyList<StoreProof> proofs, string store) => Assert.Single(proofs, p => p.Store == store);
}
