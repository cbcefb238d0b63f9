package dev.jvit.vit.train;

import dev.jvit.autograd.NoGrad;
import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;
import dev.jvit.nn.Parameter;
import dev.jvit.nn.functional.Functional;
import dev.jvit.nn.functional.Reduction;
import dev.jvit.nn.optim.ParamGroup;
import dev.jvit.vit.data.Batch;
import dev.jvit.vit.data.Mixing;
import dev.jvit.vit.model.DistilledVisionTransformer;
import dev.jvit.vit.model.Models;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The pieces of the training recipe that are plain arithmetic: DeiT's distillation loss and head averaging,
 * the EMA update, weight-decay groups of the distillation token, mixup with label smoothing, and the
 * training accuracy under soft targets.
 */
class DistillationAndEmaTest {

    @Test
    void hardDistillationLossMatchesAHandComputedValue() {
        // cls logits [[1,2,0],[0,0,3]] with labels [1,2]; dist logits [[2,0,1],[1,1,1]] with teacher labels [0,1]:
        // 0.5·mean(lse(cls)-cls[y]) + 0.5·mean(lse(dist)-dist[t]) = 0.50218679 (worked out with logsumexp)
        var heads = new DistilledVisionTransformer.Heads(Tensor.param(NDArray.of(new float[] {1, 2, 0, 0, 0, 3}, 2, 3)),
                Tensor.param(NDArray.of(new float[] {2, 0, 1, 1, 1, 1}, 2, 3)));
        Tensor labels = Tensor.of(NDArray.ofInts(new int[] {1, 2}, 2));
        Tensor teacher = Tensor.of(NDArray.ofInts(new int[] {0, 1}, 2));
        assertEquals(0.50218679, DistillationLoss.hard(heads, labels, 0f, teacher).item(), 1e-6);
        // without a teacher the distillation head learns the labels: 1.00218679
        assertEquals(1.00218679, DistillationLoss.hard(heads, labels, 0f, null).item(), 1e-6);
        // the teacher's labels are never smoothed: smoothing changes the class half only
        double smoothCls = Functional.crossEntropy(heads.cls(), labels, 0.1f, Functional.IGNORE_INDEX, Reduction.MEAN).item();
        double hardDist = Functional.crossEntropy(heads.dist(), teacher).item();
        assertEquals(0.5 * smoothCls + 0.5 * hardDist, DistillationLoss.hard(heads, labels, 0.1f, teacher).item(), 1e-6);
    }

    @Test
    void predictionAveragesTheTwoHeadsInEvalMode() {
        Models.Built b = Models.create("deit-mnist", 10, new Generator(3));
        DistilledVisionTransformer m = (DistilledVisionTransformer) b.module();
        m.eval();
        NDArray x = NDArray.empty(dev.jvit.core.DType.FLOAT32, 2, 1, 28, 28);
        dev.jvit.nn.init.Init.normal(x, 0f, 1f, new Generator(4));
        try (NoGrad ignored = NoGrad.enter()) {
            var heads = m.forwardHeads(Tensor.of(x));
            float[] cls = heads.cls().value().toFloatArray(), dist = heads.dist().value().toFloatArray();
            float[] pred = b.layer().forward(Tensor.of(x)).value().toFloatArray();
            assertFalse(java.util.Arrays.equals(cls, dist), "the two heads differ, so the test can tell");
            for (int i = 0; i < pred.length; i++) assertEquals((cls[i] + dist[i]) / 2, pred[i], 1e-6f);
        }
        assertArrayEquals(new int[] {2, 10}, b.layer().forward(Tensor.of(x)).shape());
    }

    @Test
    void distillationTokenIsExcludedFromWeightDecay() {
        Module m = Models.create("deit-mnist", 10, new Generator(1)).module();
        List<ParamGroup> groups = ParamGroup.splitByDecay(m, 0.05);
        List<String> noDecay = groups.get(0).params().stream().map(Parameter::name).toList();
        List<String> decay = groups.get(1).params().stream().map(Parameter::name).toList();
        assertEquals(0.0, groups.get(0).weightDecay());
        assertTrue(noDecay.containsAll(List.of("cls_token", "dist_token", "pos_embed", "head_dist.bias", "norm.weight")), noDecay.toString());
        assertTrue(decay.contains("head_dist.weight") && !decay.contains("dist_token"), decay.toString());
    }

    /** One parameter and one buffer, to follow the EMA by hand. */
    private static final class Tiny extends Module implements Layer {
        final Tensor w, buf;

        Tiny(float a, float b) {
            w = registerParameter("w", NDArray.of(new float[] {a, b}, 2));
            buf = registerBuffer("buf", NDArray.of(new float[] {a}, 1));
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.mul(w);
        }
    }

    @Test
    void emaUpdateMatchesAHandComputedValue() {
        Tiny live = new Tiny(1, 2), copy = new Tiny(9, 9);
        ModelEma ema = new ModelEma(0.75, live, new Models.Built(copy, copy, 1, 1));
        assertArrayEquals(new float[] {1, 2}, copy.w.value().toFloatArray(), "starts as a copy of the model");
        live.w.value().copyFrom(NDArray.of(new float[] {3, 6}, 2));
        live.buf.value().copyFrom(NDArray.of(new float[] {5}, 1));
        ema.update(); // 0.75·[1, 2] + 0.25·[3, 6]
        assertArrayEquals(new float[] {1.5f, 3f}, copy.w.value().toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {5f}, copy.buf.value().toFloatArray(), "buffers are copied");
        ema.update(); // 0.75·[1.5, 3] + 0.25·[3, 6]
        assertArrayEquals(new float[] {1.875f, 3.75f}, copy.w.value().toFloatArray(), 1e-6f);
        assertFalse(copy.isTraining(), "the average is evaluated in eval mode");
        assertThrows(IllegalArgumentException.class, () -> new ModelEma(1.0, live, new Models.Built(copy, copy, 1, 1)));
    }

    @Test
    void mixedTargetsWithSmoothingAreTimmsAndSumToOne() {
        int b = 4, classes = 5;
        int[] labels = {0, 3, 1, 4};
        float[] x = new float[b * 4];
        for (int i = 0; i < x.length; i++) x[i] = i;
        float[] t = new Mixing(0.8f, 0f, 0.5f).apply(x, labels, 1, 2, 2, classes, new Generator(7));
        float lam = t[labels[0]];
        assertTrue(lam > 0 && lam < 1, "a blend: " + lam);
        float eps = 0.1f;
        // timm: lam · smooth_onehot(y_i) + (1 - lam) · smooth_onehot(y_{B-1-i}), with off = eps / C, on = 1 - eps + off
        float[] timm = new float[b * classes];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < classes; k++) {
                float a = k == labels[i] ? 1 - eps + eps / classes : eps / classes;
                float c = k == labels[b - 1 - i] ? 1 - eps + eps / classes : eps / classes;
                timm[i * classes + k] = lam * a + (1 - lam) * c;
            }
        }
        for (int i = 0; i < b; i++) {
            double rowT = 0, rowTimm = 0;
            for (int k = 0; k < classes; k++) {
                rowT += t[i * classes + k];
                rowTimm += timm[i * classes + k];
            }
            assertEquals(1.0, rowT, 1e-6, "mixed target row " + i);
            assertEquals(1.0, rowTimm, 1e-6, "smoothed mixed target row " + i);
        }
        // the trainer's loss (mixed targets, smoothing inside the cross-entropy) equals timm's soft-target loss
        NDArray logits = NDArray.of(new float[] {1, -2, 0.5f, 3, 0, 0, 1, 2, -1, 0.3f, 2, 2, 0, -1, 1, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f}, b, classes);
        double ours = Functional.crossEntropy(Tensor.of(logits), Tensor.of(NDArray.of(t, b, classes)), eps,
                Functional.IGNORE_INDEX, Reduction.MEAN).item();
        double theirs = Functional.crossEntropy(Tensor.of(logits), Tensor.of(NDArray.of(timm, b, classes))).item();
        assertEquals(theirs, ours, 1e-5);
    }

    @Test
    void trainingAccuracyWithSoftTargetsCountsTheDominantClass() {
        // image 0 is 30% class 0 (its own label) and 70% class 1: predicting 1 is right; image 1 is plain class 2
        NDArray targets = NDArray.of(new float[] {0.3f, 0.7f, 0f, 0f, 0f, 1f}, 2, 3);
        Batch b = new Batch(NDArray.zeros(2, 1, 1, 1), NDArray.ofInts(new int[] {0, 2}, 2), targets);
        NDArray logits = NDArray.of(new float[] {0f, 5f, 1f, 0f, 1f, 4f}, 2, 3);
        assertEquals(2, Trainer.countCorrect(logits, b));
        Batch hard = new Batch(NDArray.zeros(2, 1, 1, 1), NDArray.ofInts(new int[] {0, 2}, 2), null);
        assertEquals(1, Trainer.countCorrect(logits, hard));
    }
}
