using Bunit;
using KoboConsole.Tests.Features.Runs;
using KoboConsole.Tests.Infrastructure.Docker;
using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Features.Upgrades.Images;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace KoboConsole.Tests.Features.Upgrades.Images;

/// <summary>
/// The image-updates table on the upgrades page, over the in-memory engine with images loaded under
/// kobo's tags: which container has a newer image, and a recreate that asks first (naming the
/// container, the image and what users see) and queues a run only after "Recreate".
/// </summary>
public sealed class ImageUpdatesPanelTests : MudComponentTest
{
    private const string KpiTag = "kobotoolbox/kpi:2.024.36";
    private const string NginxTag = "nginx:1.26";
    private readonly RunDatabase _db = new();
    private readonly MemoryEngine _engine = new("main");
    private readonly RecordingJobs _jobs = new();

    public override async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        var old = DateTimeOffset.Parse("2026-10-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        _engine.Image(KpiTag, old);
        _engine.Image(NginxTag, old);
        _engine.Add("kobofe-kpi-1", labels: Labels("kpi"), image: KpiTag);
        _engine.Add("kobofe-nginx-1", labels: Labels("nginx"), image: NginxTag);
        Ctx.Services.AddOptions<StackOptions>();
        Ctx.Services.AddSingleton(TimeProvider.System);
        Ctx.Services.AddSingleton<IDockerHosts>(new MemoryHosts(_engine));
        Ctx.Services.AddSingleton<StackDiscovery>();
        Ctx.Services.AddSingleton(sp => new ImageUpdateService(sp.GetRequiredService<StackDiscovery>(), sp.GetRequiredService<IDockerHosts>(), _db.Runs, _jobs, _db.Audit));
        Ctx.AddAuthorization().SetAuthorized("ada").SetRoles("admin");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Recreate_NewerKpiImage_ListedThenAsksFirstAndQueuesOnlyAfterYes()
    {
        var dialogs = Ctx.Render<MudDialogProvider>();
        var panel = Ctx.Render<ImageUpdatesPanel>();

        // Nothing newer yet: both rows, no recreate offered.
        panel.Find("[data-testid=image-updates-check]").Click();
        panel.WaitForAssertion(() => Assert.Equal(2, panel.FindAll("[data-testid=image-update-row]").Count));
        Assert.Empty(panel.FindAll("[data-testid^=recreate-kpi]"));
        Assert.True(panel.Find("[data-testid=recreate-frontend]").HasAttribute("disabled"));

        // The admin loads a newer kpi image under the same tag.
        var newer = _engine.Image(KpiTag, DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        panel.Find("[data-testid=image-updates-check]").Click();
        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("[data-testid=recreate-kpi]")));
        var kpiRow = panel.FindAll("[data-testid=image-update-row]").Single(r => r.GetAttribute("data-service") == "kpi");
        Assert.Contains(ImageUpdateRules.ShortId(newer), kpiRow.TextContent, StringComparison.Ordinal);
        Assert.Empty(panel.FindAll("[data-testid=recreate-nginx]"));

        // "Recreate" asks first and names what happens; Cancel keeps everything as it is.
        panel.Find("[data-testid=recreate-kpi]").Click();
        dialogs.WaitForAssertion(() =>
        {
            Assert.Contains("Recreate kpi?", dialogs.Markup, StringComparison.Ordinal);
            Assert.Contains($"kobofe-kpi-1 on main stops and a new container from {KpiTag} ({ImageUpdateRules.ShortId(newer)})", dialogs.Markup, StringComparison.Ordinal);
            Assert.Contains("Users see errors meanwhile", dialogs.Markup, StringComparison.Ordinal);
        });
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();
        dialogs.WaitForAssertion(() => Assert.DoesNotContain("Recreate kpi?", dialogs.Markup, StringComparison.Ordinal));
        Assert.Empty(await _db.Runs.ListAsync(ImageRecreateRunner.Kind, 10, CancellationToken.None));
        Assert.Empty(_jobs.Created);

        // Confirmed: one recreate run queued for kpi, and the panel links to its log.
        panel.Find("[data-testid=recreate-kpi]").Click();
        dialogs.WaitForElement("button:contains('Recreate')");
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Recreate").Click();
        panel.WaitForAssertion(() => Assert.Contains("queued; see", panel.Markup, StringComparison.Ordinal));
        var run = Assert.Single(await _db.Runs.ListAsync(ImageRecreateRunner.Kind, 10, CancellationToken.None));
        Assert.Equal("ada", run.Actor);
        Assert.Contains($"/runs/{run.Id}", panel.Markup, StringComparison.Ordinal);
        Assert.Single(_jobs.Created);
    }

    private static Dictionary<string, string> Labels(string service) =>
        new() { [KoboNames.ProjectLabel] = "kobofe", [KoboNames.ServiceLabel] = service };
}
