using Bunit;
using KoboConsole.Web.Features.Drills;

namespace KoboConsole.Tests.Features.Drills;

public sealed class DrillStatusListTests : MudComponentTest
{
    private static readonly DateTimeOffset Now = DrillStatusTests.Now;

    [Theory]
    [InlineData(DrillHealth.Proven, "mud-success-text", "last proven restorable: 2026-11-25 02:00 UTC")]
    [InlineData(DrillHealth.Stale, "mud-error-text", "older than 8 days")]
    [InlineData(DrillHealth.Failed, "mud-error-text", "the last drill failed: pg_restore exited with code 1")]
    [InlineData(DrillHealth.Never, "mud-error-text", "never proven restorable")]
    [InlineData(DrillHealth.NoBackup, "mud-error-text", "no backup yet: back up PostgreSQL, then drill")]
    public void Render_EachHealth_ColouredAndWorded(DrillHealth health, string cssClass, string text)
    {
        DateTimeOffset? at = health == DrillHealth.Never ? null : new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero);
        var proof = new StoreProof("postgres", health, at, at is null ? null : "postgres-koboform-15-kobo.test-2026.11.25.02_00.pg_dump", Now,
            health == DrillHealth.Failed ? "pg_restore exited with code 1" : null);

        var view = Ctx.Render<DrillStatusList>(p => p.Add(c => c.Proofs, [proof]).Add(c => c.Now, Now).Add(c => c.MaxAgeDays, 8));

        var row = view.Find("[data-testid=drill-postgres]");
        Assert.Equal(health.ToString().ToLowerInvariant(), row.GetAttribute("data-health"));
        var cell = row.QuerySelector("td:last-child")!;
        Assert.Contains(cssClass, cell.ClassList);
        Assert.Contains(text, cell.TextContent, StringComparison.Ordinal);
        Assert.Contains(cssClass, row.QuerySelector("svg")!.ClassList);
    }

    [Fact]
    public void Render_ProvenStore_NamesTheBackup()
    {
        var at = new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);
        var proof = new StoreProof("redis", DrillHealth.Proven, at, "redis-7.0.15-kobo.test-2026.11.24.02_00.gz", Now, null);

        var view = Ctx.Render<DrillStatusList>(p => p.Add(c => c.Proofs, [proof]).Add(c => c.Now, Now));

        Assert.Contains("(34 h ago, backup redis-7.0.15-kobo.test-2026.11.24.02_00.gz)", view.Find("[data-testid=drill-redis]").TextContent, StringComparison.Ordinal);
    }
}
