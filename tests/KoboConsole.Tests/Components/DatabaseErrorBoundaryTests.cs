using Bunit;
using KoboConsole.Web.Components.Shared;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.AspNetCore.Components;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace KoboConsole.Tests.Components;

public sealed class DatabaseErrorBoundaryTests : MudComponentTest
{
    private readonly DatabaseHealth _health = new();

    public DatabaseErrorBoundaryTests()
    {
        Ctx.Services.AddSingleton(_health);
        Ctx.Services.AddSingleton(TimeProvider.System);
        Ctx.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true)); // a live circuit: the component follows its feed
    }

    [Fact]
    public void Boundary_PageQueryFailsWithTheDatabaseAway_ShowsTheMessageAndReloadsThePageWhenItIsBack()
    {
        var page = new FlakyPage.State { Failure = new SqliteException("unable to open database file", 14) };
        var cut = Render(page);

        cut.WaitForAssertion(() => Assert.Contains("The console's database is unreachable; retrying…",
            cut.Find("[data-testid=page-database-unavailable]").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=page-content]"));
        Assert.False(_health.Reachable); // the page saw it first: the banner shows it too
        Assert.Equal(1, page.Loads);

        page.Failure = null;
        _health.Report(true, DateTimeOffset.UtcNow);

        cut.WaitForAssertion(() => Assert.Equal("loaded", cut.Find("[data-testid=page-content]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=page-database-unavailable]"));
        Assert.Equal(2, page.Loads);
    }

    [Fact]
    public void Boundary_DatabaseStillAwayOnRetry_ShowsTheMessageAgainAndKeepsTrying()
    {
        var page = new FlakyPage.State { Failure = new InvalidOperationException("pool exhausted", new SqliteException("busy", 5)) };
        var cut = Render(page);
        cut.WaitForAssertion(() => cut.Find("[data-testid=page-database-unavailable]"));

        // The monitor saw it answer once, but the page's query fails again.
        _health.Report(true, DateTimeOffset.UtcNow);
        cut.WaitForAssertion(() => Assert.Equal(2, page.Loads));
        cut.WaitForAssertion(() => cut.Find("[data-testid=page-database-unavailable]"));
        Assert.False(_health.Reachable);

        page.Failure = null;
        _health.Report(true, DateTimeOffset.UtcNow);
        cut.WaitForAssertion(() => Assert.Equal("loaded", cut.Find("[data-testid=page-content]").TextContent));
    }

    [Fact]
    public void Boundary_OtherFailure_ShowsAnInlineErrorWithoutDetailsAndDoesNotBlameTheDatabase()
    {
        var cut = Render(new FlakyPage.State { Failure = new InvalidOperationException("secret detail of a bug") });

        cut.WaitForAssertion(() => cut.Find("[data-testid=page-error]"));
        Assert.DoesNotContain("secret detail", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=page-database-unavailable]"));
        Assert.True(_health.Reachable);
    }

    private IRenderedComponent<DatabaseErrorBoundary> Render(FlakyPage.State state) =>
        Ctx.Render<DatabaseErrorBoundary>(p => p.AddChildContent<FlakyPage>(c => c.Add(x => x.Page, state)));

    /// <summary>A page whose load throws what <see cref="State.Failure"/> holds at the time.</summary>
    private sealed class FlakyPage : ComponentBase
    {
        [Parameter, EditorRequired]
        public State Page { get; set; } = null!;

        protected override async Task OnInitializedAsync()
        {
            Page.Loads++;
            await Task.Yield();
            if (Page.Failure is { } failure)
            {
                throw failure;
            }
        }

        protected override void BuildRenderTree(Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder builder)
        {
            builder.OpenElement(0, "p");
            builder.AddAttribute(1, "data-testid", "page-content");
            builder.AddContent(2, "loaded");
            builder.CloseElement();
        }

        internal sealed class State
        {
            public Exception? Failure { get; set; }

            public int Loads { get; set; }
        }
    }
}
