using Microsoft.AspNetCore.Authentication;

namespace SessionAuth.Web.Sessions;

public sealed class ServerSessionSchemeOptions : AuthenticationSchemeOptions
{
    public PathString LoginPath { get; set; } = "/Account/Login";

    public string ReturnUrlParameter { get; set; } = "ReturnUrl";
}
