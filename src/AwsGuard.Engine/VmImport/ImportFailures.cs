using System;
using System.Linq;

namespace AwsGuard.Engine.VmImport;

/// <summary>
/// What to do about a failed import, from the StatusMessage AWS gives it (the texts of "Troubleshooting VM
/// Import/Export"): the message names a cause in a word or two, this says which setting or step fixes it.
/// </summary>
public static class ImportFailures
{
    private static readonly (string[] Words, string Advice)[] Known =
    {
        (new[] { "kernel" },
            "The Linux kernel is not one VM Import supports for this distribution: boot the VM on a supported kernel "
            + "(see 'Requirements for resources imported with VM Import/Export', Linux), remove the others, export again and re-import."),
        (new[] { "bootloader", "boot loader", "grub", "bios boot partition", "uefi" },
            "VM Import could not find or use the boot loader: Linux needs GRUB (legacy) or GRUB2 installed on the boot disk; "
            + "a UEFI VM needs -BootMode uefi. Fix the boot loader in the VM, export again and re-import."),
        (new[] { "network", "driver", "firstbootfailure" },
            "The instance did not boot with network connectivity: enable DHCP on the VM's network adapter, make sure its drivers "
            + "(virtio/ENA on Linux; on Windows, no third-party firewall or antivirus blocking the first boot) are present, then re-import."),
        (new[] { "no valid partitions", "not bootable", "disk validation", "partition", "logical volume", "multiple directories", "unknown os", "missing os files" },
            "The disk is not a bootable system disk VM Import can read: import the VM's boot disk (the first disk of the VM), "
            + "with the operating system installed on one partition or volume group; check the VM boots before exporting it."),
        (new[] { "unsupported file format", "unknown image format", "invalid format", "format" },
            "The file is not a format VM Import reads: run Test-VmImport on it, and export the VM again as OVA, stream-optimized VMDK, VHD/VHDX or raw."),
        (new[] { "service role", "vmimport", "permission" },
            "The service role cannot read the disk or register the image: run Test-VmImport -S3Uri ... -RoleName ... and apply each Fix."),
    };

    /// <summary>The advice for a failed task's StatusMessage; a generic one when it is none of the known texts.</summary>
    public static string Advice(string? statusMessage)
    {
        var text = statusMessage ?? "";
        foreach (var (words, advice) in Known)
            if (words.Any(w => text.IndexOf(w, StringComparison.OrdinalIgnoreCase) >= 0)) return advice;
        return "See 'Troubleshooting VM Import/Export' in the VM Import/Export User Guide for this message; fix the VM, export again and re-import.";
    }

    /// <summary>Whether a task has ended (completed, or deleted after a failure or a cancel).</summary>
    public static bool HasEnded(string status) => status is "completed" or "deleted" or "deleting";
}
