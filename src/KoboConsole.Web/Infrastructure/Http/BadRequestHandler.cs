using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace KoboConsole.Web.Infrastructure.Http;

/// <summary>
/// Turns a request the API cannot read (malformed JSON, an unknown field, a wrong type) into a
/// 400 problem that names the field, instead of a bare 400 or a 500.
/// </summary>
public sealed class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = "The request could not be read",
                Detail = Describe(bad),
            },
        });
    }

    internal static string Describe(BadHttpRequestException exception) =>
        exception.InnerException is JsonException json ? Describe(json) : exception.Message;

    /// <summary>What is wrong with a JSON request, naming the field; the log hub says the same.</summary>
    public static string Describe(JsonException exception) => exception switch
    {
        { Path: { } path } when exception.Message.Contains("could not be mapped", StringComparison.Ordinal) =>
            $"Unknown field '{path.TrimStart('$', '.')}': remove it (the API rejects fields it does not know).",
        { Path: { } path } => $"Field '{path.TrimStart('$', '.')}' has a wrong value or type, or the JSON is malformed there. Send a valid JSON body.",
        _ => "The body is not valid JSON. Send a JSON object.",
    };
}
