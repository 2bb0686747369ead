using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace KoboConsole.Web.Features.ApiDocs;

/// <summary>
/// Adds what minimal APIs do not say by themselves: the least role an operation needs (from its
/// authorization policy), and the problem-details answers every route can give.
/// </summary>
internal sealed class RoleAndErrorsTransformer : IOpenApiOperationTransformer
{
    private static readonly OpenApiSchema Problem = new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 7807 problem details: title says what is wrong, detail what to do.",
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["errors"] = new OpenApiSchema { Type = JsonSchemaType.Object, Description = "field name: messages (validation problems)" },
        },
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var role = RoleOf(metadata);
        operation.Description = (anonymous ? "Role: none (anonymous)." : $"Role: {role ?? "any signed-in user"}.")
            + (operation.Description is { Length: > 0 } d ? " " + d : string.Empty);
        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal);
        operation.Extensions["x-role"] = new JsonNodeExtension(anonymous ? "anonymous" : role ?? "signed-in");

        operation.Responses ??= [];
        AddProblem(operation, "400", "The request is malformed (unknown field, wrong type).");
        if (!anonymous)
        {
            AddProblem(operation, "401", "No valid sign-in or API token.");
            AddProblem(operation, "403", "The caller's role is below the one this operation needs.");
        }

        if (context.Description.HttpMethod is not "GET")
        {
            AddProblem(operation, "422", "A field is invalid; the problem names it and says what is expected.");
        }

        return Task.CompletedTask;
    }

    /// <summary>The highest role among the endpoint's policies (viewer &lt; operator &lt; admin).</summary>
    internal static string? RoleOf(IEnumerable<object> metadata) =>
        metadata.OfType<IAuthorizeData>().Select(a => a.Policy ?? a.Roles)
            .Where(Auth.Roles.IsKnown).OrderBy(r => Auth.Roles.All.ToList().IndexOf(r!)).LastOrDefault();

    private static void AddProblem(OpenApiOperation operation, string status, string description)
    {
        if (operation.Responses!.ContainsKey(status))
        {
            return;
        }

        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
            {
                ["application/problem+json"] = new OpenApiMediaType { Schema = Problem },
            },
        };
    }
}
