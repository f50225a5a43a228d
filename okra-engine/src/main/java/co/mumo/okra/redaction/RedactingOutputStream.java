package co.mumo.okra.redaction;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Passes text through {@link Secrets#redact} a line at a time, so a secret split over several writes
 * of one line (PrintStream flushes after each {@code print}) is still found. A line still open at the
 * end goes out with {@link #drain} or {@link #close}. Lines are decoded as UTF-8, as the runner writes them.
 */
public final class RedactingOutputStream extends OutputStream {
  private static final int MAX_LINE = 64 * 1024;
  private final OutputStream target;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  public RedactingOutputStream(OutputStream target) {
    this.target = target;
  }

  @Override
  public synchronized void write(int b) throws IOException {
    line.write(b);
    if (b == '\n' || line.size() >= MAX_LINE) emit();
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    for (int i = off; i < off + len; i++) {
      line.write(b[i]);
      if (b[i] == '\n' || line.size() >= MAX_LINE) emit();
    }
  }

  /** Flushes the lines written so far; a line without its newline yet waits for the rest. */
  @Override
  public synchronized void flush() throws IOException {
    target.flush();
  }

  /** Passes on the open line as well: at the end of a command. */
  public synchronized void drain() throws IOException {
    emit();
    target.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    drain();
    target.close();
  }

  private void emit() throws IOException {
    if (line.size() == 0) return;
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    target.write(Secrets.redact(text).getBytes(StandardCharsets.UTF_8));
  }
}
