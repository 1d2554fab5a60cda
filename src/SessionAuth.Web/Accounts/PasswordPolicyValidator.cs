using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace SessionAuth.Web.Accounts;

/// <summary>
/// What Identity's own validator does not check, on the NFC form of the password: length in text
/// elements, the common-password list, a password built from the person's own email address, and
/// zxcvbn's estimate (at least PasswordPolicy:MinimumScore, with the email as user input). The
/// cheap checks go first, and only the first failing rule is reported: one clear message.
/// No composition rules (ASVS 2.1.9): length and rarity matter, forced symbols do not.
/// </summary>
internal sealed class PasswordPolicyValidator(IOptions<PasswordPolicyOptions> options) : IPasswordValidator<ApplicationUser>
{
    public Task<IdentityResult> ValidateAsync(UserManager<ApplicationUser> manager, ApplicationUser user, string? password) =>
        Task.FromResult(Validate(user.Email ?? user.UserName ?? "", PasswordText.Normalize(password ?? "")) is { } error
            ? IdentityResult.Failed(error)
            : IdentityResult.Success);

    private IdentityError? Validate(string email, string password)
    {
        var policy = options.Value;
        if (policy.LengthProblem(password, checkMinimum: true) is { } lengthProblem)
        {
            return new IdentityError { Code = "PasswordLength", Description = lengthProblem };
        }

        if (CommonPasswords.Contains(password))
        {
            return new IdentityError
            {
                Code = "PasswordTooCommon",
                Description = "This password is one of the most common ones, so it is guessed first. Choose a less usual phrase.",
            };
        }

        var localPart = email.Split('@')[0];
        if (localPart.Length > 0 && (password.Equals(localPart, StringComparison.OrdinalIgnoreCase)
            || (localPart.Length >= 3 && password.Contains(localPart, StringComparison.OrdinalIgnoreCase))))
        {
            return new IdentityError
            {
                Code = "PasswordContainsEmail",
                Description = "The password must not contain your email address's name part.",
            };
        }

        var (score, feedback) = PasswordStrength.Evaluate(password, UserInputs(email));
        if (score < policy.MinimumScore)
        {
            return new IdentityError { Code = "PasswordTooGuessable", Description = feedback };
        }

        // zxcvbn finds repeats in UTF-16 units, so twelve times one emoji (two units each) slips past it.
        // A repetition is what zxcvbn scores 0 or 1: refused whenever the policy asks for any strength.
        return policy.MinimumScore > 0 && PasswordText.IsRepetition(password)
            ? new IdentityError
            {
                Code = "PasswordTooGuessable",
                Description = "Repeats like \"aaa\" are easy to guess. Add another word or two. Uncommon words are better. Avoid repeated words and characters.",
            }
            : null;
    }

    /// <summary>The email and its parts, which zxcvbn treats as words an attacker would try first.</summary>
    private static IEnumerable<string> UserInputs(string email) =>
        email.Split(['@', '.', '_', '-', '+'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(part => part.Length >= 3)
            .Prepend(email.Split('@')[0])
            .Prepend(email)
            .Distinct(StringComparer.OrdinalIgnoreCase);
}
