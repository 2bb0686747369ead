using Bunit;
using KoboConsole.Web.Features.Logs;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace KoboConsole.Tests.Features.Logs;

public sealed class LogViewTests : MudComponentTest
{
    [Fact]
    public void Append_AnsiLine_RendersColourSpan()
    {
        var view = Ctx.Render<LogView>();

        view.InvokeAsync(() => view.Instance.Append([Item("\u001b[32mstarted\u001b[0m ok")]));

        view.WaitForAssertion(() => Assert.Equal("started", view.Find("[data-testid=log-row] .ansi-fg2").TextContent));
    }

    [Fact]
    public void Append_ScriptTag_ShownAsText()
    {
        var view = Ctx.Render<LogView>();

        view.InvokeAsync(() => view.Instance.Append([Item("<script>alert(1)</script>")]));

        view.WaitForAssertion(() =>
        {
            var text = view.Find("[data-testid=log-row] .log-text");
            Assert.Empty(text.QuerySelectorAll("script"));
            Assert.Contains("<script>alert(1)</script>", text.TextContent, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Pause_NewLinesWait_JumpButtonCountsAndShowsThem()
    {
        var view = Ctx.Render<LogView>();
        view.InvokeAsync(() => view.Instance.Append([Item("first")]));

        view.Find("[data-testid=pause]").Click();
        view.InvokeAsync(() => view.Instance.Append([Item("second"), Item("third")]));

        view.WaitForAssertion(() => Assert.Contains("2 new lines", view.Find("[data-testid=jump-to-new]").TextContent, StringComparison.Ordinal));
        Assert.Single(view.FindAll("[data-testid=log-row]"));
        view.Find("[data-testid=jump-to-new]").Click();
        view.WaitForAssertion(() => Assert.Equal(3, view.FindAll("[data-testid=log-row]").Count));
        Assert.Empty(view.FindAll("[data-testid=jump-to-new]"));
    }

    [Fact]
    public void Append_GapItem_RendersMarkerRow()
    {
        var view = Ctx.Render<LogView>();

        view.InvokeAsync(() => view.Instance.Append([Item("before"), Item("1234 lines skipped: this viewer read more slowly", LogItem.Gap), Item("after")]));

        view.WaitForAssertion(() =>
        {
            var gap = view.Find("[data-testid=log-row][data-stream=gap]");
            Assert.Contains("marker", gap.ClassName, StringComparison.Ordinal);
            Assert.Contains("1234 lines skipped", gap.TextContent, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Append_MoreThanMax_KeepsLatestAndSaysWhatItDropped()
    {
        var view = Ctx.Render<LogView>();

        view.InvokeAsync(() => view.Instance.Append([.. Enumerable.Range(0, LogView.MaxLines + 500).Select(i => Item($"line {i}"))]));

        view.WaitForAssertion(() => Assert.Contains("500 older lines dropped", view.Find("[data-testid=log-status]").TextContent, StringComparison.Ordinal));
        Assert.Equal("line 500", view.Instance.Lines[0].Item.Text);
    }

    [Fact]
    public void Append_JsonLine_ExpandsPrettyPrinted()
    {
        var view = Ctx.Render<LogView>();
        view.InvokeAsync(() => view.Instance.Append([Item("{\"level\":\"info\",\"msg\":\"hi\"}")]));

        view.WaitForAssertion(() => view.Find("[data-testid=expand-json]").Click());

        view.WaitForAssertion(() => Assert.Contains("\n  \"msg\": \"hi\"", view.Find("[data-testid=json-pretty]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void ToggleLevel_ErrorAndWarnChosen_ShowsOnlyThoseAndMarkers()
    {
        var view = Ctx.Render<LogView>();
        view.InvokeAsync(() => view.Instance.Append([Item("e1", level: "error"), Item("i1", level: "info"), Item("w1", level: "warn"),
            Item("plain"), Item("5 lines skipped", LogItem.Gap), Item("d1", level: "debug")]));

        view.WaitForAssertion(() => view.Find("[data-testid=level-error]").Click());
        view.WaitForAssertion(() => view.Find("[data-testid=level-warn]").Click());

        view.WaitForAssertion(() => Assert.Equal(["e1", "w1", "5 lines skipped"], view.FindAll("[data-testid=log-row] .log-text").Select(t => t.TextContent.Trim())));
        Assert.Contains("3 of 6 lines shown (levels: error, warn)", view.Find("[data-testid=log-status]").TextContent, StringComparison.Ordinal);
        Assert.Equal("true", view.Find("[data-testid=level-error]").GetAttribute("aria-pressed"));
    }

    [Fact]
    public void ToggleLevel_ChosenTwice_ShowsEverythingAgainIncludingLinesThatArrivedMeanwhile()
    {
        var view = Ctx.Render<LogView>();
        view.InvokeAsync(() => view.Instance.Append([Item("e1", level: "error"), Item("i1", level: "info")]));
        view.WaitForAssertion(() => view.Find("[data-testid=level-error]").Click());
        view.WaitForAssertion(() => Assert.Single(view.FindAll("[data-testid=log-row]")));

        view.InvokeAsync(() => view.Instance.Append([Item("e2", level: "error"), Item("i2", level: "info")]));
        view.WaitForAssertion(() => Assert.Equal(["e1", "e2"], view.FindAll("[data-testid=log-row] .log-text").Select(t => t.TextContent.Trim())));
        view.Find("[data-testid=level-error]").Click();

        view.WaitForAssertion(() => Assert.Equal(4, view.FindAll("[data-testid=log-row]").Count));
        Assert.Empty(view.Instance.SelectedLevels);
    }

    [Fact]
    public void DownloadShown_LevelChosen_SendsOnlyShownLinesToTheJsHelper()
    {
        var module = Ctx.JSInterop.SetupModule("./js/logs.js");
        module.Mode = Bunit.JSRuntimeMode.Loose;
        var view = Ctx.Render<LogView>();
        view.InvokeAsync(() => view.Instance.Append([Item("boom", level: "error"), Item("fine", level: "info")]));
        view.WaitForAssertion(() => view.Find("[data-testid=level-error]").Click());

        view.WaitForAssertion(() => view.Find("[data-testid=download-shown]").Click());

        view.WaitForAssertion(() => module.VerifyInvoke("downloadText"));
        var call = module.Invocations["downloadText"].Single();
        Assert.Matches(@"^logs-shown-\d{8}-\d{6}\.log$", (string)call.Arguments[0]!);
        var text = (string)call.Arguments[1]!;
        Assert.Contains(" kobofe-kpi-1 stdout boom\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("fine", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_ReadTimeItem_MarksTheTime()
    {
        var view = Ctx.Render<LogView>();

        view.InvokeAsync(() => view.Instance.Append([Item("no time here", "file:access.log") with { ReadTime = true }, Item("own time")]));

        view.WaitForAssertion(() => Assert.Single(view.FindAll(".log-time.read-time")));
        Assert.Contains("console read this line", view.Find(".log-time.read-time").GetAttribute("title"), StringComparison.Ordinal);
    }

    [Fact]
    public void ColourOf_SameName_SameColour() => Assert.Equal(LogView.ColourOf("kobofe-kpi-1"), LogView.ColourOf("kobofe-kpi-1"));

    private static LogItem Item(string text, string stream = "stdout", string? level = null) => new("c1", "kobofe-kpi-1", DateTimeOffset.UtcNow, stream, text, level);
}
