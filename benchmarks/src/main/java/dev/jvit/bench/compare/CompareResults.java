package dev.jvit.bench.compare;

import dev.jvit.bench.MachineInfo;
import java.util.List;

/**
 * Everything one {@code bench compare} run measured, as written to its JSON file ({@code --json}) and read
 * back by {@code bench report}. PyTorch's figures are null when it was not available.
 *
 * @param date          when the run started (ISO-8601, local time with offset)
 * @param command       the command line that produced it
 * @param machine       the machine, with the load average when the run started
 * @param loadAfter     the load average when it ended (other work running at the same time slows both sides)
 * @param torchVersion  PyTorch's version, or null
 * @param torchMissing  why PyTorch could not be used, or null
 * @param ompWaitPolicy the OMP_WAIT_POLICY PyTorch ran with
 */
public record CompareResults(String date, String command, MachineInfo machine, String loadAfter, String device,
                             int threads, String torchVersion, String torchMissing, String ompWaitPolicy,
                             List<Train> train, List<Gemm> gemm, List<Memory> memory) {

    /** Training throughput of one preset: medians over the rounds, and every round's figure. */
    public record Train(String config, int batch, int stepsPerRound, double jvit, Double torch, List<Double> jvitRounds,
                        List<Double> torchRounds) {}

    /** SGEMM GFLOP/s of square size x size operands: medians over the rounds, and every round's figure. */
    public record Gemm(int size, double jvit, Double torch, int productsPerRound, List<Double> jvitRounds,
                       List<Double> torchRounds) {}

    public record Memory(String config, int batch, MemoryFigures figures) {}
}
