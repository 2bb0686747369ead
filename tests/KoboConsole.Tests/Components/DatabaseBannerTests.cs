using Bunit;
using KoboConsole.Web.Components.Shared;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.Tests.Components;

public sealed class DatabaseBannerTests : MudComponentTest
{
    private readonly DatabaseHealth _health = new();

    public DatabaseBannerTests()
    {
        Ctx.Services.AddSingleton(_health);
        Ctx.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true)); // a live circuit: the component follows its feed
    }

    [Fact]
    public void DatabaseBanner_DatabaseReachable_ShowsNothing()
    {
        var cut = Ctx.Render<DatabaseBanner>();

        Assert.Empty(cut.FindAll("[data-testid=database-banner]"));
    }

    [Fact]
    public void DatabaseBanner_DatabaseGoesAwayAndComesBack_ShowsThenHidesTheBanner()
    {
        var cut = Ctx.Render<DatabaseBanner>();

        _health.Report(false, DateTimeOffset.UtcNow);
        cut.WaitForAssertion(() => Assert.Contains("The console's database is unreachable; retrying...",
            cut.Find("[data-testid=database-banner]").TextContent, StringComparison.Ordinal));

        _health.Report(true, DateTimeOffset.UtcNow);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=database-banner]")));
    }
}
