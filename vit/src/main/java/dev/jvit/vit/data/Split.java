package dev.jvit.vit.data;

/** Which part of a dataset: the training images or the held-out test images. */
public enum Split { TRAIN, TEST }
