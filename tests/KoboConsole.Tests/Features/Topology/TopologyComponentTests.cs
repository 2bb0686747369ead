using Bunit;
using KoboConsole.Web.Features.Logs;
using KoboConsole.Web.Features.Topology;
using KoboConsole.Web.Features.Topology.Stats;
using KoboConsole.Web.Infrastructure.Docker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor.Services;

namespace KoboConsole.Tests.Features.Topology;

public sealed class TopologyComponentTests : MudComponentTest
{
    [Fact]
    public void TopologyGraph_StoppedService_DrawsARedNodeAndABrokenLinkDashed()
    {
        var view = new TopologyView([], [
            TopologySamples.Container("n", "nginx", "frontend"),
            TopologySamples.Container("k", "kpi", "frontend", state: "exited"),
            TopologySamples.Container("p", "postgres", "backend"),
        ], [new TopologyLink("n", "k", "http", false), new TopologyLink("k", "p", "postgres", true)]);

        var cut = Ctx.Render<TopologyGraph>(p => p.Add(c => c.View, view));

        Assert.Equal("down", cut.Find("[data-testid=node-kpi]").GetAttribute("data-state"));
        Assert.Equal(TopologyGraph.Fill(NodeState.Down), cut.Find("[data-testid=node-kpi] rect").GetAttribute("fill"));
        Assert.Equal("running", cut.Find("[data-testid=node-nginx]").GetAttribute("data-state"));
        Assert.Equal("true", cut.Find("[data-testid=edge-kpi-postgres]").GetAttribute("data-broken"));
        Assert.NotNull(cut.Find("[data-testid=edge-kpi-postgres]").GetAttribute("stroke-dasharray"));
        Assert.Equal("false", cut.Find("[data-testid=edge-nginx-kpi]").GetAttribute("data-broken"));
    }

    [Fact]
    public void TopologyGraph_NginxStoppedForTheMaintenancePage_ShowsMaintenanceNotAnOutage()
    {
        var view = new TopologyView([], [
            TopologySamples.Container("n", "nginx", "frontend", state: "exited"),
            TopologySamples.Container("m", "maintenance", "maintenance"),
            TopologySamples.Container("k", "kpi", "frontend"),
        ], []);

        var cut = Ctx.Render<TopologyGraph>(p => p.Add(c => c.View, view));

        var nginx = cut.Find("[data-testid=node-nginx]");
        Assert.Equal("maintenance", nginx.GetAttribute("data-state"));
        Assert.Equal(TopologyGraph.MaintenanceFill, cut.Find("[data-testid=node-nginx] rect").GetAttribute("fill"));
        Assert.Contains("maintenance · main", nginx.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("0/1 running", nginx.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void TopologyGraph_NginxStoppedWithoutMaintenancePage_IsDown()
    {
        var view = new TopologyView([], [
            TopologySamples.Container("n", "nginx", "frontend", state: "exited", host: "fe1"),
            TopologySamples.Container("m", "maintenance", "maintenance", host: "fe2"),
        ], []);

        var cut = Ctx.Render<TopologyGraph>(p => p.Add(c => c.View, view));

        Assert.Equal("down", cut.Find("[data-testid=node-nginx]").GetAttribute("data-state"));
    }

    [Fact]
    public void TopologyGraph_SecondaryPostgres_DrawsTheReplicationAsALoopOnThePostgresNode()
    {
        var view = new TopologyView([], [
            TopologySamples.Container("p1", "postgres", "backend", host: "be1"),
            TopologySamples.Container("p2", "postgres", "backend", host: "be2"),
        ], [new TopologyLink("p2", "p1", "replication", false)]);

        var cut = Ctx.Render<TopologyGraph>(p => p.Add(c => c.View, view));

        var loop = cut.Find("[data-testid=edge-postgres-postgres]");
        Assert.Contains("replication", loop.TextContent, StringComparison.Ordinal);
        var d = loop.GetAttribute("d")!;
        var numbers = d.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries).Where(t => double.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, out _)).ToList();
        Assert.Equal(numbers[0], numbers[^2]); // starts and ends on the same side of the node: a loop, not a line across it
        Assert.Contains("postgres ×2", cut.Find("[data-testid=node-postgres]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void TopologyGraph_Replicas_OneNodeWithCount()
    {
        var cut = Ctx.Render<TopologyGraph>(p => p.Add(c => c.View, TopologySamples.Large()));

        Assert.Equal(11, cut.FindAll("g.topology-node").Count);
        Assert.Contains("kpi ×8", cut.Find("[data-testid=node-kpi]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void TopologyGraph_ClickNode_ReportsTheService()
    {
        string? selected = null;
        var cut = Ctx.Render<TopologyGraph>(p => p
            .Add(c => c.View, new TopologyView([], [TopologySamples.Container("k", "kpi", "frontend")], []))
            .Add(c => c.OnSelect, (string s) => selected = s));

        cut.Find("[data-testid=node-kpi]").Click();

        Assert.Equal("kpi", selected);
    }

    [Fact]
    public void ContainerDetailPanel_Details_ShowsEverythingWithSecretsMasked()
    {
        var env = new[] { "POSTGRES_PASSWORD=pg-secret-1", "DATABASE_URL=postgres://kobo:url-secret-2@postgres:5432/koboform", "PUBLIC_DOMAIN_NAME=kobo.test" };
        var details = new ContainerDetails("abcdef1234567890", "kobofe-kpi-1", "kobo-testbed/busybox:latest", "sha256:1", "running", true, 0,
            new HealthInfo("healthy", 0, "ok from probe", 0, DateTimeOffset.UnixEpoch.AddDays(1)), 3, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(1), null,
            false, ["standin", "kpi"], env, new Dictionary<string, string> { ["com.docker.compose.service"] = "kpi" },
            [new MountInfo("bind", null, "/srv/kpi_media", "/srv/src/kpi/media", true)],
            [new NetworkAttachment("kobofe_kobo-fe-network", "n1", ["kpi", "kpi.internal"], "172.20.0.3")],
            [new PortMapping(null, null, 8000, "tcp")], []);
        var view = new ContainerDetailView("main", "kpi", details, [.. env.Select(SecretMask.MaskEnvEntry)],
            [new LogLine(LogSource.Stdout, DateTimeOffset.UnixEpoch, "GET /service_health/ 200")], null);

        Ctx.Services.AddSingleton(new StatsSampler(null!, null!, null!, TimeProvider.System, NullLogger<StatsSampler>.Instance));
        Ctx.Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Static", isInteractive: false)); // shows the (empty) history, starts no sampling
        var cut = Ctx.Render<ContainerDetailPanel>(p => p.Add(c => c.Detail, view));

        Assert.DoesNotContain("pg-secret-1", cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("url-secret-2", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("POSTGRES_PASSWORD=" + SecretMask.Mask, cut.Find("[data-testid=detail-env]").TextContent, StringComparison.Ordinal);
        Assert.Contains("PUBLIC_DOMAIN_NAME=kobo.test", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("kpi.internal", cut.Find("[data-testid=detail-networks]").TextContent, StringComparison.Ordinal);
        Assert.Contains("ok from probe", cut.Find("[data-testid=detail-health]").TextContent, StringComparison.Ordinal);
        Assert.Contains("GET /service_health/ 200", cut.Find("[data-testid=detail-logs]").TextContent, StringComparison.Ordinal);
        Assert.Contains("/srv/src/kpi/media", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("kobo-testbed/busybox:latest", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("<td>3</td>", cut.Markup, StringComparison.Ordinal);
        // Sorted by name, whatever order the engine gave.
        Assert.Equal(["DATABASE_URL", "POSTGRES_PASSWORD", "PUBLIC_DOMAIN_NAME"],
            cut.Find("[data-testid=detail-env]").TextContent.Split('\n').Select(e => e.Split('=')[0]));
    }

    [Fact]
    public void TopologyTable_LongNames_MayBreakOnlyAfterSeparators()
    {
        var cut = Ctx.Render<TopologyTable>(p => p.Add(c => c.View, new TopologyView([], [TopologySamples.Container("w", "worker_long_running_tasks", "frontend")], [])));

        var name = cut.Find("[data-testid=row-name]");
        Assert.Equal("kobofe-worker_long_running_tasks-w", name.TextContent);
        Assert.Contains("kobofe-<wbr>worker_<wbr>long_<wbr>running_<wbr>tasks-<wbr>w", name.InnerHtml, StringComparison.Ordinal);
        Assert.Contains("kobo-<wbr>testbed/<wbr>services:<wbr>latest", cut.Markup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kpi", 1, "kpi", "13")]
    [InlineData("worker_long_running_tasks", 1, "worker_long_running_tasks", "11.4")]
    [InlineData("worker_long_running_tasks", 3, "worker_long_running_tasks ×3", "10.2")]
    [InlineData("a_service_name_far_longer_than_a_node", 1, "a_service_name_far_longer_t…", "10.2")]
    public void TopologyGraph_LongServiceName_ShownWholeInASmallerFontUntilItCannotFit(string service, int replicas, string label, string size)
    {
        var containers = Enumerable.Range(0, replicas).Select(i => TopologySamples.Container($"c{i}", service, "frontend")).ToList();

        var cut = Ctx.Render<TopologyGraph>(p => p.Add(c => c.View, new TopologyView([], containers, [])));

        var text = cut.Find($"[data-testid=node-{service}] [data-testid=node-label]");
        Assert.Equal(label, text.TextContent);
        Assert.Equal(size, text.GetAttribute("font-size"));
    }
}
