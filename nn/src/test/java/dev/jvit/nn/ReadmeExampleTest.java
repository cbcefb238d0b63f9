package dev.jvit.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Keeps the "Use jvit as a dependency" example honest: the code in README.md's "Use jvit as a dependency" must be exactly the text
 * between the markers of ReadmeExample.java (which this build compiles), and running it must train a
 * model that classifies well and reloads from its checkpoint with the same accuracy.
 */
class ReadmeExampleTest {
    private static final String BEGIN = "// readme-example:begin", END = "// readme-example:end";

    /** Maven runs tests in the module folder (nn/); the docs live at the repository root. */
    private static Path moduleDir() {
        return Path.of(System.getProperty("user.dir"));
    }

    private static String exampleSource() throws IOException {
        Path src = moduleDir().resolve("src/test/java/dev/jvit/nn/ReadmeExample.java");
        assertTrue(Files.isRegularFile(src), "cannot find " + src + " (run the tests from the nn module)");
        String text = Files.readString(src).replace("\r\n", "\n");
        int b = text.indexOf(BEGIN), e = text.indexOf(END);
        assertTrue(b >= 0 && e > b, "ReadmeExample.java must hold the markers " + BEGIN + " and " + END);
        return text.substring(b + BEGIN.length(), e).strip();
    }

    @Test
    void docsShowExactlyTheCompiledExample() throws IOException {
        Path doc = moduleDir().resolve("../README.md").normalize();
        assertTrue(Files.isRegularFile(doc), "cannot find " + doc);
        String text = Files.readString(doc).replace("\r\n", "\n");
        Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(text);
        String example = exampleSource();
        StringBuilder blocks = new StringBuilder();
        while (m.find()) {
            String block = m.group(1).strip();
            if (block.equals(example)) return;
            blocks.append(block, 0, Math.min(80, block.length())).append("...\n");
        }
        fail(doc + " has no ```java block equal to the text between the markers of ReadmeExample.java; "
                + "copy it again. Blocks found:\n" + blocks);
    }

    @Test
    void exampleTrainsSavesAndReloads(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            ReadmeExample.main(new String[] {dir.toString()});
        } finally {
            System.setOut(old);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        Matcher m = Pattern.compile("accuracy ([0-9.]+), after reloading step (\\d+): ([0-9.]+)").matcher(out);
        assertTrue(m.find(), "unexpected output:\n" + out);
        double trained = Double.parseDouble(m.group(1)), reloaded = Double.parseDouble(m.group(3));
        assertTrue(trained > 0.9, "the example should learn the rings, accuracy " + trained + "\n" + out);
        assertEquals(trained, reloaded, "the reloaded model must predict as the trained one");
        assertEquals("150", m.group(2));
        assertEquals(List.of("rings.json", "rings.model-000001.safetensors", "rings.optim-000001.safetensors"),
                Files.list(dir).map(p -> p.getFileName().toString()).sorted().toList());
    }
}
