namespace KoboConsole.Web.Infrastructure.Http;

/// <summary>
/// Headers on every response: a Content-Security-Policy the console's pages satisfy (Blazor
/// Server needs no inline script; MudBlazor sets inline styles), no framing by other sites,
/// no MIME sniffing, no referrer to other sites. Only the maintenance preview may be framed,
/// and only by the console itself.
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
            var framedPreview = path.StartsWithSegments("/maintenance/preview");
            var csp = path.StartsWithSegments("/hangfire") ? DashboardPolicy : ContentSecurityPolicy;
            headers.ContentSecurityPolicy = framedPreview ? csp.Replace("frame-ancestors 'none'", "frame-ancestors 'self'", StringComparison.Ordinal) : csp;
            headers.XFrameOptions = framedPreview ? "SAMEORIGIN" : "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        await next(ctx);
    });
}
