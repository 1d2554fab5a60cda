namespace SessionAuth.Web.Infrastructure;

/// <summary>
/// Every route of the app's pages, in one place. For Razor Pages a page's name is also its route, so
/// these serve links, redirects, conventions and endpoint metadata alike. Routing matches them
/// case-insensitively and after normalisation (/Account/Login/, /%41ccount/Login), which is why
/// protections attach to the endpoints these name and never compare request paths with them.
/// </summary>
public static class AppRoutes
{
    public const string Home = "/";
    public const string Index = "/Index";
    public const string Error = "/Error";
    public const string Dashboard = "/Dashboard";
    public const string Login = "/Account/Login";
    public const string Register = "/Account/Register";
    public const string Logout = "/Account/Logout";
    public const string ChangePassword = "/Account/ChangePassword";
    public const string Sessions = "/Account/Sessions";
    public const string DeleteAccount = "/Account/Delete";
    public const string Preferences = "/Account/Preferences";
    public const string ConfirmEmail = "/Account/ConfirmEmail";
    public const string ResendConfirmation = "/Account/ResendConfirmation";
    public const string ForgotPassword = "/Account/ForgotPassword";
    public const string ResetPassword = "/Account/ResetPassword";
    public const string ChangeEmail = "/Account/ChangeEmail";
    public const string ConfirmEmailChange = "/Account/ConfirmEmailChange";
    public const string TokenDemo = "/TokenDemo";
    public const string TwoFactor = "/Account/TwoFactor";
    public const string EnableAuthenticator = "/Account/EnableAuthenticator";
    public const string LoginWith2fa = "/Account/LoginWith2fa";
    public const string LoginWithRecoveryCode = "/Account/LoginWithRecoveryCode";
    public const string GenerateRecoveryCodes = "/Account/GenerateRecoveryCodes";
    public const string DisableTwoFactor = "/Account/DisableTwoFactor";

    /// <summary>The signed-in person's passkeys: list, add, rename, remove.</summary>
    public const string Passkeys = "/Account/Passkeys";

    /// <summary>POST only: the JSON options (a fresh challenge) for adding a passkey; signed in.</summary>
    public const string PasskeyCreationOptions = "/Account/PasskeyCreationOptions";

    /// <summary>POST only: the JSON options (a fresh challenge) for signing in with a passkey; anonymous, rate limited.</summary>
    public const string PasskeyRequestOptions = "/Account/PasskeyRequestOptions";

    /// <summary>The operators' console: every page in this folder needs the operators' role.</summary>
    public const string AdminFolder = "/Admin";
    public const string AdminIndex = "/Admin/Index";
    public const string AdminUsers = "/Admin/Users";

    /// <summary>One user's page; its address carries the user id (<see cref="AdminUserPath"/>).</summary>
    public const string AdminUser = "/Admin/User";

    public static string AdminUserPath(string userId) => $"{AdminUser}/{Uri.EscapeDataString(userId)}";

    /// <summary>The forms that take a password: brute force, stuffing and enumeration aim here.</summary>
    public static readonly IReadOnlyList<string> PasswordForms =
        [Login, Register, ChangePassword, DeleteAccount, ResetPassword, ChangeEmail, GenerateRecoveryCodes, DisableTwoFactor];

    /// <summary>The second step after a right password: guessing a code aims here.</summary>
    public static readonly IReadOnlyList<string> SecondStepForms = [LoginWith2fa, LoginWithRecoveryCode];

    /// <summary>The forms that send mail to an address someone types: mail bombing aims here.</summary>
    public static readonly IReadOnlyList<string> MailForms = [ForgotPassword, ResendConfirmation];

    /// <summary>The pages a mailed link opens, whose POST checks the code the link carries.</summary>
    public static readonly IReadOnlyList<string> CodeForms = [ConfirmEmail, ConfirmEmailChange];

    /// <summary>Every form with the per-address rate limit and the body cap.</summary>
    public static IEnumerable<string> LimitedForms => PasswordForms.Concat(SecondStepForms).Concat(MailForms).Concat(CodeForms);
}
