package dev.jvit.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvit.bench.TrainStep;
import dev.jvit.core.Device;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Both ends of the step-server protocol: jvit's servers on a script of commands, the client on real processes. */
class StepServerTest {

    private static List<String> serve(String commands) throws IOException {
        TrainStep step = new TrainStep("mnist-tiny", 2, Device.CPU, 1);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        TrainStepServer.serve(step, () -> -1, new BufferedReader(new StringReader(commands)), new PrintStream(buf, true, StandardCharsets.UTF_8));
        return buf.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void jvitServerTimesStepsMeasuresMemoryAndRejectsWhatItDoesNotKnow() throws IOException {
        List<String> lines = serve("steps 2\n\nmemory\nsteps 0\nsteps x\nquit\nsteps 1\n");
        assertEquals(5, lines.size(), lines.toString()); // ready, done, memory, two errors; nothing after quit
        Map<String, String> ready = CompareFormat.parseReply(lines.get(0), "ready", "jvit");
        assertEquals("2", ready.get("batch"));
        assertTrue(Long.parseLong(ready.get("params")) > 0, lines.get(0));
        Map<String, String> done = CompareFormat.parseReply(lines.get(1), "done", "jvit");
        assertEquals("2", done.get("steps"));
        assertTrue(Double.parseDouble(done.get("seconds")) > 0, lines.get(1));
        Map<String, String> memory = CompareFormat.parseReply(lines.get(2), "memory", "jvit");
        assertTrue(Long.parseLong(memory.get("heap_peak_bytes")) >= Long.parseLong(memory.get("live_bytes")), lines.get(2));
        assertTrue(Long.parseLong(memory.get("live_bytes")) > 0, lines.get(2));
        assertEquals("-1", memory.get("device_peak_bytes"));
        for (int i = 3; i < 5; i++) {
            assertTrue(lines.get(i).startsWith("error unknown command") && lines.get(i).contains("steps N, memory, quit"), lines.get(i));
        }
        assertEquals(2, serve("steps 1").size(), "the end of input ends the loop like quit");
    }

    /** A server without memory figures (the GEMM server's kind) counts its steps and refuses "memory". */
    @Test
    void aServerWithoutMemoryRunsEveryStepAndRefusesMemory() throws IOException {
        int[] calls = new int[1];
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ServedSteps.serve("size=8", () -> calls[0]++, null, new BufferedReader(new StringReader("steps 3\nmemory\nsteps 2\n")),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        List<String> lines = buf.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of("ready size=8"), lines.subList(0, 1));
        assertEquals("3", CompareFormat.parseReply(lines.get(1), "done", "jvit").get("steps"));
        assertEquals("error unknown command 'memory' (expected: steps N, quit)", lines.get(2));
        assertEquals("2", CompareFormat.parseReply(lines.get(3), "done", "jvit").get("steps"));
        assertEquals(5, calls[0], "every step requested ran, and nothing else");
    }

    @Test
    void clientReadsAServerAndNamesOneThatDiesBeforeReplying() throws IOException {
        Process ok = new ProcessBuilder("sh", "-c",
                "echo 'ready params=7'; while read c n; do [ \"$c\" = quit ] && exit 0; echo \"done steps=$n seconds=0.5\"; done")
                .start();
        try (StepServer s = new StepServer(ok, "test")) {
            assertEquals("7", s.ready().get("params"));
            assertEquals(0.5, s.steps(3));
        }
        Process dies = new ProcessBuilder("sh", "-c", "exit 3").start();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new StepServer(dies, "jvit"));
        assertTrue(e.getMessage().contains("the jvit process ended before replying 'ready'"), e.getMessage());
    }
}
