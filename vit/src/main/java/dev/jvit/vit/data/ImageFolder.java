package dev.jvit.vit.data;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A user's own images: one sub-folder per class (sorted by name, as torchvision's ImageFolder does), PNG or
 * JPEG files inside, each resized to a fixed size and read as grey (1 channel) or RGB (3 channels).
 */
public final class ImageFolder {
    private ImageFolder() {}

    public static ImageDataset load(Path root, int channels, int height, int width) throws IOException {
        if (channels != 1 && channels != 3) throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        if (!Files.isDirectory(root)) throw new java.nio.file.NoSuchFileException(root.toString(), null, "image folder not found");
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(root)) {
            classDirs = s.filter(Files::isDirectory).sorted().toList();
        }
        if (classDirs.isEmpty()) throw new IOException(root + " has no class sub-folders (expected ROOT/CLASS/image.png)");
        List<byte[]> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        String[] names = new String[classDirs.size()];
        for (int c = 0; c < classDirs.size(); c++) {
            names[c] = classDirs.get(c).getFileName().toString();
            List<Path> files;
            try (Stream<Path> s = Files.list(classDirs.get(c))) {
                files = s.filter(ImageFolder::isImage).sorted().toList();
            }
            for (Path f : files) {
                BufferedImage img = ImageIO.read(f.toFile());
                if (img == null) throw new IOException(f + " is not a readable PNG or JPEG image");
                images.add(toBytes(img, channels, height, width));
                labels.add(c);
            }
        }
        if (images.isEmpty()) throw new IOException(root + " contains no .png/.jpg/.jpeg images");
        int size = channels * height * width;
        byte[] pixels = new byte[images.size() * size];
        for (int i = 0; i < images.size(); i++) System.arraycopy(images.get(i), 0, pixels, i * size, size);
        return new ImageDataset("folder:" + root.getFileName(), channels, height, width, names.length, names, pixels,
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    /** Resizes with bilinear filtering and returns (C, H, W) bytes. */
    public static byte[] toBytes(BufferedImage img, int channels, int height, int width) {
        BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, width, height, null);
        g.dispose();
        byte[] out = new byte[channels * height * width];
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = scaled.getRGB(x, y);
                int r = (rgb >> 16) & 0xff, gr = (rgb >> 8) & 0xff, b = rgb & 0xff;
                if (channels == 1) {
                    out[y * width + x] = (byte) Math.round(0.299 * r + 0.587 * gr + 0.114 * b);
                } else {
                    out[y * width + x] = (byte) r;
                    out[plane + y * width + x] = (byte) gr;
                    out[2 * plane + y * width + x] = (byte) b;
                }
            }
        }
        return out;
    }
}
