using System.Text.RegularExpressions;

namespace KoboConsole.Web.Features.Auth;

/// <summary>What a username and a password must look like; messages say what to do.</summary>
public static partial class UserRules
{
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 256;

    public static string? ValidateUsername(string username)
    {
        if (string.IsNullOrWhiteSpace(username))
        {
            return "is required.";
        }

        return UsernamePattern().IsMatch(username)
            ? null
            : "use 2 to 64 characters: letters, digits, '.', '_', '-' or '@', starting with a letter or digit.";
    }

    public static string? ValidatePassword(string password)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinPasswordLength)
        {
            return $"must be at least {MinPasswordLength} characters long.";
        }

        return password.Length > MaxPasswordLength ? $"must be at most {MaxPasswordLength} characters long." : null;
    }

    public static string Normalize(string username) => username.Trim().ToLowerInvariant();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")]
    private static partial Regex UsernamePattern();
}
