namespace KoboConsole.Web.Infrastructure.Http;

/// <summary>
/// Headers on every response: a Content-Security-Policy the console's pages satisfy (Blazor
/// Server needs no inline script; MudBlazor sets inline styles), no framing by other sites,
/// no MIME sniffing, no referrer to other sites. Nothing may be framed: the only framed content,
/// the maintenance preview, is an <c>iframe srcdoc</c> (sandboxed) inside the maintenance page,
/// so no URL of the console needs to allow framing (frame-src 'self' lets the page hold it).
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    // Hangfire's dashboard ships inline scripts: it keeps the framing and sniffing rules only.
    private const string DashboardPolicy = "frame-ancestors 'none'; object-src 'none'; base-uri 'self'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (ctx, next) =>
    {
        ctx.Response.OnStarting(() =>
        {
            var headers = ctx.Response.Headers;
            var path = ctx.Request.Path;
            headers.ContentSecurityPolicy = path.StartsWithSegments("/hangfire") ? DashboardPolicy : ContentSecurityPolicy;
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        await next(ctx);
    });
}
