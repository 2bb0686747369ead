using KoboConsole.Web.Features.Checks;
using KoboConsole.Web.Features.Checks.Alerts;

namespace KoboConsole.Tests.Features.Checks.Alerts;

public sealed class AlertTextTests
{
    private static readonly DateTimeOffset Since = new(2026, 12, 7, 3, 12, 30, TimeSpan.Zero);

    private static CheckAlert Alert(string evt, string state, string? url = "https://console.example.org/?check=probe%3Aredis") =>
        new(evt, "kobo.example.org", "probe", "kobobe-redis_main-1", state, "redis_main does not answer: start it.", Since, Since, url);

    [Theory]
    [InlineData("check.failing", "failing", "[kobo.example.org] FAILING: probe kobobe-redis_main-1")]
    [InlineData("check.recovered", "ok", "[kobo.example.org] recovered: probe kobobe-redis_main-1")]
    [InlineData("check.warning", "warning", "[kobo.example.org] warning: probe kobobe-redis_main-1")]
    public void Subject_NamesInstallStateAndCheck(string evt, string state, string expected) =>
        Assert.Equal(expected, AlertText.Subject(Alert(evt, state)));

    [Fact]
    public void Body_SaysWhatSinceWhenAndLinks()
    {
        var body = AlertText.Body(Alert("check.failing", "failing"));

        Assert.Contains("kobo install: kobo.example.org", body, StringComparison.Ordinal);
        Assert.Contains("State: failing since 2026-12-07 03:12:30 UTC", body, StringComparison.Ordinal);
        Assert.Contains("redis_main does not answer: start it.", body, StringComparison.Ordinal);
        Assert.Contains("Open the console: https://console.example.org/?check=probe%3Aredis", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Body_NoPublicUrl_SaysWhichKeyGivesTheLink() =>
        Assert.Contains("KoboConsole:Checks:PublicUrl", AlertText.Body(Alert("check.failing", "failing", url: null)), StringComparison.Ordinal);

    [Fact]
    public void Slack_HasSubjectMessageAndLink()
    {
        var text = AlertText.Slack(Alert("check.failing", "failing"));

        Assert.StartsWith("*[kobo.example.org] FAILING: probe kobobe-redis_main-1*\nredis_main does not answer", text, StringComparison.Ordinal);
        Assert.EndsWith("<https://console.example.org/?check=probe%3Aredis|open the console>", text, StringComparison.Ordinal);
    }
}
