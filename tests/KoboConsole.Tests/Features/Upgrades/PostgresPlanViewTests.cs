using Bunit;
using KoboConsole.Web.Features.Upgrades;

namespace KoboConsole.Tests.Features.Upgrades;

public sealed class PostgresPlanViewTests : MudComponentTest
{
    private static PostgresUpgradePlan Plan(params UpgradeCheck[] checks) => new(checks, UpgradeMethods.Dump, 15, 17, "kobo-testbed/postgres17:latest",
        1L << 30, 2L << 30, 1L << 30, "/srv/k/.vols/db-pg17", PostgresUpgradePlanner.Steps,
        new ConfigChange("kobo-docker/docker-compose.backend.override.yml", "postgres", ["image: old"], ["image: kobo-testbed/postgres17:latest", "- ./.vols/db-pg17:/var/lib/postgresql/data"], "note"),
        "kobo.test");

    [Fact]
    public void Render_BlockingCheckFailed_ShowsItRedAndRefuses()
    {
        var view = Ctx.Render<PostgresPlanView>(p => p.Add(c => c.Plan, Plan(
            new UpgradeCheck("target image", true, true, "ok"),
            new UpgradeCheck("free space", false, true, "needs 2.0 GiB; 1.0 GiB free"))));

        var checks = view.FindAll("[data-testid=upgrade-check]");
        Assert.Equal(["true", "false"], checks.Select(c => c.GetAttribute("data-ok")));
        Assert.Contains("needs 2.0 GiB; 1.0 GiB free", checks[1].TextContent, StringComparison.Ordinal);
        Assert.NotNull(view.Find("[data-testid=upgrade-refused]"));
    }

    [Fact]
    public void Render_StartablePlan_ShowsTheConfigLinesAndNoRefusal()
    {
        var view = Ctx.Render<PostgresPlanView>(p => p.Add(c => c.Plan, Plan(new UpgradeCheck("replication", false, false, "re-seed the secondary"))));

        Assert.Empty(view.FindAll("[data-testid=upgrade-refused]"));
        var change = view.Find("[data-testid=upgrade-change]").TextContent;
        Assert.Contains("image: kobo-testbed/postgres17:latest", change, StringComparison.Ordinal);
        Assert.Contains("- ./.vols/db-pg17:/var/lib/postgresql/data", change, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL 15 → 17", view.Markup, StringComparison.Ordinal);
    }
}
