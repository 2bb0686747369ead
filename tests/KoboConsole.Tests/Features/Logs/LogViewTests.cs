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
    public void ColourOf_SameName_SameColour() => Assert.Equal(LogView.ColourOf("kobofe-kpi-1"), LogView.ColourOf("kobofe-kpi-1"));

    private static LogItem Item(string text, string stream = "stdout") => new("c1", "kobofe-kpi-1", DateTimeOffset.UtcNow, stream, text, null);
}
