using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Auth;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Checks.Alerts;

/// <summary>A channel as the API shows it: where it sends, never a password or a hook's token.</summary>
public sealed record ChannelResponse(string Name, string Kind, string Destination, bool PasswordSet, bool? StartTls)
{
    public static ChannelResponse From(AlertChannelOptions c) => c.Kind == ChannelKinds.Email
        ? new(c.Name, c.Kind, $"{string.Join(", ", c.Recipients)} through {c.SmtpHost}:{c.SmtpPort}{(c.SmtpUser is { Length: > 0 } u ? $" as {u}" : "")}",
            !string.IsNullOrEmpty(c.SmtpPassword) || !string.IsNullOrEmpty(c.SmtpPasswordFile), c.StartTls)
        : new(c.Name, c.Kind, HostOnly(c.Url), false, null);

    // An incoming webhook's path is its secret (Slack, Mattermost): show the scheme and host only.
    private static string HostOnly(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var u) ? $"{u.Scheme}://{u.Authority}/..." : "";
}

public static class AlertsEndpoints
{
    public static IEndpointRouteBuilder MapAlerts(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/alerts");
        api.MapGet("/channels", (AlertChannels channels) => Results.Ok(channels.List().Select(ChannelResponse.From))).RequireAuthorization(Roles.Admin);
        api.MapPost("/channels/{name}/test", TestAsync).RequireAuthorization(Roles.Admin);
        api.MapGet("/deliveries", DeliveriesAsync).RequireAuthorization(Roles.Admin);
        return app;
    }

    /// <summary>Sends a test alert on the channel now: 200 with the delivery when it was taken, 502 with the reason when not.</summary>
    private static async Task<IResult> TestAsync(
        string name, AlertChannels channels, ServiceChecks services, IOptionsMonitor<ChecksOptions> options, AuditLog audit, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (!AlertsOptionsValidator.IsValidName(name))
        {
            return Results.ValidationProblem(
                new Dictionary<string, string[]> { ["name"] = ["a channel name is 1 to 64 letters, digits, '.', '_' or '-'; GET /api/v1/alerts/channels lists them."] },
                statusCode: 422, title: "The channel name is invalid");
        }

        if (channels.Find(name) is not { } channel)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such channel",
                detail: $"There is no alert channel '{name}'; GET /api/v1/alerts/channels lists them (configured under KoboConsole:Alerts:Channels).");
        }

        var delivery = await channels.SendAsync(channel, AlertText.Test(channel.Name, services.Domain, options.CurrentValue.PublicUrl, time.GetUtcNow()), ct);
        await audit.WriteAsync(AuditLog.ActorOf(http.User), "alerts.test", channel.Name, delivery.Outcome, delivery.Reason, null, ct);
        return delivery.Outcome == DeliveryOutcomes.Sent
            ? Results.Ok(delivery)
            : Results.Problem(statusCode: StatusCodes.Status502BadGateway, title: $"The test did not reach channel {channel.Name}", detail: delivery.Reason,
                extensions: new Dictionary<string, object?> { ["delivery"] = delivery });
    }

    private static async Task<IResult> DeliveriesAsync(string? channel, int? limit, AlertDeliveries deliveries, CancellationToken ct)
    {
        if (limit is < 1 or > 1000)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["must be between 1 and 1000 (default 100)."] }, statusCode: 422, title: "The limit is invalid");
        }

        return Results.Ok(await deliveries.ListAsync(channel, limit ?? 100, ct));
    }
}
