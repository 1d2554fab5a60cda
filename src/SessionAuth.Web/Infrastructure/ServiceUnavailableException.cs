namespace SessionAuth.Web.Infrastructure;

/// <summary>Which part of the app could not serve the request (the failure policy answers each with its own 503).</summary>
public enum UnavailableService
{
    /// <summary>The session store (Redis), or data a sign-in needs from it: fail closed.</summary>
    Store,

    /// <summary>Every password hashing slot stayed taken: nothing was decided.</summary>
    PasswordHashing,
}

/// <summary>
/// A dependency or a bounded resource cannot serve this request right now: the host answers 503 with
/// Retry-After (Hosting's failure policy), never 500, and logs it as a warning. The features derive
/// their own exceptions from this, so the failure policy needs to know none of them.
/// </summary>
public abstract class ServiceUnavailableException(UnavailableService service, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public UnavailableService Service { get; } = service;
}
