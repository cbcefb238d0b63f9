package dev.jvit.cuda;

import dev.jvit.core.Device;
import dev.jvit.core.backend.Backends;

/** Run in a child JVM by {@link AvailabilityTest}: prints the CUDA verdict for cuda:0 and nothing else. */
public final class ProbeMain {
    private ProbeMain() {}

    public static void main(String[] args) {
        String reason = Backends.unavailableReason(Device.cuda(0));
        System.out.println(reason == null ? "available" : reason);
    }
}
