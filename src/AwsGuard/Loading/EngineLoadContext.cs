#if NET
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace AwsGuard.Loading;

/// <summary>
/// AwsGuard's own load context: the engine and AWSSDK.* from Dependencies/. The contracts assembly (output
/// types, errors) is shared with the default context so cmdlets and engine agree on those types.
/// </summary>
internal sealed class EngineLoadContext : AssemblyLoadContext
{
    public static readonly EngineLoadContext Instance = new();

    private static readonly Assembly Contracts = typeof(AwsGuardException).Assembly;

    private EngineLoadContext() : base("AwsGuard") { }

    protected override Assembly? Load(AssemblyName name)
    {
        if (name.Name == Contracts.GetName().Name) return Contracts;
        var path = Path.Combine(ModuleInitializer.DependencyFolder, name.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null; // null: the framework's own assemblies
    }
}
#endif
