using System.Net;
using KoboConsole.Web.Features.Checks;
using KoboConsole.Web.Features.Checks.Alerts;

namespace KoboConsole.Tests.Features.Checks.Alerts;

/// <summary>Rounds through the stored tracks to the hook, and failed deliveries retried with backoff, on a fake clock.</summary>
public sealed class AlertDeliveryTests
{
    [Fact]
    public async Task Evaluate_FailingTwoRoundsThenOk_OneFailingOneRecoveredOnTheHook()
    {
        await using var h = await AlertHarness.StartAsync();

        await h.RoundAsync(CheckStates.Ok);
        await h.RoundAsync(CheckStates.Failing);
        Assert.Empty(h.Hook.Received);
        await h.RoundAsync(CheckStates.Failing);
        await h.RoundAsync(CheckStates.Failing);
        await h.RoundAsync(CheckStates.Ok);

        Assert.Equal([AlertRules.Failing, AlertRules.Recovered], h.Hook.Events);
        var failing = h.Hook.Received[0].Body;
        Assert.Equal(("kobo.example.org", "kobobe-redis_main-1", "failing"), (failing.GetProperty("install").GetString(), failing.GetProperty("target").GetString(), failing.GetProperty("state").GetString()));
        // Since: the first failing round, not the round the grace period ended on.
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 3, 1, 0, TimeSpan.Zero), failing.GetProperty("since").GetDateTimeOffset());
    }

    [Fact]
    public async Task Evaluate_TracksStored_NewChannelsInstanceDoesNotAlertAgain()
    {
        await using var h = await AlertHarness.StartAsync();
        await h.RoundAsync(CheckStates.Failing);
        await h.RoundAsync(CheckStates.Failing);

        // The rules' memory is the database: a restarted console (new objects, same tables) goes on from it.
        var restarted = new CheckAlerts(h.Channels, new AlertTracks(h.Db), new AlertHarness.Monitor<ChecksOptions>(new ChecksOptions()), h.Options);
        h.Clock.Advance(TimeSpan.FromSeconds(30));
        await restarted.EvaluateAsync([(new CheckResult(CheckKinds.Probe, "kobobe-redis_main-1", CheckStates.Failing, "x"), null)], null, h.Clock.GetUtcNow(), CancellationToken.None);

        Assert.Equal([AlertRules.Failing], h.Hook.Events);
    }

    [Fact]
    public async Task Retry_HookFailsTwice_RetriedAfter30sThen2MinAndLoggedSentOnAttemptThree()
    {
        await using var h = await AlertHarness.StartAsync();
        h.Hook.Statuses.Enqueue(HttpStatusCode.InternalServerError);
        h.Hook.Statuses.Enqueue(HttpStatusCode.BadGateway);
        await h.RoundAsync(CheckStates.Failing);
        await h.RoundAsync(CheckStates.Failing); // failing alert: the hook answers 500
        var failedAt = h.Clock.GetUtcNow();

        await h.RoundAsync(CheckStates.Failing); // +30 s: the first retry is due (502)
        await h.RoundAsync(CheckStates.Failing); // +60 s: the next is due at +150 s
        Assert.Equal(2, h.Hook.Received.Count);
        h.Clock.Advance(TimeSpan.FromSeconds(60));
        await h.RoundAsync(CheckStates.Failing); // +150 s: sent
        await h.RoundAsync(CheckStates.Failing);

        Assert.Equal([AlertRules.Failing, AlertRules.Failing, AlertRules.Failing], h.Hook.Events);
        var log = await h.LogAsync();
        Assert.Equal(
            [(1, "failed", "the hook answered 500 InternalServerError.", (DateTimeOffset?)failedAt.AddSeconds(30)), (2, "failed", "the hook answered 502 BadGateway.", failedAt.AddSeconds(150)), (3, "sent", null, null)],
            log.Select(d => (d.Attempt, d.Outcome, d.Reason, d.RetryAt)));
        Assert.All(log, d => Assert.Equal(("ops-hook", AlertRules.Failing), (d.Channel, d.Event)));
    }

    [Fact]
    public async Task Retry_EveryAttemptFails_GivesUpAfterDeliveryAttempts()
    {
        await using var h = await AlertHarness.StartAsync(o => o.DeliveryAttempts = 3);
        for (var i = 0; i < 10; i++)
        {
            h.Hook.Statuses.Enqueue(HttpStatusCode.ServiceUnavailable);
        }

        await h.RoundAsync(CheckStates.Failing);
        await h.RoundAsync(CheckStates.Failing);
        h.Clock.Advance(TimeSpan.FromHours(1));
        await h.RoundAsync(CheckStates.Failing);
        h.Clock.Advance(TimeSpan.FromHours(1));
        await h.RoundAsync(CheckStates.Failing);
        h.Clock.Advance(TimeSpan.FromHours(1));
        await h.RoundAsync(CheckStates.Failing);

        var log = await h.LogAsync();
        Assert.Equal([1, 2, 3], log.Select(d => d.Attempt));
        Assert.All(log, d => Assert.Equal(DeliveryOutcomes.Failed, d.Outcome));
        Assert.Null(log[^1].RetryAt);
    }

    [Fact]
    public async Task TestSend_Fails_NotRetried()
    {
        await using var h = await AlertHarness.StartAsync();
        h.Hook.Statuses.Enqueue(HttpStatusCode.NotFound);

        var delivery = await h.Channels.SendAsync((await h.Channels.FindAsync("ops-hook", CancellationToken.None))!.Channel, AlertText.Test("ops-hook", null, null, h.Clock.GetUtcNow()), CancellationToken.None);
        h.Clock.Advance(TimeSpan.FromHours(1));
        await h.Channels.RetryDueAsync(CancellationToken.None);

        Assert.Equal((DeliveryOutcomes.Failed, (DateTimeOffset?)null), (delivery.Outcome, delivery.RetryAt));
        Assert.Single(h.Hook.Received);
    }
}
