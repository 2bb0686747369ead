using Microsoft.Net.Http.Headers;

namespace KoboConsole.Web.Features.Auth;

/// <summary>
/// Cross-site request forgery, fixed once for every route (decision 0013). The login cookie is
/// SameSite=Strict, but another origin of the same site (another port of this host, or kf., kc.
/// and ee. beside the console) still gets it sent. So a request authenticated by the cookie must
/// come from the console's own pages: a state-changing one (POST, PUT, PATCH, DELETE) must carry
/// an <c>Origin</c> equal to this console's own (scheme, host and port as the app sees the request,
/// after a trusted proxy's forwarded headers), or, with no Origin, <c>Sec-Fetch-Site: same-origin</c>;
/// an API one may only carry a JSON body. The live connections (<c>/_blazor</c>, <c>/hubs</c>) also
/// refuse a foreign Origin on their GET (the WebSocket handshake). Requests with an API token are
/// not touched: a browser never adds a token by itself.
/// </summary>
public static class SameOriginGuard
{
    public static IApplicationBuilder UseSameOriginForCookies(this IApplicationBuilder app) => app.Use(async (ctx, next) =>
    {
        if (Check(ctx.Request, ctx.User.Identity?.IsAuthenticated == true) is { } refusal)
        {
            ctx.Response.Headers.CacheControl = "no-store";
            await Results.Problem(statusCode: refusal.Status, title: refusal.Title, detail: refusal.Detail).ExecuteAsync(ctx);
            return;
        }

        await next(ctx);
    });

    /// <summary>Why this request is refused, or null. Only requests signed in by the cookie are checked.</summary>
    internal static Refusal? Check(HttpRequest request, bool authenticated)
    {
        if (!authenticated || ApiTokenHandler.Extract(request) is not null)
        {
            return null;
        }

        var unsafeMethod = !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method));
        var liveConnection = request.Path.StartsWithSegments("/_blazor") || request.Path.StartsWithSegments("/hubs");
        if (!unsafeMethod && !liveConnection)
        {
            return null;
        }

        var own = OwnOrigin(request);
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            if (!SameOrigin(origin, request))
            {
                return new(StatusCodes.Status403Forbidden, "Cross-origin request refused",
                    $"This request was signed in with the console's cookie but came from the origin '{Clip(origin)}', not from the console's own pages ({own}). "
                    + "Use the console's pages, or call the API with an API token (Authorization: Bearer). Behind a reverse proxy, the proxy must pass Host and X-Forwarded-Proto and be listed in KoboConsole:Http:KnownProxies.");
            }
        }
        else if (unsafeMethod && !string.Equals(request.Headers["Sec-Fetch-Site"], "same-origin", StringComparison.OrdinalIgnoreCase))
        {
            return new(StatusCodes.Status403Forbidden, "Cross-origin request refused",
                $"This request was signed in with the console's cookie but says neither where it came from (no Origin header) nor that it is same-origin (Sec-Fetch-Site). "
                + $"Browsers send them; a script must send Origin: {own}, or use an API token (Authorization: Bearer).");
        }

        if (unsafeMethod && request.Path.StartsWithSegments("/api") && !string.IsNullOrEmpty(request.ContentType) && !IsJson(request.ContentType))
        {
            return new(StatusCodes.Status415UnsupportedMediaType, "Only JSON bodies are accepted",
                $"Content-Type '{Clip(request.ContentType)}' is refused on requests signed in with the console's cookie: send application/json (or no body).");
        }

        return null;
    }

    internal static string OwnOrigin(HttpRequest request) => $"{request.Scheme}://{request.Host}".ToLowerInvariant();

    /// <summary>Scheme, host and port equal; a port left out means the scheme's default on both sides (as browsers write it).</summary>
    internal static bool SameOrigin(string origin, HttpRequest request)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var o) || o.AbsolutePath.Length > 1 || !request.Host.HasValue)
        {
            return false;
        }

        var port = request.Host.Port ?? (string.Equals(request.Scheme, "https", StringComparison.OrdinalIgnoreCase) ? 443 : 80);
        return string.Equals(o.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(o.Host.Trim('[', ']'), request.Host.Host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase)
            && o.Port == port;
    }

    private static bool IsJson(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.HasValue
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static string Clip(string value) => value.Length > 100 ? value[..100] + "…" : value;

    internal sealed record Refusal(int Status, string Title, string Detail);
}
