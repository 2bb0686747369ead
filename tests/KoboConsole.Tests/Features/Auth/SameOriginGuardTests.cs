using KoboConsole.Web.Features.Auth;
using Microsoft.AspNetCore.Http;

namespace KoboConsole.Tests.Features.Auth;

/// <summary>The cross-site request rule (decision 0013) on requests as the app sees them.</summary>
public sealed class SameOriginGuardTests
{
    [Theory]
    [InlineData("http", "console.example.org", "http://console.example.org")]
    [InlineData("https", "console.example.org", "https://console.example.org")]
    [InlineData("https", "console.example.org", "https://console.example.org:443")]
    [InlineData("https", "console.example.org:8443", "https://console.example.org:8443")]
    [InlineData("http", "127.0.0.1:5080", "http://127.0.0.1:5080")]
    [InlineData("http", "[::1]:5080", "http://[::1]:5080")]
    [InlineData("https", "Console.Example.org", "https://console.example.ORG")]
    public void Check_CookiePostFromOwnOrigin_Passes(string scheme, string host, string origin) =>
        Assert.Null(SameOriginGuard.Check(Request("POST", "/api/v1/users", scheme, host, origin, "application/json"), authenticated: true));

    [Theory]
    [InlineData("https", "console.example.org", "http://console.example.org")]
    [InlineData("https", "console.example.org", "https://kf.example.org")]
    [InlineData("http", "127.0.0.1:5080", "http://127.0.0.1:5081")]
    [InlineData("http", "127.0.0.1:5080", "http://localhost:5080")]
    [InlineData("http", "console.example.org", "http://console.example.org.evil.example")]
    [InlineData("http", "console.example.org", "null")]
    [InlineData("http", "console.example.org", "http://console.example.org/path")]
    public void Check_CookiePostFromAnotherOrigin_Is403NamingIt(string scheme, string host, string origin)
    {
        var refusal = SameOriginGuard.Check(Request("POST", "/api/v1/maintenance/disable", scheme, host, origin), authenticated: true);

        Assert.Equal(403, refusal?.Status);
        Assert.Contains(origin, refusal!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_CookiePostWithNeitherOriginNorFetchSite_Is403()
    {
        Assert.Equal(403, SameOriginGuard.Check(Request("DELETE", "/api/v1/tokens/x"), authenticated: true)?.Status);
        Assert.Equal(403, SameOriginGuard.Check(Request("POST", "/logout", fetchSite: "same-site"), authenticated: true)?.Status);
        Assert.Null(SameOriginGuard.Check(Request("PUT", "/api/v1/users/x", contentType: "application/json", fetchSite: "same-origin"), authenticated: true));
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=----x")]
    [InlineData("text/plain;charset=UTF-8")]
    public void Check_CookieApiPostWithFormContentType_Is415(string contentType) =>
        Assert.Equal(415, SameOriginGuard.Check(Request("POST", "/api/v1/maintenance/disable", origin: "http://console.example.org", contentType: contentType), authenticated: true)?.Status);

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/merge-patch+json")]
    [InlineData(null)]
    public void Check_CookieApiPostWithJsonOrNoBody_Passes(string? contentType) =>
        Assert.Null(SameOriginGuard.Check(Request("POST", "/api/v1/maintenance/disable", origin: "http://console.example.org", contentType: contentType), authenticated: true));

    [Fact]
    public void Check_FormPostOutsideTheApi_KeepsItsContentType() =>
        Assert.Null(SameOriginGuard.Check(Request("POST", "/logout", origin: "http://console.example.org", contentType: "application/x-www-form-urlencoded"), authenticated: true));

    [Theory]
    [InlineData("/_blazor")]
    [InlineData("/hubs/logs")]
    public void Check_CookieWebSocketHandshakeFromAnotherOrigin_Is403(string path)
    {
        Assert.Equal(403, SameOriginGuard.Check(Request("GET", path, origin: "http://console.example.org:8080"), authenticated: true)?.Status);
        Assert.Null(SameOriginGuard.Check(Request("GET", path, origin: "http://console.example.org"), authenticated: true));
        Assert.Null(SameOriginGuard.Check(Request("GET", path), authenticated: true));
    }

    [Fact]
    public void Check_BearerTokenOrNoSignIn_IsNotChecked()
    {
        var bearer = Request("POST", "/api/v1/maintenance/disable", origin: "http://evil.example", contentType: "text/plain");
        bearer.Headers.Authorization = "Bearer kc_x";
        var hubToken = Request("GET", "/hubs/logs", origin: "http://evil.example");
        hubToken.QueryString = new QueryString("?access_token=kc_x");

        Assert.Null(SameOriginGuard.Check(bearer, authenticated: true));
        Assert.Null(SameOriginGuard.Check(hubToken, authenticated: true));
        Assert.Null(SameOriginGuard.Check(Request("POST", "/api/v1/tokens", origin: "http://evil.example", contentType: "text/plain"), authenticated: false));
    }

    [Fact]
    public void Check_SafeMethodOutsideLiveConnections_IsNotChecked() =>
        Assert.Null(SameOriginGuard.Check(Request("GET", "/api/v1/users", origin: "http://evil.example"), authenticated: true));

    private static HttpRequest Request(string method, string path, string scheme = "http", string host = "console.example.org",
        string? origin = null, string? contentType = null, string? fetchSite = null)
    {
        var request = new DefaultHttpContext().Request;
        request.Method = method;
        request.Path = path;
        request.Scheme = scheme;
        request.Host = new HostString(host);
        request.ContentType = contentType;
        if (origin is not null)
        {
            request.Headers.Origin = origin;
        }

        if (fetchSite is not null)
        {
            request.Headers["Sec-Fetch-Site"] = fetchSite;
        }

        return request;
    }
}
