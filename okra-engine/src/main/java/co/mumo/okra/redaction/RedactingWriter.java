package co.mumo.okra.redaction;

import java.io.IOException;
import java.io.Writer;

/** {@link RedactingOutputStream} for character streams: what the CLI's writers print goes through it. */
public final class RedactingWriter extends Writer {
  private final Writer target;
  private final StringBuilder line = new StringBuilder();

  public RedactingWriter(Writer target) {
    this.target = target;
  }

  @Override
  public synchronized void write(char[] cbuf, int off, int len) throws IOException {
    for (int i = off; i < off + len; i++) {
      line.append(cbuf[i]);
      if (cbuf[i] == '\n') emit();
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
    if (line.length() == 0) return;
    target.write(Secrets.redact(line.toString()));
    line.setLength(0);
  }
}
