package co.mumo.okra.runner.docs;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The generated files under docs/: checked against what the code generates now, or rewritten when
 * the build runs with {@code -Dokra.docs.write=true}.
 */
public final class DocsFiles {
  public static final String REGENERATE = "mvn -pl okra-runner test -Dokra.docs.write=true";

  private DocsFiles() {}

  /** The repository root: the nearest directory up from the working directory that has docs/ and okra-runner/. */
  public static Path repoRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("docs")) && Files.isDirectory(p.resolve("okra-runner"))) return p;
    }
    throw new IllegalStateException("cannot find the repository root (with docs/ and okra-runner/) above " + Path.of("").toAbsolutePath());
  }

  /** Fails, naming the first line that differs and how to regenerate, unless the file is what the code generates. */
  public static void checkOrWrite(String relativePath, String generated) {
    Path file = repoRoot().resolve(relativePath);
    try {
      if (Boolean.getBoolean("okra.docs.write")) {
        Files.writeString(file, generated, StandardCharsets.UTF_8);
        return;
      }
      String current = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n") : null;
      if (generated.equals(current)) return;
      fail(relativePath + " is out of date with the code" + firstDifference(current, generated)
          + ". Regenerate it with: " + REGENERATE + " (and commit the result)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String firstDifference(String current, String generated) {
    if (current == null) return " (it does not exist)";
    List<String> a = current.lines().toList();
    List<String> b = generated.lines().toList();
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      String x = i < a.size() ? a.get(i) : "<end of file>";
      String y = i < b.size() ? b.get(i) : "<end of file>";
      if (!x.equals(y)) return " (line " + (i + 1) + ": has \"" + x + "\", the code generates \"" + y + "\")";
    }
    return " (they differ in line endings or a final newline)";
  }
}
