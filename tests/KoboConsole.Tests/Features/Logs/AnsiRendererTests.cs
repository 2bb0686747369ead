using KoboConsole.Web.Features.Logs;

namespace KoboConsole.Tests.Features.Logs;

public sealed class AnsiRendererTests
{
    [Fact]
    public void ToHtml_ColourCodes_BecomeSpans()
    {
        var html = AnsiRenderer.ToHtml("\u001b[31mred\u001b[0m plain \u001b[1;92mbright\u001b[m");

        Assert.Equal("<span class=\"ansi-fg1\">red</span> plain <span class=\"ansi-bold ansi-fg10\">bright</span>", html);
    }

    [Fact]
    public void ToHtml_MarkupInText_IsEscaped()
    {
        var html = AnsiRenderer.ToHtml("<script>alert('x')</script> & \u001b[33m<b>\u001b[0m");

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.StartsWith("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; <span class=\"ansi-fg3\">&lt;b&gt;</span>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Strip_RemovesEscapes() => Assert.Equal("red x", AnsiRenderer.Strip("\u001b[31mred\u001b[0m x\u001b[2K"));
}
