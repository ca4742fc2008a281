using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
#if NET
using System.Runtime.Loader;
#endif

namespace AwsGuard.Loading;

/// <summary>
/// Makes the engine and its dependencies (AWSSDK.*) load from the module's Dependencies folder, which the
/// default load context cannot see: on PowerShell 7 into AwsGuard's own AssemblyLoadContext, so AWS.Tools'
/// copy of AWSSDK.Core can sit beside ours in either import order; on Windows PowerShell 5.1, which has no
/// load contexts, through AssemblyResolve (whichever AWSSDK.Core loads first is then used by both).
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    internal static readonly string DependencyFolder =
        Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "Dependencies");

    public void OnImport()
    {
#if NET
        AssemblyLoadContext.Default.Resolving += ResolveEngine;
#else
        AppDomain.CurrentDomain.AssemblyResolve += ResolveFromDependencies;
#endif
    }

    public void OnRemove(PSModuleInfo module)
    {
#if NET
        AssemblyLoadContext.Default.Resolving -= ResolveEngine;
#else
        AppDomain.CurrentDomain.AssemblyResolve -= ResolveFromDependencies;
#endif
    }

#if NET
    // Only the engine is handed to the default context; everything it needs then resolves inside EngineLoadContext.
    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == "AwsGuard.Engine" ? EngineLoadContext.Instance.LoadFromAssemblyName(name) : null;
#else
    private static Assembly? ResolveFromDependencies(object? sender, ResolveEventArgs args)
    {
        var path = Path.Combine(DependencyFolder, new AssemblyName(args.Name).Name + ".dll");
        return File.Exists(path) ? Assembly.LoadFrom(path) : null;
    }
#endif
}
