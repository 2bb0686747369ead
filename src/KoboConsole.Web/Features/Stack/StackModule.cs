using KoboConsole.Web.Infrastructure.Configuration;

namespace KoboConsole.Web.Features.Stack;

public static class StackModule
{
    public static WebApplicationBuilder AddStack(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<StackOptions>(StackOptions.Section);
        builder.Services.AddSingleton<StackDiscovery>();
        builder.Services.AddSingleton<PostgresPrimary>();
        return builder;
    }
}
