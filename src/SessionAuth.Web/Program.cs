using Microsoft.Extensions.Options;
using SessionAuth.Web.Accounts;
using SessionAuth.Web.Accounts.Activity;
using SessionAuth.Web.Accounts.TwoFactor;
using SessionAuth.Web.Admin;
using SessionAuth.Web.Hosting;
using SessionAuth.Web.Pages;
using SessionAuth.Web.Sessions;
using SessionAuth.Web.Tokens;

var builder = WebApplication.CreateBuilder(args);
try
{
    builder.AddHosting();
    builder.AddAccounts();
    builder.AddActivityLog();
    builder.AddServerSessions();
    builder.AddTwoFactor();
    builder.AddTokens();
    builder.AddAdminConsole();
    builder.AddSessionAuthPages();

    var app = builder.Build();

    // Every setting is checked before anything runs or logs; a bad one ends here (see the catch).
    app.ValidateSettings();

    app.UseHostingPipeline();
    // Everything below reads the endpoint routing chose, so limits follow the page, not the path string.
    app.UseRouting();
    // API errors as problem details, and CORS for /api, from here on (both read the endpoint).
    app.UseTokenApi();
    app.UseHttpsRequirement(app.Services.GetRequiredService<IOptions<ServerSessionOptions>>().Value.SecureCookies);
    // Static files answer before authentication, so a stylesheet never costs a session lookup.
    app.UseStaticFiles();
    // Rate limit and body cap before authentication: a refused request costs no session lookup.
    app.UseAccountEndpointProtection();
    app.UseServerSessions();

    app.MapRazorPages();
    app.MapHealth();
    app.MapTokenApi();

    // Last before serving: the pipeline above reads settings too, and a bad one must stop the app
    // before it touches the database.
    await app.MigrateAccountsDatabaseAsync();
    await app.ApplyOperatorRoleAsync();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (BadSettings.AreIn(ex))
{
    return BadSettings.Report(ex, builder.Configuration, Console.Error);
}
catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    // Another process holds the address: say which, and how to choose another, without a stack trace.
    Console.Error.WriteLine($"Cannot start: {ex.Message} Choose another with ASPNETCORE_URLS or --urls.");
    return 1;
}

/// <summary>Entry point; public so WebApplicationFactory&lt;Program&gt; can host the app in tests.</summary>
public partial class Program;
