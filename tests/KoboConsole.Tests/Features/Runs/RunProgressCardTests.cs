using Bunit;
using KoboConsole.Web.Features.Runs;

namespace KoboConsole.Tests.Features.Runs;

/// <summary>The progress card says how a run ended instead of vanishing.</summary>
public sealed class RunProgressCardTests : MudComponentTest
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    public RunProgressCardTests() => Ctx.AddAuthorization().SetAuthorized("ops.jane").SetRoles("operator").SetPolicies("operator");

    internal static RunView Run(string state, string? error = null, params RunItemView[] items) => new("abc123", "backup", state, "jane", Start, Start,
        RunStates.IsFinished(state) ? Start.AddSeconds(42) : null, new RunProgressView(null, items.Sum(i => i.Bytes), null), items, error, [], false, null);

    internal static RunItemView Item(string state, long bytes, string? error = null) =>
        new(1, "postgres", "postgres-koboform.pg_dump", state, null, bytes, null, error, Start, RunStates.IsFinished(state) ? Start.AddSeconds(40) : null);

    [Fact]
    public void Render_RunUnderWay_ShowsProgressAndCancelNoOutcome()
    {
        var card = Ctx.Render<RunProgressCard>(p => p.Add(c => c.Run, Run(RunStates.Running, null, Item(RunStates.Running, 2048))).Add(c => c.Now, Start.AddSeconds(5)));

        Assert.Empty(card.FindAll("[data-testid=run-outcome]"));
        Assert.Contains("Cancel", card.Find("button").TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(card.FindAll(".mud-progress-linear"));
    }

    [Theory]
    [InlineData(RunStates.Succeeded, null, "Succeeded in 0m 42s: 1 of 1 item(s), 2.0 KB.")]
    [InlineData(RunStates.Failed, "1 of 1 item(s) failed; see each item's reason.", "Failed after 0m 42s: 1 of 1 item(s) failed; see each item's reason.")]
    [InlineData(RunStates.Cancelled, "cancelled by jane", "Cancelled after 0m 42s: cancelled by jane 0 of 1 item(s) had finished.")]
    public void Render_RunEnded_SaysHowWithTheReasonAndOffersDismissNotCancel(string state, string? error, string outcome)
    {
        var itemState = state == RunStates.Succeeded ? RunStates.Succeeded : RunStates.Failed;
        var dismissed = false;
        var card = Ctx.Render<RunProgressCard>(p => p.Add(c => c.Run, Run(state, error, Item(itemState, 2048))).Add(c => c.Now, Start.AddMinutes(5))
            .Add(c => c.OnDismiss, () => dismissed = true));

        Assert.Equal(outcome, card.Find("[data-testid=run-outcome]").TextContent.Trim());
        Assert.Equal(state, card.Find("[data-testid=run-progress]").GetAttribute("data-state"));
        Assert.Empty(card.FindAll(".mud-progress-linear"));
        var button = Assert.Single(card.FindAll("button"));
        Assert.Equal("Dismiss", button.TextContent.Trim());
        button.Click();
        Assert.True(dismissed);
    }

    [Fact]
    public void Render_FailedRunWithoutError_GivesTheItemsReason()
    {
        var card = Ctx.Render<RunProgressCard>(p => p.Add(c => c.Run, Run(RunStates.Failed, null, Item(RunStates.Failed, 0, "pg_dump exited with code 1")))
            .Add(c => c.Now, Start));

        Assert.Contains("pg_dump exited with code 1", card.Find("[data-testid=run-outcome]").TextContent, StringComparison.Ordinal);
    }
}
