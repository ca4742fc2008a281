# A script's first line after Import-Module can use AwsGuard's types: [AwsGuard.BucketExposure[]] parameters, typed
# objects for mocks. Checked in fresh processes, since what is loaded is per process.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
}

Describe 'AwsGuard types at import' {
    It 'resolves a type literal right after Import-Module, without loading the engine or the SDK' {
        $output = Invoke-FreshPwsh @"
Import-Module '$(Get-TestModulePath)'
`$exposure = [AwsGuard.BucketExposure]@{ BucketName = 'b'; Status = 'Public' }
`$early = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -like 'AWSSDK*' -or `$_.GetName().Name -eq 'AwsGuard.Engine' }
"status=`$(`$exposure.Status.GetType().FullName)/`$(`$exposure.Status)"
"early=`$(@(`$early).Count)"
"context=`$([Runtime.Loader.AssemblyLoadContext]::GetLoadContext([AwsGuard.BucketExposure].Assembly).Name)"
"@
        $output | Should -Be @('status=AwsGuard.ExposureStatus/Public', 'early=0', 'context=Default')
    }

    It 'builds every output type of every cmdlet from a hashtable of the properties a user sees, enums by name' {
        $output = Invoke-FreshPwsh @"
Import-Module '$(Get-TestModulePath)'
function New-Sample([type] `$Type) {
    `$type = [Nullable]::GetUnderlyingType(`$Type) ?? `$Type
    if (`$type -eq [string] -or `$type -eq [object]) { return 'x' }
    if (`$type.IsEnum) { return [Enum]::GetNames(`$type)[-1] }
    if (`$type -eq [bool]) { return `$true }
    if (`$type -eq [datetime]) { return '2026-01-02T03:04:05Z' }
    if (`$type -eq [securestring]) { return ConvertTo-SecureString 's' -AsPlainText -Force }
    if (`$type.IsPrimitive) { return 7 }
    if (`$type -eq [Collections.IDictionary]) { return @{ eventName = 'x' } }
    if (`$type.IsGenericType -and `$type.Name -like 'JoinedList*') { return ,@(New-Sample `$type.GetGenericArguments()[0]) }
    `$table = @{}
    foreach (`$p in `$type.GetProperties() | Where-Object { `$_.SetMethod -and `$_.SetMethod.IsPublic }) { `$table[`$p.Name] = New-Sample `$p.PropertyType }
    `$table
}
foreach (`$type in (Get-Command -Module AwsGuard -CommandType Cmdlet).OutputType.Type | Sort-Object FullName -Unique) {
    `$sample = New-Sample `$type
    `$built = & ([scriptblock]::Create("param(```$h) [`$(`$type.FullName)]```$h")) `$sample
    # Text and enum properties read back as given (an enum from its name); the build itself proves the rest bind.
    `$wrong = `$sample.Keys | Where-Object { `$p = `$type.GetProperty(`$_).PropertyType; (`$p -eq [string] -or `$p.IsEnum) -and "`$(`$built.`$_)" -ne `$sample[`$_] }
    "`$(`$type.FullName) `$(`$built.GetType().FullName) wrong:`$(@(`$wrong) -join ',')"
}
"@
        $output | Should -Not -BeNullOrEmpty
        foreach ($line in $output) {
            $name, $built, $wrong = $line -split ' '
            $built | Should -Be $name
            $wrong | Should -Be 'wrong:' -Because "every text and enum property of $name reads back as given"
        }
        $output.Count | Should -BeGreaterOrEqual 7 # the output types of the cmdlets at the time of writing
    }
}
