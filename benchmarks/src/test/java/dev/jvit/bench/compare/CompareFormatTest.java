package dev.jvit.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lines bench compare prints and the replies it reads, without running anything. */
class CompareFormatTest {

    @Test
    void trainLineMatchesTheIssuesFormat() {
        assertEquals("train mnist-small cpu threads=2: jvit 1234 img/s, torch 456 img/s, ratio 2.71",
                CompareFormat.trainLine("mnist-small", "cpu", 2, 1234.4, 455.6));
        assertEquals("train vit-ti16 cpu threads=1: jvit 4.21 img/s, torch 2.00 img/s, ratio 2.11",
                CompareFormat.trainLine("vit-ti16", "cpu", 1, 4.213, 2.0));
        assertEquals("train mnist-tiny cpu threads=1: jvit 900 img/s, torch n/a",
                CompareFormat.trainLine("mnist-tiny", "cpu", 1, 900, Double.NaN));
    }

    @Test
    void gemmAndMemoryLines() {
        assertEquals("sgemm 1024 threads=2: jvit 150.2 GFLOP/s, torch 180.1 GFLOP/s, ratio 0.83",
                CompareFormat.gemmLine(1024, 2, 150.2, 180.1));
        assertEquals("sgemm 128 threads=1: jvit 20.0 GFLOP/s, torch n/a", CompareFormat.gemmLine(128, 1, 20, Double.NaN));
        long mb = 1 << 20;
        assertEquals("memory mnist-small cpu batch=128: jvit heap peak 410 MB (live after forward 95 MB), torch peak RSS "
                        + "545 MB (247 MB after import and build)",
                CompareFormat.memoryLine("mnist-small", "cpu", 128, new MemoryFigures(410 * mb, 95 * mb, -1, 545 * mb, 247 * mb, -1)));
        assertEquals("memory mnist-tiny cuda:0 batch=8: jvit heap peak 10 MB (live after forward 5 MB), device peak 3 MB, "
                        + "torch peak RSS 900 MB, device peak 4 MB",
                CompareFormat.memoryLine("mnist-tiny", "cuda:0", 8, new MemoryFigures(10 * mb, 5 * mb, 3 * mb, 900 * mb, -1, 4 * mb)));
        assertEquals("memory m cpu batch=1: jvit heap peak 1 MB (live after forward 1 MB), torch n/a",
                CompareFormat.memoryLine("m", "cpu", 1, new MemoryFigures(mb, mb, -1, -1, -1, -1)));
    }

    @Test
    void parsesServerReplies() {
        Map<String, String> r = CompareFormat.parseReply("ready params=1994 torch=1.13.0 threads=2 rss_after_build_kb=242292\n", "ready", "PyTorch");
        assertEquals(Map.of("params", "1994", "torch", "1.13.0", "threads", "2", "rss_after_build_kb", "242292"), r);
        assertEquals("0.25", CompareFormat.parseReply("done steps=3 seconds=0.25", "done", "PyTorch").get("seconds"));
        IllegalStateException wrong = assertThrows(IllegalStateException.class,
                () -> CompareFormat.parseReply("error unknown command 'x'", "done", "PyTorch"));
        assertTrue(wrong.getMessage().contains("error unknown command"), wrong.getMessage());
        IllegalStateException ended = assertThrows(IllegalStateException.class, () -> CompareFormat.parseReply(null, "ready", "PyTorch"));
        assertTrue(ended.getMessage().contains("ended"), ended.getMessage());
        assertThrows(IllegalStateException.class, () -> CompareFormat.parseReply("done seconds", "done", "PyTorch"));
    }

    @Test
    void medianAndMissingTorchAdvice() {
        assertEquals(2.0, CompareFormat.median(new double[] {3, 1, 2}));
        assertEquals(2.5, CompareFormat.median(new double[] {4, 1, 2, 3}));
        assertThrows(IllegalArgumentException.class, () -> CompareFormat.median(new double[0]));
        String m = CompareFormat.torchMissing("/usr/bin/python3", "'import torch' failed: No module named 'torch'");
        assertTrue(m.contains("python3-torch") && m.contains("No module named 'torch'") && m.contains("/usr/bin/python3"), m);
    }
}
