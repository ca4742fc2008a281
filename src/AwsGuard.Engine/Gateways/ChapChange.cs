namespace AwsGuard.Engine.Gateways;

/// <summary>How one initiator's CHAP is set on a target today.</summary>
public enum ChapSetting
{
    /// <summary>The target has no CHAP entry for the initiator.</summary>
    None,
    OneWay,
    Mutual,
}

/// <summary>
/// What a CHAP update changes, decided before any change. A rotation keeps what is configured: UpdateChapCredentials
/// without a target secret turns mutual CHAP off, so that happens only when the user says so (-DisableMutualChap).
/// </summary>
public static class ChapChange
{
    public static ChapSetting SettingOf(ChapCredential? credential) =>
        credential is not { ChapEnabled: true } ? ChapSetting.None : credential.MutualChap ? ChapSetting.Mutual : ChapSetting.OneWay;

    /// <summary>
    /// The change as ShouldProcess states it ("Rotate mutual CHAP"), or an InvalidArgument error when a one-way update
    /// would silently turn mutual CHAP off.
    /// </summary>
    public static string Decide(ChapSetting today, bool mutual, bool disableMutual, GatewayTarget target, string initiatorName)
    {
        if (mutual)
            return today switch
            {
                ChapSetting.Mutual => "Rotate mutual CHAP",
                ChapSetting.OneWay => "Turn on mutual CHAP (one-way today)",
                _ => "Set mutual CHAP",
            };
        return today switch
        {
            ChapSetting.Mutual when !disableMutual => throw new AwsGuardException(ErrorKind.InvalidArgument, "MutualChapNeedsTargetSecret",
                $"Initiator {initiatorName} has mutual CHAP on target {target.TargetName}: an update with -InitiatorSecret alone " +
                "would turn mutual CHAP off. Give -TargetSecret to keep it, or -DisableMutualChap to turn it off.", target.Arn),
            ChapSetting.Mutual => "Turn off mutual CHAP (set one-way CHAP)",
            ChapSetting.OneWay => "Rotate one-way CHAP",
            _ => "Set one-way CHAP",
        };
    }
}
