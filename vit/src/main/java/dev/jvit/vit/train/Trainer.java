package dev.jvit.vit.train;

import dev.jvit.autograd.NoGrad;
import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.Parallel;
import dev.jvit.core.cpu.StepArena;
import dev.jvit.nn.functional.Functional;
import dev.jvit.nn.functional.Reduction;
import dev.jvit.nn.io.Checkpoint;
import dev.jvit.nn.optim.AdamW;
import dev.jvit.nn.optim.GradClip;
import dev.jvit.nn.schedule.LrSchedule;
import dev.jvit.vit.data.Augmentation;
import dev.jvit.vit.data.Batch;
import dev.jvit.vit.data.BatchLoader;
import dev.jvit.vit.data.DataSplits;
import dev.jvit.vit.data.ImageDataset;
import dev.jvit.vit.data.Mixing;
import dev.jvit.vit.data.Normalization;
import dev.jvit.vit.data.RandAugment;
import dev.jvit.vit.model.DistilledVisionTransformer;
import dev.jvit.vit.model.ModelSpec;
import dev.jvit.vit.model.Models;
import dev.jvit.vit.viz.CurvePlot;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import dev.jvit.core.NDArray;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The training loop behind {@code jvit train}: AdamW with linear warmup and cosine decay, cross-entropy with
 * optional label smoothing, a validation pass and an atomic checkpoint after every epoch, {@code metrics.csv}
 * and {@code curves.png} in the run folder, a checkpoint on Ctrl-C, exact resumption, and the test accuracy
 * printed last. The recipe options: stochastic depth ({@code --drop-path}), RandAugment, mixup/cutmix with
 * soft-target cross-entropy (smoothing applies to the mixed targets, as timm's), an EMA of the weights
 * evaluated beside the model and saved with it, and DeiT's hard-label distillation from a teacher run for
 * models with a distillation token. The running loss and accuracy stay on the model's device and are read
 * back every step on the CPU but only every few steps on a GPU ({@link RunningTotals}).
 *
 * <p>Every random choice is a function of the seed: initialisation, the order and augmentation of each batch
 * (see {@link BatchLoader}) and the dropout masks (their generators are saved in the checkpoint), so a run
 * repeats exactly for a given seed and thread count, and a resumed run continues as if never stopped.
 */
public final class Trainer {
    static final String CHECKPOINT = "last.json";
    private static final int EVAL_BATCH = 500;

    private final TrainOptions o;
    private final PrintStream out;
    private volatile boolean stopRequested;
    private long stopAtStep = Long.MAX_VALUE;
    private final CountDownLatch stopped = new CountDownLatch(1);

    public Trainer(TrainOptions options, PrintStream out) {
        this.o = options;
        this.out = out;
    }

    /** What a finished (or interrupted) run reports. */
    public record Result(double testAccuracy, double testLoss, int epochsDone, long steps, boolean interrupted,
                         double emaTestAccuracy) {}

    public Result run() throws IOException {
        Parallel.setThreads(o.threads());
        int[] input = Models.inputShape(o.model()); // {channels, size}
        DataSplits data = DataSplits.load(o.dataset(), o.dataDir(), o.valSize(), o.trainLimit(), o.testLimit(),
                input[1], input[0], out);
        ImageDataset train = data.train();
        if (train.channels() != input[0] || train.height() != input[1] || train.width() != input[1]) {
            throw new IllegalArgumentException(o.model() + " expects " + input[0] + "x" + input[1] + "x"
                    + input[1] + " images but " + train.name() + " has " + train.channels() + "x"
                    + train.height() + "x" + train.width() + " (pick a model that fits the dataset)");
        }
        ModelSpec spec = Models.spec(o.model());
        if (o.dropPath() != null) spec = spec.withDropPath(o.dropPath());
        Models.Built model = spec.create(train.numClasses(), new Generator(o.seed()));
        model.module().to(o.device());
        DistilledVisionTransformer distilled = model.module() instanceof DistilledVisionTransformer d ? d : null;
        Normalization norm = Normalization.forDataset(train);
        Teacher teacher = null;
        if (o.teacher() != null) {
            if (distilled == null) {
                throw new IllegalArgumentException("--teacher needs a model with a distillation token (e.g. deit-mnist); "
                        + o.model() + " has none");
            }
            teacher = Teacher.load(o.teacher(), input[0], input[1], train.numClasses(), norm, o.device());
        }
        ModelEma ema = null;
        if (o.ema() > 0) {
            // a second instance of the same model holds the average; its initial values are copied over
            Models.Built copy = spec.create(train.numClasses(), new Generator(o.seed()));
            copy.module().to(o.device());
            ema = new ModelEma(o.ema(), model.module(), copy);
        }

        BatchLoader.Builder trainLoader = BatchLoader.builder(train, o.batchSize()).seed(o.seed()).device(o.device());
        if (o.augment()) {
            trainLoader.augment(Augmentation.randomCrop(train.height() >= 32 ? 4 : 2));
            if (train.name().startsWith("cifar")) trainLoader.augment(Augmentation.horizontalFlip());
        }
        if (o.randAugmentN() > 0) trainLoader.augment(new RandAugment(o.randAugmentN(), o.randAugmentM(), norm));
        if (o.mixup() > 0 || o.cutmix() > 0) trainLoader.mixing(new Mixing(o.mixup(), o.cutmix(), 0.5f));
        BatchLoader loader = trainLoader.build();
        BatchLoader valLoader = evalLoader(data.validation());
        BatchLoader testLoader = evalLoader(data.test());

        int stepsPerEpoch = loader.batchesPerEpoch();
        long totalSteps = (long) stepsPerEpoch * o.epochs();
        long warmupSteps = Math.round(o.warmupEpochs() * stepsPerEpoch);
        LrSchedule schedule = LrSchedule.cosine(o.lr(), 0.0, Math.min(warmupSteps, totalSteps - 1), totalSteps);
        AdamW optimizer = new AdamW(model.module(), o.lr(), o.weightDecay());
        StepArena arena = new StepArena();
        Map<String, Generator> generators = RandomStates.collect(model.module());

        Files.createDirectories(o.outDir());
        new RunInfo(o.model(), o.dataset(), train.classNames(), train.channels(), train.height(), norm.mean(),
                norm.std(), o.seed()).write(o.outDir());
        Path checkpoint = o.outDir().resolve(CHECKPOINT);
        MetricsLog metrics = new MetricsLog(o.outDir().resolve("metrics.csv"));
        long step = 0;
        int startEpoch = 0;
        double best = Double.NaN;
        if (o.resume()) {
            if (!Files.exists(checkpoint)) throw new IOException("--resume: no checkpoint at " + checkpoint);
            Checkpoint.Progress p = Checkpoint.load(checkpoint, model.module(), optimizer);
            generators.forEach(p::restore);
            Map<String, NDArray> emaState = Checkpoint.loadExtra(checkpoint, EMA);
            if (ema != null) {
                if (emaState == null) {
                    throw new IllegalArgumentException("--resume with --ema: " + checkpoint
                            + " holds no EMA weights (the run was started without --ema)");
                }
                ema.load(emaState);
            } else if (emaState != null) {
                out.println("note: the checkpoint's EMA weights are dropped (no --ema given)");
            }
            step = p.step();
            startEpoch = (int) p.epoch();
            best = p.bestMetric();
            metrics.loadExisting(startEpoch);
            out.printf(Locale.ROOT, "resumed from %s at epoch %d, step %d%n", checkpoint, startEpoch, step);
        }

        out.printf(Locale.ROOT, "model %s: %,d parameters; %s: %d train, %d validation, %d test images; device %s, %d threads%n",
                o.model(), model.module().parameterCount(), o.dataset(), train.size(), data.validation().size(),
                data.test().size(), o.device(), Parallel.threads());
        if (teacher != null) {
            out.printf(Locale.ROOT, "distilling from teacher %s (%s)%n", teacher.run().info().model(), teacher.run().checkpoint());
        } else if (distilled != null) {
            out.printf(Locale.ROOT, "%s: no --teacher, so the distillation head learns the labels too%n", o.model());
        }

        Thread hook = new Thread(this::onInterrupt, "jvit-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        int epoch = startEpoch;
        Eval finalTest = null, finalEmaTest = null;
        try {
            for (; epoch < o.epochs(); epoch++) {
                int firstBatch = (int) (step - (long) epoch * stepsPerEpoch);
                long t0 = System.nanoTime();
                RunningTotals totals = RunningTotals.forDevice(o.device());
                model.module().train();
                try (ProgressBar bar = progressBar(epoch, stepsPerEpoch, firstBatch)) {
                    for (Batch b : loader.epoch(epoch, firstBatch)) {
                        schedule.apply(optimizer, step);
                        boolean read;
                        // the step's arrays are the last step's, recycled; everything kept past it is made outside
                        try (StepArena.Cycle cycle = arena.open()) {
                            Tensor images = Tensor.of(b.images());
                            Tensor target = Tensor.of(b.targets() != null ? b.targets() : b.labels());
                            Tensor loss;
                            NDArray logits;
                            if (distilled != null) {
                                DistilledVisionTransformer.Heads heads = distilled.forwardHeads(images);
                                Tensor teacherLabels = teacher != null ? Tensor.of(teacher.labels(b.images())) : null;
                                loss = DistillationLoss.hard(heads, target, o.labelSmoothing(), teacherLabels);
                                logits = heads.cls().value().add(heads.dist().value()); // the argmax of their mean
                            } else {
                                Tensor y = model.layer().forward(images);
                                loss = Functional.crossEntropy(y, target, o.labelSmoothing(), Functional.IGNORE_INDEX,
                                        Reduction.MEAN);
                                logits = y.value();
                            }
                            optimizer.zeroGrad();
                            loss.backward();
                            if (o.gradClip() > 0) GradClip.clipGradNorm(model.module(), o.gradClip());
                            optimizer.step();
                            if (ema != null) ema.update();
                            read = totals.add(loss.value(), logits, b);
                        }
                        step++;
                        if (bar != null) {
                            bar.step();
                            if (read) {
                                double secs = (System.nanoTime() - t0) / 1e9;
                                bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f acc %.2f%% %.0f img/s",
                                        totals.meanLoss(), 100 * totals.accuracy(), totals.seenAtRead() / secs));
                            }
                        }
                        if (stopRequested || step == stopAtStep) {
                            save(checkpoint, model, optimizer, ema, Checkpoint.Progress.of(epoch, step, best, generators));
                            out.printf(Locale.ROOT, "%ninterrupted: checkpoint saved at epoch %d, step %d; continue with --resume%n",
                                    epoch, step);
                            return new Result(Double.NaN, Double.NaN, epoch, step, true, Double.NaN);
                        }
                    }
                }
                totals.read(); // the last steps' sums; this also waits for a device to finish the epoch
                double secs = (System.nanoTime() - t0) / 1e9;
                Eval val = evaluate(model, valLoader);
                Eval emaVal = ema != null ? evaluate(ema.model(), valLoader) : null;
                if (epoch + 1 == o.epochs() && data.validation() == data.test()) {
                    finalTest = val; // the test set was the validation set: the final model is measured already
                    finalEmaTest = emaVal;
                }
                if (Double.isNaN(best) || val.accuracy > best) best = val.accuracy;
                EpochMetrics m = new EpochMetrics(epoch + 1, totals.meanLoss(), totals.accuracy(),
                        val.loss, val.accuracy, optimizer.paramGroups().get(0).lr(), totals.seen() / secs, secs,
                        emaVal != null ? emaVal.accuracy : Double.NaN);
                metrics.append(m);
                CurvePlot.write(metrics.rows(), o.model() + " on " + o.dataset(), o.outDir().resolve("curves.png"));
                save(checkpoint, model, optimizer, ema, Checkpoint.Progress.of(epoch + 1, step, best, generators));
                out.printf(Locale.ROOT, "epoch %d/%d: train loss %.4f acc %.2f%% | val loss %.4f acc %.2f%%%s | %.0f img/s, %.1f s%n",
                        epoch + 1, o.epochs(), m.trainLoss(), 100 * m.trainAccuracy(), m.valLoss(), 100 * m.valAccuracy(),
                        emaVal != null ? String.format(Locale.ROOT, " | EMA val acc %.2f%%", 100 * emaVal.accuracy) : "",
                        m.imagesPerSec(), secs);
            }
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting (Ctrl-C): the hook is running and waits for us
            }
        }
        Eval test = finalTest != null ? finalTest : evaluate(model, testLoader);
        out.printf(Locale.ROOT, "test accuracy: %.2f%% (%d/%d), test loss %.4f%n", 100 * test.accuracy,
                test.correct, test.count, test.loss);
        double emaAccuracy = Double.NaN;
        if (ema != null) {
            Eval e = finalEmaTest != null ? finalEmaTest : evaluate(ema.model(), testLoader);
            emaAccuracy = e.accuracy;
            out.printf(Locale.ROOT, "EMA (decay %s) test accuracy: %.2f%% (%d/%d), test loss %.4f%n", ema.decay(),
                    100 * e.accuracy, e.correct, e.count, e.loss);
        }
        return new Result(test.accuracy, test.loss, epoch, step, false, emaAccuracy);
    }

    static final String EMA = "ema";

    /** One atomic checkpoint: model, optimizer, progress and, with --ema, the averaged weights. */
    private static void save(Path checkpoint, Models.Built model, AdamW optimizer, ModelEma ema, Checkpoint.Progress p)
            throws IOException {
        Checkpoint.save(checkpoint, model.module(), optimizer, p, ema != null ? Map.of(EMA, ema.stateDict()) : Map.of());
    }

    /** Behave as if Ctrl-C arrived during this step (tests of the interrupt-and-resume path). */
    Trainer stopAtStep(long step) {
        this.stopAtStep = step;
        return this;
    }

    /** Ctrl-C: ask the loop to save at the end of the current step, and give it time to do so. */
    private void onInterrupt() {
        stopRequested = true;
        try {
            stopped.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private BatchLoader evalLoader(ImageDataset d) {
        return BatchLoader.builder(d, Math.min(EVAL_BATCH, d.size())).shuffle(false).device(o.device()).build();
    }

    private ProgressBar progressBar(int epoch, int steps, int first) {
        if (!o.progress()) return null;
        ProgressBar bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, o.epochs()))
                .setInitialMax(steps).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
                .continuousUpdate().setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                .build();
        bar.stepTo(first);
        return bar;
    }

    private record Eval(double loss, double accuracy, long correct, long count) {}

    /** Mean loss and accuracy over a whole split, in eval mode without recording a graph. */
    static Eval evaluate(Models.Built model, BatchLoader loader) {
        model.module().eval();
        double lossSum = 0;
        long correct = 0, count = 0;
        StepArena arena = new StepArena(); // each batch reuses the last one's arrays
        try (NoGrad ignored = NoGrad.enter()) {
            for (Batch b : loader.epoch(0)) {
                try (StepArena.Cycle cycle = arena.open()) {
                    Tensor logits = model.layer().forward(Tensor.of(b.images()));
                    Tensor loss = Functional.crossEntropy(logits, Tensor.of(b.labels()), 0f, Functional.IGNORE_INDEX,
                            Reduction.SUM);
                    lossSum += loss.item();
                    correct += countCorrect(logits.value(), b);
                }
                count += b.size();
            }
        }
        model.module().train();
        return new Eval(lossSum / count, (double) correct / count, correct, count);
    }

    /** Predictions that match the batch's {@link RunningTotals#classes} (the label, or a mixed target's top class). */
    static long countCorrect(NDArray logits, Batch b) {
        int[] predicted = logits.argmax(1).toIntArray();
        int[] labels = RunningTotals.classes(b).toIntArray();
        long c = 0;
        for (int i = 0; i < labels.length; i++) if (predicted[i] == labels[i]) c++;
        return c;
    }
}
