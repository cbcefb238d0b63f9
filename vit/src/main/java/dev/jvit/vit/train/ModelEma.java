package dev.jvit.vit.train;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.NDArray;
import dev.jvit.nn.Module;
import dev.jvit.nn.Parameter;
import dev.jvit.vit.model.Models;

import java.util.List;
import java.util.Map;

/**
 * An exponential moving average of a model's weights, timm's {@code ModelEmaV3} without warmup: after every
 * optimizer step, each averaged parameter moves towards the live one,
 * <pre>
 *   ema = decay * ema + (1 - decay) * param  =  ema + (1 - decay) * (param - ema)     (torch.lerp)
 * </pre>
 * and buffers are copied. The average lives in a second instance of the same model, so it is evaluated with
 * the same forward code, in eval mode, and saved as a state dict.
 *
 * <p>The update is one fused in-place pass per parameter, with no graph: the backends' SGD kernel computes
 * {@code p - lr * (g + wd * p)} in one read and one write, and with p = ema, g = param, wd = -1 and
 * lr = -(1 - decay) that is {@code ema + (1 - decay) * (param - ema)}, the lerp above. So every backend
 * (CPU SIMD, scalar, CUDA) already has the kernel, and their results agree as for SGD.
 */
public final class ModelEma {
    private final double decay;
    private final Models.Built ema;
    private final List<Parameter> live, averaged;
    private final Map<String, Tensor> liveBuffers, averagedBuffers;

    /**
     * @param decay the weight of the old average per step, in (0, 1)
     * @param model the live model
     * @param copy  a second, separately built instance of the same model; its weights are overwritten
     */
    public ModelEma(double decay, Module model, Models.Built copy) {
        if (!(decay > 0 && decay < 1)) throw new IllegalArgumentException("--ema decay must be in (0, 1), got " + decay);
        this.decay = decay;
        this.ema = copy;
        this.live = model.namedParameters();
        this.averaged = copy.module().namedParameters();
        this.liveBuffers = model.namedBuffers();
        this.averagedBuffers = copy.module().namedBuffers();
        if (live.size() != averaged.size() || !liveBuffers.keySet().equals(averagedBuffers.keySet())) {
            throw new IllegalArgumentException("the EMA copy is not the same model");
        }
        copy.module().loadStateDict(model.stateDict(), true);
        copy.module().eval();
    }

    public double decay() {
        return decay;
    }

    /** The averaged model (in eval mode). */
    public Models.Built model() {
        return ema;
    }

    /** One step of the average: ema ← lerp(ema, param, 1 - decay) for every parameter; buffers copied. */
    public void update() {
        for (int i = 0; i < live.size(); i++) {
            NDArray e = averaged.get(i).tensor().value(), p = live.get(i).tensor().value();
            e.backend().sgdUpdate(e, p, null, -(1.0 - decay), 0, 0, false, -1.0, true);
        }
        for (var b : liveBuffers.entrySet()) averagedBuffers.get(b.getKey()).value().copyFrom(b.getValue().value());
    }

    /** The averaged weights, for the checkpoint. */
    public Map<String, NDArray> stateDict() {
        return ema.module().stateDict();
    }

    /** Restores the averaged weights from a checkpoint. */
    public void load(Map<String, NDArray> state) {
        ema.module().loadStateDict(state, true);
    }
}
