namespace SessionAuth.Web.Tests.Infrastructure;

/// <summary>Classes that measure time or load the machine: run with nothing else beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "Timing (runs alone)";
}
