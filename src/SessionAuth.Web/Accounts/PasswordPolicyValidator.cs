using Microsoft.AspNetCore.Identity;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// What Identity's own validator does not check: a maximum length, the common-password list, and a
/// password built from the person's own email address. Length minimum stays with Identity.
/// No composition rules (ASVS 2.1.9): length and rarity matter, forced symbols do not.
/// </summary>
internal sealed class PasswordPolicyValidator : IPasswordValidator<ApplicationUser>
{
    public Task<IdentityResult> ValidateAsync(UserManager<ApplicationUser> manager, ApplicationUser user, string? password)
    {
        password ??= "";
        var errors = new List<IdentityError>();
        if (password.Length > PasswordPolicyOptions.MaximumLength)
        {
            errors.Add(new IdentityError
            {
                Code = "PasswordTooLong",
                Description = $"Use at most {PasswordPolicyOptions.MaximumLength} characters.",
            });
        }

        if (CommonPasswords.Contains(password))
        {
            errors.Add(new IdentityError
            {
                Code = "PasswordTooCommon",
                Description = "This password is one of the most common ones, so it is guessed first. Choose a less usual phrase.",
            });
        }

        var localPart = (user.Email ?? user.UserName ?? "").Split('@')[0];
        if (localPart.Length > 0 && (password.Equals(localPart, StringComparison.OrdinalIgnoreCase)
            || (localPart.Length >= 3 && password.Contains(localPart, StringComparison.OrdinalIgnoreCase))))
        {
            errors.Add(new IdentityError
            {
                Code = "PasswordContainsEmail",
                Description = "The password must not contain your email address's name part.",
            });
        }

        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]));
    }
}

/// <summary>Identity's messages where ours say more.</summary>
internal sealed class AccountErrorDescriber : IdentityErrorDescriber
{
    public override IdentityError PasswordTooShort(int length) => new()
    {
        Code = nameof(PasswordTooShort),
        Description = $"Use at least {length} characters (at most {PasswordPolicyOptions.MaximumLength}). Spaces and any language are fine.",
    };
}
