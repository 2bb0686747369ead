using Bunit;
using KoboConsole.Tests.Features.Checks.Alerts;
using KoboConsole.Web.Features.Checks;
using KoboConsole.Web.Features.Checks.Alerts;
using KoboConsole.Web.Features.Settings;
using KoboConsole.Web.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KoboConsole.Tests.Features.Settings;

/// <summary>The settings page over a SQLite console database: channels with their test buttons, stored channels, check settings, effective configuration.</summary>
public sealed class SettingsPageTests : MudComponentTest
{
    private const string EnvPassword = "env-smtp-password-never-shown";
    private AlertHarness _h = null!;
    private PageSettingsProvider _page = null!;
    private IConfigurationRoot _config = null!;

    public override async Task InitializeAsync()
    {
        _h = await AlertHarness.StartAsync();
        await new Web.Infrastructure.Storage.DbMigrator(_h.Db, [new SettingsMigrations()], Microsoft.Extensions.Logging.Abstractions.NullLogger<Web.Infrastructure.Storage.DbMigrator>.Instance)
            .MigrateAsync(CancellationToken.None);
        _page = new PageSettingsProvider();
        _config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["KoboConsole:Checks:ServiceIntervalSeconds"] = "45",
                ["KoboConsole:Alerts:Channels:0:Kind"] = "email",
                ["KoboConsole:Alerts:Channels:0:Name"] = "ops-mail",
                ["KoboConsole:Alerts:Channels:0:SmtpPassword"] = EnvPassword,
                ["KoboConsole:Alerts:Channels:1:Url"] = AlertHarness.HookUrl,
            })
            .Add(_page)
            .Build();
        Ctx.AddAuthorization().SetAuthorized("ada").SetRoles("admin").SetPolicies("admin");
        Ctx.Services.AddSingleton(_h.Channels);
        Ctx.Services.AddSingleton(_h.Editor);
        Ctx.Services.AddSingleton(_h.Audit);
        Ctx.Services.AddSingleton(_page);
        Ctx.Services.AddSingleton(new PageSettings(_h.Db, _page, _h.Audit, _h.Clock));
        Ctx.Services.AddSingleton(new EffectiveConfiguration(_config, [new OptionsSection(typeof(ChecksOptions), ChecksOptions.Section), new OptionsSection(typeof(AlertsOptions), AlertsOptions.Section)]));
        Ctx.Services.AddSingleton<TimeProvider>(_h.Clock);
        Ctx.Services.AddSingleton<IOptionsMonitor<ChecksOptions>>(new AlertHarness.Monitor<ChecksOptions>(new ChecksOptions()));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _h.DisposeAsync();
    }

    [Fact]
    public async Task Page_SendATest_ReachesTheConfiguredHookAndSaysSo()
    {
        var cut = Ctx.Render<SettingsPage>();

        cut.WaitForElement("[data-channel=ops-hook] [data-testid=test-channel]").Click();

        cut.WaitForAssertion(() => Assert.Single(_h.Hook.Received));
        Assert.Equal("check.test", _h.Hook.Received[0].Body.GetProperty("event").GetString());
        Assert.Contains("configured (KoboConsole:Alerts:Channels:0), read-only", cut.Find("[data-channel=ops-hook]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-channel=ops-hook] [data-testid=edit-channel]"));
        Assert.Equal("alerts.test", (await _h.Audit.ReadAsync(1, CancellationToken.None))[0].Action);
    }

    [Fact]
    public async Task Page_AddWebhookChannel_StoredListedEditableAndItsUrlNeverShown()
    {
        var cut = Ctx.Render<SettingsPage>();
        cut.Find("[data-testid=add-channel]").Click();
        Input(cut, "[data-testid=channel-name]").Change("team-hook");
        await cut.InvokeAsync(() => cut.FindComponent<MudBlazor.MudSelect<string>>().Instance.ValueChanged.InvokeAsync("webhook"));
        Input(cut, "[data-testid=channel-url]").Change("https://hooks.example.org/T0/team-s3cret");

        cut.Find("[data-testid=save-channel]").Click();

        cut.WaitForElement("[data-channel=team-hook]");
        Assert.Contains("stored by this page", cut.Find("[data-channel=team-hook]").TextContent, StringComparison.Ordinal);
        Assert.Single(cut.FindAll("[data-channel=team-hook] [data-testid=edit-channel]"));
        Assert.DoesNotContain("team-s3cret", cut.Markup, StringComparison.Ordinal);
        Assert.Equal("https://hooks.example.org/T0/team-s3cret", Assert.Single(await _h.Stored.ListAsync(CancellationToken.None)).Url);
    }

    [Fact]
    public void Page_AddInvalidEmail_ShowsTheFieldErrorsAndStoresNothing()
    {
        var cut = Ctx.Render<SettingsPage>();
        cut.Find("[data-testid=add-channel]").Click();
        Input(cut, "[data-testid=channel-name]").Change("night");
        Input(cut, "[data-testid=channel-to]").Change("not-an-address");

        cut.Find("[data-testid=save-channel]").Click();

        cut.WaitForAssertion(() => Assert.Contains("comma-separated (e.g. ops@example.org)", cut.Markup, StringComparison.Ordinal));
        Assert.Contains("must name the SMTP server", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-channel=night]"));
    }

    [Fact]
    public async Task Page_SaveCheckInterval_StoredAuditedAndInEffectWithSourcePage()
    {
        var cut = Ctx.Render<SettingsPage>();
        Assert.Equal("in memory", Source(cut, "KoboConsole:Checks:ServiceIntervalSeconds"));

        Input(cut, "[data-testid='KoboConsole:Checks:ServiceIntervalSeconds']").Change("20");
        cut.Find("[data-testid=save-settings]").Click();

        cut.WaitForAssertion(() => Assert.Equal("page", Source(cut, "KoboConsole:Checks:ServiceIntervalSeconds")));
        Assert.Equal("20", _config["KoboConsole:Checks:ServiceIntervalSeconds"]);
        var audit = (await _h.Audit.ReadAsync(1, CancellationToken.None))[0];
        Assert.Equal(("settings.change", "KoboConsole:Checks:ServiceIntervalSeconds", "(configured value) -> 20"), (audit.Action, audit.Target, audit.Details));
    }

    [Fact]
    public async Task Save_OutOfRangeOrNotEditable_RefusedWithTheRangeAndNothingStored()
    {
        var settings = Ctx.Services.GetRequiredService<PageSettings>();

        var errors = await settings.SaveAsync(new Dictionary<string, int?> { ["KoboConsole:Checks:ServiceIntervalSeconds"] = 2, ["KoboConsole:Checks:Enabled"] = 0 }, "ada", CancellationToken.None);

        Assert.Equal("must be between 5 and 3600 seconds.", errors["KoboConsole:Checks:ServiceIntervalSeconds"]);
        Assert.StartsWith("cannot be changed on the page", errors["KoboConsole:Checks:Enabled"], StringComparison.Ordinal);
        Assert.Equal("45", _config["KoboConsole:Checks:ServiceIntervalSeconds"]);
        Assert.Empty(await _h.Audit.ReadAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task Save_Cleared_BackToTheConfiguredValue()
    {
        var settings = Ctx.Services.GetRequiredService<PageSettings>();
        await settings.SaveAsync(new Dictionary<string, int?> { ["KoboConsole:Alerts:GraceChecks"] = 3 }, "ada", CancellationToken.None);
        Assert.Equal("3", _config["KoboConsole:Alerts:GraceChecks"]);

        await settings.SaveAsync(new Dictionary<string, int?> { ["KoboConsole:Alerts:GraceChecks"] = null }, "ada", CancellationToken.None);

        Assert.Null(_config["KoboConsole:Alerts:GraceChecks"]);
    }

    [Fact]
    public void Page_EffectiveConfiguration_DefaultsSourcesAndSecretsMasked()
    {
        var cut = Ctx.Render<SettingsPage>();

        Assert.Equal("default", Source(cut, "KoboConsole:Alerts:GraceChecks"));
        Assert.Contains("2", cut.Find("[data-key='KoboConsole:Alerts:GraceChecks']").TextContent, StringComparison.Ordinal);
        Assert.Contains(EffectiveConfiguration.Hidden, cut.Find("[data-key='KoboConsole:Alerts:Channels:0:SmtpPassword']").TextContent, StringComparison.Ordinal);
        Assert.Contains(EffectiveConfiguration.Hidden, cut.Find("[data-key='KoboConsole:Alerts:Channels:1:Url']").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(EnvPassword, cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-token", cut.Markup, StringComparison.Ordinal);
    }

    // MudBlazor puts the attributes on the input itself, or on a wrapper around it.
    private static AngleSharp.Dom.IElement Input(IRenderedComponent<SettingsPage> cut, string selector)
    {
        var e = cut.Find(selector);
        return e.TagName == "INPUT" ? e : e.QuerySelector("input")!;
    }

    private static string Source(IRenderedComponent<SettingsPage> cut, string key) =>
        cut.Find($"[data-key='{key}'] .mud-chip").TextContent.Trim();
}
