using KoboConsole.Web.Features.Auth;

namespace KoboConsole.Web.Features.ApiDocs;

/// <summary>
/// The automation API described by OpenAPI (Microsoft.AspNetCore.OpenApi): every <c>/api/v1</c>
/// route with its role, parameters, request body and problem-details errors, served at
/// <c>/openapi/v1.json</c> to signed-in users and shown on the <c>/api-reference</c> page.
/// </summary>
public static class ApiDocsModule
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";

    public static WebApplicationBuilder AddApiDocs(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(DocumentName, o =>
        {
            o.ShouldInclude = d => d.RelativePath is { } path && IsApiPath(path);
            o.AddDocumentTransformer((doc, _, _) =>
            {
                doc.Info.Title = "KoboConsole automation API";
                doc.Info.Description = "Send an API token as `Authorization: Bearer kc_...`. Roles: viewer < operator < admin; "
                    + "each operation names the least role it needs. Errors are RFC 7807 problem details.";
                return Task.CompletedTask;
            });
            o.AddOperationTransformer<RoleAndErrorsTransformer>();
        });
        builder.Services.AddScoped<ApiReference>();
        return builder;
    }

    public static IEndpointRouteBuilder MapApiDocs(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(DocumentPath.Replace(DocumentName, "{documentName}", StringComparison.Ordinal)).RequireAuthorization(Roles.Viewer);
        return app;
    }

    internal static bool IsApiPath(string relativePath) =>
        relativePath.StartsWith("api/v1/", StringComparison.Ordinal) || relativePath == "api/v1";
}
