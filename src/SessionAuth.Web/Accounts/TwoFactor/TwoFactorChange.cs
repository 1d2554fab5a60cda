namespace SessionAuth.Web.Accounts.TwoFactor;

/// <summary>A change to an account's two-factor sign-in: each is an activity row and a notice mail.</summary>
public enum TwoFactorChange
{
    Enabled,
    Disabled,
    RecoveryCodesRegenerated,
    RecoveryCodeUsed,
}
