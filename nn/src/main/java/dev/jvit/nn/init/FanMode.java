package dev.jvit.nn.init;

/**
 * Which fan the Kaiming initialisers scale by: FAN_IN keeps the variance of the forward activations, FAN_OUT
 * that of the backward gradients.
 */
public enum FanMode {
    FAN_IN,
    FAN_OUT
}
