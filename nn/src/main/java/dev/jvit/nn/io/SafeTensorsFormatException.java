package dev.jvit.nn.io;

import java.io.IOException;

/**
 * A safetensors file that cannot be read or written as asked: truncated, a malformed or inconsistent
 * header, an unsupported dtype, a value out of range. The message always names the file (or source) and
 * what is wrong with it, so a bad checkpoint is found without a debugger.
 */
public final class SafeTensorsFormatException extends IOException {
    private final String source;

    public SafeTensorsFormatException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
    }

    public SafeTensorsFormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
    }

    /** The file path (or the name given for in-memory bytes) the problem was found in. */
    public String source() {
        return source;
    }
}
