namespace AwsGuard.Engine.Diagnostics;

/// <summary>What the engine tells its caller besides results; the cmdlet base writes it to PowerShell's streams.</summary>
public interface IEngineOutput
{
    void Verbose(string message);
    void Warning(string message);
}
