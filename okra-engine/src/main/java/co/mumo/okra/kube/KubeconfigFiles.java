package co.mumo.okra.kube;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which kubeconfig files a run reads, by kubectl's rules: {@code --kubeconfig} (which must exist),
 * else every existing file {@code $KUBECONFIG} lists (kubectl skips the missing ones), else
 * {@code ~/.kube/config}. Unlike kubectl, a {@code $KUBECONFIG} that names no existing file is an
 * error rather than an empty configuration: a CI job that set it meant something, and falling back to
 * another identity (the in-cluster one) would act on a cluster nobody asked for.
 */
final class KubeconfigFiles {
  private KubeconfigFiles() {}

  /** Empty when no kubeconfig is configured at all: only then may the in-cluster config be used. */
  static List<File> resolve(Optional<Path> explicit, Optional<String> variable, Path home) {
    if (explicit.isPresent()) {
      Path p = explicit.get();
      if (!Files.exists(p)) throw new KubeconfigException("kubeconfig " + p + " (--kubeconfig) does not exist");
      if (!Files.isRegularFile(p)) throw new KubeconfigException("kubeconfig " + p + " (--kubeconfig) is not a file");
      return List.of(p.toFile());
    }
    if (variable.isPresent() && !variable.get().isBlank()) {
      List<File> existing = new ArrayList<>();
      for (String name : variable.get().split(File.pathSeparator)) {
        if (!name.isBlank() && new File(name).isFile()) existing.add(new File(name));
      }
      if (existing.isEmpty()) {
        throw new KubeconfigException("$KUBECONFIG is " + variable.get() + ", and no such file exists; point it at your kubeconfig,"
            + " or unset it to use ~/.kube/config");
      }
      return existing;
    }
    File fallback = home.resolve(".kube").resolve("config").toFile();
    return fallback.isFile() ? List.of(fallback) : List.of();
  }
}
