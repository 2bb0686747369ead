using System.Security.Claims;

namespace KoboConsole.Web.Features.Auth;

public static class AuthClaims
{
    public const string SecurityStamp = "kc:stamp";
    public const string TokenName = "kc:token";
    public const string TokenId = "kc:token-id";

    public static ClaimsPrincipal For(UserInfo user, string scheme, string? tokenName = null, long? tokenId = null)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.Username),
            new(ClaimTypes.Role, user.Role),
            new(SecurityStamp, user.SecurityStamp),
        };
        if (tokenName is not null)
        {
            claims.Add(new Claim(TokenName, tokenName));
        }

        if (tokenId is not null)
        {
            claims.Add(new Claim(TokenId, tokenId.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }
}
