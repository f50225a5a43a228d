package co.mumo.okra.redaction;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Passes text through {@link Secrets#redact} a line at a time (a secret split over two writes of one
 * line is still found); a flush without a newline passes on what it has, so prompts and progress
 * still appear. Lines are decoded as UTF-8, as the runner writes them.
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

  @Override
  public synchronized void flush() throws IOException {
    emit();
    target.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    flush();
    target.close();
  }

  private void emit() throws IOException {
    if (line.size() == 0) return;
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    target.write(Secrets.redact(text).getBytes(StandardCharsets.UTF_8));
  }
}
