using KoboConsole.Web.Infrastructure.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace KoboConsole.Web.Infrastructure.Http;

/// <summary>
/// A request that fails because the console's own database is away (a token check, a query)
/// answers 503 with a problem that says so and <c>Retry-After</c>, instead of a 500.
/// </summary>
public sealed class DatabaseUnavailableHandler(IProblemDetailsService problems, DatabaseHealth health, TimeProvider time) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!DatabaseOutage.Is(exception))
        {
            return false;
        }

        health.Report(false, time.GetUtcNow());
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
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
}
