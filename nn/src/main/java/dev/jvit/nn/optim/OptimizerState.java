package dev.jvit.nn.optim;

import dev.jvit.core.NDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An optimizer's state as a checkpoint stores it: one safetensors file's worth. The tensors are the
 * per-parameter buffers named {@code <buffer>.<parameter>} ({@code exp_avg.blocks.0.attn.qkv.weight},
 * {@code momentum_buffer.head.bias}); the metadata strings hold the kind of optimizer, its
 * hyper-parameters, the parameter groups (JSON under {@code param_groups}) and each parameter's step count
 * ({@code step.<parameter>}).
 *
 * @param tensors  buffers by {@code <buffer>.<parameter>}
 * @param metadata safetensors {@code __metadata__} strings
 */
public record OptimizerState(Map<String, NDArray> tensors, Map<String, String> metadata) {
    public OptimizerState {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}
