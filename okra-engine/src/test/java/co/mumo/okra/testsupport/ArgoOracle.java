package co.mumo.okra.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Argo Rollouts itself as a judge: the oracle built by {@code scripts/argo-oracle.sh} from
 * tools/argo-oracle (Argo's utils/evaluate and metric providers), one process speaking line-delimited
 * JSON. Missing binary: the test fails and says how to build it.
 */
public final class ArgoOracle implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Argo's answer: the measurement's phase, stored value and message. */
  public record Answer(String phase, String value, String message) {}

  private final Process process;
  private final BufferedWriter in;
  private final BufferedReader out;

  private ArgoOracle(Process process) {
    this.process = process;
    this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  public static Path binary() {
    String configured = System.getProperty("okra.argoOracle", System.getenv("OKRA_ARGO_ORACLE"));
    return configured != null && !configured.isBlank() ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".cache", "okra", "argo-oracle", "argo-oracle");
  }

  public static ArgoOracle start() {
    Path bin = binary();
    if (!Files.isExecutable(bin)) {
      throw new AssertionError("The Argo Rollouts oracle is not built: " + bin + " is missing. Build it with "
          + "scripts/argo-oracle.sh (Go and the Go module proxy; scripts/test.sh runs it), or point -Dokra.argoOracle at it.");
    }
    try {
      return new ArgoOracle(new ProcessBuilder(bin.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    } catch (IOException e) {
      throw new UncheckedIOException("starting " + bin, e);
    }
  }

  /** The Argo Rollouts and expr versions compiled into the oracle. */
  public Map<?, ?> version() {
    return ask(List.of(Map.of("kind", "version")), Map.class).get(0);
  }

  /** Judges every request, in order (written while the answers are read, so the pipes never fill). */
  public List<Answer> judge(List<Map<String, Object>> requests) {
    List<Map> raw = ask(requests, Map.class);
    List<Answer> answers = new ArrayList<>(raw.size());
    for (Map<?, ?> a : (List<Map<?, ?>>) (List<?>) raw) {
      if (a.get("fault") != null) throw new IllegalStateException("the oracle could not read a request: " + a.get("fault"));
      answers.add(new Answer((String) a.get("phase"), (String) a.get("value"), (String) a.get("message")));
    }
    return answers;
  }

  private <T> List<T> ask(List<? extends Map<String, ?>> requests, Class<T> type) {
    CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
      try {
        for (Map<String, ?> r : requests) {
          in.write(JSON.writeValueAsString(r));
          in.write('\n');
        }
        in.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    List<T> answers = new ArrayList<>(requests.size());
    try {
      for (int i = 0; i < requests.size(); i++) {
        String line = out.readLine();
        if (line == null) throw new IllegalStateException("the oracle exited (code " + process.waitFor() + ")");
        answers.add(JSON.readValue(line, type));
      }
      writing.join();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return answers;
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException ignored) {
      // the process is ended below either way
    }
    process.destroy();
  }
}
