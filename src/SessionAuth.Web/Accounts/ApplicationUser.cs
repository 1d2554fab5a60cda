using Microsoft.AspNetCore.Identity;

namespace SessionAuth.Web.Accounts;

/// <summary>The person who signs in. The user name is the email address.</summary>
public sealed class ApplicationUser : IdentityUser;
