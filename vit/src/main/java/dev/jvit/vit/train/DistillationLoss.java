package dev.jvit.vit.train;

import dev.jvit.autograd.Tensor;
import dev.jvit.nn.functional.Functional;
import dev.jvit.nn.functional.Reduction;
import dev.jvit.vit.model.DistilledVisionTransformer;

/**
 * DeiT's hard-label distillation loss (Touvron et al. 2021, their {@code DistillationLoss} with
 * {@code distillation_type='hard'}, alpha 0.5):
 * <pre>
 *   loss = 0.5 · CE(cls logits, target) + 0.5 · CE(dist logits, argmax of the teacher's logits)
 * </pre>
 * The class head's target is the batch's own (labels, or mixup/cutmix soft targets), smoothed as asked; the
 * teacher's labels are hard and never smoothed, as in DeiT. Without a teacher the distillation head learns the
 * same target as the class head, so both heads of the averaged prediction are trained.
 */
public final class DistillationLoss {
    private DistillationLoss() {}

    /**
     * @param heads          both heads' logits (B, classes)
     * @param target         INT32 (B) labels or FLOAT32 (B, classes) probabilities
     * @param labelSmoothing smoothing of target
     * @param teacherLabels  INT32 (B) teacher predictions, or null to train the distillation head on target
     */
    public static Tensor hard(DistilledVisionTransformer.Heads heads, Tensor target, float labelSmoothing,
                              Tensor teacherLabels) {
        Tensor cls = Functional.crossEntropy(heads.cls(), target, labelSmoothing, Functional.IGNORE_INDEX, Reduction.MEAN);
        Tensor dist = teacherLabels != null
                ? Functional.crossEntropy(heads.dist(), teacherLabels, 0f, Functional.IGNORE_INDEX, Reduction.MEAN)
                : Functional.crossEntropy(heads.dist(), target, labelSmoothing, Functional.IGNORE_INDEX, Reduction.MEAN);
        return cls.add(dist).mul(0.5f);
    }
}
