using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace KoboConsole.Web.Infrastructure.Http;

/// <summary>
/// A request that fails because the console's own database is away (a token check, a query)
/// answers 503 with a problem that says so and <c>Retry-After</c>, instead of a 500. A browser
/// opening a page (a reload, a new tab: the cookie check reads the database) gets the same
/// message as a page that reloads itself until the console opens again.
/// </summary>
public sealed class DatabaseUnavailableHandler(IProblemDetailsService problems, DatabaseHealth health, TimeProvider time) : IExceptionHandler
{
    private const int RetrySeconds = 5;

    // Static: no circuit, no script (the CSP allows none inline) and no stylesheet (a static file
    // with the session cookie fails the same cookie check); styles inline, as the CSP allows.
    private static readonly string Page = $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
            <meta charset="utf-8" />
            <meta http-equiv="refresh" content="{{RetrySeconds}}" />
            <meta name="viewport" content="width=device-width, initial-scale=1.0" />
            <title>Database unreachable · KoboConsole</title>
            <style>
                body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #14505c; font-family: Roboto, "Helvetica Neue", Arial, sans-serif; }
                section { width: min(520px, 92vw); background: #fff; color: #222; border-radius: 10px; padding: 28px 32px; border-top: 6px solid #b3261e; }
                h1 { font-size: 1.35rem; font-weight: 500; margin: 0 0 14px; }
                p { color: #444; line-height: 1.45; margin: 0 0 10px; }
            </style>
        </head>
        <body>
            <section role="alert" data-testid="database-unavailable-page">
                <h1>KoboConsole: the console's database is unreachable</h1>
                <p>Retrying: this page tries again every {{RetrySeconds}} seconds and opens by itself once the database answers.</p>
                <p>Pages already open keep showing what they loaded; changes cannot be saved until it is back. <code>/readyz</code> shows when it is.</p>
            </section>
        </body>
        </html>
        """;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!DatabaseOutage.Is(exception))
        {
            return false;
        }

        health.Report(false, time.GetUtcNow());
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetrySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (OpensAPage(httpContext.Request))
        {
            httpContext.Response.ContentType = "text/html; charset=utf-8";
            await httpContext.Response.WriteAsync(Page, cancellationToken);
            return true;
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The console's database is unreachable",
                Detail = "The console's database is unreachable; retrying. Try again in a moment; /readyz shows when it is back.",
            },
        });
    }

    // A browser opening a page or sending the login form (it asks for HTML), never the API.
    private static bool OpensAPage(HttpRequest request) =>
        !request.Path.StartsWithSegments("/api") && request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
}
