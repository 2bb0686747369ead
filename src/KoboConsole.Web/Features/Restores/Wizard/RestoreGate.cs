namespace KoboConsole.Web.Features.Restores.Wizard;

/// <summary>What the admin typed and chose on the plan step.</summary>
public sealed record RestoreConsent(string? Typed, bool SafetyBackup, string? SkipReason, bool AcceptUnverified);

/// <summary>
/// Whether the wizard's Restore button may be pressed: the pre-flight passed, the typed phrase is the
/// kobo public domain (compared as the service compares it), unverified backups are accepted, and a
/// skipped safety backup has its reason. The service checks all of this again; this only gates the UI.
/// </summary>
public static class RestoreGate
{
    /// <summary>Null when the restore may start; otherwise what is still missing, in the admin's words.</summary>
    public static string? WhyNot(RestorePlan? plan, RestoreConsent consent)
    {
        if (plan is null)
        {
            return "Run the pre-flight first.";
        }

        if (!plan.CanStart)
        {
            return "The pre-flight found problems (marked fail above): fix them and check again.";
        }

        if (plan.Items.Any(i => !i.Verified) && !consent.AcceptUnverified)
        {
            return "Tick the box accepting backups that cannot be verified.";
        }

        if (!consent.SafetyBackup && (consent.SkipReason?.Trim().Length ?? 0) < RestoreService.MinReasonLength)
        {
            return $"Say why the safety backup is skipped (at least {RestoreService.MinReasonLength} characters).";
        }

        return Matches(consent.Typed, plan.ConfirmPhrase) ? null : $"Type {plan.ConfirmPhrase} to confirm.";
    }

    /// <summary>The typed confirmation, trimmed and case-insensitive, as <see cref="RestoreService"/> compares it.</summary>
    public static bool Matches(string? typed, string phrase) =>
        typed is not null && string.Equals(typed.Trim(), phrase, StringComparison.OrdinalIgnoreCase);
}
