using KoboConsole.Web.Features.Audit;
using KoboConsole.Web.Features.Auth;
using Microsoft.Extensions.Options;

namespace KoboConsole.Web.Features.Checks.Alerts;

/// <summary>
/// A channel as the API and the settings page show it: where it sends, never a password or a hook's
/// token. <see cref="Source"/> is <c>configuration</c> (read-only here: <see cref="ConfigKey"/> names
/// it) or <c>console</c> (stored, editable).
/// </summary>
public sealed record ChannelResponse(
    string Name, string Kind, string Source, bool ReadOnly, string? ConfigKey, string Destination, bool PasswordSet, bool? StartTls,
    string? To, string? From, string? SmtpHost, int? SmtpPort, string? SmtpUser, string? SmtpCertificateSha256)
{
    public static ChannelResponse Of(AlertChannelOptions c) => Of(new ChannelEntry(c, null));

    public static ChannelResponse Of(ChannelEntry e)
    {
        var c = e.Channel;
        var source = e.ReadOnly ? "configuration" : "console";
        return c.Kind == ChannelKinds.Email
            ? new(c.Name, c.Kind, source, e.ReadOnly, e.ConfigKey,
                $"{string.Join(", ", c.Recipients)} through {c.SmtpHost}:{c.SmtpPort}{(c.SmtpUser is { Length: > 0 } u ? $" as {u}" : "")}",
                !string.IsNullOrEmpty(c.SmtpPassword) || !string.IsNullOrEmpty(c.SmtpPasswordFile), c.StartTls, c.To, c.From, c.SmtpHost, c.SmtpPort, c.SmtpUser, c.SmtpCertificateSha256)
            : new(c.Name, c.Kind, source, e.ReadOnly, e.ConfigKey, HostOnly(c.Url), false, null, null, null, null, null, null, null);
    }

    // An incoming webhook's path is its secret (Slack, Mattermost): show the scheme and host only.
    public static string HostOnly(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var u) ? $"{u.Scheme}://{u.Authority}/..." : "";
}

public static class AlertsEndpoints
{
    public static IEndpointRouteBuilder MapAlerts(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/alerts").RequireAuthorization(Roles.Admin);
        api.MapGet("/channels", async (AlertChannels channels, CancellationToken ct) => Results.Ok((await channels.ListAsync(ct)).Select(ChannelResponse.Of)));
        api.MapPost("/channels", CreateAsync);
        api.MapPut("/channels/{name}", UpdateAsync);
        api.MapDelete("/channels/{name}", DeleteAsync);
        api.MapPost("/channels/{name}/test", TestAsync);
        api.MapGet("/deliveries", DeliveriesAsync);
        return app;
    }

    private static async Task<IResult> CreateAsync(ChannelRequest request, ChannelEditor editor, HttpContext http, CancellationToken ct)
    {
        var edit = await editor.CreateAsync(request, AuditLog.ActorOf(http.User), ct);
        return edit.Outcome == ChannelEditOutcome.Done
            ? Results.Created($"/api/v1/alerts/channels/{Uri.EscapeDataString(edit.Channel!.Channel.Name)}", ChannelResponse.Of(edit.Channel))
            : Problem(edit, request.Name ?? "");
    }

    private static async Task<IResult> UpdateAsync(string name, ChannelRequest request, ChannelEditor editor, HttpContext http, CancellationToken ct)
    {
        if (InvalidName(name) is { } invalid)
        {
            return invalid;
        }

        var edit = await editor.UpdateAsync(name, request, AuditLog.ActorOf(http.User), ct);
        return edit.Outcome == ChannelEditOutcome.Done ? Results.Ok(ChannelResponse.Of(edit.Channel!)) : Problem(edit, name);
    }

    private static async Task<IResult> DeleteAsync(string name, ChannelEditor editor, HttpContext http, CancellationToken ct)
    {
        if (InvalidName(name) is { } invalid)
        {
            return invalid;
        }

        var edit = await editor.DeleteAsync(name, AuditLog.ActorOf(http.User), ct);
        return edit.Outcome == ChannelEditOutcome.Done ? Results.NoContent() : Problem(edit, name);
    }

    private static IResult Problem(ChannelEdit edit, string name) => edit.Outcome switch
    {
        ChannelEditOutcome.Invalid => Results.ValidationProblem(edit.Errors!, statusCode: StatusCodes.Status422UnprocessableEntity, title: "The channel is invalid"),
        ChannelEditOutcome.ReadOnly => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The channel is configured, not stored",
            detail: $"Channel '{name}' comes from the configuration ({edit.ConfigKey}) and is read-only here: change it there and restart the console, or add a channel with another name."),
        ChannelEditOutcome.Exists => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "A channel with that name exists",
            detail: $"There is already an alert channel '{name}'{(edit.ConfigKey is { } key ? $" (configured as {key})" : "")}; choose another name or change that one with PUT."),
        _ => NotFound(name),
    };

    /// <summary>A 422 naming the route's channel name when it cannot be one (a traversal, markup), else null.</summary>
    private static IResult? InvalidName(string name) => AlertsOptionsValidator.IsValidName(name) ? null
        : Results.ValidationProblem(
            new Dictionary<string, string[]> { ["name"] = ["a channel name is 1 to 64 letters, digits, '.', '_' or '-'; GET /api/v1/alerts/channels lists them."] },
            statusCode: 422, title: "The channel name is invalid");

    private static IResult NotFound(string name) => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such channel",
        detail: $"There is no alert channel '{name}'; GET /api/v1/alerts/channels lists them.");

    /// <summary>Sends a test alert on the channel now: 200 with the delivery when it was taken, 502 with the reason when not.</summary>
    private static async Task<IResult> TestAsync(
        string name, AlertChannels channels, ServiceChecks services, IOptionsMonitor<ChecksOptions> options, AuditLog audit, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (InvalidName(name) is { } invalid)
        {
            return invalid;
        }

        if (await channels.FindAsync(name, ct) is not { } entry)
        {
            return NotFound(name);
        }

        var channel = entry.Channel;
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
