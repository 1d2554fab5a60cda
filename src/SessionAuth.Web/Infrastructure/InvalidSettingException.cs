namespace SessionAuth.Web.Infrastructure;

/// <summary>
/// A setting that cannot be used, found while the app is composed (before options validation runs):
/// reported by <see cref="BadSettings"/> as one line, like any other bad setting. The message names
/// the setting and what is allowed, and never holds a secret.
/// </summary>
public sealed class InvalidSettingException(string message) : Exception(message);
