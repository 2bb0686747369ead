using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace KoboConsole.Web.Features.ApiDocs;

/// <summary>One operation of the document as the reference page shows it.</summary>
public sealed record ApiOperation(string Method, string Path, string Role, string? Summary, IReadOnlyList<string> Parameters, string? Body, IReadOnlyList<string> Responses);

/// <summary>Reads the OpenAPI document the app generates (the same one /openapi/v1.json serves) for the reference page.</summary>
public sealed class ApiReference([FromKeyedServices(ApiDocsModule.DocumentName)] IOpenApiDocumentProvider provider)
{
    public async Task<IReadOnlyList<ApiOperation>> OperationsAsync(CancellationToken cancellationToken)
    {
        var doc = await provider.GetOpenApiDocumentAsync(cancellationToken);
        var list = new List<ApiOperation>();
        foreach (var (path, item) in doc.Paths)
        {
            foreach (var (method, op) in item.Operations ?? [])
            {
                var role = op.Extensions?.TryGetValue("x-role", out var ext) == true && ext is JsonNodeExtension node ? node.Node.ToString() : "?";
                var parameters = (op.Parameters ?? []).Select(p => $"{p.Name} ({p.In?.ToString().ToLowerInvariant()}{(p.Required ? ", required" : string.Empty)})").ToList();
                var body = op.RequestBody?.Content?.Keys.FirstOrDefault() is { } type ? $"{type}: {Describe(op.RequestBody.Content[type].Schema)}" : null;
                var responses = (op.Responses ?? []).Select(r => $"{r.Key} {r.Value.Description}").ToList();
                list.Add(new ApiOperation(method.Method, path, role, op.Summary, parameters, body, responses));
            }
        }

        return list.OrderBy(o => o.Path, StringComparer.Ordinal).ThenBy(o => o.Method, StringComparer.Ordinal).ToList();
    }

    private static string Describe(IOpenApiSchema? schema) => schema switch
    {
        OpenApiSchemaReference r => r.Reference.Id ?? "object",
        { Properties.Count: > 0 } s => "{ " + string.Join(", ", s.Properties.Keys) + " }",
        { Type: { } t } => t.ToString().ToLowerInvariant(),
        _ => "object",
    };
}
