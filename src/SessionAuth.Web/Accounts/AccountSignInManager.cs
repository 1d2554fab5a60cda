using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SessionAuth.Web.Accounts.Passkeys;
using SessionAuth.Web.Sessions;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// Identity's sign-in manager with two changes. Its sign-ins go to the server session scheme (there is no
/// Identity cookie scheme here). And the passkey ceremonies keep their state on the server: the base class
/// parks it in the two-factor cookie scheme (the whole challenge in a cookie, a scheme AddIdentityCore does not
/// even register); these overrides put it in <see cref="PasskeyCeremonies"/> and verify with the same
/// <see cref="IPasskeyHandler{TUser}"/> the base class would use, so the WebAuthn checks stay Identity's.
/// </summary>
internal sealed class AccountSignInManager : SignInManager<ApplicationUser>
{
    private readonly IPasskeyHandler<ApplicationUser> _passkeys;
    private readonly PasskeyCeremonies _ceremonies;

    public AccountSignInManager(
        UserManager<ApplicationUser> userManager, IHttpContextAccessor contextAccessor,
        IUserClaimsPrincipalFactory<ApplicationUser> claimsFactory, IOptions<IdentityOptions> optionsAccessor,
        ILogger<SignInManager<ApplicationUser>> logger, IAuthenticationSchemeProvider schemes,
        IUserConfirmation<ApplicationUser> confirmation, IPasskeyHandler<ApplicationUser> passkeys, PasskeyCeremonies ceremonies)
        : base(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
    {
        _passkeys = passkeys;
        _ceremonies = ceremonies;
        AuthenticationScheme = ServerSessionDefaults.Scheme;
    }

    public override async Task<string> MakePasskeyCreationOptionsAsync(PasskeyUserEntity userEntity)
    {
        ArgumentNullException.ThrowIfNull(userEntity);
        var result = await _passkeys.MakeCreationOptionsAsync(userEntity, Context);
        await _ceremonies.BeginAsync(Context, PasskeyCeremonies.Attestation, result.AttestationState ?? "");
        return result.CreationOptionsJson;
    }

    public override async Task<string> MakePasskeyRequestOptionsAsync(ApplicationUser? user)
    {
        var result = await _passkeys.MakeRequestOptionsAsync(user, Context);
        await _ceremonies.BeginAsync(Context, PasskeyCeremonies.Assertion, result.AssertionState ?? "");
        return result.RequestOptionsJson;
    }

    /// <summary>A missing, spent, expired or foreign ceremony is a failed attestation (the base class throws instead).</summary>
    public override async Task<PasskeyAttestationResult> PerformPasskeyAttestationAsync(string credentialJson)
    {
        var state = await _ceremonies.TakeAsync(Context, PasskeyCeremonies.Attestation);
        if (state is null)
        {
            return PasskeyAttestationResult.Fail(new PasskeyException(NoCeremony));
        }

        return await _passkeys.PerformAttestationAsync(new PasskeyAttestationContext
        {
            HttpContext = Context,
            CredentialJson = credentialJson,
            AttestationState = state,
        });
    }

    public override async Task<PasskeyAssertionResult<ApplicationUser>> PerformPasskeyAssertionAsync(string credentialJson)
    {
        var state = await _ceremonies.TakeAsync(Context, PasskeyCeremonies.Assertion);
        if (state is null)
        {
            return PasskeyAssertionResult.Fail<ApplicationUser>(new PasskeyException(NoCeremony));
        }

        return await _passkeys.PerformAssertionAsync(new PasskeyAssertionContext
        {
            HttpContext = Context,
            CredentialJson = credentialJson,
            AssertionState = state,
        });
    }

    /// <summary>
    /// The base class would sign in without saying how; <see cref="PasskeySignIn"/> is this app's passkey
    /// sign-in (checks, last use, the "amr" claim, activity), so nothing signs in through the base one by mistake.
    /// </summary>
    public override Task<SignInResult> PasskeySignInAsync(string credentialJson) =>
        throw new NotSupportedException($"Sign in with a passkey through {nameof(PasskeySignIn)}.");

    internal const string NoCeremony = "No passkey ceremony of this kind is open for this browser: it was used already, or it expired.";
}
