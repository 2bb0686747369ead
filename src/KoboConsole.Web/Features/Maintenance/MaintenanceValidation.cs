using System.Text.RegularExpressions;

namespace KoboConsole.Web.Features.Maintenance;

/// <summary>What an admin (or a script) asked for; null fields take kobo's defaults.</summary>
public sealed record MaintenanceRequest(string? Eta = null, string? DateIso = null, string? DateStr = null, string? Email = null);

/// <summary>
/// Checks the fields before anything is touched. The page template escapes every value anyway;
/// validation is the first fence, so nothing an admin types can even look like markup.
/// </summary>
public static partial class MaintenanceValidation
{
    public const int MaxEtaLength = 64;
    public const int MaxDateStrLength = 100;

    /// <summary>The fields with defaults applied, or the errors by API field name (camelCase).</summary>
    public static (MaintenanceFields? Fields, Dictionary<string, string[]> Errors) Validate(MaintenanceRequest request, DateTimeOffset now, string? defaultEmail)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var defaults = MaintenanceFields.Defaults(now, defaultEmail);

        var eta = request.Eta?.Trim() is { Length: > 0 } e ? e : defaults.Eta;
        if (eta.Length > MaxEtaLength || !SimpleText().IsMatch(eta))
        {
            errors["eta"] = [$"use letters, digits, spaces and simple punctuation (. , : ; ' ( ) - / ! ? +), at most {MaxEtaLength} characters, e.g. \"2 hours\"."];
        }

        var dateIso = request.DateIso?.Trim() is { Length: > 0 } d ? d : defaults.DateIso;
        var dateOk = MaintenanceFields.TryParseDateIso(dateIso, out var start);
        if (!dateOk)
        {
            errors["dateIso"] = ["use the UTC date and time as yyyyMMddTHHmm, e.g. 20261126T0200."];
        }

        var dateStr = request.DateStr?.Trim() is { Length: > 0 } s ? s : dateOk ? MaintenanceFields.ToDateStr(start) : defaults.DateStr;
        if (dateStr.Length > MaxDateStrLength || !SimpleText().IsMatch(dateStr))
        {
            errors["dateStr"] = [$"use letters, digits, spaces and simple punctuation, at most {MaxDateStrLength} characters, e.g. \"Monday, November 26 at 02:00 GMT\"."];
        }

        var email = request.Email?.Trim() is { Length: > 0 } m ? m : defaults.Email;
        if (email is not null && !IsEmail(email))
        {
            errors["email"] = ["use one plain e-mail address such as support@example.org (letters, digits and . _ % + - before the @), or leave it empty."];
        }

        return errors.Count > 0 ? (null, errors) : (new MaintenanceFields(eta, dateIso, dateStr, email), errors);
    }

    /// <summary>
    /// What the page's preview shows for the fields as typed: each valid field as typed, each invalid
    /// one as last shown (or kobo's default), so the preview never shows a page "Turn on" would
    /// refuse; the errors say which fields are wrong while they are typed.
    /// </summary>
    public static (MaintenanceFields Shown, Dictionary<string, string[]> Errors) ForPreview(MaintenanceFields typed, MaintenanceFields? lastShown, DateTimeOffset now)
    {
        var (valid, errors) = Validate(new MaintenanceRequest(typed.Eta, typed.DateIso, typed.DateStr, typed.Email ?? ""), now, null);
        if (valid is not null)
        {
            return (valid, errors);
        }

        var fallback = lastShown ?? MaintenanceFields.Defaults(now);
        var eta = typed.Eta.Trim() is { Length: > 0 } e ? e : MaintenanceFields.DefaultEta;
        return (new MaintenanceFields(
            errors.ContainsKey("eta") ? fallback.Eta : eta,
            errors.ContainsKey("dateIso") ? fallback.DateIso : typed.DateIso,
            errors.ContainsKey("dateStr") ? fallback.DateStr : typed.DateStr,
            errors.ContainsKey("email") ? fallback.Email : typed.Email), errors);
    }

    public static bool IsEmail(string email) => email.Length <= 254 && email.IndexOf('@', StringComparison.Ordinal) <= 64 && Email().IsMatch(email);

    [GeneratedRegex(@"^[\p{L}\p{N} .,:;'()\-/!?+]+$")]
    private static partial Regex SimpleText();

    // A plain address: letters, digits and . _ % + - before the @ (no { } $ < > or quotes, which
    // the page would only ever show as text anyway), a dotted host name after it.
    [GeneratedRegex(@"^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")]
    private static partial Regex Email();
}
