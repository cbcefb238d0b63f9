package dev.jvit.nn.optim;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parameter groups, stepping rules, learning rates and the state dict of the optimizers. */
class OptimizerTest {

    private static TestMlp mlp(long seed) {
        return new TestMlp(new Generator(seed), 3, 4, 2, 0f);
    }

    /** One forward/backward on fixed data, so every parameter gets a gradient. */
    private static void backward(TestMlp m, long seed) {
        Generator g = new Generator(seed);
        m.loss(Tensor.randn(g, 5, 3), Tensor.randn(g, 5, 2), g).backward();
    }

    @Test
    void splitByDecayFollowsTheParametersFlags() {
        List<ParamGroup> groups = ParamGroup.splitByDecay(mlp(1), 0.05);
        assertEquals(2, groups.size());
        assertEquals(List.of("fc1.bias", "fc2.bias"), groups.get(0).params().stream().map(Parameter::name).toList());
        assertEquals(0.0, groups.get(0).weightDecay());
        assertEquals(List.of("fc1.weight", "fc2.weight"), groups.get(1).params().stream().map(Parameter::name).toList());
        assertEquals(0.05, groups.get(1).weightDecay());
    }

    @Test
    void noDecayGroupIsUntouchedByDecayAndDecayGroupShrinks() {
        // zero gradients: the only movement AdamW makes is its decoupled decay
        TestMlp m = mlp(2);
        AdamW opt = new AdamW(m, 0.1, 0.5);
        Map<String, float[]> before = new HashMap<>();
        for (Parameter p : m.namedParameters()) {
            before.put(p.name(), p.tensor().toFloatArray());
            p.tensor().mul(Tensor.of(NDArray.zeros(p.tensor().shape()))).sum().backward();
        }
        opt.step();
        for (Parameter p : m.namedParameters()) {
            float[] b = before.get(p.name()), a = p.tensor().toFloatArray();
            for (int i = 0; i < a.length; i++) {
                float expected = p.decay() ? (float) (b[i] * (1 - 0.1 * 0.5)) : b[i];
                assertEquals(expected, a[i], 1e-6f, p.name() + "[" + i + "]");
            }
        }
    }

    @Test
    void parametersWithoutGradientsAreSkipped() {
        TestMlp m = mlp(3);
        Parameter w = m.namedParameters().get(0);
        AdamW opt = new AdamW(ParamGroup.all(m, 0.1), 0.01);
        float[] before = w.tensor().toFloatArray();
        opt.step();
        assertArrayEquals(before, w.tensor().toFloatArray());
        assertEquals(0, opt.stepCount(w.name()));
        assertNull(opt.buffer("exp_avg", w.name()));
        backward(m, 4);
        opt.step();
        assertEquals(1, opt.stepCount(w.name()));
        assertNotNull(opt.buffer("exp_avg", w.name()));
    }

    @Test
    void zeroGradDropsEveryGradient() {
        TestMlp m = mlp(5);
        SGD opt = new SGD(ParamGroup.all(m, 0), 0.1);
        backward(m, 6);
        assertTrue(m.parameters().stream().allMatch(t -> t.grad() != null));
        opt.zeroGrad();
        assertTrue(m.parameters().stream().allMatch(t -> t.grad() == null));
    }

    @Test
    void setLrAppliesEachGroupsScale() {
        TestMlp m = mlp(7);
        List<Parameter> ps = m.namedParameters();
        ParamGroup a = new ParamGroup(ps.subList(0, 2), 0.0), b = new ParamGroup(ps.subList(2, 4), 0.1, 0.25);
        SGD opt = new SGD(List.of(a, b), 0.4);
        assertEquals(0.4, a.lr());
        assertEquals(0.1, b.lr());
        opt.setLr(2.0);
        assertEquals(2.0, a.lr());
        assertEquals(0.5, b.lr());
        assertThrows(IllegalArgumentException.class, () -> opt.setLr(-1));
        assertThrows(IllegalArgumentException.class, () -> opt.setLr(Double.NaN));
    }

    @Test
    void plainSgdIsGradientDescent() {
        Tensor w = Tensor.param(NDArray.of(new float[] {1f, -2f}, 2));
        SGD opt = new SGD(List.of(new ParamGroup(List.of(new Parameter("w", w, true)), 0)), 0.5);
        w.mul(Tensor.of(NDArray.of(new float[] {0.2f, 0.4f}, 2))).sum().backward();
        opt.step();
        assertArrayEquals(new float[] {0.9f, -2.2f}, w.toFloatArray(), 1e-7f);
    }

    @Test
    void badConfigurationsAreRefused() {
        TestMlp m = mlp(8);
        List<Parameter> ps = m.namedParameters();
        var e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(
                new ParamGroup(ps, 0), new ParamGroup(ps.subList(0, 1), 0)), 0.1));
        assertTrue(e.getMessage().contains("fc1.weight") && e.getMessage().contains("twice"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(ParamGroup.all(m, 0), 0.1, 0, 0, true));
        assertTrue(e.getMessage().contains("Nesterov"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(ParamGroup.all(m, 0), 0.1, 0.9, 0.1, true));
        assertTrue(e.getMessage().contains("dampening"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AdamW(ParamGroup.all(m, 0), 0.1, 1.0, 0.999, 1e-8));
        assertTrue(e.getMessage().contains("beta1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ParamGroup(ps, -0.1));
        assertTrue(e.getMessage().contains("weight decay"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AdamW(List.of(), 0.1));
        assertTrue(e.getMessage().contains("group"), e.getMessage());
    }

    @Test
    void stateDictNamesBuffersByParameterAndCarriesStepsAndHyperParameters() {
        TestMlp m = mlp(9);
        AdamW opt = new AdamW(m, 0.01, 0.05);
        for (int i = 0; i < 2; i++) {
            opt.zeroGrad();
            backward(m, 10 + i);
            opt.step();
        }
        OptimizerState s = opt.stateDict();
        assertEquals(8, s.tensors().size());
        assertTrue(s.tensors().containsKey("exp_avg.fc1.weight"));
        assertTrue(s.tensors().containsKey("exp_avg_sq.fc2.bias"));
        assertEquals("AdamW", s.metadata().get("optimizer"));
        assertEquals("2", s.metadata().get("step.fc1.weight"));
        assertEquals("0.999", s.metadata().get("beta2"));
        assertTrue(s.metadata().get("param_groups").contains("\"weight_decay\":0.05"), s.metadata().get("param_groups"));
    }

    @Test
    void loadedStateContinuesExactly() {
        // two optimizers, one continuing after a state-dict round trip into fresh objects
        for (boolean adam : new boolean[] {true, false}) {
            TestMlp a = mlp(20), b = mlp(20);
            Optimizer oa = adam ? new AdamW(a, 0.01, 0.1) : new SGD(ParamGroup.splitByDecay(a, 1e-3), 0.05, 0.9, 0, true);
            for (int i = 0; i < 3; i++) {
                oa.zeroGrad();
                backward(a, 30 + i);
                oa.step();
            }
            b.loadStateDict(a.stateDict(), true);
            Optimizer ob = adam ? new AdamW(b, 0.5, 0.1) : new SGD(ParamGroup.splitByDecay(b, 1e-3), 0.7, 0.9, 0, true);
            ob.loadStateDict(oa.stateDict());
            assertEquals(oa.paramGroups().get(1).lr(), ob.paramGroups().get(1).lr(), "lr restored from the state");
            for (int i = 3; i < 5; i++) {
                for (var pair : new Object[][] {{a, oa}, {b, ob}}) {
                    ((Optimizer) pair[1]).zeroGrad();
                    backward((TestMlp) pair[0], 30 + i);
                    ((Optimizer) pair[1]).step();
                }
            }
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(a.parameters().get(i).toFloatArray(), b.parameters().get(i).toFloatArray(),
                        "adam=" + adam + " parameter " + i);
            }
        }
    }

    @Test
    void loadingRefusesStateThatDoesNotFitAndNamesTheProblem() {
        TestMlp m = mlp(40);
        AdamW opt = new AdamW(m, 0.01, 0.05);
        backward(m, 41);
        opt.step();
        OptimizerState good = opt.stateDict();

        var e = assertThrows(IllegalArgumentException.class,
                () -> new SGD(ParamGroup.splitByDecay(mlp(40), 0.05), 0.1).loadStateDict(good));
        assertTrue(e.getMessage().contains("AdamW") && e.getMessage().contains("SGD"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> new AdamW(ParamGroup.splitByDecay(mlp(40), 0.05), 0.01, 0.9, 0.95, 1e-8).loadStateDict(good));
        assertTrue(e.getMessage().contains("beta2"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> new AdamW(ParamGroup.all(mlp(40), 0.05), 0.01).loadStateDict(good));
        assertTrue(e.getMessage().contains("parameter group"), e.getMessage());

        Map<String, NDArray> tensors = new HashMap<>(good.tensors());
        tensors.remove("exp_avg.fc1.weight");
        tensors.put("exp_avg_sq.fc2.weight", NDArray.zeros(7));
        tensors.put("exp_avg.head.weight", NDArray.zeros(2));
        AdamW fresh = new AdamW(mlp(40), 0.01, 0.05);
        e = assertThrows(IllegalArgumentException.class, () -> fresh.loadStateDict(new OptimizerState(tensors, good.metadata())));
        String msg = e.getMessage();
        assertTrue(msg.contains("missing keys: exp_avg.fc1.weight"), msg);
        assertTrue(msg.contains("unexpected keys: exp_avg.head.weight"), msg);
        assertTrue(msg.contains("mis-shaped keys: exp_avg_sq.fc2.weight (saved [7]"), msg);
        assertEquals(0, fresh.stepCount("fc1.weight"), "nothing changed");
    }
}
