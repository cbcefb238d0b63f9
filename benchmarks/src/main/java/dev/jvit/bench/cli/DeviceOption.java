package dev.jvit.bench.cli;

import dev.jvit.core.Device;
import dev.jvit.core.backend.Backends;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The {@code --device} option of the bench commands: parsed, and refused with the reason its backend is unavailable. */
final class DeviceOption {
    private DeviceOption() {}

    static Device usable(CommandSpec spec, String device) {
        Device dev;
        try {
            dev = Device.parse(device);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--device: " + e.getMessage());
        }
        String why = Backends.unavailableReason(dev);
        if (why != null) throw new ParameterException(spec.commandLine(), "--device " + device + " is unavailable: " + why);
        return dev;
    }
}
