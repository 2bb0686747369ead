using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace KoboConsole.Web.Infrastructure.Http;

/// <summary>
/// Per-client limits on the endpoints that check passwords (the login and first-run forms and
/// POST /api/v1/tokens): account lockout stops guessing one password, this stops sweeping many
/// accounts. Everything else is unlimited.
/// </summary>
public static class LoginRateLimit
{
    public const int PermitsPerMinute = 20;

    public static IServiceCollection AddLoginRateLimit(this IServiceCollection services) => services.AddRateLimiter(o =>
    {
        o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        o.OnRejected = async (ctx, ct) =>
        {
            ctx.HttpContext.Response.Headers.RetryAfter = "60";
            await Results.Problem(statusCode: 429, title: "Too many sign-in attempts",
                detail: "Wait a minute before trying again.").ExecuteAsync(ctx.HttpContext);
        };
        o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
            IsPasswordCheck(ctx.Request)
                ? RateLimitPartition.GetFixedWindowLimiter(ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = PermitsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter("unlimited"));
    });

    internal static bool IsPasswordCheck(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && (request.Path.Equals("/login", StringComparison.OrdinalIgnoreCase)
            || request.Path.Equals("/setup", StringComparison.OrdinalIgnoreCase)
            || request.Path.Equals("/api/v1/tokens", StringComparison.OrdinalIgnoreCase));
}
