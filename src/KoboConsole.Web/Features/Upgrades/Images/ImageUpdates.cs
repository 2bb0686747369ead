using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Upgrades.Images;

/// <summary>
/// One kobo container and the image its configuration names (<c>kobotoolbox/kpi:2.024.36</c>): the
/// image it runs and the one that reference points to on its host now. They differ after the admin
/// ran <c>docker pull</c> or <c>docker load</c>/<c>docker tag</c>: <see cref="UpdateAvailable"/>.
/// </summary>
public sealed record ImageUpdate(
    string Service,
    string Container,
    string Host,
    string Role,
    string State,
    string Image,
    string RunningImageId,
    DateTimeOffset? RunningImageCreated,
    string? AvailableImageId,
    DateTimeOffset? AvailableImageCreated,
    bool UpdateAvailable,
    string? Note);

/// <summary><c>POST /api/v1/stack/updates/{service}/recreate</c>: <c>maintenance</c> puts the maintenance page up around it.</summary>
public sealed record RecreateRequest(bool Maintenance = false);

/// <summary>What a recreate run was asked (its stored request).</summary>
public sealed record RecreateRunRequest(string Service, bool Maintenance);

/// <summary>The pure rules: compare the images, pick and order what a request recreates.</summary>
public static class ImageUpdateRules
{
    /// <summary>The word that names every front-end service with an update.</summary>
    public const string Frontend = "frontend";

    /// <summary>The id as <c>docker images</c> shows it: 12 hex digits without <c>sha256:</c>.</summary>
    public static string ShortId(string id)
    {
        var hex = id.StartsWith("sha256:", StringComparison.Ordinal) ? id[7..] : id;
        return hex.Length > 12 ? hex[..12] : hex;
    }

    public static ImageUpdate Compare(KoboContainer c, ContainerDetails details, ImageDetails? running, ImageDetails? configured)
    {
        var note = configured is null
            ? $"{details.Image} is not on Docker host '{c.Host}' any more (removed or retagged); the console never pulls."
            : configured.Id == details.ImageId ? null
            : running is not null && configured.Created < running.Created ? $"{details.Image} now points to an OLDER image than the one running (created {configured.Created:yyyy-MM-dd HH:mm} UTC)."
            : null;
        return new ImageUpdate(c.Service, c.Name, c.Host, c.Role.ToString().ToLowerInvariant(), c.State, details.Image, ShortId(details.ImageId), running?.Created,
            configured is null ? null : ShortId(configured.Id), configured?.Created, configured is not null && configured.Id != details.ImageId, note);
    }

    /// <summary>
    /// The containers a request recreates, in order: <paramref name="service"/>'s containers, or every
    /// front-end one for <see cref="Frontend"/>, with an update; nginx last (it carries the site).
    /// </summary>
    public static IReadOnlyList<ImageUpdate> Targets(IEnumerable<ImageUpdate> updates, string service) => updates
        .Where(u => u.UpdateAvailable && (service == Frontend ? u.Role == "frontend" : u.Service == service))
        .OrderBy(u => u.Service == "nginx" ? 1 : 0).ThenBy(u => u.Service, StringComparer.Ordinal).ThenBy(u => u.Host, StringComparer.Ordinal)
        .ToList();

    /// <summary>A service name as Compose allows it (letters, digits, '_', '-', '.'), or <see cref="Frontend"/>.</summary>
    public static bool IsServiceName(string service) =>
        service.Length is > 0 and <= 64 && service.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' or '.');
}
