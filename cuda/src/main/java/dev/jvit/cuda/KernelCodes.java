package dev.jvit.cuda;

import dev.jvit.core.backend.BinaryOp;
import dev.jvit.core.backend.ReduceOp;
import dev.jvit.core.backend.UnaryOp;

/**
 * The op codes the kernels switch on (the #defines at the top of elementwise.cu and reductions.cu). Spelled
 * out instead of using ordinals: reordering an enum must not silently change which function a GPU computes,
 * and a new constant fails to compile here until it gets a code (and a kernel case).
 */
final class KernelCodes {
    private KernelCodes() {}

    static int of(UnaryOp op) {
        return switch (op) {
            case NEG -> 0;
            case EXP -> 1;
            case LOG -> 2;
            case SQRT -> 3;
            case RSQRT -> 4;
            case TANH -> 5;
            case ERF -> 6;
            case ABS -> 7;
            case RELU -> 8;
            case SIGMOID -> 9;
            case STEP -> 10;
        };
    }

    static int of(BinaryOp op) {
        return switch (op) {
            case ADD -> 0;
            case SUB -> 1;
            case MUL -> 2;
            case DIV -> 3;
            case MAX -> 4;
            case MIN -> 5;
            case POW -> 6;
            case EQ -> 7;
            case NE -> 8;
            case LT -> 9;
            case LE -> 10;
            case GT -> 11;
            case GE -> 12;
        };
    }

    static int of(ReduceOp op) {
        return switch (op) {
            case SUM -> 0;
            case MEAN -> 1;
            case MAX -> 2;
            case MIN -> 3;
        };
    }
}
