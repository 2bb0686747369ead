using Bunit;
using KoboConsole.Web.Features.Checks;
using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace KoboConsole.Tests.Features.Checks;

/// <summary>The overview component over a real check store (SQLite in a temporary folder): ranges and what maintenance muted.</summary>
public sealed class ChecksOverviewPageTests : MudComponentTest
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("koboconsole-overview-").FullName;
    private CheckStore _store = null!;

    public override async Task InitializeAsync()
    {
        var db = new ConsoleDb(Options.Create(new StorageOptions { DataDirectory = _dir }), new Env(_dir));
        await new DbMigrator(db, [new CoreMigrations(), new ChecksMigrations()], NullLogger<DbMigrator>.Instance).MigrateAsync(CancellationToken.None);
        _store = new CheckStore(db);
        Ctx.Services.AddSingleton(_store);
        Ctx.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        Ctx.Services.AddSingleton<IOptionsMonitor<ChecksOptions>>(new StaticOptions(new ChecksOptions()));
        Ctx.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true)); // a live circuit: the component follows its feed
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private Task<IReadOnlyList<AppliedChange>> ApplyAsync(DateTimeOffset at, string state, string? mutedBy = null) =>
        _store.ApplyAsync([CheckKinds.Probe], [(new CheckResult(CheckKinds.Probe, "kobobe-redis_main-1", state, $"redis_main {state}"), mutedBy)], removeVanished: true, at, CancellationToken.None);

    [Fact]
    public async Task Overview_ThirtyDays_ShowsTheOutageOfTenDaysAgoThatSevenDaysLeaveOut()
    {
        await ApplyAsync(Now.AddDays(-20), CheckStates.Ok);
        await ApplyAsync(Now.AddDays(-10), CheckStates.Failing);
        await ApplyAsync(Now.AddDays(-10).AddHours(2), CheckStates.Ok);
        var cut = Ctx.Render<ChecksOverview>();
        cut.WaitForElement("[data-testid=checks-summary]");
        cut.FindAll("button").Single(b => b.TextContent.Trim() == "7 d").Click();
        cut.WaitForElement("[data-testid=no-incidents]");

        cut.FindAll("button").Single(b => b.TextContent.Trim() == "30 d").Click();

        cut.WaitForAssertion(() => Assert.Contains("2 h 0 min", cut.Find("[data-testid=incident]").TextContent, StringComparison.Ordinal));
        Assert.Contains("Incidents over 30 d", cut.Markup, StringComparison.Ordinal);
        Assert.Equal("true", cut.FindAll("button").Single(b => b.TextContent.Trim() == "30 d").GetAttribute("aria-pressed"));
    }

    [Fact]
    public async Task Overview_OutageDuringAWindow_ListedAsMutedWithTheWindowNotAsAnIncident()
    {
        await ApplyAsync(Now.AddHours(-5), CheckStates.Ok);
        await ApplyAsync(Now.AddHours(-3), CheckStates.Failing, "maintenance window 7 (2026-12-07 09:00 to 10:00 UTC)");
        await ApplyAsync(Now.AddHours(-2), CheckStates.Ok);

        var cut = Ctx.Render<ChecksOverview>();

        var muted = cut.WaitForElement("[data-testid=muted-incident]");
        Assert.Contains("1 h 0 min: muted by maintenance window 7", muted.TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=incident]"));
        Assert.Contains("Muted by maintenance over 24 h", cut.Markup, StringComparison.Ordinal);
    }

    private sealed class StaticOptions(ChecksOptions value) : IOptionsMonitor<ChecksOptions>
    {
        public ChecksOptions CurrentValue => value;

        public ChecksOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<ChecksOptions, string?> listener) => null;
    }

    private sealed class Env(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";
        public string ApplicationName { get; set; } = "KoboConsole.Web";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
