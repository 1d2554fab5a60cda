using SessionAuth.Web.Accounts;
using SessionAuth.Web.Hosting;
using SessionAuth.Web.Pages;
using SessionAuth.Web.Sessions;

var builder = WebApplication.CreateBuilder(args);

builder.AddHosting();
builder.AddAccounts();
builder.AddServerSessions();
builder.AddSessionAuthPages();

var app = builder.Build();

await app.MigrateAccountsDatabaseAsync();

app.UseHostingPipeline();
// Static files answer before authentication, so a stylesheet never costs a session lookup.
app.UseStaticFiles();
app.UseRouting();
app.UseServerSessions();

app.MapRazorPages();
app.MapHealth();

await app.RunAsync();

/// <summary>Entry point; public so WebApplicationFactory&lt;Program&gt; can host the app in tests.</summary>
public partial class Program;
