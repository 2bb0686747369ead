using KoboConsole.Web.Features.Auth;

namespace KoboConsole.Web.Features.Maintenance;

public sealed record EdgeCertificatesResponse(int WarnDays, IReadOnlyList<EdgeCertificate> Certificates);

public static class EdgeEndpoints
{
    /// <summary><c>GET /api/v1/edge/certificates</c>: what the TLS proxy serves for each public host name (viewer).</summary>
    public static IEndpointRouteBuilder MapEdge(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/edge/certificates", async (EdgeCertificates certificates, CancellationToken ct) =>
            new EdgeCertificatesResponse(EdgeCertificates.WarnDays, await certificates.ReadAsync(ct))).RequireAuthorization(Roles.Viewer);
        return app;
    }
}
