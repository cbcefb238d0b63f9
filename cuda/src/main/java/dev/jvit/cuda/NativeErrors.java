package dev.jvit.cuda;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what JCuda throws when it cannot start into one line for a user. JCuda packs the nested stack
 * traces of its two loading attempts into the message of one UnsatisfiedLinkError; the useful part is the
 * name of the system library that the dynamic linker could not find.
 */
public final class NativeErrors {
    private static final Pattern MISSING_LIBRARY =
            Pattern.compile("([\\w.+-]+\\.so(?:\\.\\d+)*): cannot open shared object file");
    private static final Pattern CUDA_ERROR = Pattern.compile("(CUDA_ERROR_\\w+)");

    private NativeErrors() {}

    /** One line, never null, never a stack trace. */
    public static String describe(Throwable t) {
        String message = t.getMessage() == null ? "" : t.getMessage();
        Matcher lib = MISSING_LIBRARY.matcher(message);
        if (lib.find()) {
            String name = lib.group(1);
            if (name.startsWith("libcuda.so")) return "no NVIDIA driver (" + name + " not found)";
            return name + " not found";
        }
        Matcher err = CUDA_ERROR.matcher(message);
        if (err.find()) {
            return switch (err.group(1)) {
                case "CUDA_ERROR_NO_DEVICE" -> "no CUDA device";
                case "CUDA_ERROR_INSUFFICIENT_DRIVER" -> "the NVIDIA driver is older than JCuda "
                        + "12.6 needs (CUDA_ERROR_INSUFFICIENT_DRIVER)";
                default -> "CUDA could not start (" + err.group(1) + ")";
            };
        }
        String first = message.lines().findFirst().orElse("").strip();
        return t.getClass().getSimpleName() + (first.isEmpty() ? "" : ": " + first);
    }
}
