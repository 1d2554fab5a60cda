using Microsoft.AspNetCore.Identity;

namespace SessionAuth.Web.Accounts;

/// <summary>Identity's messages where ours say more.</summary>
internal sealed class AccountErrorDescriber : IdentityErrorDescriber
{
    public override IdentityError PasswordTooShort(int length) => new()
    {
        Code = nameof(PasswordTooShort),
        Description = $"Use at least {length} characters (at most {PasswordPolicyOptions.MaximumLength}). Spaces and any language are fine.",
    };
}
