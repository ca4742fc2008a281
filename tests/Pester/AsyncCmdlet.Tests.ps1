# AsyncCmdlet runs cmdlet work off the pipeline thread, so every Cmdlet/PSCmdlet member that belongs to that thread
# must be hidden by AsyncCmdlet (marshalled there, or refusing async work). Reflection over the PowerShell that runs
# the tests finds every such member, so an overload this PowerShell has and AsyncCmdlet lacks fails here.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force

    # Members any thread may use, each with the reason.
    $free = @{
        'get_Stopping'           = 'a flag'
        'get_PipelineStopToken'  = 'a CancellationToken (PowerShell 7.5+, not in PowerShellStandard)'
        'get_CurrentPSTransaction' = 'not in PowerShellStandard: AwsGuard cmdlets cannot call it'
        'GetResourceString'      = 'reads the assembly resources'
        'get_ParameterSetName'   = 'set by binding before the work starts'
        'get_MyInvocation'       = 'set by binding before the work starts'
        'get_PagingParameters'   = 'set by binding before the work starts'
        'Invoke'                 = 'a PSCmdlet cannot be invoked directly (InvalidOperationException)'
        'BeginProcessing'        = 'called by PowerShell on the pipeline thread'
        'ProcessRecord'          = 'called by PowerShell on the pipeline thread'
        'EndProcessing'          = 'called by PowerShell on the pipeline thread'
        'StopProcessing'         = 'called by PowerShell to cancel; AsyncCmdlet cancels CancelToken'
    }
    $flags = [Reflection.BindingFlags]'Instance, Public, NonPublic, DeclaredOnly'
    function Get-Signature([Reflection.MethodInfo] $Method) {
        "$($Method.ReturnType.FullName) $($Method.Name)($(($Method.GetParameters() | ForEach-Object { $_.ParameterType.FullName }) -join ', '))"
    }
    function Get-Callable([type] $Type) {
        # What a derived cmdlet can call: public and protected members.
        $Type.GetMethods($flags) | Where-Object { $_.IsPublic -or $_.IsFamily -or $_.IsFamilyOrAssembly }
    }
    $pipelineOnly = @([Management.Automation.Cmdlet], [Management.Automation.PSCmdlet] | ForEach-Object { Get-Callable $_ } |
        Where-Object { -not $free.ContainsKey($_.Name) } | ForEach-Object { Get-Signature $_ })
    $hidden = @(Get-Callable ([AwsGuard.Commands.AsyncCmdlet]) | ForEach-Object { Get-Signature $_ })
}

Describe 'AsyncCmdlet' {
    It 'finds the pipeline-thread members it must cover' {
        # Guards the enumeration itself: these must be among what it finds.
        $pipelineOnly | Should -Contain 'System.Void WriteInformation(System.Management.Automation.InformationRecord)'
        $pipelineOnly | Should -Contain 'System.Boolean ShouldProcess(System.String, System.String, System.String, System.Management.Automation.ShouldProcessReason&)'
        $pipelineOnly | Should -Contain 'System.Boolean ShouldContinue(System.String, System.String, System.Boolean, System.Boolean&, System.Boolean&)'
        $pipelineOnly | Should -Contain 'System.Management.Automation.SessionState get_SessionState()'
        $pipelineOnly.Count | Should -BeGreaterThan 30
    }

    It 'hides every Cmdlet and PSCmdlet member that belongs to the pipeline thread' {
        $missing = @($pipelineOnly | Where-Object { $_ -notin $hidden })
        $missing | Should -BeNullOrEmpty -Because 'AsyncCmdlet must marshal these to the pipeline thread or refuse them from async work'
    }
}
