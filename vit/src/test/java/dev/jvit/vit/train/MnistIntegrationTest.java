package dev.jvit.vit.train;

import dev.jvit.core.Device;
import dev.jvit.vit.data.DataCache;
import dev.jvit.vit.data.Mnist;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Trains on real MNIST for a bounded number of steps (two epochs of the course's hybrid model, about half a
 * minute on 2 cores) and requires at least 95% on 1,000 test images. CI fetches MNIST first
 * ({@code ./jvit data fetch mnist} in .ci/run); elsewhere the test is skipped when the data is not cached.
 */
class MnistIntegrationTest {

    @Test
    void hybridModelLearnsMnist(@TempDir Path out) throws IOException {
        Path dir = DataCache.defaultRoot().resolve("mnist");
        if (!Mnist.isComplete(dir)) {
            if (System.getenv("CI") != null) fail("MNIST is missing from " + dir + ": .ci/run must run ./jvit data fetch mnist first");
            Assumptions.abort("MNIST is not in " + dir + " (run ./jvit data fetch mnist to include this test)");
        }
        TrainOptions o = new TrainOptions("hybrid-mnist", "mnist", dir, 2, 128, 1e-3, 0.0, 0.1, 0f, 1.0, Device.CPU,
                Runtime.getRuntime().availableProcessors(), 42, out, false, 0, 1000, 0, false, 0f, 0f, false);
        Trainer.Result r = new Trainer(o, new PrintStream(System.out)).run();
        assertTrue(r.testAccuracy() >= 0.95, "test accuracy " + r.testAccuracy() + " below 95%");
    }
}
