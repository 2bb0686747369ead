using System.Globalization;

namespace KoboConsole.Web.Features.Checks.Alerts;

/// <summary>The words of an alert on a human channel (e-mail, Slack): the install, the check, what is wrong, since when, a link.</summary>
public static class AlertText
{
    public const string TestEvent = "check.test";

    public static string Subject(CheckAlert a) => $"[{a.Install ?? "kobo"}] {Headline(a)}: {a.Check} {a.Target}";

    public static string Body(CheckAlert a) => string.Join('\n',
        $"kobo install: {a.Install ?? "(its public domain is not known)"}",
        $"Check: {a.Check} {a.Target}",
        $"State: {a.State} since {When(a.Since)}",
        "",
        a.Message,
        "",
        a.Url is null ? "Set KoboConsole:Checks:PublicUrl to get a link to the console here." : $"Open the console: {a.Url}",
        "",
        "-- KoboConsole");

    public static string Slack(CheckAlert a) =>
        $"*{Subject(a)}*\n{a.Message}\n{a.State} since {When(a.Since)}{(a.Url is null ? "" : $" · <{a.Url}|open the console>")}";

    /// <summary>What a channel's "send a test" sends.</summary>
    public static CheckAlert Test(string channel, string? install, string? consoleUrl, DateTimeOffset now) => new(
        TestEvent, install, "alert-channel", channel, CheckStates.Ok,
        $"This is a test of the alert channel {channel}. If you read it, the console's alerts reach you here.", now, now, consoleUrl);

    private static string Headline(CheckAlert a) => a.Event switch
    {
        "check.failing" => "FAILING",
        "check.warning" => "warning",
        "check.recovered" => "recovered",
        "check.reminder" => "still FAILING",
        TestEvent => "test",
        _ => a.State,
    };

    private static string When(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
