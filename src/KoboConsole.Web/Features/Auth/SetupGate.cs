namespace KoboConsole.Web.Features.Auth;

/// <summary>The first-run page exists only while no user exists: afterwards it is a 404.</summary>
public static class SetupGate
{
    public static IApplicationBuilder UseSetupGate(this IApplicationBuilder app) => app.Use(async (ctx, next) =>
    {
        if (ctx.Request.Path.StartsWithSegments("/setup")
            && await ctx.RequestServices.GetRequiredService<UserService>().AnyUsersAsync(ctx.RequestAborted))
        {
            ctx.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await next(ctx);
    });
}
