package dev.jvit.nn.init;

import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ranges and moments of the initialisers on samples large enough that a wrong factor (a missing sqrt, the
 * wrong fan) is far outside the tolerance, and the fans PyTorch computes.
 */
class InitTest {

    /** mean, standard deviation, min, max. */
    private static double[] stats(NDArray a) {
        float[] v = a.toFloatArray();
        double s = 0, s2 = 0, lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (float x : v) {
            s += x;
            s2 += (double) x * x;
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        double mean = s / v.length;
        return new double[] {mean, Math.sqrt(s2 / v.length - mean * mean), lo, hi};
    }

    private static void assertUniform(NDArray a, double bound) {
        double[] s = stats(a);
        assertTrue(s[2] >= -bound && s[3] <= bound, "values outside +-" + bound);
        assertTrue(s[2] < -0.95 * bound && s[3] > 0.95 * bound, "values do not reach +-" + bound);
        assertEquals(bound / Math.sqrt(3), s[1], 0.03 * bound);
    }

    @Test
    void fansFollowPyTorch() {
        assertArrayEquals(new long[] {20, 30}, Init.fans(NDArray.zeros(30, 20), "t"));
        assertArrayEquals(new long[] {3 * 16, 8 * 16}, Init.fans(NDArray.zeros(8, 3, 4, 4), "t"));
        assertThrows(IllegalArgumentException.class, () -> Init.fans(NDArray.zeros(5), "t"));
    }

    @Test
    void uniformAndNormal() {
        assertUniform(Init.uniform(NDArray.zeros(200, 100), -0.3f, 0.3f, new Generator(1)), 0.3);
        double[] s = stats(Init.normal(NDArray.zeros(200, 100), 0.5f, 2f, new Generator(2)));
        assertEquals(0.5, s[0], 0.05);
        assertEquals(2.0, s[1], 0.05);
    }

    @Test
    void truncatedNormalStaysInsideAbsoluteBounds() {
        NDArray a = Init.truncNormal(NDArray.zeros(200, 100), 0f, 1f, -2f, 2f, new Generator(3));
        double[] s = stats(a);
        assertTrue(s[2] >= -2 && s[3] <= 2);
        assertTrue(s[2] < -1.9 && s[3] > 1.9);
        assertEquals(0.8796, s[1], 0.02); // the standard deviation of N(0,1) truncated to [-2, 2]
        double[] vit = stats(Init.truncNormal(NDArray.zeros(200, 100), 0.02f, new Generator(4)));
        assertEquals(0.02, vit[1], 0.001); // timm's ViT: bounds +-2 are 100 std away, nothing is cut
        assertThrows(IllegalArgumentException.class,
                () -> Init.truncNormal(NDArray.zeros(3), 0f, 0.01f, 5f, 6f, new Generator(5)));
    }

    @Test
    void xavier() {
        NDArray w = NDArray.zeros(300, 100);
        assertUniform(Init.xavierUniform(w, 1.0, new Generator(6)), Math.sqrt(6.0 / 400));
        assertEquals(Math.sqrt(2.0 / 400), stats(Init.xavierNormal(w, 1.0, new Generator(7)))[1], 0.002);
    }

    @Test
    void kaiming() {
        NDArray w = NDArray.zeros(300, 100);
        assertUniform(Init.kaimingUniform(w, 0, FanMode.FAN_IN, Nonlinearity.RELU, new Generator(8)), Math.sqrt(2) * Math.sqrt(3.0 / 100));
        assertUniform(Init.kaimingUniform(w, 0, FanMode.FAN_OUT, Nonlinearity.LINEAR, new Generator(9)), Math.sqrt(3.0 / 300));
        double std = stats(Init.kaimingNormal(w, 0.1, FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, new Generator(10)))[1];
        assertEquals(Math.sqrt(2.0 / 1.01) / 10, std, 0.003);
    }

    @Test
    void pyTorchLinearDefaultIsOneOverSqrtFanIn() {
        assertUniform(Init.defaultWeight(NDArray.zeros(400, 64), new Generator(11)), 1.0 / 8);
        assertUniform(Init.defaultBias(NDArray.zeros(20000), 64, new Generator(12)), 1.0 / 8);
    }

    @Test
    void constantsAndSeeds() {
        assertArrayEquals(new float[] {0, 0}, Init.zeros(NDArray.full(3f, 2)).toFloatArray());
        assertArrayEquals(new float[] {1, 1}, Init.ones(NDArray.zeros(2)).toFloatArray());
        assertArrayEquals(Init.normal(NDArray.zeros(8), 0f, 1f, new Generator(13)).toFloatArray(),
                Init.normal(NDArray.zeros(8), 0f, 1f, new Generator(13)).toFloatArray());
        assertEquals(Math.sqrt(2), Nonlinearity.RELU.gain(0), 1e-12);
        assertEquals(5.0 / 3, Nonlinearity.TANH.gain(0), 1e-12);
    }
}
