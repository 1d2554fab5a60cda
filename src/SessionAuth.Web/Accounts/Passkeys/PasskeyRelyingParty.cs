using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Email;

namespace SessionAuth.Web.Accounts.Passkeys;

/// <summary>
/// Who the passkeys belong to. With App:PublicUrl set, its host is the relying party id and its origin the only
/// origin a browser may answer from (behind a TLS proxy: https://host, whatever the proxy forwards). Without it,
/// the request's own host and origin (plain http://localhost in development is a secure context for WebAuthn).
/// Identity's own origin check compares with the request's Origin header, which this app's
/// Referrer-Policy: no-referrer turns into "null" on a form POST, so the origin is decided here instead.
/// </summary>
internal sealed class PasskeyRelyingParty(IOptions<AppOptions> app, IOptions<PasskeysOptions> passkeys) : IConfigureOptions<IdentityPasskeyOptions>
{
    public void Configure(IdentityPasskeyOptions options)
    {
        var publicUrl = PublicUrl();
        options.ServerDomain = publicUrl?.Host;
        options.AuthenticatorTimeout = passkeys.Value.Timeout;
        // Discoverable credentials: the sign-in button asks for no email first.
        options.ResidentKeyRequirement = "required";
        options.UserVerificationRequirement = "required";
        options.ValidateOrigin = context => ValueTask.FromResult(IsExpectedOrigin(context, publicUrl));
    }

    internal static bool IsExpectedOrigin(PasskeyOriginValidationContext context, Uri? publicUrl)
    {
        if (context.CrossOrigin || !Uri.TryCreate(context.Origin, UriKind.Absolute, out var origin))
        {
            return false;
        }

        var request = context.HttpContext.Request;
        var expected = publicUrl is not null
            ? publicUrl.GetLeftPart(UriPartial.Authority)
            : $"{request.Scheme}://{request.Host.Value}";
        return Uri.TryCreate(expected, UriKind.Absolute, out var expectedOrigin)
            && string.Equals(origin.Scheme, expectedOrigin.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(origin.Host, expectedOrigin.Host, StringComparison.OrdinalIgnoreCase)
            && origin.Port == expectedOrigin.Port
            && origin.AbsolutePath == "/";
    }

    private Uri? PublicUrl() =>
        !string.IsNullOrWhiteSpace(app.Value.PublicUrl) && AppOptionsValidator.TryParsePublicUrl(app.Value.PublicUrl, out var url) ? url : null;
}
